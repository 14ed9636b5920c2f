/**
 * Lost console lines, noticed by the browser: with several RconDeck instances, live lines travel
 * through Redis, and a blink there drops messages. A live line whose seq is more than one past the
 * highest held means something went missing; the missing part is fetched again (a resume from the
 * last seq held). One fetch at a time, after a short pause, so a burst of gaps costs one request.
 * A gap that is only a jump in numbering (a new instance took the server over) costs one empty fetch.
 * A player list delta that does not apply asks for the same fetch (its snapshot holds the list).
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
  /** Lowest seq to resume after, over the gaps seen since the last fetch started (null: none held). */
  private from: number | null = null;
  /** A fetch is due. */
  private wanted = false;
  private timer: unknown = null;
  private inFlight = false;
  private disposed = false;

  constructor(
    /** `afterSeq` null: no line is held, so the recent history comes back. */
    private readonly refetch: (afterSeq: number | null) => Promise<unknown>,
    private readonly scheduler: Scheduler = globalThis,
    private readonly delayMs = GAP_REFETCH_DELAY_MS,
  ) {}

  /** A live line arrived; `held` is the highest seq held before it. */
  seen(held: number | null, seq: number): void {
    const gap = gapAfter(held, seq);
    if (gap !== null) this.want(gap);
  }

  /**
   * Something besides lines is out of step (a player list delta that does not apply to the list
   * held): the same fetch, in the same budget, resuming after `held`, the highest seq held.
   */
  resync(held: number | null): void {
    this.want(held);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.from = null;
    this.wanted = false;
  }

  private want(from: number | null): void {
    if (this.disposed) return;
    if (from !== null) this.from = this.from === null ? from : Math.min(this.from, from);
    this.wanted = true;
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null || this.inFlight || !this.wanted) return;
    this.timer = this.scheduler.setTimeout(() => this.run(), this.delayMs);
  }

  private run(): void {
    this.timer = null;
    if (!this.wanted || this.disposed) return;
    const from = this.from;
    this.from = null;
    this.wanted = false;
    this.inFlight = true;
    void this.refetch(from)
      .catch(() => undefined) // the next gap (or the next reconnect) tries again
      .finally(() => {
        this.inFlight = false;
        if (!this.disposed) this.arm(); // gaps seen while this one was fetched
      });
  }
}
