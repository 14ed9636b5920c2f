/** The roster without IO: joins, leaves, renames, learned identities, lines, and the in-place trick. */
import { describe, expect, it } from "vitest";
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

  it("reports a changed ping as a change without a line, and a new GUID as learned", () => {
    const list = [player("1", "Alice")];
    const tracked = track(list);
    const result = applyRoster({
      ...base,
      tracked,
      list,
      polled: [player("1", "Alice", { ping: 80, guid: "abc" })],
    });
    expect(result.changed).toBe(true);
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
});
