/**
 * The hub with a Rust WebRCON server (the webrcon emulator on loopback), on SQLite and PostgreSQL:
 * online, players from `playerlist` with their SteamIDs, map and slots from `serverinfo`, pushed
 * chat as chat lines, a kick through the hub, and a wrong password left auth_failed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { WebRconEmulator } from "../rcon/emulators/webrcon/emulator.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase, disableServerRows } from "../testing/databases.ts";
import { ConnectionHub, type HubEvent } from "./hub.ts";

const KEY = Buffer.alloc(32, 9);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 2_000,
  commandTimeoutMs: 3_000,
};

describe.each(DATABASE_KINDS)("hub with Rust WebRCON on $kind", ({ create }) => {
  let t: TestDatabase;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    t = await create();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await disableServerRows(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  async function setUp(storedPassword = "rust-pw") {
    const e: WebRconEmulator = await startEmulator("webrcon", {
      password: "rust-pw",
      players: 5,
      activity: 0,
      seed: 11,
    });
    cleanups.push(() => e.close());
    const row = await t.db.server.create({
      data: {
        name: `Rust ${e.port}`,
        game: "rust-webrcon",
        protocol: "webrcon",
        host: "127.0.0.1",
        port: e.port,
        passwordEncrypted: encryptSecret(storedPassword, KEY),
        pollIntervalSeconds: 1,
      },
    });
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      watchedPollMs: 100,
    });
    cleanups.push(() => hub.stop());
    return { e, id: row.id, hub };
  }

  it("shows the players, map and slots, and pushed chat as chat lines", async () => {
    const { e, id, hub } = await setUp();
    const lines: Extract<HubEvent, { type: "line" }>["line"][] = [];
    hub.on((ev) => ev.type === "line" && ev.line.serverId === id && lines.push(ev.line));
    await hub.start();
    await vi.waitFor(
      () =>
        expect(hub.statusOf(id)).toMatchObject({ state: "online", map: "Procedural Map", maxPlayers: 100 }),
      { timeout: 10_000 },
    );
    await vi.waitFor(() => expect(hub.players(id)).toHaveLength(5), { timeout: 10_000 });
    expect(
      hub
        .players(id)
        .map((p) => p.id)
        .sort(),
    ).toEqual(
      e
        .players()
        .map((p) => p.steamId)
        .sort(),
    );
    expect(e.playerChat("raid at dawn")).toBe(true);
    await vi.waitFor(() => expect(lines.find((l) => l.text.includes("raid at dawn"))?.kind).toBe("chat"), {
      timeout: 10_000,
    });
  });

  it("kicks a player through the hub by SteamID, and the emulator's list follows", async () => {
    const { e, id, hub } = await setUp();
    await hub.start();
    await vi.waitFor(() => expect(hub.players(id)).toHaveLength(5), { timeout: 10_000 });
    const target = e.players()[0]!;
    await hub.kick(id, { id: "u1", name: "Alice" }, target.steamId, "afk");
    expect(e.players().map((p) => p.steamId)).not.toContain(target.steamId);
    expect(e.received).toContain(`kick ${target.steamId} "afk"`);
  });

  it("a wrong stored password is auth_failed and the emulator sees no session", async () => {
    const { e, id, hub } = await setUp("not-the-password");
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("auth_failed"), { timeout: 10_000 });
    expect(e.sessions()).toHaveLength(0);
  });
});
