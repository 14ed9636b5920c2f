/**
 * Throw-away databases for data-layer tests: a fresh SQLite file and a fresh PostgreSQL database
 * (on TEST_POSTGRES_URL, default the local server's `test` database) per suite, migrated with the
 * same code the app runs at start-up, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../db/client.ts";
import { migrateDatabase } from "../db/migrate.ts";

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  kind: "sqlite" | "postgresql";
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/**
 * After a test whose emulators are closed: disable its server rows. The OS may give a later
 * emulator a closed one's port, and the next hub (which loads every enabled row) would otherwise
 * connect an old row to it too.
 */
export async function disableServerRows(db: Db): Promise<void> {
  await db.server.updateMany({ data: { enabled: false } });
}

export async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), "rcondeck-test-"));
  const url = `file:${path.join(dir, "test.db")}`;
  await migrateDatabase(url);
  const db = createDb(url);
  return {
    kind: "sqlite",
    url,
    db,
    async drop() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `rcondeck_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  const db = createDb(url.toString());
  return {
    kind: "postgresql",
    url: url.toString(),
    db,
    async drop() {
      await db.$disconnect();
      const cleanup = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await cleanup.connect();
      // A write a test's hub still had on its way after stop() reopens a connection; FORCE would
      // kill it between two queries, and pg reports that as an uncaught error in the test's process.
      // Wait for such stragglers a little first; FORCE only as the last resort.
      for (let attempt = 0; ; attempt++) {
        try {
          await cleanup.query(`DROP DATABASE IF EXISTS "${name}"${attempt < 20 ? "" : " WITH (FORCE)"}`);
          break;
        } catch (error) {
          if (attempt >= 20) throw error;
          await db.$disconnect();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await cleanup.end();
    },
  };
}

const ALL_DATABASE_KINDS = [
  { kind: "sqlite", create: createSqliteTestDatabase },
  { kind: "postgresql", create: createPostgresTestDatabase },
] as const;

/**
 * The database kinds `describe.each(DATABASE_KINDS)` runs on: both, unless
 * RCONDECK_TEST_DATABASES names some ("sqlite", "postgresql", comma-separated). `npm test` narrows
 * only its second runtime (Node 24) to SQLite, whose native addon is the part built per runtime;
 * the machine's Node runs both. A name that is not a kind fails the run rather than test nothing.
 */
export function databaseKinds(selection: string | undefined) {
  if (selection === undefined || selection.trim() === "") return ALL_DATABASE_KINDS;
  const wanted = selection.split(",").map((name) => name.trim());
  const known: readonly string[] = ALL_DATABASE_KINDS.map((k) => k.kind);
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new Error(`RCONDECK_TEST_DATABASES names ${unknown.join(", ")}; the kinds are ${known.join(", ")}`);
  return ALL_DATABASE_KINDS.filter((k) => wanted.includes(k.kind));
}

/** The database kinds to run on, for `describe.each` (see databaseKinds). */
export const DATABASE_KINDS = databaseKinds(process.env.RCONDECK_TEST_DATABASES);
