/**
 * The SQLite connection behind a Prisma client, for the few hot writes that skip Prisma: each Prisma
 * operation costs 0.2-0.8 ms of CPU and tens of KB of garbage, far more than SQLite's own work, and
 * the audit trail's group commit made three of them (and a transaction) per command: about 210 a
 * second at 1,000 bench servers.
 *
 * A direct write is one synchronous transaction on the connection, run only while no transaction is
 * open on it (`inTransaction`): Prisma's interactive and batch transactions await between their
 * statements, and a write run in such a gap would join that transaction. Otherwise the caller takes
 * its Prisma path, which waits for the adapter's transaction lock. better-sqlite3 is synchronous, so
 * nothing else runs on the connection between the BEGIN and the COMMIT here.
 *
 * The registry lives on globalThis: the custom server and the Next bundle load their own copies of
 * this module but share the clients (see audit-chain-writer.ts).
 */
import type { Database } from "better-sqlite3";

const CONNECTIONS_KEY = Symbol.for("rcondeck.sqlite-connections");

function registry(): WeakMap<object, Database> {
  const holder = globalThis as { [CONNECTIONS_KEY]?: WeakMap<object, Database> };
  return (holder[CONNECTIONS_KEY] ??= new WeakMap<object, Database>());
}

/** Called by createDb when the adapter opens the client's connection. */
export function registerSqliteConnection(client: object, connection: Database): void {
  registry().set(client, connection);
}

/** One statement of a direct write: its SQL (with `?` parameters) and their values. */
export interface DirectStatement {
  sql: string;
  args: unknown[];
}

/**
 * Runs the statements in one transaction on the client's SQLite connection, and returns true; false
 * (nothing run) when the client has no such connection (PostgreSQL, or not connected yet) or a
 * transaction is open on it. Throws what SQLite throws, after rolling back.
 */
export function writeDirect(client: object, statements: readonly DirectStatement[]): boolean {
  const connection = registry().get(client);
  if (!connection?.open || connection.inTransaction) return false;
  connection.exec("BEGIN");
  try {
    // prepare() is the statement cache's (sqlite-statements.ts): bind() makes a binding per call.
    for (const { sql, args } of statements) connection.prepare(sql).bind(args).run();
    connection.exec("COMMIT");
  } catch (error) {
    if (connection.inTransaction) connection.exec("ROLLBACK");
    throw error;
  }
  return true;
}
