import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { sqliteDriverOptions } from "../../server/db/sqlite-binding.ts";
import { formatSqlTimes, timeSqlStatements, type SqlTiming } from "./sql-timing.ts";

/** The addon this run loads (Node 24's with RCONDECK_SQLITE_BINDING), as the measured hub does. */
const memoryDatabase = () => new Database(":memory:", sqliteDriverOptions());

describe("bench SQL timing (BENCH_SQL_TIME)", () => {
  let timing: SqlTiming | null = null;
  afterEach(() => timing?.restore());

  it("counts every run and all of a real connection by SQL text, from the last reset, and restores", () => {
    const db = memoryDatabase();
    db.exec('CREATE TABLE "T" ("v" INTEGER)');
    const insert = db.prepare('INSERT INTO "T" ("v") VALUES (?)');
    timing = timeSqlStatements();
    insert.run(1); // before the window
    timing.reset();
    for (let i = 0; i < 5; i++) insert.run(i);
    expect(db.prepare('SELECT  "v"\n FROM "T"').all()).toHaveLength(6);
    const rows = timing.report();
    expect(rows.map((r) => [r.sql, r.calls])).toEqual(
      expect.arrayContaining([
        ['INSERT INTO "T" ("v") VALUES (?)', 5],
        ['SELECT "v" FROM "T"', 1],
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.ms >= 0)).toBe(true);

    timing.restore();
    insert.run(7);
    expect(timing.report().find((r) => r.sql.startsWith("INSERT"))?.calls).toBe(5);
    db.close();
  });

  it("a statement that throws is counted and still throws", () => {
    const db = memoryDatabase();
    db.exec('CREATE TABLE "U" ("v" INTEGER UNIQUE)');
    timing = timeSqlStatements();
    const insert = db.prepare('INSERT INTO "U" ("v") VALUES (1)');
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE/);
    expect(timing.report()).toEqual([
      expect.objectContaining({ sql: 'INSERT INTO "U" ("v") VALUES (1)', calls: 2 }),
    ]);
    db.close();
  });

  it("prints the total share of the window and the texts by time", () => {
    const text = formatSqlTimes(
      [
        { sql: "COMMIT", calls: 100, ms: 300 },
        { sql: "SELECT 1", calls: 10, ms: 30 },
      ],
      30,
      1,
    );
    expect(text.split("\n")).toEqual([
      "SQLite on the main thread over 30 s: 330 ms (1.1% of the window), 110 statements",
      "    300 ms     100 calls   3000 µs  COMMIT",
    ]);
  });
});
