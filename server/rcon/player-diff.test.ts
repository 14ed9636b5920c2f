import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffPlayers, isEmptyDiff } from "./player-diff.ts";
import type { Player } from "./types.ts";

function player(id: string, name: string, extra: Partial<Player> = {}): Player {
  return {
    id,
    name,
    plainName: name.replace(/\^[0-9A-Za-z]/g, ""),
    ping: 50,
    score: 0,
    address: `10.0.0.${id}:27960`,
    guid: null,
    steamId: null,
    connectedSeconds: null,
    isBot: false,
    state: null,
    ...extra,
  };
}

describe("diffPlayers", () => {
  it("reports joins and leaves by id", () => {
    const a = player("1", "Alice");
    const b = player("2", "Bob");
    const c = player("3", "Carol");
    const diff = diffPlayers([a, b], [b, c]);
    expect(diff.joined).toEqual([c]);
    expect(diff.left).toEqual([a]);
    expect(diff.renamed).toEqual([]);
  });

  it("a name change with the same identity is a rename (colour codes included)", () => {
    const before = player("4", "^1Red");
    const after = player("4", "^2Red", { score: 5, ping: 80 });
    expect(diffPlayers([before], [after])).toEqual({
      joined: [],
      left: [],
      renamed: [{ player: after, previousName: "^1Red" }],
    });
  });

  it("a reused slot with another address is left + joined, not a rename", () => {
    const before = player("4", "Alice");
    const after = player("4", "Mallory", { address: "192.0.2.9:1234" });
    const diff = diffPlayers([before], [after]);
    expect(diff.left).toEqual([before]);
    expect(diff.joined).toEqual([after]);
    expect(diff.renamed).toEqual([]);
  });

  it("GUIDs win over addresses when both lists have them", () => {
    const before = player("0", "Alice", { guid: "aaaa", address: "10.0.0.1:1" });
    const movedNetwork = player("0", "Alice2", { guid: "aaaa", address: "10.9.9.9:2" });
    expect(diffPlayers([before], [movedNetwork]).renamed).toHaveLength(1);
    const otherGuid = player("0", "Alice", { guid: "bbbb", address: "10.0.0.1:1" });
    expect(diffPlayers([before], [otherGuid]).joined).toHaveLength(1);
  });

  it("bots without network identity are matched by plain name", () => {
    const sarge = player("1", "Sarge", { address: "bot", isBot: true });
    expect(isEmptyDiff(diffPlayers([sarge], [{ ...sarge, score: 9 }]))).toBe(true);
    const grism = player("1", "Grism", { address: "bot", isBot: true });
    const diff = diffPlayers([sarge], [grism]);
    expect(diff.left).toEqual([sarge]);
    expect(diff.joined).toEqual([grism]);
    // A human taking a bot's slot is never a rename.
    const human = player("1", "Sarge");
    expect(diffPlayers([sarge], [human]).joined).toEqual([human]);
  });

  it("properties: identical lists are empty; counts balance", () => {
    const arbPlayer = fc.record({
      id: fc.integer({ min: 0, max: 15 }).map(String),
      name: fc.constantFrom("A", "B", "^1C", "D"),
      address: fc.constantFrom("bot", "10.0.0.1:1", "10.0.0.2:2"),
    });
    const arbList = fc
      .uniqueArray(arbPlayer, { selector: (p) => p.id, maxLength: 8 })
      .map((list) =>
        list.map((p) => player(p.id, p.name, { address: p.address, isBot: p.address === "bot" })),
      );
    fc.assert(
      fc.property(arbList, arbList, (before, after) => {
        expect(isEmptyDiff(diffPlayers(before, before))).toBe(true);
        const diff = diffPlayers(before, after);
        // Everyone now present either joined or stayed; everyone before either left or stayed.
        const stayedAfter = after.length - diff.joined.length;
        const stayedBefore = before.length - diff.left.length;
        expect(stayedAfter).toBe(stayedBefore);
        for (const r of diff.renamed) expect(before.some((p) => p.id === r.player.id)).toBe(true);
      }),
    );
  });
});
