/**
 * Leased ownership against a real Source emulator, on SQLite and PostgreSQL: start() connects
 * nothing and a reload of an unheld server does nothing; adopt() closes the stays the previous
 * owner left open, reserves a fresh seq block and connects, every write carrying the epoch;
 * release() hands over gracefully (idle "moving", never "removed", stays closed, lines flushed);
 * fenceAll() closes every connection at once and writes nothing more; the write gate stops a
 * connection before it sends.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openPlayerSessions } from "../data/history.ts";
import type { Db } from "../db/client.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer } from "../testing/hub.ts";
import { silentLogger } from "../testing/realtime.ts";
import { unfenced, type WriteFence } from "./fence.ts";
import { ConnectionHub, MOVING_REASON, type HubEvent, type HubOptions } from "./hub.ts";

const KEY = Buffer.alloc(32, 9);
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 2_000,
};

/** Unfenced, but records the epochs each write carried per server. */
function recordingFence(db: Db, seen: Map<string, Set<number>>): WriteFence {
  const inner = unfenced(db);
  return {
    run: (epochs, write) => {
      for (const [id, epoch] of epochs) (seen.get(id) ?? seen.set(id, new Set()).get(id))?.add(epoch);
      return inner.run(epochs, write);
    },
  };
}

describe.each(DATABASE_KINDS)("leased hub on $kind", ({ create }) => {
  let t: TestDatabase;
  const hubs: ConnectionHub[] = [];
  const emulators: SourceEmulator[] = [];
  beforeAll(async () => {
    t = await create();
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    await t.drop();
  });

  async function setup(options: Partial<HubOptions> = {}) {
    const e = await startEmulator("source", {
      password: "pw",
      port: 0,
      game: "cs2",
      players: 3,
      activity: 0,
      seed: 4,
    });
    emulators.push(e);
    const id = await createLoopbackServer(t.db, KEY, {
      port: e.port,
      name: `S${e.port}`,
      game: "cs2",
      protocol: "source",
    });
    await t.db.server.update({ where: { id }, data: { pollIntervalSeconds: 1 } });
    const epochs = new Map<string, Set<number>>();
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silentLogger,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      ownership: "leased",
      fence: recordingFence(t.db, epochs),
      ...options,
    });
    hubs.push(hub);
    const events: HubEvent[] = [];
    hub.on((event) => events.push(event));
    return { e, id, hub, epochs, events };
  }

  const openStays = (serverId: string) => t.db.playerSession.count({ where: { serverId, leftAt: null } });

  it("connects only what it adopts, closes the previous owner's stays, and hands over without 'removed'", async () => {
    const { e, id, hub, epochs, events } = await setup();
    await openPlayerSessions(t.db, [
      {
        serverId: id,
        gameId: "99",
        name: "Ghost",
        plainName: "Ghost",
        guid: null,
        steamId: null,
        address: null,
        joinedAt: new Date(Date.now() - 60_000),
      },
    ]);
    await hub.start();
    await hub.reloadServer(id); // not held: the ownership layer decides who connects it
    expect(hub.has(id)).toBe(false);
    expect(hub.held()).toEqual([]);
    expect(e.loginAttempts).toBe(0);
    expect(await openStays(id)).toBe(1); // start() closed nothing: another instance may hold it

    const markBefore = (await t.db.server.findUniqueOrThrow({ where: { id } })).consoleSeqReserved;
    await hub.adopt(id, 5);
    expect(hub.held()).toEqual([id]);
    expect((await t.db.server.findUniqueOrThrow({ where: { id } })).consoleSeqReserved).toBeGreaterThan(
      markBefore,
    );
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    await vi.waitFor(async () => expect(await openStays(id)).toBe(e.world.players.length), {
      timeout: 5_000,
    });
    expect(
      await t.db.playerSession.count({ where: { serverId: id, name: "Ghost", leftAt: { not: null } } }),
    ).toBe(1);

    await hub.release(id);
    expect(events.some((ev) => ev.type === "removed")).toBe(false);
    const statuses = events.filter((ev): ev is Extract<HubEvent, { type: "status" }> => ev.type === "status");
    expect(statuses.at(-1)?.status).toMatchObject({ serverId: id, state: "idle", reason: MOVING_REASON });
    expect(hub.has(id)).toBe(false);
    expect(await openStays(id)).toBe(0); // closed and flushed before release() resolved
    expect(
      await t.db.consoleLine.count({ where: { serverId: id, text: "RconDeck connected to the server." } }),
    ).toBe(1);
    expect([...(epochs.get(id) ?? [])]).toEqual([5]);
  });

  it("fenceAll closes every connection at once and nothing more is written; adopt reconnects under the new epoch", async () => {
    const { e, id, hub, epochs, events } = await setup();
    await hub.start();
    await hub.adopt(id, 1);
    await vi.waitFor(async () => expect(await openStays(id)).toBe(e.world.players.length), {
      timeout: 5_000,
    });
    await hub.history.flush();
    const logins = e.loginAttempts;

    const statusEvents = events.filter((ev) => ev.type === "status").length;
    hub.fenceAll("Lease lost: this instance cannot reach the database");
    expect(hub.statusOf(id)).toMatchObject({
      state: "idle",
      reason: "Lease lost: this instance cannot reach the database",
    });
    // Broadcast nothing: another instance may hold the server by now, and its status is the truth.
    expect(events.filter((ev) => ev.type === "status")).toHaveLength(statusEvents);
    expect(hub.held()).toEqual([]);
    const linesBefore = await t.db.consoleLine.count({ where: { serverId: id } });
    await expect(hub.exec(id, { id: "u", name: "U" }, "status")).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // polls, flushes and reconnects would have run
    await hub.history.flush();
    expect(await t.db.consoleLine.count({ where: { serverId: id } })).toBe(linesBefore);
    expect(await openStays(id)).toBe(e.world.players.length); // not closed by the fenced owner: the next owner does it
    expect(e.loginAttempts).toBe(logins);

    await hub.adopt(id, 2);
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    expect(hub.held()).toEqual([id]);
    expect([...(epochs.get(id) ?? [])].sort()).toEqual([1, 2]);
  });

  it("the write gate stops a connection before it sends anything", async () => {
    const { e, id, hub } = await setup({ writeGate: () => false });
    await hub.start();
    await hub.adopt(id, 1);
    await vi.waitFor(() => expect(hub.statusOf(id)).toMatchObject({ state: "closed", reason: "fenced" }), {
      timeout: 5_000,
    });
    expect(e.loginAttempts).toBe(0);
  });
});
