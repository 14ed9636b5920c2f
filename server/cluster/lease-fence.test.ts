/**
 * LeaseFence on a real PostgreSQL: only the servers whose lease still carries the caller's epoch
 * (and owner) are written, a takeover waits for a fenced write in flight (FOR SHARE), and a writer
 * that stalls inside its transaction loses its lock and its write instead of blocking the takeover.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { LeaseFence } from "./lease-fence.ts";
import { acquireLeases } from "./lease-sql.ts";
import { until } from "./testing/lease-helpers.ts";
import { createServerRows } from "../testing/servers.ts";

let t: TestDatabase;

beforeAll(async () => {
  t = await createPostgresTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  await t.db.$executeRawUnsafe(`DELETE FROM "ServerLease"`);
  await t.db.$executeRawUnsafe(`DELETE FROM "Server"`);
  await t.db.$executeRawUnsafe(`DELETE FROM "ConsoleLine"`);
  await createServerRows(t.db, ["srv-x", "srv-y", "srv-z"]);
});

/** A lease row as given; `expiresInMs` < 0 leaves it expired (but not yet taken over). */
/** srv-y and srv-z: held by a third instance, so a takeover can only find srv-x. */
async function otherLeases(): Promise<void> {
  await lease("srv-y", "inst-c", 1, 60_000);
  await lease("srv-z", "inst-c", 1, 60_000);
}

async function lease(serverId: string, ownerId: string, epoch: number, expiresInMs: number): Promise<void> {
  await t.db.$executeRawUnsafe(
    `INSERT INTO "ServerLease" ("serverId", "ownerId", "epoch", "expiresAt", "acquiredAt")
     VALUES ($1, $2, $3, (now() AT TIME ZONE 'UTC') + $4 * interval '1 millisecond', now() AT TIME ZONE 'UTC')`,
    serverId,
    ownerId,
    epoch,
    expiresInMs,
  );
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

async function lockWaiters(): Promise<number> {
  const rows = await t.db.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return Number(rows[0]!.n);
}

async function lineTexts(): Promise<string[]> {
  return (await t.db.consoleLine.findMany({ orderBy: { id: "asc" } })).map((l) => l.text);
}

describe("LeaseFence (PostgreSQL)", () => {
  it("allows only the servers whose lease has this owner and this epoch", async () => {
    await lease("srv-x", "inst-a", 3, 60_000);
    await lease("srv-y", "inst-b", 3, 60_000);
    const fence = new LeaseFence({ db: t.db, instanceId: "inst-a" });
    const epochs = new Map([
      ["srv-x", 3],
      ["srv-y", 3],
      ...Array.from({ length: 1500 }, (_, i) => [`missing-${i}`, 1] as [string, number]),
    ]);
    expect([...(await fence.run(epochs, (_db, allowed) => Promise.resolve(allowed)))]).toEqual(["srv-x"]);
    expect((await fence.run(new Map([["srv-x", 2]]), (_db, allowed) => Promise.resolve(allowed))).size).toBe(
      0,
    );
    expect((await fence.run(new Map(), (_db, allowed) => Promise.resolve(allowed))).size).toBe(0);
  });

  it("a takeover waits for a fenced write in flight; afterwards only the new epoch writes", async () => {
    await lease("srv-x", "inst-a", 1, -1000); // expired, not yet taken
    await otherLeases();
    const a = new LeaseFence({ db: t.db, instanceId: "inst-a" });
    const b = new LeaseFence({ db: t.db, instanceId: "inst-b" });
    const hold = gate();
    const inserted = gate();
    const writing = a.run(new Map([["srv-x", 1]]), async (db, allowed) => {
      expect([...allowed]).toEqual(["srv-x"]);
      await db.consoleLine.create({ data: { serverId: "srv-x", seq: 1, kind: "system", text: "old owner" } });
      inserted.open();
      await hold.wait;
    });
    await inserted.wait;
    const takeover = acquireLeases(t.db, "inst-b", 60_000, 10, 30_000);
    await until(async () => (await lockWaiters()) > 0, 10_000, "the takeover waiting on the lease row");
    hold.open();
    await writing;
    expect(await takeover).toEqual([{ serverId: "srv-x", epoch: 2 }]);

    const late = await a.run(new Map([["srv-x", 1]]), async (db, allowed) => {
      for (const serverId of allowed)
        await db.consoleLine.create({ data: { serverId, seq: 2, kind: "system", text: "late" } });
      return allowed;
    });
    expect(late.size).toBe(0);
    await b.run(new Map([["srv-x", 2]]), async (db, allowed) => {
      for (const serverId of allowed)
        await db.consoleLine.create({ data: { serverId, seq: 2, kind: "system", text: "new owner" } });
    });
    expect(await lineTexts()).toEqual(["old owner", "new owner"]);
  });

  it("a takeover gives up after its lock timeout instead of blocking the tick", async () => {
    await lease("srv-x", "inst-a", 1, -1000);
    await otherLeases();
    const a = new LeaseFence({ db: t.db, instanceId: "inst-a" });
    const hold = gate();
    const inserted = gate();
    const writing = a.run(new Map([["srv-x", 1]]), async () => {
      inserted.open();
      await hold.wait;
    });
    await inserted.wait;
    await expect(acquireLeases(t.db, "inst-b", 60_000, 10, 200)).rejects.toThrow(/lock timeout/i);
    hold.open();
    await writing;
    expect(await acquireLeases(t.db, "inst-b", 60_000, 10, 200)).toEqual([{ serverId: "srv-x", epoch: 2 }]);
  });

  it("a writer stalled inside its transaction loses the lock and its write (the database ends it)", async () => {
    await lease("srv-x", "inst-a", 1, -1000);
    await otherLeases();
    const a = new LeaseFence({ db: t.db, instanceId: "inst-a", idleTimeoutMs: 300 });
    const hold = gate();
    const inserted = gate();
    const writing = a.run(new Map([["srv-x", 1]]), async (db) => {
      await db.consoleLine.create({ data: { serverId: "srv-x", seq: 1, kind: "system", text: "stalled" } });
      inserted.open();
      await hold.wait; // e.g. SIGSTOP: the client sends nothing more
      await db.consoleLine.create({
        data: { serverId: "srv-x", seq: 2, kind: "system", text: "after the pause" },
      });
    });
    const outcome = writing.then(
      () => "committed",
      () => "failed",
    );
    await inserted.wait;
    expect(await acquireLeases(t.db, "inst-b", 60_000, 10, 30_000)).toEqual([
      { serverId: "srv-x", epoch: 2 },
    ]);
    hold.open();
    expect(await outcome).toBe("failed");
    expect(await lineTexts()).toEqual([]);
  });
});
