import { describe, expect, it } from "vitest";
import { ReadBudget } from "./read-budget.ts";

/** Reads `chunks` chunks of `chunkBytes` as a paused socket would deliver them: the time they took. */
function readAll(perSecond: number, chunkBytes: number, chunks: number, unitBytes: number): number {
  let now = 0;
  const budget = new ReadBudget(perSecond, now);
  for (let c = 0; c < chunks; c++) {
    // A chunk's units all arrive at once, even after the first one asked for a pause.
    let pauseMs = 0;
    for (let read = 0; read < chunkBytes; read += unitBytes)
      pauseMs = Math.max(pauseMs, budget.take(unitBytes, now));
    while (pauseMs > 0) {
      now += pauseMs;
      pauseMs = budget.remainingPause(now);
    }
  }
  return now;
}

describe("read budget", () => {
  it("lets a tenth of a second's worth through at once and pauses past it", () => {
    const budget = new ReadBudget(50_000, 1_000);
    expect(budget.take(5_000, 1_000)).toBe(0);
    expect(budget.take(100, 1_000)).toBe(2); // 100 bytes of debt at 50 bytes a millisecond
    expect(budget.remainingPause(1_001)).toBe(1);
    expect(budget.remainingPause(1_002)).toBe(0);
  });

  it("holds the rate when the socket hands over 64 KiB chunks: the debt of a chunk read past the budget lengthens the pause", () => {
    // 150 KB at 50 KB/s: 3 s, less the tenth of a second held in the bucket.
    const tookMs = readAll(50_000, 65_536, 3, 100);
    const bytes = 3 * 65_536;
    expect(tookMs).toBeGreaterThanOrEqual(((bytes - 5_000) / 50_000) * 1000);
    expect(tookMs).toBeLessThanOrEqual((bytes / 50_000) * 1000 + 3);
  });

  it("refills while quiet, up to a tenth of a second's worth and no more", () => {
    const budget = new ReadBudget(10_000, 0);
    expect(budget.take(1_000, 0)).toBe(0);
    expect(budget.take(1, 0)).toBe(1);
    // A minute later the bucket holds 1,000 bytes again, not 600,000.
    expect(budget.take(1_000, 60_000)).toBe(0);
    expect(budget.take(1_000, 60_000)).toBe(100);
  });
});
