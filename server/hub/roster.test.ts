/** The roster without IO: joins, leaves, renames, learned identities, lines, and the in-place trick. */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { parseSquadPlayers } from "../rcon/protocol/source/dialects/squad.ts";
import type { Player } from "../rcon/types.ts";
import { applyRoster, type Tracked } from "./roster.ts";

function player(id: string, name: string, extra: Partial<Player> = {}): Player {
  return {
    id,
    name,
    plainName: name,
    ping: 20,
    score: 0,
    address: `10.0.0.${id}:27005`,
    guid: null,
    steamId: null,
    connectedSeconds: null,
    isBot: false,
    state: null,
    ...extra,
  };
}

function track(list: Player[]): Map<string, Tracked> {
  return new Map(list.map((p) => [p.id, { player: p }]));
}

const base = { now: 1_000_000, announceJoinsLeaves: true, announceRenames: true };

describe("roster", () => {
  it("reports joins (dated by connected seconds), leaves and renames in order, as lines naming whose they are", () => {
    const alice = player("1", "Alice");
    const bob = player("2", "Bob");
    const list = [alice, bob];
    const tracked = track(list);
    const result = applyRoster({
      ...base,
      tracked,
      list,
      polled: [player("1", "Alicia"), player("3", "Carol", { connectedSeconds: 30 })],
    });
    expect(result.left.map((t) => t.player.name)).toEqual(["Bob"]);
    expect(result.joined).toEqual([
      { player: expect.objectContaining({ name: "Carol" }) as Player, since: 1_000_000 - 30_000 },
    ]);
    expect(result.lines).toEqual([
      { kind: "leave", text: "Bob left", playerId: "2" },
      { kind: "system", text: "Alice is now known as Alicia" },
      { kind: "join", text: "Carol joined", playerId: "3" },
    ]);
    expect(result.learned).toEqual([tracked.get("1")]);
    expect(result.changed).toBe(true);
    // The player who stayed is the same object, updated in place.
    expect(result.list[0]).toBe(alice);
    expect(alice.name).toBe("Alicia");
    expect(tracked.get("1")?.player).toBe(alice); // the map itself is left to the caller
  });

  it("keeps the same array when nothing shown changed, and reports no change", () => {
    const list = [player("1", "Alice"), player("2", "Bob")];
    const result = applyRoster({
      ...base,
      tracked: track(list),
      list,
      polled: [player("1", "Alice", { connectedSeconds: 99 }), player("2", "Bob")],
    });
    expect(result.changed).toBe(false);
    expect(result.list).toBe(list);
    expect(result).toMatchObject({ left: [], joined: [], learned: [], lines: [] });
  });

  it("reports a ping or score alone as a live change, in place in the same list", () => {
    const list = [player("1", "Alice"), player("2", "Bob")];
    const tracked = track(list);
    const result = applyRoster({
      ...base,
      tracked,
      list,
      polled: [player("1", "Alice", { ping: 80 }), player("2", "Bob", { score: 12 })],
    });
    expect(result).toMatchObject({ changed: false, liveChanged: true, lines: [], learned: [] });
    expect(result.list).toBe(list);
    expect(list.map((p) => [p.ping, p.score])).toEqual([
      [80, 0],
      [20, 12],
    ]);
  });

  it("reports a changed ping with a new GUID as a change without a line, and the GUID as learned", () => {
    const list = [player("1", "Alice")];
    const tracked = track(list);
    const result = applyRoster({
      ...base,
      tracked,
      list,
      polled: [player("1", "Alice", { ping: 80, guid: "abc" })],
    });
    expect(result.changed).toBe(true);
    expect(result.liveChanged).toBe(false);
    expect(result.list).not.toBe(list);
    expect(result.list[0]).toBe(list[0]);
    expect(result.learned).toEqual([tracked.get("1")]);
    expect(result.lines).toEqual([]);
  });

  it("treats a reused slot with another identity as leave + join, and announces nothing when told not to", () => {
    const list = [player("1", "Alice", { guid: "g1" })];
    const tracked = track(list);
    const result = applyRoster({
      ...base,
      announceJoinsLeaves: false,
      announceRenames: false,
      tracked,
      list,
      polled: [player("1", "Mallory", { guid: "g2" })],
    });
    expect(result.left).toEqual([tracked.get("1")]);
    expect(result.joined.map((j) => j.player.name)).toEqual(["Mallory"]);
    expect(result.lines).toEqual([]);
    expect(result.list[0]?.name).toBe("Mallory");
  });

  it("keeps no reference to the answers the kept players were read from", () => {
    // A parser's fields are slices of the whole answer; a kept slice would keep all of it alive.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const tracked = new Map<string, Tracked>();
    let list: readonly Player[] = [];
    const rows: string[] = [];
    const recent =
      "ID: 9 | SteamID: 76561198000000009 | Since Disconnect: 02m.30s | Name: Gone | Team ID: 1\n";
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let poll = 0; poll < 200; poll++) {
      rows.push(
        `ID: ${poll} | SteamID: 765611980${String(poll).padStart(8, "0")} | Name: P${poll} | Team ID: 1 |`,
      );
      // About 200 KB per answer, the recently disconnected part unread by the parser.
      const answer = `----- Active Players -----\n${rows.join("\n")}\n----- Recently Disconnected Players -----\n${recent.repeat(2_000)}#${poll}`;
      const result = applyRoster({ ...base, tracked, list, polled: parseSquadPlayers(answer) });
      for (const { player } of result.joined) tracked.set(player.id, { player });
      list = result.list;
    }
    expect(list).toHaveLength(200);
    expect(list[199]).toMatchObject({ id: "199", name: "P199", steamId: "76561198000000199" });
    gc();
    // 200 answers of ~200 KB would be ~40 MB; the players themselves are a few KB.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1048576);
  });
});
