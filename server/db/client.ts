/**
 * The one Prisma client. SQLite (better-sqlite3 adapter) for file: URLs, PostgreSQL (pg adapter)
 * for postgres:// URLs. Both generated clients have the same model API; the rest of the code uses
 * the SQLite client's types (`Db`) and keeps to queries both databases support.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresPrismaClient } from "../../prisma/generated/postgresql/client.ts";
import { PrismaClient as SqlitePrismaClient } from "../../prisma/generated/sqlite/client.ts";
import { sqliteDriverOptions } from "./sqlite-binding.ts";
import { withBackgroundCheckpoints } from "./sqlite-checkpoints.ts";
import { onEachConnection } from "./sqlite-adapter.ts";
import { registerSqliteConnection } from "./sqlite-direct.ts";
import { withStatementCache } from "./sqlite-statements.ts";
import { withEventLoopTurns } from "./sqlite-turns.ts";

export type Db = SqlitePrismaClient;
export type {
  Role,
  User,
  Server,
  AuditEvent,
  ServerAccess,
  OneTimeToken,
} from "../../prisma/generated/sqlite/client.ts";

/**
 * How long a transaction may wait to start (Prisma's default is 2 s). SQLite has one connection, so
 * a transaction waits for every other one: at 1,000 servers a long stays transaction made audit
 * writes fail after 2 s, refusing the actions they record. Writes wait like the hub's others instead.
 */
export const TRANSACTION_MAX_WAIT_MS = 30_000;

const CLIENT_OPTIONS = {
  transactionOptions: { maxWait: TRANSACTION_MAX_WAIT_MS },
  // Any other format captures a stack trace (new Error) at every query to point at the caller in
  // error messages: 6% of a findUnique. Errors keep their codes and messages, without the code frame.
  errorFormat: "minimal",
  // Compiled query plans kept (Prisma's default: 1,000 single queries and 1,000 batches). A plan's
  // key lists every parameter of every row, so a statement or batch whose row count varies makes a
  // plan per count, kept until the cache is full: the audit writer's group commits made 578 (15 MB
  // of the heap at 1,000 bench servers) before they passed their rows as JSON, and Prisma's batching
  // of one turn's findUnique calls makes a 190 KB key of 1,000 servers' settings at start-up. The
  // hot shapes (about 80 single queries at 1,000 servers) fit in 200.
  queryPlanCacheMaxSize: 200,
} as const;

export interface DbOptions {
  /**
   * SQLite: WAL checkpoints in a worker thread instead of inside COMMITs (sqlite-checkpoints.ts).
   * The dashboard's long-lived client asks for it; short-lived ones (tests, tools) need no thread.
   */
  backgroundCheckpoints?: { onProblem(message: string): void };
}

export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  if (databaseUrl.startsWith("file:")) {
    const driverOptions = sqliteDriverOptions();
    let factory = new PrismaBetterSqlite3({ url: databaseUrl, ...driverOptions });
    if (options.backgroundCheckpoints)
      factory = withBackgroundCheckpoints(factory, { driverOptions, ...options.backgroundCheckpoints });
    // Synchronous driver: its queries take turns with the process's sockets (sqlite-turns.ts), and
    // each SQL text is prepared once (sqlite-statements.ts).
    const adapter = withEventLoopTurns(withStatementCache(factory));
    // Its connection, once open, for the writes that skip Prisma (sqlite-direct.ts).
    onEachConnection(adapter, (connection) => registerSqliteConnection(client, connection));
    const client = new SqlitePrismaClient({ adapter, ...CLIENT_OPTIONS });
    return client;
  }
  const adapter = new PrismaPg({ connectionString: databaseUrl });
  // Same models, same API: the PostgreSQL client is used through the SQLite client's types.
  return new PostgresPrismaClient({ adapter, ...CLIENT_OPTIONS }) as unknown as Db;
}

/** Prisma names the client's provider in `_activeProvider` (both generated clients have it). */
export function providerOf(db: Db): "sqlite" | "postgresql" {
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql"
    ? "postgresql"
    : "sqlite";
}
