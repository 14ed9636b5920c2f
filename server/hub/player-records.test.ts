/**
 * Player records in the live hub, against real TF2 emulators (their lists show SteamIDs) on loopback and real socket.io
 * clients: joining players get a record in the list (Viewers too), a watched player's join gives
 * one "watch" console line and one players:watch notice to the server's watchers only (also when
 * the player was already there as RconDeck connected), recordOf and refreshRecords.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConsoleLineMessage, ServerSnapshot, WatchNoticeMessage } from "../../lib/realtime/contract.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { steam64, type EmulatedPlayer } from "../rcon/emulators/source/world.ts";
import { createSqliteTestDatabase, type TestDatabase, disableServerRows } from "../testing/databases.ts";
import { createLoopbackServer, createUnreadableServer, startHub } from "../testing/hub.ts";
import {
  createRoleUsers,
  followPlayers,
  emitResult as emit,
  silentLogger,
  startRealtime,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";
import { openPlayerSessions } from "../data/history.ts";
import type { Player } from "../rcon/types.ts";
import { ConnectionHub } from "./hub.ts";
import { newStayRecord, PlayerRecords, whenSettled, type LiveStay } from "./player-records.ts";

const KEY = Buffer.alloc(32, 5);
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 2_000,
};

describe("player records in the live hub (TF2 emulators, socket.io)", () => {
  let t: TestDatabase;
  let users: Record<"OWNER" | "VIEWER", TestUser>;
  const cleanups: (() => Promise<void>)[] = [];
  let accounts = 500_000_000;

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    users = await createRoleUsers(t.db, ["OWNER", "VIEWER"]);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await disableServerRows(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  async function gameServer(name: string): Promise<{ e: SourceEmulator; id: string }> {
    const e = await startEmulator("source", {
      password: "pw",
      game: "tf2",
      players: 3,
      activity: 0,
      seed: 7,
      extra: { "ban-after": 0 },
    });
    cleanups.push(() => e.close());
    const id = await createLoopbackServer(t.db, KEY, { name, game: "tf2", protocol: "source", port: e.port });
    await t.db.server.update({ where: { id }, data: { pollIntervalSeconds: 1 } });
    return { e, id };
  }

  async function hubAndRealtime(): Promise<{ hub: ConnectionHub; r: RunningRealtime }> {
    const hub = await startHub(t.db, {
      encryptionKey: KEY,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      watchedPollMs: 100,
      livePlayerFieldsEveryMs: 200, // the ping change below is shown within the test
    });
    const r = await startRealtime({ db: t.db, hub });
    cleanups.push(async () => {
      await r.close();
      await hub.stop();
    });
    return { hub, r };
  }

  /** A hub without socket.io, not started yet (a test listens to its events first). */
  function hubAlone(): ConnectionHub {
    const hub = new ConnectionHub({
      db: t.db,
      logger: silentLogger,
      encryptionKey: KEY,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      watchedPollMs: 100,
    });
    cleanups.push(() => hub.stop());
    return hub;
  }

  /** A person known before: a record holding the SteamID, flagged. */
  async function watchedRecord(accountId: number, reason: string): Promise<string> {
    const at = new Date("2026-01-01T00:00:00Z");
    const player = await t.db.player.create({
      data: {
        lastName: "Known",
        lastNameKey: "known",
        firstSeenAt: at,
        lastSeenAt: at,
        watchReason: reason,
        watchedAt: at,
      },
    });
    await t.db.playerIdentity.create({
      data: {
        playerId: player.id,
        originPlayerId: player.id,
        kind: "steam",
        value: steam64(accountId),
        firstSeenAt: at,
        lastSeenAt: at,
      },
    });
    return player.id;
  }

  function newcomer(name: string): EmulatedPlayer {
    return {
      userid: 900 + (accounts % 100),
      name,
      accountId: ++accounts,
      ip: "203.0.113.50",
      port: 27005,
      joinedAt: Date.now(),
      ping: 40,
      isBot: false,
    };
  }

  it("gives joining players a record in every watcher's list, and a watched join one notice for that server's watchers only", async () => {
    const a = await gameServer("Alpha");
    const b = await gameServer("Bravo");
    const { hub, r } = await hubAndRealtime();
    const owner = await r.clientAs(users.OWNER);
    const viewer = await r.clientAs(users.VIEWER);
    const elsewhere = await r.clientAs(users.OWNER);
    const notices: Record<"owner" | "viewer" | "elsewhere", WatchNoticeMessage[]> = {
      owner: [],
      viewer: [],
      elsewhere: [],
    };
    owner.on("players:watch", (n) => notices.owner.push(n));
    viewer.on("players:watch", (n) => notices.viewer.push(n));
    elsewhere.on("players:watch", (n) => notices.elsewhere.push(n));
    const ownerLines: ConsoleLineMessage[] = [];
    owner.on("console:line", (l) => ownerLines.push(l));
    // Whole lists, deltas, pings and scores, applied to the list held as the browser does.
    const followed = followPlayers(viewer, a.id);
    const viewerLists = followed.lists;
    expect((await emit<ServerSnapshot>(owner, "server:subscribe", { serverId: a.id })).ok).toBe(true);
    await followed.subscribe();
    expect((await emit<ServerSnapshot>(elsewhere, "server:subscribe", { serverId: b.id })).ok).toBe(true);

    // Everyone already there gets a record; the Viewer's list carries it too.
    const humans = a.e.world.players.filter((p) => !p.isBot).length;
    await vi.waitFor(() => expect(viewerLists.at(-1)?.filter((p) => p.record).length).toBe(humans), {
      timeout: 5_000,
    });
    const shown = viewerLists.at(-1)!.find((p) => p.record)!;
    expect(shown.guid).toBeNull();
    expect(shown.steamId).toBeNull();
    expect(shown.record).toMatchObject({ notes: 0, warnings: 0, watch: null });

    // A flagged person joins Alpha.
    const joiner = newcomer("Sneaky");
    const playerId = await watchedRecord(joiner.accountId, "wallhack reports");
    a.e.world.players.push(joiner);
    await vi.waitFor(() => expect(notices.owner).toHaveLength(1), { timeout: 5_000 });
    await vi.waitFor(() => expect(notices.viewer).toHaveLength(1), { timeout: 5_000 });
    expect(notices.owner[0]).toMatchObject({
      serverId: a.id,
      playerId,
      name: "Sneaky",
      reason: "wallhack reports",
    });
    await vi.waitFor(() =>
      expect(ownerLines.filter((l) => l.kind === "watch").map((l) => l.text)).toEqual([
        "Sneaky joined — on the watch list: wallhack reports",
      ]),
    );
    await vi.waitFor(() =>
      expect(viewerLists.at(-1)?.find((p) => p.name === "Sneaky")?.record).toEqual({
        playerId,
        notes: 0,
        warnings: 0,
        watch: "wallhack reports",
      }),
    );
    expect(await hub.recordOf(a.id, String(joiner.userid))).toBe(playerId);

    // More polls of the same stay (a ping change shown to everyone) raise no second notice.
    joiner.ping = 321;
    await vi.waitFor(() => expect(viewerLists.at(-1)?.find((p) => p.name === "Sneaky")?.ping).toBe(321), {
      timeout: 5_000,
    });
    // A note is added: refreshRecords brings the count to the list, and still no notice.
    await t.db.playerNote.create({ data: { playerId, originPlayerId: playerId, text: "watch his spray" } });
    await hub.refreshRecords([playerId]);
    await vi.waitFor(() =>
      expect(viewerLists.at(-1)?.find((p) => p.name === "Sneaky")?.record?.notes).toBe(1),
    );
    expect(notices.owner).toHaveLength(1);
    expect(notices.viewer).toHaveLength(1);
    expect(ownerLines.filter((l) => l.kind === "watch")).toHaveLength(1);
    // The client watching Bravo only heard nothing of Alpha's notice.
    expect(notices.elsewhere).toEqual([]);
    expect(await t.db.playerSession.count({ where: { playerId, serverId: a.id, leftAt: null } })).toBe(1);
  });

  it("counts a flagged player already on the server when RconDeck connects as joining, once", async () => {
    const a = await gameServer("Charlie");
    const present = a.e.world.players.find((p) => !p.isBot)!;
    const playerId = await watchedRecord(present.accountId, "chat abuse");
    const hub = hubAlone();
    const notices: WatchNoticeMessage[] = [];
    hub.on((ev) => ev.type === "watch" && notices.push(ev.notice));
    await hub.start();
    const unwatch = hub.watch(a.id);
    await vi.waitFor(
      async () =>
        expect((await hub.lines(a.id, {})).filter((l) => l.kind === "watch").map((l) => l.text)).toEqual([
          `${present.name} joined — on the watch list: chat abuse`,
        ]),
      { timeout: 5_000 },
    );
    expect(hub.players(a.id).find((p) => p.id === String(present.userid))?.record?.playerId).toBe(playerId);
    present.ping = 777;
    await vi.waitFor(
      () => expect(hub.players(a.id).find((p) => p.id === String(present.userid))?.ping).toBe(777),
      { timeout: 5_000 },
    );
    expect((await hub.lines(a.id, {})).filter((l) => l.kind === "watch")).toHaveLength(1);
    expect(notices.map(({ at: _at, ...n }) => n)).toEqual([
      { serverId: a.id, playerId, name: present.name, reason: "chat abuse" },
    ]);
    unwatch();
  });
  it("stores a rename during a stay on the same player record: its last name and a name identity", async () => {
    const a = await gameServer("Delta");
    const present = a.e.world.players.find((p) => !p.isBot)!;
    const hub = hubAlone();
    await hub.start();
    const unwatch = hub.watch(a.id);
    const gameId = String(present.userid);
    await vi.waitFor(() => expect(hub.players(a.id).find((p) => p.id === gameId)?.record).toBeTruthy(), {
      timeout: 5_000,
    });
    const playerId = hub.players(a.id).find((p) => p.id === gameId)!.record!.playerId;
    present.name = "Renamed Mid Stay";
    await vi.waitFor(
      async () =>
        expect(await t.db.player.findUniqueOrThrow({ where: { id: playerId } })).toMatchObject({
          lastName: "Renamed Mid Stay",
        }),
      { timeout: 5_000 },
    );
    const names = await t.db.playerIdentity.findMany({
      where: { playerId, kind: "name" },
      select: { display: true },
    });
    expect(names.map((n) => n.display)).toEqual(expect.arrayContaining([present.name]));
    expect(hub.players(a.id).find((p) => p.id === gameId)?.record?.playerId).toBe(playerId);
    unwatch();
  });
  // PlayerRecords alone, on this database, with no hub around it.
  const quietRecords = () =>
    new PlayerRecords({
      db: t.db,
      logger: silentLogger,
      line: () => undefined,
      watch: () => undefined,
      players: () => undefined,
    });
  const armaPlayer = (id: string, name: string, guid: string | null): Player => ({
    id,
    name,
    plainName: name,
    ping: 30,
    score: null,
    address: `192.0.2.4${id}:2304`,
    guid,
    steamId: null,
    connectedSeconds: null,
    isBot: false,
    state: "?",
  });
  it("wakes who waited for a stay's first link once it is over, and answers later askers at once", async () => {
    const serverId = await createUnreadableServer(t.db, "Foxtrot", 1, {
      game: "arma3",
      protocol: "battleye",
    });
    const records = quietRecords();
    const player = armaPlayer("5", "Waited For", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    const stay: LiveStay = { serverId, player, record: newStayRecord(), current: () => true };
    const order: string[] = [];
    const early = whenSettled(stay.record).then(() =>
      order.push(`early saw ${stay.record.badge?.playerId ?? "none"}`),
    );
    const alsoEarly = whenSettled(stay.record).then(() => order.push("also early"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    const [stayId] = await openPlayerSessions(t.db, [
      {
        serverId,
        gameId: player.id,
        name: player.name,
        plainName: player.plainName,
        guid: player.guid,
        steamId: null,
        address: player.address,
        joinedAt: new Date(),
      },
    ]);
    const game = { id: "arma3", family: "battleye", accounts: true };
    await records.linkOpened([{ stay, stayId: stayId!, game, joinedAt: new Date() }]);
    await Promise.all([early, alsoEarly]);
    const playerId = stay.record.badge!.playerId;
    expect(order).toEqual([`early saw ${playerId}`, "also early"]);
    expect(stay.record.waiters).toBeNull();
    await whenSettled(stay.record);
    // A stay that could not be stored settles too: nobody waits for ever.
    const unstored: LiveStay = {
      serverId,
      player: { ...player, id: "6" },
      record: newStayRecord(),
      current: () => true,
    };
    const waiting = whenSettled(unstored.record);
    await records.linkOpened([{ stay: unstored, stayId: null, game, joinedAt: new Date() }]);
    await waiting;
    expect(unstored.record).toMatchObject({ settled: true, badge: null });
  });
  it("links late a GUID the player showed while the stay's first link was on its way", async () => {
    const serverId = await createUnreadableServer(t.db, "Echo", 1, { game: "arma3", protocol: "battleye" });
    const records = quietRecords();
    const player = armaPlayer("4", "Verified Late", null);
    const stay: LiveStay = { serverId, player, record: newStayRecord(), current: () => true };
    const [stayId] = await openPlayerSessions(t.db, [
      {
        serverId,
        gameId: player.id,
        name: player.name,
        plainName: player.plainName,
        guid: null,
        steamId: null,
        address: player.address,
        joinedAt: new Date(),
      },
    ]);
    const game = { id: "arma3", family: "battleye", accounts: true };
    const opened = records.linkOpened([{ stay, stayId: stayId!, game, joinedAt: new Date() }]);
    // BattlEye verifies the GUID while the first link is being written.
    player.guid = "dddddddddddddddddddddddddddddddd";
    await opened;
    await records.linkLate(stay, stayId!, game);
    const playerId = stay.record.badge!.playerId;
    expect(
      await t.db.playerIdentity.count({ where: { playerId, kind: "battleye", value: player.guid } }),
    ).toBe(1);
  });
});
