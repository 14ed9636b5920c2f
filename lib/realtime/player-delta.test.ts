import { describe, expect, it } from "vitest";
import type { PlayerView } from "./contract.ts";
import { testPlayerView } from "../testing/player-view.ts";
import { PlayerListFollower, playerListChanges, type PlayerListDelta } from "./player-delta.ts";

const player = testPlayerView;

/** The delta from `previous` to `next`, as the bridge sends it (revisions 1 -> 2). */
function deltaOf(previous: PlayerView[], next: PlayerView[]): PlayerListDelta {
  return { serverId: "s", stream: "a", base: 1, n: 2, ...playerListChanges(previous, next) };
}

function following(players: PlayerView[]): PlayerListFollower {
  const follower = new PlayerListFollower();
  follower.whole(players, { stream: "a", n: 1 });
  return follower;
}

describe("playerListChanges", () => {
  const changes: [string, Partial<PlayerView>][] = [
    ["name", { name: "Other", plainName: "Other" }],
    ["plainName", { plainName: "Plain" }],
    ["guid", { guid: "guid-new" }],
    ["steamId", { steamId: "76561198000000001" }],
    ["address", { address: "198.51.100.2:2304" }],
    ["isBot", { isBot: true }],
    ["state", { state: "loading" }],
    ["connectedSince", { connectedSince: "2026-12-04T11:00:00.000Z" }],
    ["a new badge", { record: { playerId: "rec-1", notes: 2, warnings: 0, watch: null } }],
    ["a watch", { record: { playerId: "rec-1", notes: 1, warnings: 0, watch: "aimbot" } }],
    ["another record", { record: { playerId: "rec-9", notes: 1, warnings: 0, watch: null } }],
    ["no record any more", { record: null }],
  ];
  it.each(changes)("sends a row whose %s changed, and only that row", (_, fields) => {
    const before = [player("1"), player("2")];
    const after = [player("1", fields), player("2")];
    expect(playerListChanges(before, after)).toEqual({ ids: ["1", "2"], rows: [after[0]] });
  });

  it("sends no row for pings and scores alone, new players whole, and every id in the new order", () => {
    const before = [player("1"), player("2"), player("3")];
    const after = [player("3", { ping: 99, score: 7 }), player("4"), player("1", { ping: null })];
    expect(playerListChanges(before, after)).toEqual({ ids: ["3", "4", "1"], rows: [after[1]] });
  });
});

describe("PlayerListFollower", () => {
  it("applies a delta: the new order, the new rows, the held rows (with their live pings) for the rest", () => {
    const held = [player("1"), player("2"), player("3")];
    const follower = following(held);
    follower.live([{ id: "2", ping: 120, score: 5 }]);
    const next = [player("2", { name: "Renamed" }), player("4"), player("1")];
    expect(follower.delta(deltaOf(held, next))).toBe(true);
    expect(follower.players).toEqual([player("2", { name: "Renamed" }), player("4"), player("1")]);
    expect(follower.revision).toEqual({ stream: "a", n: 2 });
    // The next delta: an unchanged row is the object held (the table's row does not re-render).
    const kept = follower.players[2];
    const after = [player("1"), player("2", { name: "Renamed" })];
    expect(follower.delta({ ...deltaOf(next, after), base: 2, n: 3 })).toBe(true);
    expect(follower.players[0]).toBe(kept);
    expect(follower.players[1]).toEqual(player("2", { name: "Renamed" }));
  });

  it("keeps the ping players:live gave a row the delta does not carry", () => {
    const held = [player("1"), player("2")];
    const follower = following(held);
    follower.live([{ id: "1", ping: 250, score: 9 }]);
    expect(follower.delta(deltaOf(held, [player("1"), player("3")]))).toBe(true);
    expect(follower.players.map((p) => [p.id, p.ping, p.score])).toEqual([
      ["1", 250, 9],
      ["3", 40, 0],
    ]);
  });

  it.each([
    ["another base", { base: 7 }],
    ["another stream (a restarted process)", { stream: "b" }],
  ])("refuses a delta made from %s, and keeps its list", (_, change) => {
    const held = [player("1")];
    const follower = following(held);
    expect(follower.delta({ ...deltaOf(held, [player("1"), player("2")]), ...change })).toBe(false);
    expect(follower.players).toEqual(held);
    expect(follower.revision).toEqual({ stream: "a", n: 1 });
  });

  it("refuses a delta before any list, after a whole list without a revision, or naming a player it does not hold", () => {
    const fresh = new PlayerListFollower();
    expect(fresh.delta(deltaOf([], [player("1")]))).toBe(false);
    const cluster = new PlayerListFollower();
    cluster.whole([player("1")], null);
    expect(cluster.delta(deltaOf([player("1")], [player("1")]))).toBe(false);
    const follower = following([player("1")]);
    // "2" is neither held nor sent: the delta was made from another list.
    expect(follower.delta({ serverId: "s", stream: "a", base: 1, n: 2, ids: ["1", "2"], rows: [] })).toBe(
      false,
    );
    expect(follower.players).toEqual([player("1")]);
  });
});
