/**
 * Prepared statements kept per SQL text. @prisma/adapter-better-sqlite3 (7.x) prepares every query
 * anew (`client.prepare(sql).bind(args)`), so SQLite parses and plans the same few hundred texts
 * again and again: 14% of a `findUnique` in a micro-benchmark, 3-7% of the hub process at 300-1,000
 * servers. Here the connection's `prepare` hands out a statement prepared once, behind a binding
 * made per call (a better-sqlite3 statement can be bound only once, so the arguments go to each
 * run instead).
 *
 * Safe because better-sqlite3 is synchronous and the adapter runs each statement to completion
 * (`run()` or `raw().all()`, never an iterator) before the next query can start; SQLite re-plans a
 * cached statement by itself after a schema change.
 */
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { Database, Statement } from "better-sqlite3";
import { onEachConnection } from "./sqlite-adapter.ts";

/** Statements kept: Prisma's texts for this schema, plus variants by list length, fit easily. */
export const STATEMENT_CACHE_SIZE = 1_000;
/**
 * Longer texts are prepared each time, as before: multi-row inserts (console history, up to 1,000
 * rows) and long `IN (?,?,...)` lists differ by row or list length, are rarely run twice, and would
 * each hold a large compiled program; their prepare is spread over their rows anyway. Measured at
 * 500 servers (`npm run bench -- hub`): texts of 1-4 KB were 570 of the 1,100 cached texts, 5% of
 * the calls, and ~60 MB of native memory (RSS 510 MB kept, 453 MB with this bound).
 */
export const MAX_CACHED_SQL_LENGTH = 1_024;

type Args = unknown[];

/** What the adapter uses of a bound statement. */
export interface BoundStatement {
  readonly reader: boolean;
  run(): ReturnType<Statement["run"]>;
  columns(): ReturnType<Statement["columns"]>;
  raw(toggle?: boolean): BoundStatement;
  all(): unknown[];
}

/** The statement `prepare` returns here: what the adapter calls (`bind(args)`, and `run()` for BEGIN). */
export interface CachedStatement {
  bind(args?: Args): BoundStatement;
  run(): ReturnType<Statement["run"]>;
}

interface Entry {
  statement: Statement;
  /** `columns()` builds an object per column on every call (39 µs for a 15-column row): once here. */
  columns: ReturnType<Statement["columns"]> | null;
}

function bound(entry: Entry, args: Args): BoundStatement {
  const statement = entry.statement;
  const self: BoundStatement = {
    reader: statement.reader,
    run: () => statement.run(args),
    columns: () => (entry.columns ??= statement.columns()),
    raw(toggle = true) {
      statement.raw(toggle);
      return self;
    },
    all: () => statement.all(args),
  };
  return self;
}

/**
 * Replaces `connection.prepare` with a cached one (least recently used text evicted past `size`).
 * Returns how many texts were prepared, for tests and diagnosis.
 */
export function cacheStatements(
  connection: Database,
  size = STATEMENT_CACHE_SIZE,
): { prepared(): number; cached(): number } {
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, Entry>();
  // A schema change (a migration on this connection) may change a text's columns: start afresh.
  const schemaVersion = prepare("PRAGMA schema_version").pluck();
  let schema = schemaVersion.get();
  let prepared = 0;
  const cachedPrepare = (sql: string): CachedStatement => {
    if (sql.length > MAX_CACHED_SQL_LENGTH) {
      const once: Entry = { statement: prepare(sql), columns: null };
      prepared++;
      return { bind: (args = []) => bound(once, args), run: () => once.statement.run() };
    }
    const current = schemaVersion.get();
    if (current !== schema) {
      statements.clear();
      schema = current;
    }
    let entry = statements.get(sql);
    if (entry) {
      // Map order is insertion order: re-inserting keeps the most recently used at the back.
      statements.delete(sql);
    } else {
      entry = { statement: prepare(sql), columns: null };
      prepared++;
      if (statements.size >= size) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, entry);
    const found = entry;
    return { bind: (args = []) => bound(found, args), run: () => found.statement.run() };
  };
  // An own property over the prototype's method. The connection is the adapter's alone, and the
  // adapter only calls prepare(sql).bind(args) and prepare("BEGIN").run() (pragma() does not go
  // through prepare).
  (connection as unknown as { prepare: typeof cachedPrepare }).prepare = cachedPrepare;
  return { prepared: () => prepared, cached: () => statements.size };
}

/** The better-sqlite3 adapter factory with each connection's statements cached (see above). */
export function withStatementCache(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  return onEachConnection(factory, (connection) => void cacheStatements(connection));
}
