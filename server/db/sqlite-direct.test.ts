/**
 * Writes that skip Prisma (sqlite-direct.ts) on real SQLite: one transaction, all or nothing, and
 * never inside a transaction Prisma holds open; PostgreSQL clients take their Prisma path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  type TestDatabase,
} from "../testing/databases.ts";
import { createDb } from "./client.ts";
import { writeDirect } from "./sqlite-direct.ts";

const INSERT = `INSERT INTO "AppSetting" ("key", "value", "createdAt", "updatedAt") VALUES (?, ?, ?, ?)`;
const at = "2026-12-06T00:00:00.000+00:00";
const setting = (key: string) => ({ sql: INSERT, args: [key, `value of ${key}`, at, at] });

describe("direct SQLite writes", () => {
  let t: TestDatabase;
  const keys = async () =>
    (
      await t.db.appSetting.findMany({ where: { key: { startsWith: "direct-" } }, orderBy: { key: "asc" } })
    ).map((row) => row.key);

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("writes nothing before the client has opened its connection", async () => {
    const fresh = createDb(t.url);
    try {
      expect(writeDirect(fresh, [setting("direct-early")])).toBe(false);
      await fresh.appSetting.count(); // connects
      expect(writeDirect(fresh, [setting("direct-early")])).toBe(true);
      expect(await keys()).toEqual(["direct-early"]);
    } finally {
      await fresh.$disconnect();
    }
  });

  it("runs its statements in one transaction, and a failing one leaves nothing of the others", async () => {
    await t.db.appSetting.count();
    expect(writeDirect(t.db, [setting("direct-a"), setting("direct-b")])).toBe(true);
    expect(() => writeDirect(t.db, [setting("direct-c"), setting("direct-a")])).toThrow(
      /UNIQUE constraint failed/,
    );
    expect(await keys()).toEqual(["direct-a", "direct-b", "direct-early"]);
    // The connection is usable after the rollback, by both paths.
    expect(writeDirect(t.db, [setting("direct-d")])).toBe(true);
    expect(await t.db.appSetting.count({ where: { key: "direct-d" } })).toBe(1);
  });

  it("does not write while a Prisma transaction is open on the connection, whatever that transaction does", async () => {
    let inside: boolean | null = null;
    await expect(
      t.db.$transaction(async (tx) => {
        await tx.appSetting.create({ data: { key: "direct-tx", value: "x" } });
        // Between two awaited statements of the transaction: a direct write here would join it.
        inside = writeDirect(t.db, [setting("direct-during-tx")]);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(inside).toBe(false);
    expect(await t.db.appSetting.count({ where: { key: { in: ["direct-tx", "direct-during-tx"] } } })).toBe(
      0,
    );
    expect(writeDirect(t.db, [setting("direct-after-tx")])).toBe(true);
  });
});

describe("direct writes on PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createPostgresTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("never happen: the caller takes its Prisma path", async () => {
    await t.db.appSetting.count();
    expect(writeDirect(t.db, [setting("direct-pg")])).toBe(false);
    expect(await t.db.appSetting.count()).toBe(0);
  });
});
