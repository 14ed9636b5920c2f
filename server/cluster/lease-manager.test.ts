/**
 * Lease manager on a real PostgreSQL: several managers (distinct instance ids) in one process,
 * short leases, holders that record adopt/release/fenceAll. No timing assertions: conditions are
 * awaited with a deadline.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client.ts";
import { createPostgresTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { FENCE_REASON, LeaseManager, type LeaseClock } from "./lease-manager.ts";
import { LeaseFence } from "./lease-fence.ts";
import { acquireLeases, expireLeases, type LeaseRow } from "./lease-sql.ts";
import {
  breakableDb,
  ConnectionRegistry,
  KillableClock,
  ManualClock,
  quietLogger,
  RecordingHolder,
  until,
} from "./testing/lease-helpers.ts";

const LEASE_MS = 3000;

let t: TestDatabase;
let registry: ConnectionRegistry;
let managers: LeaseManager[];

beforeAll(async () => {
  t = await createPostgresTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  registry = new ConnectionRegistry();
  managers = [];
  await t.db.$executeRawUnsafe(`DELETE FROM "ServerLease"`);
  await t.db.$executeRawUnsafe(`DELETE FROM "ClusterInstance"`);
  await t.db.$executeRawUnsafe(`DELETE FROM "Server"`);
  await t.db.$executeRawUnsafe(`DELETE FROM "ConsoleLine"`);
});
afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  expect(registry.violations).toEqual([]);
});

async function seedServers(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `srv-${String(i).padStart(3, "0")}`);
  await t.db.server.createMany({
    data: ids.map((id, i) => ({
      id,
      name: id,
      game: "cs2",
      protocol: "source",
      host: "127.0.0.1",
      port: 27000 + i,
      passwordEncrypted: "x",
    })),
  });
  return ids;
}

interface Member {
  manager: LeaseManager;
  holder: RecordingHolder;
  clock: LeaseClock;
  changes: number;
}

function member(id: string, options: { db?: Db; clock?: LeaseClock; leaseMs?: number } = {}): Member {
  const holder = new RecordingHolder(id, registry);
  const clock = options.clock ?? new KillableClock();
  const m: Member = { manager: undefined as unknown as LeaseManager, holder, clock, changes: 0 };
  m.manager = new LeaseManager({
    db: options.db ?? t.db,
    instanceId: id,
    leaseMs: options.leaseMs ?? LEASE_MS,
    logger: quietLogger,
    holder,
    clock,
    onChange: () => m.changes++,
  });
  managers.push(m.manager);
  return m;
}

async function leaseRows(): Promise<{ serverId: string; ownerId: string; epoch: number; live: boolean }[]> {
  return t.db.$queryRawUnsafe(
    `SELECT "serverId", "ownerId", "epoch", "expiresAt" > (now() AT TIME ZONE 'UTC') AS "live" FROM "ServerLease" ORDER BY "serverId"`,
  );
}

/**
 * Moves manual time about as fast as real time (one step per poll, never ahead of the database's)
 * until `m` holds `count` servers again and has settled.
 */
async function untilReacquired(clock: ManualClock, m: Member, count: number): Promise<void> {
  await until(
    () => {
      clock.jump(25);
      clock.runDue();
      return m.manager.held().size === count && settled([m]);
    },
    15_000,
    "re-acquired",
  );
}

function sizes(members: readonly Member[]): number[] {
  return members.map((m) => m.manager.held().size);
}

/** Every server held by exactly one manager, whose holder is connected at the lease's epoch, as the table says. */
async function expectExclusive(members: readonly Member[], serverIds: readonly string[]): Promise<void> {
  const owners = new Map<string, string>();
  for (const m of members) {
    for (const [serverId, epoch] of m.manager.held()) {
      expect(owners.has(serverId)).toBe(false);
      owners.set(serverId, m.holder.name);
      expect(m.holder.connected.get(serverId)).toBe(epoch);
    }
  }
  expect([...owners.keys()].sort()).toEqual([...serverIds].sort());
  const rows = await leaseRows();
  expect(rows.map((r) => r.serverId)).toEqual([...serverIds].sort());
  for (const row of rows) {
    expect(row.live).toBe(true);
    expect(row.ownerId).toBe(owners.get(row.serverId));
    const held = members.find((m) => m.holder.name === row.ownerId)!.manager.held();
    expect(held.get(row.serverId)).toBe(row.epoch);
  }
}

