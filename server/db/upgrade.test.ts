/**
 * Upgrading a populated database across the hardening migration keeps everyone's access as it was:
 * "every server" used to be inferred from an empty ServerAccess set and is now stored, and the
 * console seqs already handed out count as reserved. Runs the committed SQL on both databases.
 */
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { readMigrations } from "./migrate.ts";
import { sqliteDriverOptions } from "./sqlite-binding.ts";
import { POSTGRES_ADMIN_URL } from "../testing/databases.ts";

const HARDENING = "20261129182734_hardening";

/** Rows as an install from before the migration has them: an Owner, a limited and an unlimited Viewer, invites of both kinds. */
const SEED = [
  `INSERT INTO "User" ("id","email","name","passwordHash","role","updatedAt") VALUES ('owner','o@x','o','h','OWNER',CURRENT_TIMESTAMP),('limited','l@x','l','h','VIEWER',CURRENT_TIMESTAMP),('unlimited','u@x','u','h','VIEWER',CURRENT_TIMESTAMP)`,
  `INSERT INTO "Server" ("id","name","game","protocol","host","port","passwordEncrypted","updatedAt") VALUES ('s1','S','cs2','source','h',1,'x',CURRENT_TIMESTAMP),('s2','T','cs2','source','h',2,'x',CURRENT_TIMESTAMP)`,
  `INSERT INTO "ServerAccess" ("id","userId","serverId","updatedAt") VALUES ('a1','limited','s1',CURRENT_TIMESTAMP)`,
  `INSERT INTO "ConsoleLine" ("serverId","seq","kind","text") VALUES ('s1',41,'chat','x'),('s1',42,'chat','y')`,
  `INSERT INTO "OneTimeToken" ("id","tokenHash","purpose","role","serverIds","expiresAt","updatedAt") VALUES ('all','h1','invite','VIEWER','[]',CURRENT_TIMESTAMP,CURRENT_TIMESTAMP),('some','h2','invite','VIEWER','["s1"]',CURRENT_TIMESTAMP,CURRENT_TIMESTAMP)`,
];

const EXPECTED = {
  users: { owner: true, limited: false, unlimited: true },
  invites: { all: true, some: false },
  reserved: { s1: 42, s2: 0 },
};

function split(provider: "sqlite" | "postgresql") {
  const migrations = readMigrations(provider);
  const at = migrations.findIndex((m) => m.name === HARDENING);
  if (at < 0) throw new Error(`${HARDENING} not found`);
  return { before: migrations.slice(0, at), hardening: migrations[at], after: migrations.slice(at + 1) };
}

describe("upgrading a populated database across the hardening migration", () => {
  it("on SQLite", () => {
    const { before, hardening, after } = split("sqlite");
    const db = new Database(":memory:", sqliteDriverOptions());
    for (const m of before) db.exec(m.sql);
    for (const sql of SEED) db.exec(sql);
    db.exec(hardening?.sql ?? "");
    for (const m of after) db.exec(m.sql);
    const flag = (rows: { id: string; allServers: number }[]) =>
      Object.fromEntries(rows.map((r) => [r.id, r.allServers === 1]));
    expect(
      flag(db.prepare(`SELECT "id", "allServers" FROM "User"`).all() as { id: string; allServers: number }[]),
    ).toEqual(EXPECTED.users);
    expect(
      flag(
        db.prepare(`SELECT "id", "allServers" FROM "OneTimeToken"`).all() as {
          id: string;
          allServers: number;
        }[],
      ),
    ).toEqual(EXPECTED.invites);
    const reserved = db.prepare(`SELECT "id", "consoleSeqReserved" AS r FROM "Server"`).all() as {
      id: string;
      r: number;
    }[];
    expect(Object.fromEntries(reserved.map((s) => [s.id, s.r]))).toEqual(EXPECTED.reserved);
    expect(db.prepare(`SELECT count(*) AS c FROM "ServerAccess"`).get()).toEqual({ c: 1 });
    expect(db.prepare(`PRAGMA foreign_key_check`).all()).toEqual([]);
    db.close();
  });

  it("on PostgreSQL", async () => {
    const { before, hardening, after } = split("postgresql");
    const name = `rcondeck_upgrade_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      for (const m of before) await client.query(m.sql);
      for (const sql of SEED) await client.query(sql);
      await client.query(hardening?.sql ?? "");
      for (const m of after) await client.query(m.sql);
      const users = await client.query<{ id: string; allServers: boolean }>(
        `SELECT "id", "allServers" FROM "User"`,
      );
      expect(Object.fromEntries(users.rows.map((r) => [r.id, r.allServers]))).toEqual(EXPECTED.users);
      const invites = await client.query<{ id: string; allServers: boolean }>(
        `SELECT "id", "allServers" FROM "OneTimeToken"`,
      );
      expect(Object.fromEntries(invites.rows.map((r) => [r.id, r.allServers]))).toEqual(EXPECTED.invites);
      const servers = await client.query<{ id: string; r: number }>(
        `SELECT "id", "consoleSeqReserved" AS r FROM "Server"`,
      );
      expect(Object.fromEntries(servers.rows.map((s) => [s.id, s.r]))).toEqual(EXPECTED.reserved);
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
