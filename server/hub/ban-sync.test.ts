/**
 * Native ban sync for SRCDS against a real CS:GO emulator on loopback, on SQLite and PostgreSQL:
 * permanent SteamID and IPv4 bans land in the game's filter lists and are verified by re-listing;
 * timed bans and bans without a SteamID or IPv4 are join-only; bans of other servers stay out;
 * a revoked ban leaves the game's list. A game server that refuses leaves the central ban as it was.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { banSyncRows } from "../data/ban-sync.ts";
import { createBan, revokeBan, updateBan } from "../data/bans.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import { findDialect, loadFamily } from "../rcon/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { RconCommandError } from "../rcon/types.ts";
import { FencedWriteError, NativeBanSync, PassInterruptedError } from "./ban-sync.ts";
import type { WriteFence } from "./fence.ts";
import { ConnectionHub } from "./hub.ts";

const KEY = Buffer.alloc(32, 5);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 2_000,
};

describe.each(DATABASE_KINDS)("native ban sync on $kind", ({ create }) => {
  let t: TestDatabase;
  let admin: Actor;
  const hubs: ConnectionHub[] = [];
  const emulators: SourceEmulator[] = [];

  beforeAll(async () => {
    t = await create();
    const row = await t.db.user.create({
      data: { email: "admin@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
    });
    admin = { id: row.id, email: row.email, name: row.name, role: "ADMIN", serverIds: null };
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    await t.drop();
  });

  const ctx = () => ({ db: t.db, actor: admin, ip: null });
  const server = async (port: number, enabled = true) =>
    (
      await t.db.server.create({
        data: {
          name: `S${port}-${Math.random()}`,
          game: "csgo",
          protocol: "source",
          host: "127.0.0.1",
          port,
          passwordEncrypted: encryptSecret("pw", KEY),
          pollIntervalSeconds: 1,
          enabled,
        },
      })
    ).id;
  const ban = (
    identifiers: { kind: "steam" | "ip" | "battleye"; value: string }[],
    duration: string,
    serverIds?: string[],
  ) =>
    createBan(ctx(), {
      identifiers,
      reason: 'no "quotes"; here',
      duration,
      target: serverIds ? { scope: "servers", serverIds } : { scope: "all" },
    });
  const stateOf = async (serverId: string) =>
    Object.fromEntries((await banSyncRows(t.db, serverId)).map((r) => [r.banId, r.state]));

  it("writes permanent SteamID and IPv4 bans into the game's lists, verifies them, keeps timed ones join-only, and lifts a revoked ban", async () => {
    const e = await startEmulator("source", {
      password: "pw",
      port: 0,
      game: "csgo",
      players: 1,
      activity: 0,
      seed: 31,
      extra: { "ban-after": 0 },
    });
    emulators.push(e);
    const id = await server(e.port);
    const other = await server(1, false);
    const steam = await ban([{ kind: "steam", value: "[U:1:4242]" }], "permanent", [id]);
    const ip = await ban([{ kind: "ip", value: "198.51.100.9" }], "permanent");
    const timed = await ban([{ kind: "steam", value: "[U:1:777]" }], "1d");
    const guidOnly = await ban(
      [{ kind: "battleye", value: "0123456789abcdef0123456789abcdef" }],
      "permanent",
    );
    await ban([{ kind: "steam", value: "[U:1:999]" }], "permanent", [other]);

    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      nativeBans: new NativeBanSync({ db: t.db, logger: silent, everyMs: 100 }),
    });
    hubs.push(hub);
    await hub.start();
    await vi.waitFor(
      async () =>
        expect(await stateOf(id)).toEqual({
          [steam.id]: "applied",
          [ip.id]: "applied",
          [timed.id]: "join_only",
          [guidOnly.id]: "join_only",
        }),
      { timeout: 10_000 },
    );
    expect(e.world.bans.map((b) => [b.kind, b.value, b.expiresAt])).toEqual(
      expect.arrayContaining([
        ["steamid", "4242", null],
        ["ip", "198.51.100.9", null],
      ]),
    );
    expect(e.world.bans).toHaveLength(2); // not the timed one, not the other server's
    expect(
      (await banSyncRows(t.db, id))
        .filter((r) => r.state === "applied")
        .every((r) => r.lastVerifiedAt !== null && r.error === null),
    ).toBe(true);

    await revokeBan(ctx(), { id: steam.id, reason: "appeal" });
    hub.recheckBans([id]);
    await vi.waitFor(() => expect(e.world.bans.map((b) => b.value)).toEqual(["198.51.100.9"]), {
      timeout: 10_000,
    });
    await vi.waitFor(async () => expect((await stateOf(id))[steam.id]).toBe("removed"), { timeout: 5_000 });

    // Made permanent: the join-only row is dropped and the ban is written natively.
    await updateBan(ctx(), { id: timed.id, duration: "permanent" });
    hub.recheckBans([id]);
    await vi.waitFor(async () => expect((await stateOf(id))[timed.id]).toBe("applied"), { timeout: 10_000 });
    expect(e.world.bans.map((b) => b.value).sort()).toEqual(["198.51.100.9", "777"]);
  });

  it("keeps the game's list under the native cap: bans past it are enforced on join only", async () => {
    const e = await startEmulator("source", {
      password: "pw",
      port: 0,
      game: "csgo",
      players: 1,
      activity: 0,
      seed: 32,
      extra: { "ban-after": 0 },
    });
    emulators.push(e);
    const id = await server(e.port);
    // Only these two apply here: the earlier "every server" bans are revoked first.
    await t.db.ban.updateMany({ where: { scope: "all", revokedAt: null }, data: { revokedAt: new Date() } });
    const older = await ban([{ kind: "steam", value: "[U:1:5001]" }], "permanent", [id]);
    const newer = await ban([{ kind: "steam", value: "[U:1:5002]" }], "permanent", [id]);
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      nativeBans: new NativeBanSync({ db: t.db, logger: silent, everyMs: 100, nativeCap: 1 }),
    });
    hubs.push(hub);
    await hub.start();
    await vi.waitFor(
      async () => expect(await stateOf(id)).toEqual({ [newer.id]: "applied", [older.id]: "join_only" }),
      { timeout: 10_000 },
    );
    expect(e.world.bans.map((b) => b.value)).toEqual(["5002"]);
  });

  it("records a failure and changes no central ban when the game server does not answer", async () => {
    const id = await server(2, false);
    const b = await ban([{ kind: "steam", value: "[U:1:31337]" }], "permanent", [id]);
    const before = await t.db.ban.findUniqueOrThrow({ where: { id: b.id } });
    const dialect = findDialect(await loadFamily("source"), "csgo");
    const sync = new NativeBanSync({ db: t.db, logger: silent });
    const summary = await sync.syncOnce(id, dialect, () => Promise.reject(new Error("connection lost")));
    expect(summary.applied).toBe(0);
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    const row = (await banSyncRows(t.db, id)).find((r) => r.banId === b.id);
    expect(row).toMatchObject({ state: "failed", error: "connection lost", lastVerifiedAt: null });
    expect(await t.db.ban.findUniqueOrThrow({ where: { id: b.id } })).toEqual(before);
    // A failed ban is not retried at once (a later pass, after the retry delay, tries again).
    expect(await sync.syncOnce(id, dialect, () => Promise.reject(new Error("connection lost")))).toEqual({
      applied: 0,
      joinOnly: 0,
      failed: 0,
      removed: 0,
      missing: 0,
      nativeOnly: 0,
    });
  });

  it("a connection closed during a pass (a shutdown) ends it quietly: the ban stays pending, not failed, and the next connection writes it", async () => {
    const id = await server(4, false);
    const b = await ban([{ kind: "steam", value: "[U:1:31339]" }], "permanent", [id]);
    const dialect = findDialect(await loadFamily("source"), "csgo");
    const logged: string[] = [];
    const logger = {
      ...silent,
      debug: (message: string) => logged.push(`debug ${message}`),
      warn: (message: string) => logged.push(`warn ${message}`),
    };
    const sync = new NativeBanSync({ db: t.db, logger, everyMs: 0 });
    const closed = () =>
      Promise.reject(new RconCommandError("NOT_CONNECTED", "not connected (closed: stopped)"));
    await expect(sync.syncOnce(id, dialect, closed)).rejects.toBeInstanceOf(PassInterruptedError);
    expect((await banSyncRows(t.db, id)).find((r) => r.banId === b.id)).toBeUndefined();
    sync.maybeRun(id, dialect, closed);
    await vi.waitFor(() => expect(logged).toEqual(["debug native ban sync ended: connection closed"]));
    // Connected again: the ban is written at once (a failed one would wait for the retry delay).
    const sent: string[] = [];
    await sync.syncOnce(id, dialect, (text) => {
      sent.push(text);
      return Promise.resolve("");
    });
    expect(sent.some((text) => text.startsWith("banid") && text.includes("[U:1:31339]"))).toBe(true);
  });

  it("writes nothing for a server the write fence refuses: the pass ends; allowed, the same pass records", async () => {
    const id = await server(3, false);
    const b = await ban([{ kind: "steam", value: "[U:1:31338]" }], "permanent", [id]);
    const dialect = findDialect(await loadFamily("source"), "csgo");
    const asked: number[] = [];
    const fence = (allow: boolean): WriteFence => ({
      run: (epochs, write) => {
        asked.push(epochs.get(id) ?? -1);
        return write(t.db, allow ? new Set(epochs.keys()) : new Set());
      },
    });
    const refused = new NativeBanSync({ db: t.db, logger: silent, fence: fence(false) });
    const fail = () => Promise.reject(new Error("connection lost"));
    await expect(refused.syncOnce(id, dialect, fail, 4)).rejects.toBeInstanceOf(FencedWriteError);
    expect((await banSyncRows(t.db, id)).find((r) => r.banId === b.id)).toBeUndefined();
    expect(asked).toEqual([4]);
    const allowed = new NativeBanSync({ db: t.db, logger: silent, fence: fence(true) });
    await allowed.syncOnce(id, dialect, fail, 5);
    expect((await banSyncRows(t.db, id)).find((r) => r.banId === b.id)).toMatchObject({ state: "failed" });
    expect(asked.slice(1).every((epoch) => epoch === 5)).toBe(true);
  });
});
