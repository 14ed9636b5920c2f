/** Poll timers on a fake clock: intervals, watchers, refresh during a poll, stop and forget. */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../rcon/testing/fake-clock.ts";
import { PollSchedule } from "./poll-schedule.ts";

function setup(watchedPollMs = 2_000) {
  const clock = new FakeClock(0);
  const polls: number[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  const schedule = new PollSchedule(
    clock,
    async () => {
      polls.push(clock.now());
      if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    },
    watchedPollMs,
  );
  return {
    clock,
    polls,
    schedule,
    hold: (on: boolean) => (hold = on),
    release: () => pending.splice(0).forEach((r) => r()),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("poll schedule", () => {
  it("polls at the server's interval, faster while watched, and back when the watcher leaves", async () => {
    const { clock, polls, schedule } = setup();
    schedule.setInterval("s", 5);
    schedule.start("s");
    clock.advance(5_000);
    await settle();
    expect(polls).toEqual([5_000]);
    const unwatch = schedule.watch("s"); // re-armed at the watched interval from now
    clock.advance(2_000);
    await settle();
    clock.advance(2_000);
    await settle();
    expect(polls).toEqual([5_000, 7_000, 9_000]);
    unwatch();
    unwatch(); // idempotent
    expect(schedule.watchers("s")).toBe(0);
    clock.advance(2_000);
    await settle();
    expect(polls).toEqual([5_000, 7_000, 9_000, 11_000]);
    clock.advance(4_999);
    await settle();
    expect(polls).toHaveLength(4);
    clock.advance(1);
    await settle();
    expect(polls).toEqual([5_000, 7_000, 9_000, 11_000, 16_000]);
  });

  it("runs a refresh asked during a poll right after it, never overlapping", async () => {
    const { clock, polls, schedule, hold, release } = setup();
    schedule.setInterval("s", 10);
    schedule.start("s", 0);
    hold(true);
    clock.advance(0);
    await settle();
    expect(polls).toEqual([0]);
    schedule.requestRefresh("s", 0);
    clock.advance(100);
    await settle();
    expect(polls).toEqual([0]); // still polling: not run again meanwhile
    hold(false);
    release();
    await settle();
    clock.advance(0);
    await settle();
    expect(polls).toEqual([0, 100]);
  });

  it("stop() cancels the timer and a poll in progress does not re-arm; forget() drops watchers", async () => {
    const { clock, polls, schedule, hold, release } = setup();
    schedule.setInterval("s", 1);
    schedule.start("s");
    hold(true);
    clock.advance(1_000);
    await settle();
    schedule.stop("s");
    release();
    await settle();
    clock.advance(10_000);
    await settle();
    expect(polls).toEqual([1_000]);
    expect(clock.pendingTimers).toBe(0);
    schedule.watch("s");
    schedule.forget("s");
    expect(schedule.watchers("s")).toBe(0);
  });
});
