/**
 * A long chain of awaited SQLite queries in an interactive transaction leaves room for the event
 * loop (sqlite-turns.ts): a timer due during the chain runs before the chain ends. Without the
 * turns, better-sqlite3 resolves every query at once and the chain runs in microtasks, with every
 * socket and timer waiting. (Outside transactions Prisma's own request queue already yields.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";

describe("SQLite queries take turns with the event loop", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("runs a due timer in the middle of a long transaction, and keeps its writes in order", async () => {
    let ranDuringTransaction = false;
    let inTransaction = true;
    setTimeout(() => (ranDuringTransaction = inTransaction), 0);
    await t.db.$transaction(
      async (tx) => {
        for (let i = 0; i < 3_000; i++)
          await tx.appSetting.upsert({
            where: { key: "turns.test" },
            create: { key: "turns.test", value: String(i) },
            update: { value: String(i) },
          });
      },
      { timeout: 120_000 },
    );
    inTransaction = false;
    expect(ranDuringTransaction).toBe(true);
    expect((await t.db.appSetting.findUniqueOrThrow({ where: { key: "turns.test" } })).value).toBe("2999");
  });
});
