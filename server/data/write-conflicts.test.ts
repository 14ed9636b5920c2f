/**
 * A real deadlock on PostgreSQL: two transactions lock two rows in opposite order. The one given a
 * short deadlock_timeout runs the deadlock check first and is the one PostgreSQL aborts; run through
 * retryOnWriteConflict, it is run again once the other committed, and both changes land.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { isWriteConflict, retryOnWriteConflict } from "./write-conflicts.ts";

function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}

describe("retryOnWriteConflict on PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createPostgresTestDatabase();
    await t.db.appSetting.createMany({
      data: [
        { key: "a", value: "0" },
        { key: "b", value: "0" },
      ],
    });
  });
  afterAll(async () => t.drop());

  const set = (tx: Pick<TestDatabase["db"], "appSetting">, key: string, value: string) =>
    tx.appSetting.update({ where: { key }, data: { value } });

  it("runs a transaction aborted by a deadlock again; other errors are not retried", async () => {
    const aLocked = signal();
    const bLocked = signal();
    const errors: unknown[] = [];
    let attempts = 0;
    const retried = retryOnWriteConflict(async () => {
      attempts++;
      try {
        return await t.db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe("SET LOCAL deadlock_timeout = '50ms'");
          await set(tx, "a", "retried");
          aLocked.fire();
          await bLocked.fired;
          await set(tx, "b", "retried");
        });
      } catch (error) {
        errors.push(error);
        throw error;
      }
    });
    const other = t.db.$transaction(async (tx) => {
      await set(tx, "b", "other");
      bLocked.fire();
      await aLocked.fired;
      await set(tx, "a", "other");
    });
    await Promise.all([retried, other]);
    expect(attempts).toBe(2);
    expect(errors).toHaveLength(1);
    expect(isWriteConflict(errors[0])).toBe(true);
    // The retried one ran last: its values stand.
    const rows = await t.db.appSetting.findMany({
      where: { key: { in: ["a", "b"] } },
      orderBy: { key: "asc" },
    });
    expect(rows.map((r) => r.value)).toEqual(["retried", "retried"]);

    let plain = 0;
    await expect(
      retryOnWriteConflict(() => {
        plain++;
        return set(t.db, "missing", "x");
      }),
    ).rejects.toThrow();
    expect(plain).toBe(1);
  });
});
