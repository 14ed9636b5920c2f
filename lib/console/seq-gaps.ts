/**
 * Lost console lines, noticed by the browser: with several RconDeck instances, live lines travel
 * through Redis, and a blink there drops messages. A live line whose seq is more than one past the
 * highest held means something went missing; the missing part is fetched again (a resume from the
 * last seq held). One fetch at a time, after a short pause, so a burst of gaps costs one request.
 * A gap that is only a jump in numbering (a new instance took the server over) costs one empty fetch.
 */
export const GAP_REFETCH_DELAY_MS = 300;

/** The seq to resume after when `seq` arrives while `held` is the highest seq held; null: no gap. */
export function gapAfter(held: number | null, seq: number): number | null {
  return held !== null && seq > held + 1 ? held : null;
}

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class GapRefetcher {
  /** Lowest seq to resume after, over the gaps seen since the last fetch started. */
  private from: number | null = null;
  private timer: unknown = null;
  private inFlight = false;
  private disposed = false;

  constructor(
    private readonly refetch: (afterSeq: number) => Promise<unknown>,
    private readonly scheduler: Scheduler = globalThis,
    private readonly delayMs = GAP_REFETCH_DELAY_MS,
  ) {}

  /** A live line arrived; `held` is the highest seq held before it. */
  seen(held: number | null, seq: number): void {
    const gap = gapAfter(held, seq);
    if (gap === null || this.disposed) return;
    this.from = this.from === null ? gap : Math.min(this.from, gap);
    this.arm();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.from = null;
  }

  private arm(): void {
    if (this.timer !== null || this.inFlight || this.from === null) return;
    this.timer = this.scheduler.setTimeout(() => this.run(), this.delayMs);
  }

  private run(): void {
    this.timer = null;
    const from = this.from;
    if (from === null || this.disposed) return;
    this.from = null;
    this.inFlight = true;
    void this.refetch(from)
      .catch(() => undefined) // the next gap (or the next reconnect) tries again
      .finally(() => {
        this.inFlight = false;
        if (!this.disposed) this.arm(); // gaps seen while this one was fetched
      });
  }
}
