/**
 * Identities per role over real sockets (issue 10 item 6): on Rust (legacy RCON emulator) the
 * player id is a SteamID64. A Viewer's snapshot, player updates, pings and console lines carry
 * none; a Moderator keeps the real ids that kick and message take.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isPlayerHandle } from "../../lib/players/handle.ts";
import type { ConsoleLineMessage, PlayerLiveFields, ServerSnapshot } from "../../lib/realtime/contract.ts";
import type { PlayerListDelta } from "../../lib/realtime/player-delta.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, startHub } from "../testing/hub.ts";
import {
  createRoleUsers,
  emitResult as emit,
  followPlayers,
  startRealtime,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 5);
const STEAM64 = /7656119\d{10}/;

describe("player identities per role (Rust emulator, real hub and sockets)", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let rust: SourceEmulator;
  let serverId: string;
  let users: Record<"ADMIN" | "MODERATOR" | "VIEWER", TestUser>;
  const client = (role: keyof typeof users) => r.clientAs(users[role]);

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    users = await createRoleUsers(t.db, ["ADMIN", "MODERATOR", "VIEWER"]);
    rust = await startEmulator("source", { game: "rust", password: "pw", players: 5, activity: 0, seed: 4 });
    serverId = await createLoopbackServer(t.db, KEY, {
      name: "Rust",
      game: "rust",
      protocol: "source",
      port: rust.port,
    });
    hub = await startHub(t.db, {
      encryptionKey: KEY,
      history: { intervalMs: 20, maxLines: 50 },
      watchedPollMs: 200,
      livePlayerFieldsEveryMs: 300, // pings and scores alone go out within the test
    });
    r = await startRealtime({ db: t.db, hub });
    await vi.waitFor(() => expect(hub.players(serverId)).toHaveLength(5), { timeout: 10_000 });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
    await rust.close();
    await t.drop();
  });

  it("a Viewer gets opaque handles and no SteamID anywhere; a Moderator gets the real ids and can message by them", async () => {
    const viewer = await client("VIEWER");
    const moderator = await client("MODERATOR");
    const admin = await client("ADMIN");
    const viewerEvents: unknown[] = [];
    viewer.onAny((...args: unknown[]) => viewerEvents.push(args));
    const viewerList = followPlayers(viewer, serverId);
    const snap = await viewerList.subscribe();
    const modSnap = await emit<ServerSnapshot>(moderator, "server:subscribe", { serverId });
    await emit(admin, "server:subscribe", { serverId });
    if (!modSnap.ok) throw new Error("subscribe failed");

    expect(snap.players).toHaveLength(5);
    expect(snap.players.every((p) => isPlayerHandle(p.id))).toBe(true);
    expect(new Set(snap.players.map((p) => p.id)).size).toBe(5);
    expect(modSnap.data.players.every((p) => STEAM64.test(p.id))).toBe(true);

    // The same handle for the same player in the next lists (stable while the player stays), sent
    // as deltas of handles.
    const deltas: PlayerListDelta[] = [];
    viewer.on("players:delta", (d) => deltas.push(d));
    const kicked = new Set<string>();
    for (const target of modSnap.data.players.slice(0, 2)) {
      const answer = await emit(admin, "console:exec", { serverId, command: `kick ${target.id}` });
      expect(answer.ok).toBe(true);
      kicked.add(target.name);
      const stay = snap.players.filter((p) => !kicked.has(p.name)).map((p) => p.id);
      await vi.waitFor(
        () =>
          expect(
            viewerList.lists
              .at(-1)
              ?.map((p) => p.id)
              .sort(),
          ).toEqual(stay.sort()),
        {
          timeout: 5_000,
        },
      );
    }
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.flatMap((d) => d.ids).every(isPlayerHandle)).toBe(true);
    expect(viewerList.resyncs).toBeLessThanOrEqual(1); // a delta that overtook the snapshot

    // Console: an Admin's `status` lists SteamIDs and addresses; the Viewer's copy has none.
    const status = await emit<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>(
      admin,
      "console:exec",
      { serverId, command: "status" },
    );
    if (!status.ok) throw new Error(status.error.message);
    expect(status.data.answer.text).toMatch(STEAM64);
    await vi.waitFor(() =>
      expect(
        viewerEvents.some(
          (e) =>
            (e as [string, ConsoleLineMessage])[0] === "console:line" &&
            (e as [string, ConsoleLineMessage])[1].seq === status.data.answer.seq,
        ),
      ).toBe(true),
    );
    const history = await emit<{ lines: ConsoleLineMessage[] }>(viewer, "console:history", {
      serverId,
      beforeSeq: status.data.answer.seq + 1,
    });
    expect(JSON.stringify([viewerEvents, history])).not.toMatch(STEAM64);
    expect(JSON.stringify(viewerEvents)).toContain('"players:delta"');

    // A Moderator's action by the real id works.
    const target = modSnap.data.players[2]; // the first two were kicked above
    expect(
      await emit(moderator, "players:message", { serverId, playerId: target?.id, message: "hello" }),
    ).toMatchObject({ ok: true });
  });

  it("pings and scores alone reach a Viewer under the handles of its list, a Moderator under the SteamIDs", async () => {
    const viewer = await client("VIEWER");
    const moderator = await client("MODERATOR");
    const snap = await emit<ServerSnapshot>(viewer, "server:subscribe", { serverId });
    await emit(moderator, "server:subscribe", { serverId });
    if (!snap.ok) throw new Error("subscribe failed");
    const viewerLive: PlayerLiveFields[][] = [];
    const moderatorLive: PlayerLiveFields[][] = [];
    viewer.on("players:live", (u) => u.serverId === serverId && viewerLive.push(u.players));
    moderator.on("players:live", (u) => u.serverId === serverId && moderatorLive.push(u.players));

    for (const player of rust.world.players) if (!player.isBot) player.ping = 600 + player.userid;
    const moved = (lists: PlayerLiveFields[][]) =>
      lists.at(-1)?.some((p) => p.ping !== null && p.ping >= 600) === true;
    await vi.waitFor(() => expect(moved(viewerLive) && moved(moderatorLive)).toBe(true), { timeout: 5_000 });

    expect(new Set(viewerLive.at(-1)?.map((p) => p.id))).toEqual(new Set(snap.data.players.map((p) => p.id)));
    expect(viewerLive.flat().every((p) => isPlayerHandle(p.id))).toBe(true);
    expect(moderatorLive.flat().every((p) => STEAM64.test(p.id))).toBe(true);
    expect(JSON.stringify(viewerLive)).not.toMatch(STEAM64);
    // The same numbers for both, only the ids differ.
    const pings = (lists: PlayerLiveFields[][]) =>
      lists
        .at(-1)
        ?.map((p) => p.ping)
        .sort();
    expect(pings(viewerLive)).toEqual(pings(moderatorLive));
  });
});
