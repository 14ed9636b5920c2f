/**
 * Time is an input. Connections take a Clock so that keep-alives, timeouts and backoff can be
 * tested with a fake clock (server/rcon/testing/fake-clock.ts) instead of real sleeps.
 */
export type TimerHandle = { readonly __timer: unique symbol };

export interface Clock {
  /** Monotonic-enough milliseconds; compared only with other values from the same clock. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // Timers alone must never keep the process (or a CLI) alive.
    timer.unref();
    return timer as unknown as TimerHandle;
  },
  clearTimeout: (handle) => {
    if (handle) clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};
