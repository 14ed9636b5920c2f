import { describe, expect, it } from "vitest";
import type { PlayerView } from "../realtime/contract.ts";
import { formatDuration, hasShownIds, searchPlayers, sortPlayers } from "./table.ts";

const now = Date.parse("2026-01-01T12:00:00Z");
function player(id: string, plainName: string, extra: Partial<PlayerView> = {}): PlayerView {
  return {
    id,
    name: plainName,
    plainName,
    ping: null,
    score: null,
    guid: null,
    steamId: null,
    address: null,
    isBot: false,
    state: null,
    connectedSince: null,
    ...extra,
  };
}
const players = [
  player("10", "Zoë", { ping: 80, score: 3, connectedSince: "2026-01-01T11:00:00Z", guid: "abc123" }),
  player("2", "данила", { ping: 20, score: 10, connectedSince: "2026-01-01T11:59:00Z" }),
  player("3", "Bob", { ping: null, score: null, address: "198.51.100.7:2304" }),
];

describe("player table", () => {
  it("sorts by id numerically, by name, by ping with unknown values last", () => {
    expect(sortPlayers(players, { key: "id", direction: "asc" }, now).map((p) => p.id)).toEqual([
      "2",
      "3",
      "10",
    ]);
    expect(sortPlayers(players, { key: "name", direction: "asc" }, now).map((p) => p.plainName)).toEqual([
      "Bob",
      "Zoë",
      "данила",
    ]);
    expect(sortPlayers(players, { key: "ping", direction: "asc" }, now).map((p) => p.id)).toEqual([
      "2",
      "10",
      "3",
    ]);
    expect(sortPlayers(players, { key: "ping", direction: "desc" }, now).map((p) => p.id)).toEqual([
      "10",
      "2",
      "3",
    ]);
    expect(sortPlayers(players, { key: "time", direction: "desc" }, now).map((p) => p.id)).toEqual([
      "10",
      "2",
      "3",
    ]);
    expect(sortPlayers(players, { key: "score", direction: "desc" }, now).map((p) => p.id)).toEqual([
      "2",
      "10",
      "3",
    ]);
  });

  it("searches names, ids and identities that are present", () => {
    expect(searchPlayers(players, "ДАН").map((p) => p.id)).toEqual(["2"]);
    expect(searchPlayers(players, "abc1").map((p) => p.id)).toEqual(["10"]);
    expect(searchPlayers(players, "198.51").map((p) => p.id)).toEqual(["3"]);
    expect(searchPlayers(players, "  ")).toHaveLength(3);
  });

  it("formats time on server compactly", () => {
    expect(formatDuration(42_000)).toBe("42s");
    expect(formatDuration(303_000)).toBe("5m 03s");
    expect(formatDuration(7_620_000)).toBe("2h 07m");
    expect(formatDuration(-5)).toBe("0s");
  });

  it("a list with opaque handles instead of ids (SteamID64 games, for Viewers) shows no id column and sorts by name", () => {
    const handled = [
      player("~0123456789abcdef", "Zed"),
      player("~fedcba9876543210", "amy"),
      player("~00000000000000aa", "Bob"),
    ];
    expect(hasShownIds(handled)).toBe(false);
    expect(hasShownIds(players)).toBe(true);
    expect(sortPlayers(handled, { key: "id", direction: "asc" }, now).map((p) => p.plainName)).toEqual([
      "amy",
      "Bob",
      "Zed",
    ]);
    expect(searchPlayers(handled, "~0")).toEqual([]);
    expect(searchPlayers(handled, "bo").map((p) => p.plainName)).toEqual(["Bob"]);
  });
});
