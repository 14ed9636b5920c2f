/**
 * The statement cache (sqlite-statements.ts) on a real SQLite connection, driven the way the Prisma
 * adapter drives it (`prepare(sql).bind(args)`, then `run()` or `columns()` and `raw().all()`):
 * a text is prepared once and runs with each call's own arguments, the least recently used text
 * leaves a full cache, a schema change starts afresh, and a failed statement can run again. Then
 * through the Prisma client itself: errors, rollbacks and reads after them.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { sqliteDriverOptions } from "./sqlite-binding.ts";
import { cacheStatements, MAX_CACHED_SQL_LENGTH, type CachedStatement } from "./sqlite-statements.ts";

function connection() {
  const db = new Database(":memory:", sqliteDriverOptions());
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)");
  return db;
}

/** The connection's prepare as the cache leaves it (typed as the adapter sees it). */
const prepared = (db: Database.Database) => db as unknown as { prepare(sql: string): CachedStatement };

describe("SQLite statement cache", () => {
  it("prepares a text once and runs it with each call's arguments", () => {
    const db = connection();
    const cache = cacheStatements(db);
    const insert = "INSERT INTO t (id, body) VALUES (?, ?)";
    for (let i = 1; i <= 5; i++)
      expect(
        prepared(db)
          .prepare(insert)
          .bind([i, `row ${i}`])
          .run().changes,
      ).toBe(1);
    const select = "SELECT id, body FROM t WHERE id >= ? ORDER BY id";
    const read = prepared(db).prepare(select).bind([4]);
    expect(read.reader).toBe(true);
    expect(read.columns().map((c) => c.name)).toEqual(["id", "body"]);
    expect(read.raw().all()).toEqual([
      [4, "row 4"],
      [5, "row 5"],
    ]);
    expect(prepared(db).prepare(select).bind([5]).raw().all()).toEqual([[5, "row 5"]]);
    expect(cache.prepared()).toBe(2);
    prepared(db).prepare("BEGIN").run();
    prepared(db).prepare("ROLLBACK").bind([]).run();
    expect(cache.prepared()).toBe(4);
  });

  it("evicts the least recently used text past its size", () => {
    const db = connection();
    const cache = cacheStatements(db, 2);
    const texts = ["SELECT 1", "SELECT 2", "SELECT 3"];
    prepared(db).prepare(texts[0]!).bind().raw().all();
    prepared(db).prepare(texts[1]!).bind().raw().all();
    prepared(db).prepare(texts[0]!).bind().raw().all(); // "SELECT 2" is now the oldest
    prepared(db).prepare(texts[2]!).bind().raw().all();
    expect(cache.cached()).toBe(2);
    expect(cache.prepared()).toBe(3);
    prepared(db).prepare(texts[0]!).bind().raw().all();
    expect(cache.prepared()).toBe(3);
    expect(prepared(db).prepare(texts[1]!).bind().raw().all()).toEqual([[2]]);
    expect(cache.prepared()).toBe(4);
  });

  it("prepares a long text (a many-row insert) each time instead of keeping it", () => {
    const db = connection();
    const cache = cacheStatements(db);
    const rows = Array.from({ length: 600 }, () => "(?, ?)").join(", ");
    const insert = `INSERT INTO t (id, body) VALUES ${rows}`;
    expect(insert.length).toBeGreaterThan(MAX_CACHED_SQL_LENGTH);
    for (const start of [0, 600]) {
      const args = Array.from({ length: 600 }, (_, i) => [start + i + 1, `row ${start + i + 1}`]).flat();
      expect(prepared(db).prepare(insert).bind(args).run().changes).toBe(600);
    }
    expect(cache.prepared()).toBe(2);
    expect(cache.cached()).toBe(0);
    expect(prepared(db).prepare("SELECT count(*) FROM t").bind().raw().all()).toEqual([[1200]]);
  });

  it("starts afresh after a schema change, so a text's columns are read again", () => {
    const db = connection();
    const cache = cacheStatements(db);
    const columnsOf = (sql: string) =>
      prepared(db)
        .prepare(sql)
        .bind()
        .columns()
        .map((c) => c.name);
    expect(columnsOf("SELECT * FROM t")).toEqual(["id", "body"]);
    db.exec("ALTER TABLE t ADD COLUMN note TEXT");
    expect(columnsOf("SELECT * FROM t")).toEqual(["id", "body", "note"]);
    expect(cache.prepared()).toBe(2);
  });

  it("runs a statement again after it failed", () => {
    const db = connection();
    cacheStatements(db);
    const insert = "INSERT INTO t (id, body) VALUES (?, ?)";
    prepared(db).prepare(insert).bind([1, "same"]).run();
    expect(() => prepared(db).prepare(insert).bind([2, "same"]).run()).toThrow(/UNIQUE/);
    expect(prepared(db).prepare(insert).bind([2, "other"]).run().changes).toBe(1);
    expect(prepared(db).prepare("SELECT body FROM t ORDER BY id").bind().raw().all()).toEqual([
      ["same"],
      ["other"],
    ]);
  });
});

describe("SQLite statement cache under the Prisma client", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("keeps answering after a constraint error and a rolled-back transaction", async () => {
    await t.db.appSetting.create({ data: { key: "cache.a", value: "1" } });
    await expect(t.db.appSetting.create({ data: { key: "cache.a", value: "2" } })).rejects.toMatchObject({
      code: "P2002",
    });
    await expect(
      t.db.$transaction(async (tx) => {
        await tx.appSetting.update({ where: { key: "cache.a" }, data: { value: "3" } });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    for (let i = 0; i < 3; i++)
      expect(await t.db.appSetting.findUnique({ where: { key: "cache.a" } })).toMatchObject({ value: "1" });
    await t.db.appSetting.update({ where: { key: "cache.a" }, data: { value: "4" } });
    expect(await t.db.appSetting.findUnique({ where: { key: "cache.a" } })).toMatchObject({ value: "4" });
  });
});
