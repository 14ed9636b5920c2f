/**
 * The hub's time: the rcon Clock (monotonic-enough `now()` for intervals and throttles, timers)
 * plus `wall()`, the calendar time stored or shown (stays, samples, statuses). Tests pass a fake
 * (server/hub/testing/fake-hub-clock.ts) and move both forward together.
 */
import { systemClock, type Clock, type TimerHandle } from "../rcon/clock.ts";

export interface HubClock extends Clock {
  /** Date.now()-like milliseconds, for timestamps that are stored or shown. */
  wall(): number;
}

export const systemHubClock: HubClock = {
  now: () => systemClock.now(),
  setTimeout: (callback, delayMs) => systemClock.setTimeout(callback, delayMs),
  clearTimeout: (handle) => systemClock.clearTimeout(handle),
  wall: () => Date.now(),
};

/** Runs `task` every `everyMs` on the clock until the returned function is called. */
export function every(clock: HubClock, everyMs: number, task: () => void): () => void {
  let handle: TimerHandle | null = null;
  let stopped = false;
  const arm = () => {
    handle = clock.setTimeout(() => {
      if (stopped) return;
      arm(); // re-armed first: a throwing task does not end the series
      task();
    }, everyMs);
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimeout(handle);
  };
}
