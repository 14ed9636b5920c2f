/**
 * Poll timers on a fake clock: each server's grid, intervals, watchers, refresh during a poll,
 * stop and forget. Servers sit in the middle of the period (phase 0.5) unless a test says.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../rcon/testing/fake-clock.ts";
import { PollSchedule, phaseOfId } from "./poll-schedule.ts";

function setup(
  watchedPollMs = 2_000,
  pushedJoinsWatchedPollMs = 10_000,
  phases: Record<string, number> = {},
) {
  const clock = new FakeClock(0);
  const polls: number[] = [];
  const byServer: string[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  const schedule = new PollSchedule(
    clock,
    async (serverId) => {
      polls.push(clock.now());
      byServer.push(`${serverId}@${clock.now()}`);
      if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    },
    { watchedPollMs, pushedJoinsWatchedPollMs, phaseOf: (id) => phases[id] ?? 0.5 },
  );
  return {
    clock,
    polls,
    byServer,
    schedule,
    hold: (on: boolean) => (hold = on),
    release: () => pending.splice(0).forEach((r) => r()),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Moves the fake clock to `until` in 50 ms steps, letting each poll end and re-arm on the way. */
function stepper(clock: FakeClock) {
  return async (until: number) => {
    while (clock.now() < until) {
      clock.advance(Math.min(50, until - clock.now()));
      await settle();
    }
  };
}

describe("poll schedule", () => {
  it("polls on the server's grid at its interval, faster while watched, and back when the watcher leaves", async () => {
    const { clock, polls, schedule } = setup(2_000, 10_000, { s: 0.25 });
    const runUntil = stepper(clock);
    schedule.setInterval("s", 5);
    schedule.start("s"); // at 0: the grid's slots are 1,250, 6,250, 11,250...
    await runUntil(7_000);
    expect(polls).toEqual([1_250, 6_250]);
    const unwatch = schedule.watch("s"); // watched: slots 500, 2,500... of the 2 s period
    await runUntil(11_000);
    expect(polls).toEqual([1_250, 6_250, 8_500, 10_500]);
    unwatch();
    unwatch(); // idempotent
    expect(schedule.watchers("s")).toBe(0);
    // The poll armed while watched still runs; the next one is on the 5 s grid again, at least
    // half a period after it.
    await runUntil(16_249);
    expect(polls).toEqual([1_250, 6_250, 8_500, 10_500, 12_500]);
    await runUntil(16_250);
    expect(polls).toEqual([1_250, 6_250, 8_500, 10_500, 12_500, 16_250]);
  });

  it("servers watched at the same instant still poll at their own places in the period", async () => {
    const { clock, byServer, schedule } = setup(2_000, 10_000, { a: 0.1, b: 0.6 });
    const runUntil = stepper(clock);
    for (const id of ["a", "b"]) {
      schedule.setInterval(id, 30);
      schedule.start(id);
    }
    await runUntil(100);
    schedule.watch("a"); // one page subscribing to both
    schedule.watch("b");
    await runUntil(5_000);
    expect(byServer).toEqual(["a@200", "b@1200", "a@2200", "b@3200", "a@4200"]);
  });

  it("a watcher arriving just after a poll waits for the slot after next", async () => {
    const { clock, polls, schedule } = setup(2_000, 10_000, { s: 0.15 });
    const runUntil = stepper(clock);
    schedule.setInterval("s", 10);
    schedule.start("s"); // slot 1,500 of the 10 s grid; the 2 s grid has 300, 2,300, 4,300
    await runUntil(1_600);
    schedule.watch("s"); // 2,300 would be 800 ms after the last poll: less than half a period
    await runUntil(6_400);
    expect(polls).toEqual([1_500, 4_300, 6_300]);
  });

  it("spreads server ids evenly over the period, even cuids made in one burst", () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 2_000; i++) {
      // A cuid: "c", a timestamp, a counter, a host fingerprint, random; here only the counter moves.
      const phase = phaseOfId(`cmiq0k3z4${i.toString(36).padStart(4, "0")}ab12x9z3k7q1`);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(1);
      buckets[Math.floor(phase * 10)]! += 1;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(140); // 200 expected per tenth
    expect(phaseOfId("same")).toBe(phaseOfId("same"));
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
    await stepper(clock)(6_000);
    expect(polls).toEqual([1_000, 3_000, 3_000, 5_000]); // three of "quiet", one of "pushes"
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
    let unwatch = schedule.watch("s"); // at 0: the watched poll is due at 1,000
    for (let t = 500; t <= 6_000; t += 500) {
      clock.advance(500);
      await settle();
      unwatch();
      unwatch = schedule.watch("s"); // every 500 ms, as a hostile page could
    }
    expect(polls).toEqual([1_000, 3_000, 5_000]);
    // A refresh asked for later than the poll already due does not postpone it.
    schedule.requestRefresh("s", 2_500);
    clock.advance(1_000);
    await settle();
    expect(polls).toEqual([1_000, 3_000, 5_000, 7_000]);
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
    expect(polls).toEqual([500]);
    expect(clock.pendingTimers).toBe(0);
    schedule.watch("s");
    schedule.forget("s");
    expect(schedule.watchers("s")).toBe(0);
  });
});
