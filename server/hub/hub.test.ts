/**
 * The hub against real emulators on loopback, with the history on a real SQLite and PostgreSQL
 * database: reconnect after a game-server restart, auth_failed not retried, a password edit
 * reconnects, history (seq, lines, player sessions) survives a hub restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator } from "../rcon/emulators/registry.ts";
import { encryptSecret } from "../security/crypto.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { deleteServer } from "../data/servers.ts";
import { createActor } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase, disableServerRows } from "../testing/databases.ts";
import { ConnectionHub, type HubEvent } from "./hub.ts";
import type { HubOptions } from "./options.ts";

const KEY = Buffer.alloc(32, 7);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 2_000,
};
const actor = { id: "u1", name: "Alice" };

function newHub(t: TestDatabase, extra: Partial<HubOptions> = {}): ConnectionHub {
  return new ConnectionHub({
    db: t.db,
    encryptionKey: KEY,
    logger: silent,
    connectionOptions: FAST,
    history: { intervalMs: 20 },
    watchedPollMs: 100,
    ...extra,
  });
}

async function addServer(
  t: TestDatabase,
  port: number,
  password: string,
  extra: { game?: string; protocol?: string } = {},
): Promise<string> {
  const row = await t.db.server.create({
    data: {
      name: `S${port}`,
      game: extra.game ?? "cs2",
      protocol: extra.protocol ?? "source",
      host: "127.0.0.1",
      port,
      passwordEncrypted: encryptSecret(password, KEY),
      pollIntervalSeconds: 1,
    },
  });
  return row.id;
}

describe.each(DATABASE_KINDS)("connection hub on $kind", ({ create }) => {
  let t: TestDatabase;
  const hubs: ConnectionHub[] = [];
  const emulators: SourceEmulator[] = [];

  beforeAll(async () => {
    t = await create();
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
    await disableServerRows(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  async function emulator(password: string, port = 0, game = "cs2"): Promise<SourceEmulator> {
    const e = await startEmulator("source", {
      password,
      port,
      game,
      players: 4,
      activity: 0,
      seed: 3,
      extra: { "ban-after": 0 },
    });
    emulators.push(e);
    return e;
  }

  /** An emulator (password "pw"), its server row and a hub that is not started yet. */
  async function serverWithHub(
    game = "cs2",
    extra: Partial<HubOptions> = {},
  ): Promise<{ e: SourceEmulator; id: string; hub: ConnectionHub }> {
    const e = await emulator("pw", 0, game);
    const id = await addServer(t, e.port, "pw", { game });
    const hub = newHub(t, extra);
    hubs.push(hub);
    return { e, id, hub };
  }

  it("connects, polls players into sessions, and recovers after the game server restarts", async () => {
    const first = await emulator("pw");
    const id = await addServer(t, first.port, "pw");
    const hub = newHub(t);
    hubs.push(hub);
    const states: string[] = [];
    hub.on((e) => e.type === "status" && e.status.serverId === id && states.push(e.status.state));
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    await vi.waitFor(() => expect(hub.players(id)).toHaveLength(first.world.players.length), {
      timeout: 5_000,
    });
    await vi.waitFor(
      async () =>
        expect(await t.db.playerSession.count({ where: { serverId: id, leftAt: null } })).toBe(
          first.world.players.length,
        ),
      { timeout: 5_000 },
    );

    const port = first.port;
    await first.close();
    emulators.splice(emulators.indexOf(first), 1);
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("unreachable"), { timeout: 5_000 });
    // Offline: the stays end and the table empties.
    expect(hub.players(id)).toEqual([]);
    await vi.waitFor(
      async () => expect(await t.db.playerSession.count({ where: { serverId: id, leftAt: null } })).toBe(0),
      { timeout: 5_000 },
    );

    await emulator("pw", port);
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 10_000 });
    expect(states).toContain("unreachable");
    const answer = await hub.exec(id, actor, "status");
    expect(answer.answer.text).toContain("hostname");
  });

  it("shows a wrong password as auth_failed, never retries it, and reconnects when the password is edited", async () => {
    const e = await emulator("right");
    const id = await addServer(t, e.port, "wrong");
    const hub = newHub(t);
    hubs.push(hub);
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("auth_failed"), { timeout: 5_000 });
    expect(hub.statusOf(id).nextRetryAt).toBeNull();
    const attempts = e.loginAttempts;
    expect(attempts).toBe(1);
    await expect(hub.exec(id, actor, "status")).rejects.toMatchObject({ code: "UNAVAILABLE" });

    await t.db.server.update({ where: { id }, data: { passwordEncrypted: encryptSecret("right", KEY) } });
    await hub.reloadServer(id);
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    // Still exactly one refused login before the edit: nothing retried it in between.
    expect(e.loginAttempts).toBe(attempts + 1);
  });

  it("applies a polled player list in its turn of the queue (poll-turns.ts), not when the answer arrives", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const turns = {
      turn: () => {
        asked++;
        return released;
      },
    };
    const { e, id, hub } = await serverWithHub("cs2", { pollTurns: turns });
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    await vi.waitFor(() => expect(asked).toBe(1), { timeout: 5_000 });
    // The answer is in; the list waits for its turn (and no second poll overlaps it).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.players(id)).toEqual([]);
    expect(asked).toBe(1);
    release();
    await vi.waitFor(() => expect(hub.players(id)).toHaveLength(e.world.players.length), { timeout: 5_000 });
  });

  it("keeps console history and seq across a hub restart, including lines not yet written at stop", async () => {
    const { id, hub } = await serverWithHub();
    const lines: Extract<HubEvent, { type: "line" }>["line"][] = [];
    hub.on((ev) => ev.type === "line" && ev.line.serverId === id && lines.push(ev.line));
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    for (let i = 0; i < 5; i++) await hub.exec(id, actor, `echo ${i}`);
    const lastSeq = Math.max(...lines.map((l) => l.seq));
    expect(new Set(lines.map((l) => l.seq)).size).toBe(lines.length);
    await hub.stop();
    hubs.splice(hubs.indexOf(hub), 1);

    const stored = await t.db.consoleLine.findMany({ where: { serverId: id }, orderBy: { seq: "asc" } });
    expect(stored.map((l) => l.seq)).toEqual(lines.map((l) => l.seq));
    expect(stored.filter((l) => l.kind === "command").map((l) => [l.text, l.actorName])).toContainEqual([
      "echo 4",
      "Alice",
    ]);

    const again = newHub(t);
    hubs.push(again);
    await again.start();
    const history = await again.lines(id, {});
    expect(history.map((l) => l.seq)).toEqual(lines.map((l) => l.seq));
    await vi.waitFor(() => expect(again.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    const next = await again.exec(id, actor, "echo after");
    expect(next.command.seq).toBeGreaterThan(lastSeq);
    expect(next.answer.replyTo).toBe(next.command.seq);
    // Resume after a seq: exactly the newer lines, written or not.
    const resumed = await again.lines(id, { afterSeq: lastSeq });
    expect(resumed.map((l) => l.seq)).toEqual(resumed.map((l) => l.seq).sort((a, b) => a - b));
    // A restart continues after the reserved block (a gap, never a reused seq).
    expect(resumed[0]?.seq).toBeGreaterThan(lastSeq);
    expect(resumed.map((l) => l.text)).toContain("echo after");
  });

  it("disables, re-enables and removes a server live", async () => {
    const { e, id, hub } = await serverWithHub();
    const removed: string[] = [];
    hub.on((ev) => ev.type === "removed" && removed.push(ev.serverId));
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    await t.db.server.update({ where: { id }, data: { enabled: false } });
    await hub.reloadServer(id);
    expect(hub.statusOf(id).state).toBe("disabled");
    await vi.waitFor(() => expect(e.connectionCount).toBe(0), { timeout: 5_000 });
    await t.db.server.update({ where: { id }, data: { enabled: true } });
    await hub.reloadServer(id);
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    // As the dashboard deletes it (its cascade meets the hub's own writes: deleteServer retries a deadlock).
    await deleteServer({ db: t.db, actor: await createActor(t.db, "OWNER", null), ip: null }, id);
    await hub.reloadServer(id); // a reload of a deleted row removes it too
    expect(hub.has(id)).toBe(false);
    expect(removed).toEqual([id]);
    await vi.waitFor(() => expect(e.connectionCount).toBe(0), { timeout: 5_000 });
  });

  it("sends a player list at once when players change, a ping alone on a slower beat, keeping the stay's start", async () => {
    // A beat longer than the test: a ping change alone is never sent by itself here.
    const { e, id, hub } = await serverWithHub("cs2", { livePlayerFieldsEveryMs: 600_000 });
    const lists: Extract<HubEvent, { type: "players" }>["players"][] = [];
    hub.on((ev) => ev.type === "players" && ev.serverId === id && lists.push(ev.players));
    await hub.start();
    const unwatch = hub.watch(id); // polls every 100 ms
    await vi.waitFor(() => expect(hub.players(id)).toHaveLength(e.world.players.length), { timeout: 5_000 });
    // The player records arrive after the stays are stored: a list of its own.
    await vi.waitFor(() => expect(hub.players(id).every((p) => p.isBot || p.record)).toBe(true), {
      timeout: 5_000,
    });
    const first = hub.players(id);
    const sent = lists.length;
    await new Promise((resolve) => setTimeout(resolve, 600)); // about six polls of an unchanged server
    expect(lists.length).toBe(sent);

    const target = e.world.players.find((p) => !p.isBot);
    if (!target) throw new Error("the emulator has no human player");
    target.ping = 999;
    // Read at once (the REST API's list), but not sent by itself.
    await vi.waitFor(
      () => expect(hub.players(id).find((p) => p.id === String(target.userid))?.ping).toBe(999),
      {
        timeout: 5_000,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(lists.length).toBe(sent);

    // A join goes out at once, with the ping held back until then.
    const joined = e.world.join(Date.now());
    if (!joined) throw new Error("the emulator's server is full");
    await vi.waitFor(() => expect(lists.at(-1)?.some((p) => p.id === String(joined.userid))).toBe(true), {
      timeout: 5_000,
    });
    expect(lists.at(-1)?.find((p) => p.id === String(target.userid))?.ping).toBe(999);
    const after = hub.players(id);
    expect(after.find((p) => p.id === String(target.userid))?.connectedSince).toBe(
      first.find((p) => p.id === String(target.userid))?.connectedSince,
    );
    unwatch();
  });

  it("sends pings and scores alone on their beat, without a whole list", async () => {
    const { e, id, hub } = await serverWithHub("cs2", { livePlayerFieldsEveryMs: 300 });
    const lists: Extract<HubEvent, { type: "players" }>["players"][] = [];
    const live: Extract<HubEvent, { type: "players-live" }>["players"][] = [];
    hub.on((ev) => {
      if (ev.type === "players" && ev.serverId === id) lists.push(ev.players);
      if (ev.type === "players-live" && ev.serverId === id) live.push(ev.players);
    });
    await hub.start();
    const unwatch = hub.watch(id); // polls every 100 ms
    await vi.waitFor(() => expect(lists.at(-1)).toHaveLength(e.world.players.length), { timeout: 5_000 });
    await vi.waitFor(() => expect(lists.at(-1)?.every((p) => p.isBot || p.record)).toBe(true), {
      timeout: 5_000,
    });
    const target = e.world.players.find((p) => !p.isBot);
    if (!target) throw new Error("the emulator has no human player");
    const sent = lists.length;
    target.ping = 777;
    await vi.waitFor(
      () => expect(live.at(-1)?.find((p) => p.id === String(target.userid))).toMatchObject({ ping: 777 }),
      { timeout: 5_000 },
    );
    // Every player's fields, and those alone; the whole list did not go out again.
    expect(live.at(-1)?.map((p) => p.id)).toEqual(hub.players(id).map((p) => p.id));
    expect(Object.keys(live.at(-1)?.[0] ?? {}).sort()).toEqual(["id", "ping", "score"]);
    expect(lists.length).toBe(sent);
    unwatch();
  });

  it("shows the game's map and player slots in the status, re-read after a map change", async () => {
    const { e, id, hub } = await serverWithHub();
    await hub.start();
    await vi.waitFor(
      () =>
        expect(hub.statusOf(id)).toMatchObject({
          state: "online",
          map: e.world.map,
          maxPlayers: e.world.maxPlayers,
        }),
      { timeout: 5_000 },
    );
    const unwatch = hub.watch(id);
    await hub.exec(id, actor, "changelevel de_nuke");
    await vi.waitFor(() => expect(hub.statusOf(id).map).toBe("de_nuke"), { timeout: 5_000 });
    unwatch();
  });

  it("stores each player-count sample with the map it last read, from the first sample on", async () => {
    const e = await emulator("pw");
    const id = await addServer(t, e.port, "pw");
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      watchedPollMs: 100,
      sampleEveryMs: 0,
    });
    hubs.push(hub);
    await hub.start();
    const unwatch = hub.watch(id);
    const samples = () =>
      t.db.playerCountSample.findMany({ where: { serverId: id }, orderBy: { id: "asc" } });
    await vi.waitFor(async () => expect((await samples()).length).toBeGreaterThan(0), { timeout: 5_000 });
    const [first] = await samples();
    expect(first).toMatchObject({ map: e.world.map, count: hub.players(id).length });
    await hub.exec(id, actor, "changelevel de_nuke");
    await vi.waitFor(async () => expect((await samples()).at(-1)?.map).toBe("de_nuke"), { timeout: 5_000 });
    unwatch();
  });

  it("turns chat the game pushes (Squad) into chat lines at once", async () => {
    const { e, id, hub } = await serverWithHub("squad");
    const lines: Extract<HubEvent, { type: "line" }>["line"][] = [];
    hub.on((ev) => ev.type === "line" && ev.line.serverId === id && lines.push(ev.line));
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(id).state).toBe("online"), { timeout: 5_000 });
    expect(e.playerChat("medic at the FOB please")).toBe(true);
    await vi.waitFor(
      () => expect(lines.find((l) => l.text.includes("medic at the FOB please"))?.kind).toBe("chat"),
      { timeout: 5_000 },
    );
    expect(hub.statusOf(id).lastEventAt).not.toBeNull();
  });

  it("announces Squad joins and leaves found by polling (its RCON pushes chat, not joins)", async () => {
    const { e, id, hub } = await serverWithHub("squad");
    const lines: Extract<HubEvent, { type: "line" }>["line"][] = [];
    hub.on((ev) => ev.type === "line" && ev.line.serverId === id && lines.push(ev.line));
    await hub.start();
    const unwatch = hub.watch(id);
    await vi.waitFor(() => expect(hub.players(id)).toHaveLength(e.world.players.length), { timeout: 5_000 });
    const joined = e.world.join(Date.now());
    if (!joined) throw new Error("the emulator's server is full");
    await vi.waitFor(() => expect(lines.find((l) => l.text === `${joined.name} joined`)?.kind).toBe("join"), {
      timeout: 5_000,
    });
    e.world.remove(joined);
    await vi.waitFor(() => expect(lines.find((l) => l.text === `${joined.name} left`)?.kind).toBe("leave"), {
      timeout: 5_000,
    });
    unwatch();
  });
});
