import { describe, expect, it } from "vitest";
import { appendRecent } from "./recent-log.ts";

describe("appendRecent", () => {
  it("keeps the newest entries and never more than twice the limit", () => {
    const log: number[] = [];
    let longest = 0;
    for (let i = 1; i <= 1_000; i++) {
      appendRecent(log, i, 100);
      longest = Math.max(longest, log.length);
    }
    expect(longest).toBeLessThanOrEqual(200);
    expect(log.length).toBeGreaterThanOrEqual(100);
    expect(log.at(-1)).toBe(1_000);
    expect(log).toEqual(Array.from({ length: log.length }, (_, i) => 1_001 - log.length + i));
  });
});
