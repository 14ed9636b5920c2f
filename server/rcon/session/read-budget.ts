/**
 * The read budget of a session on a transport with flow control (TCP, WebSocket): a bucket of bytes
 * refilled at `perSecond` that holds a tenth of a second's worth. Reading pauses when the bucket is
 * empty and resumes once what was read is paid for, so TCP slows a flooding server to the budget.
 *
 * Units of a chunk the socket already read keep arriving after the pause (Node reads up to 64 KiB
 * at a time). They put the bucket in debt, which lengthens the pause: the rate holds whatever the
 * chunk size, where a pause to the end of a fixed window let a whole chunk through each window.
 */
export class ReadBudget {
  private readonly capacity: number;
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly perSecond: number,
    now: number,
  ) {
    this.capacity = perSecond / 10;
    this.tokens = this.capacity;
    this.refilledAt = now;
  }

  /** Counts `bytes` read at `now`: how long reading must pause, in ms (0: it may go on). */
  take(bytes: number, now: number): number {
    this.refill(now);
    this.tokens -= bytes;
    return this.debtMs();
  }

  /** At the end of a pause: how much longer to wait (units read during it added debt), 0 when paid. */
  remainingPause(now: number): number {
    this.refill(now);
    return this.debtMs();
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.perSecond) / 1000);
  }

  private debtMs(): number {
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.perSecond);
  }
}
