import { describe, expect, it } from "vitest";
import { SeenEvents } from "./seen-events.ts";

describe("events announced once across log, pushes and polling", () => {
  it("drops chat the other source delivered a moment ago, once, and keeps a player's real repeats", () => {
    const seen = new SeenEvents();
    expect(seen.chatOnce("Ann", "gg", "rcon", 0)).toBe(true);
    expect(seen.chatOnce("Ann", "gg", "log", 100)).toBe(false); // the game pushed it twice
    expect(seen.chatOnce("Ann", "gg", "log", 200)).toBe(true); // Ann says it again
    expect(seen.chatOnce("Ann", "gg", "log", 300)).toBe(true);
    expect(seen.chatOnce("Ann", "gg", "rcon", 60_000)).toBe(true); // long after: a new line
  });

  it("hands a join or leave the log announced to the next poll once, and forgets it after a while", () => {
    const seen = new SeenEvents();
    seen.joined("7", 0);
    expect(seen.hasJoined("7", 1)).toBe(true);
    expect(seen.takeJoin("7", 2)).toBe(true);
    expect(seen.takeJoin("7", 3)).toBe(false);
    seen.left("7", 0);
    expect(seen.takeLeave("7", 11 * 60_000)).toBe(false);
  });

  it("stays bounded under a flood of distinct lines", () => {
    const seen = new SeenEvents();
    for (let i = 0; i < 100_000; i++) seen.chatOnce(`p${i}`, "spam", "log", 0);
    // The oldest entries went first: the first sender's line is no longer matched.
    expect(seen.chatOnce("p0", "spam", "rcon", 1)).toBe(true);
    expect(seen.chatOnce("p99999", "spam", "rcon", 1)).toBe(false);
  });

  it("lets go of entries past their time, not only past the bound (one chat line a second per server)", () => {
    const seen = new SeenEvents();
    for (let second = 0; second < 600; second++)
      seen.chatOnce("Ann", `line ${second}`, "rcon", second * 1000);
    // Ten seconds of lines (and the newest) at most, not the last 512.
    expect(seen.size).toBeLessThanOrEqual(11);
    // What is still within its time still matches the other source once.
    expect(seen.chatOnce("Ann", "line 599", "log", 599_500)).toBe(false);
    seen.joined("7", 0);
    seen.chatOnce("Ann", "later", "rcon", 11 * 60_000);
    expect(seen.hasJoined("7", 11 * 60_000)).toBe(false);
    expect(seen.size).toBe(1);
  });
});
