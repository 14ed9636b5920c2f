import { describe, expect, it } from "vitest";
import type { PlayerView } from "./contract.ts";
import { withLiveFields } from "./player-live.ts";
import { testPlayerView } from "../testing/player-view.ts";

function player(id: string, ping: number | null, score: number | null): PlayerView {
  return testPlayerView(id, { ping, score });
}

describe("withLiveFields", () => {
  it("sets ping and score by id and leaves every other field and the order as they were", () => {
    const list = [player("1", 40, 3), player("2", 80, 0)];
    const next = withLiveFields(list, [
      { id: "2", ping: 95, score: 1 },
      { id: "1", ping: 41, score: null },
    ]);
    expect(next).toEqual([
      { ...list[0], ping: 41, score: null },
      { ...list[1], ping: 95, score: 1 },
    ]);
    expect(list[0]?.ping).toBe(40); // the held list is not changed in place
  });

  it("ignores ids the list does not hold (a player who left after the message was made)", () => {
    const list = [player("1", 40, 3)];
    expect(withLiveFields(list, [{ id: "9", ping: 5, score: 5 }])).toEqual(list);
  });

  it("returns the same array and rows when nothing moved, so the table does not re-render", () => {
    const list = [player("1", 40, 3), player("2", 80, 0)];
    const next = withLiveFields(list, [
      { id: "1", ping: 40, score: 3 },
      { id: "2", ping: 81, score: 0 },
    ]);
    expect(next[0]).toBe(list[0]);
    expect(next[1]).not.toBe(list[1]);
    expect(withLiveFields(list, [{ id: "1", ping: 40, score: 3 }])).toBe(list);
  });
});
