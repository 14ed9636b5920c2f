/**
 * Applies the committed migration SQL (prisma/migrations/<provider>/<name>/migration.sql) at
 * start-up, offline, with the plain database drivers: no Prisma CLI and no downloaded engine.
 * Bookkeeping uses Prisma's own `_prisma_migrations` table and checksum, so `prisma migrate status`
 * agrees with what was applied. Each migration runs in a transaction; a failure stops start-up.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { findProjectRoot } from "../project-root.ts";
import { sqliteDriverOptions } from "./sqlite-binding.ts";

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** Prisma's `_prisma_migrations` DDL, shared with the Prisma CLI shim (prisma/migrations-table/). */
function migrationsTableSql(provider: "sqlite" | "postgresql", root = findProjectRoot()): string {
  return readFileSync(path.join(root, "prisma", "migrations-table", `${provider}.sql`), "utf8");
}

export function readMigrations(provider: "sqlite" | "postgresql", root = findProjectRoot()): Migration[] {
  const dir = path.join(root, "prisma", "migrations", provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Returns the names of the migrations it applied (empty when the database was up to date). */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  return databaseUrl.startsWith("file:") ? migrateSqlite(databaseUrl) : migratePostgres(databaseUrl);
}

function sqliteFile(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, "").split("?")[0] ?? "";
}

function migrateSqlite(databaseUrl: string): string[] {
  const file = sqliteFile(databaseUrl);
  if (file !== ":memory:" && !existsSync(path.dirname(file)))
    mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, sqliteDriverOptions());
  try {
    db.pragma("journal_mode = WAL");
    db.exec(migrationsTableSql("sqlite"));
    const applied = new Map(
      (
        db
          .prepare(
            `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
          .all() as { migration_name: string; checksum: string }[]
      ).map((r) => [r.migration_name, r.checksum]),
    );
    const done: string[] = [];
    for (const migration of readMigrations("sqlite")) {
      if (checkApplied(applied, migration)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)`,
        ).run(randomUUID(), migration.checksum, migration.name);
      })();
      done.push(migration.name);
    }
    return done;
  } finally {
    db.close();
  }
}

async function migratePostgres(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Several instances may start at once: one migrates, the others wait on the advisory lock.
    await client.query("SELECT pg_advisory_lock(72707369)");
    await client.query(migrationsTableSql("postgresql"));
    const rows = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.rows.map((r) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const migration of readMigrations("postgresql")) {
      if (checkApplied(applied, migration)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock(72707369)").catch(() => undefined);
    await client.end();
  }
}

function checkApplied(applied: Map<string, string>, migration: Migration): boolean {
  const checksum = applied.get(migration.name);
  if (checksum === undefined) return false;
  if (checksum !== migration.checksum) {
    throw new Error(
      `migration ${migration.name} was edited after it was applied (checksum mismatch); add a new migration instead`,
    );
  }
  return true;
}
