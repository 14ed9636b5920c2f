/** The hub clock's helpers on the fake: `every` repeats until stopped, wall time moves with the clock. */
import { describe, expect, it } from "vitest";
import { every } from "./clock.ts";
import { FakeHubClock } from "./testing/fake-hub-clock.ts";

describe("hub clock", () => {
  it("runs a task every interval until stopped, even after the task throws", () => {
    const clock = new FakeHubClock(Date.UTC(2026, 0, 1), 0);
    const runs: number[] = [];
    const stop = every(clock, 1_000, () => {
      runs.push(clock.now());
      if (runs.length === 2) throw new Error("boom");
    });
    clock.advance(1_000);
    expect(() => clock.advance(1_000)).toThrow("boom");
    clock.advance(1_000);
    expect(runs).toEqual([1_000, 2_000, 3_000]);
    stop();
    clock.advance(5_000);
    expect(runs).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.wall()).toBe(Date.UTC(2026, 0, 1) + 8_000);
  });
});
