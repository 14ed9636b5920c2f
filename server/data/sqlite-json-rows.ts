/**
 * Multi-row SQLite writes that take their rows as ONE JSON parameter (json_each), so the statement's
 * SQL and shape are the same whatever the number of rows. Through Prisma, a `VALUES (?, ...), ...`
 * list costs per value: each parameter is serialized to JSON and parsed back by the client runtime,
 * and each new row count is a new SQL text to compile and prepare. Under load those per-value
 * objects live long enough to reach the old generation: at 1,000 bench servers Prisma's runtime
 * allocated about a third of what the hub promoted (sampling heap profiler), and writing the console
 * batches this way cut the hub's promotion by about 8% (`npm run bench -- hub --servers 300`).
 *
 * What these statements store must be byte for byte what Prisma stores (columns from the generated
 * client, dates as the driver adapter writes them), or rows of the two paths would sort, compare and
 * hash differently: audit-chain.test.ts and console-history.test.ts compare them. One exception: a
 * lone surrogate is always U+FFFD here, as Node 24's driver binds it; Node 20's binds bytes that are
 * not UTF-8.
 */
import { Prisma } from "../../prisma/generated/sqlite/client.ts";
import type { Db } from "../db/client.ts";

/** A date as @prisma/adapter-better-sqlite3 stores it (its default `iso8601` timestamp format). */
function sqliteDateText(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** Rows as one JSON array of arrays, each in `columns` order. */
export function jsonRows<T extends object>(
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): string {
  return JSON.stringify(
    rows.map((row) =>
      columns.map((column) => {
        const value: unknown = row[column];
        if (value instanceof Date) return sqliteDateText(value);
        // A lone surrogate as U+FFFD, as the driver binds it on Node 24: SQLite would decode the
        // JSON escape into bytes that are not UTF-8 (and Node 20's driver stored those too).
        return typeof value === "string" ? value.toWellFormed() : (value ?? null);
      }),
    ),
  );
}

/** INSERT INTO table (columns) SELECT each column of each JSON row array (the one `?`). */
export function insertJsonRowsSql(table: string, columns: readonly string[]): string {
  const names = columns.map((column) => `"${column}"`).join(", ");
  const values = columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ");
  return `INSERT INTO "${table}" (${names}) SELECT ${values} FROM json_each(?)`;
}

/** A statement whose one `?` is the JSON rows, through Prisma. */
export function executeWithJson(db: Db, sql: string, json: string) {
  const parts = sql.split("?");
  if (parts.length !== 2) throw new Error(`expected one ? in: ${sql.slice(0, 80)}`);
  return db.$executeRaw(Prisma.sql(parts, json));
}

/** insertJsonRowsSql's statement through Prisma. */
export function insertJsonRows(db: Db, table: string, columns: readonly string[], json: string) {
  return executeWithJson(db, insertJsonRowsSql(table, columns), json);
}
