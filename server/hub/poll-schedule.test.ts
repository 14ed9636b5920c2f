/** Poll timers on a fake clock: intervals, watchers, refresh during a poll, stop and forget. */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../rcon/testing/fake-clock.ts";
import { PollSchedule } from "./poll-schedule.ts";

function setup(watchedPollMs = 2_000, pushedJoinsWatchedPollMs = 10_000) {
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
    { watchedPollMs, pushedJoinsWatchedPollMs },
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

  it("a watched server whose game pushes joins polls at the live-field beat, and a pushed join still polls at once", async () => {
    const { clock, polls, schedule } = setup(2_000, 6_000);
    schedule.setInterval("pushes", 30);
    schedule.setInterval("quiet", 30);
    schedule.start("pushes", { pushesJoins: true });
    schedule.start("quiet");
    schedule.watch("pushes");
    schedule.watch("quiet");
    expect(schedule.delayOf("pushes")).toBe(6_000);
    expect(schedule.delayOf("quiet")).toBe(2_000);
    for (let step = 0; step < 3; step++) {
      clock.advance(2_000);
      await settle();
    }
    expect(polls).toEqual([2_000, 4_000, 6_000, 6_000]); // three of "quiet", one of "pushes"
    schedule.requestRefresh("pushes", 150); // a join pushed by the game
    clock.advance(150);
    await settle();
    expect(polls.at(-1)).toBe(6_150);
    // A server's own interval shorter than the beat still wins; reconnecting to a game that does
    // not push joins goes back to the plain watched interval.
    schedule.setInterval("pushes", 3);
    expect(schedule.delayOf("pushes")).toBe(3_000);
    schedule.setInterval("pushes", 30);
    schedule.stop("pushes");
    schedule.start("pushes");
    expect(schedule.delayOf("pushes")).toBe(2_000);
  });

  it("a browser that subscribes and unsubscribes faster than the interval never holds the polls back", async () => {
    const { clock, polls, schedule } = setup();
    schedule.setInterval("s", 30);
    schedule.start("s");
    let unwatch = schedule.watch("s"); // at 0: the watched poll is due at 2,000
    for (let t = 500; t <= 6_000; t += 500) {
      clock.advance(500);
      await settle();
      unwatch();
      unwatch = schedule.watch("s"); // every 500 ms, as a hostile page could
    }
    expect(polls).toEqual([2_000, 4_000, 6_000]);
    // A refresh asked for later than the poll already due does not postpone it either.
    schedule.requestRefresh("s", 2_500);
    clock.advance(2_000);
    await settle();
    expect(polls).toEqual([2_000, 4_000, 6_000, 8_000]);
  });

  it("never polls a pushing game's watched server faster than the plain watched interval", () => {
    const { schedule } = setup(5_000, 1_000);
    schedule.setInterval("s", 30);
    schedule.start("s", { pushesJoins: true });
    schedule.watch("s");
    expect(schedule.delayOf("s")).toBe(5_000);
  });

  it("runs a refresh asked during a poll right after it, never overlapping", async () => {
    const { clock, polls, schedule, hold, release } = setup();
    schedule.setInterval("s", 10);
    schedule.start("s", { delayMs: 0 });
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
