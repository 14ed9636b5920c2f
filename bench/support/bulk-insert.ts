/**
 * Fast bulk inserts for benchmark seeding, below Prisma: a prepared statement in one transaction
 * per batch on SQLite (dates in the adapter's stored form), multi-row VALUES on PostgreSQL. Rows
 * of one call share their columns (the first row's keys); every NOT NULL column without a
 * database default (ids, updatedAt) must be given.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { sqliteDriverOptions } from "../../server/db/sqlite-binding.ts";
import type { TestDatabase } from "../../server/testing/databases.ts";

type Row = Record<string, string | number | Date | null>;

export interface BulkInserter {
  insert(table: string, rows: readonly Row[]): Promise<void>;
  close(): Promise<void>;
}

/** How @prisma/adapter-better-sqlite3 stores a DateTime (iso8601): comparisons are textual. */
function sqliteValue(value: Row[string]): string | number | null {
  return value instanceof Date ? value.toISOString().replace("Z", "+00:00") : value;
}

export async function bulkInserter(t: TestDatabase): Promise<BulkInserter> {
  if (t.kind === "sqlite") {
    const db = new Database(t.url.slice("file:".length), sqliteDriverOptions());
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = OFF");
    return {
      insert(table, rows) {
        if (rows.length === 0) return Promise.resolve();
        const columns = Object.keys(rows[0]!);
        const statement = db.prepare(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
        );
        db.transaction(() => {
          for (const row of rows) statement.run(columns.map((c) => sqliteValue(row[c] ?? null)));
        })();
        return Promise.resolve();
      },
      close() {
        db.close();
        return Promise.resolve();
      },
    };
  }
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  return {
    async insert(table, rows) {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0]!);
      // PostgreSQL takes at most 65,535 parameters per statement.
      const perStatement = Math.floor(60_000 / columns.length);
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const values: unknown[] = [];
        const tuples = chunk.map((row) => {
          const marks = columns.map((c) => {
            const value = row[c] ?? null;
            // Timestamps without a zone: the UTC wall time, as Prisma stores it.
            values.push(value instanceof Date ? value.toISOString().replace("Z", "") : value);
            return `$${values.length}`;
          });
          return `(${marks.join(", ")})`;
        });
        await client.query(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
          values,
        );
      }
    },
    async close() {
      await client.end();
    },
  };
}