/** Settles: every holder connected to what its manager holds (adopts run in the background). */
function settled(members: readonly Member[]): boolean {
  return members.every(
    (m) =>
      m.holder.connected.size === m.manager.held().size &&
      [...m.manager.held()].every(([s, e]) => m.holder.connected.get(s) === e),
  );
}

describe("LeaseManager (PostgreSQL)", () => {
  it("spreads 12 servers over 3 instances, each held exactly once", async () => {
    const servers = await seedServers(12);
    const members = [member("inst-a"), member("inst-b"), member("inst-c")];
    await Promise.all(members.map((m) => m.manager.start()));
    await until(() => sizes(members).join() === "4,4,4" && settled(members), 20_000, "shares 4/4/4");
    await expectExclusive(members, servers);
    expect(members.map((m) => m.manager.instances())).toEqual([3, 3, 3]);
    expect(members.map((m) => m.manager.isLeader())).toEqual([true, false, false]);
    expect(members.every((m) => m.changes > 0)).toBe(true);
    for (const m of members)
      for (const serverId of m.manager.held().keys()) expect(m.manager.writeGate(serverId)).toBe(true);
    expect(members[0]!.manager.writeGate("srv-unknown")).toBe(false);
  });

  it("after a SIGKILL the others take the dead instance's servers with epoch + 1, and its late writes are refused", async () => {
    const servers = await seedServers(12);
    const members = [member("inst-a"), member("inst-b"), member("inst-c")];
    await Promise.all(members.map((m) => m.manager.start()));
    await until(() => sizes(members).join() === "4,4,4" && settled(members), 20_000, "shares 4/4/4");

    const dead = members[2]!;
    const deadLeases = new Map(dead.manager.held());
    (dead.clock as KillableClock).kill();
    dead.holder.die();
    managers.splice(managers.indexOf(dead.manager), 1);

    const survivors = members.slice(0, 2);
    await until(() => sizes(survivors).join() === "6,6" && settled(survivors), 20_000, "survivors 6/6");
    await expectExclusive(survivors, servers);
    for (const [serverId, epoch] of deadLeases) {
      const holder = survivors.find((m) => m.manager.held().has(serverId))!;
      expect(holder.manager.held().get(serverId)).toBe(epoch + 1);
    }
    // The dead instance's own view: past its deadline, nothing may be sent.
    for (const serverId of deadLeases.keys()) expect(dead.manager.writeGate(serverId)).toBe(false);

    // Its late writes (old epochs) are refused; a survivor's (current epochs) go through.
    const write = (fence: LeaseFence, epochs: ReadonlyMap<string, number>) =>
      fence.run(epochs, async (db, allowed) => {
        for (const serverId of allowed) {
          await db.consoleLine.create({
            data: { serverId, seq: 1, kind: "system", text: `from ${[...epochs.keys()].join()}` },
          });
        }
        return allowed;
      });
    const refused = await write(new LeaseFence({ db: t.db, instanceId: "inst-c" }), deadLeases);
    expect(refused.size).toBe(0);
    expect(await t.db.consoleLine.count()).toBe(0);
    const alive = survivors[0]!;
    const accepted = await write(new LeaseFence({ db: t.db, instanceId: "inst-a" }), alive.manager.held());
    expect([...accepted].sort()).toEqual([...alive.manager.held().keys()].sort());
    expect(await t.db.consoleLine.count()).toBe(6);
  });

  it("a restarted process with the same instance id does not resume its predecessor's leases", async () => {
    await seedServers(3);
    const first = member("inst-a");
    await first.manager.start();
    await until(() => first.manager.held().size === 3 && settled([first]), 10_000, "all 3 held");
    (first.clock as KillableClock).kill();
    first.holder.die();
    managers.splice(managers.indexOf(first.manager), 1);

    const second = member("inst-a");
    await second.manager.start();
    await until(() => second.manager.held().size === 3 && settled([second]), 15_000, "all 3 held again");
    expect([...second.manager.held().values()]).toEqual([2, 2, 2]);
    expect(second.holder.adopted.every((a) => a.epoch === 2)).toBe(true);
  });

  it("self-fences when its monotonic clock passes the deadline: writeGate false before any database call", async () => {
    const servers = await seedServers(5);
    const { db, state } = breakableDb(t.db);
    const clock = new ManualClock();
    const m = member("inst-solo", { db, clock });
    await m.manager.start();
    await until(() => m.manager.held().size === 5 && settled([m]), 10_000, "all 5 held");
    for (const serverId of servers) expect(m.manager.writeGate(serverId)).toBe(true);

    const calls = state.calls;
    clock.jump(LEASE_MS); // e.g. the process was paused (SIGSTOP) this long
    for (const serverId of servers) expect(m.manager.writeGate(serverId)).toBe(false);
    expect(m.holder.fences).toEqual([]);
    clock.runDue(); // the fence timer and the tick timer are both due: the fence needs no database
    expect(m.holder.fences).toEqual([FENCE_REASON]);
    expect(m.manager.held().size).toBe(0);
    expect(m.holder.connected.size).toBe(0);
    expect(state.calls).toBeLessThanOrEqual(calls + 1); // at most the tick's first statement, sent after the fence

    // Recovery: its leftover leases are expired and taken again with a new epoch. Manual time
    // moves about as fast as real time here (one step per poll), never ahead of the database's.
    await untilReacquired(clock, m, 5);
    for (const row of await leaseRows()) expect(row.epoch).toBe(2);
    expect(m.holder.fences).toHaveLength(1);
  });

  it("a renewal answered after its validity ran out is not trusted: the gate, once shut, reopens only with a new epoch", async () => {
    const servers = await seedServers(3);
    const { db, state } = breakableDb(t.db);
    const clock = new ManualClock();
    const m = member("inst-slow", { db, clock });
    await m.manager.start();
    await until(() => m.manager.held().size === 3 && settled([m]), 10_000, "all 3 held");

    // The next tick starts in time, but the database (or a loaded process) answers only after the
    // validity ran out; the fence timer has not run yet (it is due in the same turn).
    let answer = () => {};
    state.paused = new Promise<void>((resolve) => (answer = resolve));
    clock.jump(LEASE_MS / 2);
    clock.runDue();
    clock.jump(LEASE_MS);
    // Meanwhile every connection that tried to send stopped itself for good.
    for (const serverId of servers) expect(m.manager.writeGate(serverId)).toBe(false);
    state.paused = null;
    answer();
    await until(() => m.holder.released.length === 3, 10_000, "the servers given back");
    // Shut, or (on a slow machine the next tick may have run already) open again only with a new
    // epoch. The gates are read first: a lease is stored before its gate opens.
    const open = servers.filter((serverId) => m.manager.writeGate(serverId));
    const epochs = new Map((await leaseRows()).map((row) => [row.serverId, row.epoch]));
    for (const serverId of open) expect(epochs.get(serverId)).toBe(2);

    // Taken again with a new epoch: the holder reconnects them.
    await untilReacquired(clock, m, 3);
    for (const row of await leaseRows()) expect(row.epoch).toBe(2);
    expect(m.holder.adopted.map((a) => a.epoch).sort()).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it("self-fences by itself when the database is unreachable, and recovers with new epochs", async () => {
    await seedServers(4);
    const { db, state } = breakableDb(t.db);
    const m = member("inst-solo", { db });
    await m.manager.start();
    await until(() => m.manager.held().size === 4 && settled([m]), 10_000, "all 4 held");
    const held = [...m.manager.held().keys()];

    state.broken = true;
    await until(() => m.holder.fences.length === 1, 15_000, "the self-fence");
    expect(m.holder.fences).toEqual([FENCE_REASON]);
    expect(m.manager.held().size).toBe(0);
    for (const serverId of held) expect(m.manager.writeGate(serverId)).toBe(false);

    state.broken = false;
    await until(() => m.manager.held().size === 4 && settled([m]), 15_000, "re-acquired");
    for (const row of await leaseRows()) expect(row.epoch).toBe(2);
  });

  it("a graceful stop hands over at once, without waiting for the leases to expire", async () => {
    const servers = await seedServers(9);
    // Leases of a minute: anything taken within the deadline below was handed over, not expired.
    const members = ["inst-a", "inst-b", "inst-c"].map((id) => member(id, { leaseMs: 60_000 }));
    await Promise.all(members.map((m) => m.manager.start()));
    await until(
      () => {
        for (const m of members) m.manager.nudge();
        return sizes(members).join() === "3,3,3" && settled(members);
      },
      20_000,
      "shares 3/3/3",
    );
    const leaving = members[2]!;
    const handed = [...leaving.manager.held().keys()];
    const releasedBefore = leaving.holder.released.length;
    await leaving.manager.stop();
    managers.splice(managers.indexOf(leaving.manager), 1);
    expect(leaving.holder.released.slice(releasedBefore).sort()).toEqual([...handed].sort());
    expect(leaving.holder.connected.size).toBe(0);

    const staying = members.slice(0, 2);
    for (const m of staying) m.manager.nudge();
    await until(
      () => sizes(staying).reduce((a, b) => a + b, 0) === 9 && settled(staying),
      20_000,
      "handed over",
    );
    await expectExclusive(staying, servers);
    expect(await t.db.clusterInstance.count({ where: { id: "inst-c" } })).toBe(0);
  });

  it("an acquisition that got fewer servers than were free looks again soon, not a regular tick later", async () => {
    const servers = await seedServers(3);
    // Another instance takes one of the free servers while this one's acquisition is on its way,
    // and gives it back just after: what instances acquiring at once (after a hand-over) see when
    // their random picks collide. Leases of a minute: a regular tick comes 16-24 s later.
    let competitor: LeaseRow[] | null = null;
    const db = new Proxy(t.db, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== "$transaction" || competitor !== null) return value;
        return async (...args: unknown[]) => {
          competitor = await acquireLeases(t.db, "inst-x", 60_000, 1, 1_000);
          const granted: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          await expireLeases(t.db, "inst-x", competitor);
          return granted;
        };
      },
    });
    const m = member("inst-a", { db, leaseMs: 60_000 });
    await m.manager.start();
    const [taken] = (competitor ?? []) as LeaseRow[];
    expect(taken).toBeDefined();
    expect(m.manager.held().size).toBe(2);
    await until(() => m.manager.held().size === 3 && settled([m]), 5_000, "the freed server taken");
    expect(m.manager.held().get(taken!.serverId)).toBe(2); // a takeover: epoch + 1
    await expectExclusive([m], servers);
  });

  it("a new instance takes its share: holdings end within one of each other", async () => {
    const servers = await seedServers(13);
    const members = [member("inst-a"), member("inst-b")];
    await Promise.all(members.map((m) => m.manager.start()));
    await until(() => sizes(members).sort().join() === "6,7" && settled(members), 20_000, "shares 7/6");

    const joining = member("inst-c");
    members.push(joining);
    await joining.manager.start();
    await until(
      () => {
        const s = sizes(members);
        return (
          Math.max(...s) - Math.min(...s) <= 1 && s.reduce((a, b) => a + b, 0) === 13 && settled(members)
        );
      },
      25_000,
      "rebalanced",
    );
    await expectExclusive(members, servers);
    expect(joining.manager.held().size).toBeGreaterThanOrEqual(4);
  });

  it("releases servers that are disabled or deleted, and takes a re-enabled one with a new epoch", async () => {
    await seedServers(6);
    const members = [member("inst-a"), member("inst-b")];
    await Promise.all(members.map((m) => m.manager.start()));
    await until(() => sizes(members).join() === "3,3" && settled(members), 20_000, "shares 3/3");

    const [a, b] = members as [Member, Member];
    const disabled = [...a.manager.held().keys()][0]!;
    const disabledEpoch = a.manager.held().get(disabled)!;
    const deleted = [...b.manager.held().keys()][0]!;
    await t.db.server.update({ where: { id: disabled }, data: { enabled: false } });
    await t.db.server.delete({ where: { id: deleted } });

    await until(
      () => !a.manager.held().has(disabled) && !b.manager.held().has(deleted) && settled(members),
      15_000,
      "released",
    );
    expect(a.holder.released).toContain(disabled);
    expect(b.holder.released).toContain(deleted);
    expect(a.manager.writeGate(disabled)).toBe(false);
    // The lease is given back in the background, once the holder has closed the connection (giveBack).
    await vi.waitFor(
      async () => {
        const rows = await leaseRows();
        expect(rows.find((r) => r.serverId === deleted)).toBeUndefined();
        expect(rows.find((r) => r.serverId === disabled)?.live).toBe(false);
      },
      { timeout: 10_000, interval: 50 },
    );
    await until(
      () => sizes(members).reduce((x, y) => x + y, 0) === 4 && settled(members),
      15_000,
      "the 4 left held",
    );

    await t.db.server.update({ where: { id: disabled }, data: { enabled: true } });
    await until(
      () => members.some((m) => m.manager.held().get(disabled) === disabledEpoch + 1) && settled(members),
      15_000,
      "re-enabled",
    );
  });
});
