/**
 * The hook the SQLite wrappers (sqlite-statements.ts, sqlite-checkpoints.ts) share: run `setup` on
 * each better-sqlite3 Database the Prisma adapter factory opens. @prisma/adapter-better-sqlite3
 * keeps that Database in the adapter's `client` field; a release that stops doing so fails loudly
 * here instead of silently losing the wrappers.
 */
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { Database } from "better-sqlite3";

export type SqliteAdapter = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;

export function onEachConnection(
  factory: PrismaBetterSqlite3,
  setup: (connection: Database, adapter: SqliteAdapter) => void,
): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const connection = (adapter as unknown as { client?: Database }).client;
    if (!connection || typeof connection.prepare !== "function" || typeof connection.pragma !== "function")
      throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its Database as `client`");
    setup(connection, adapter);
    return adapter;
  };
  return factory;
}
