/**
 * Client-side pacing that mirrors the server's own rate limits (docs/protocols.md §3.5), so requests are
 * never silently dropped by the server:
 * - `interval`: Quake 3 1.32 and CoD4 drop any rcon arriving < 500 ms after the last accepted one.
 * - `bucket`: ioquake3/OpenArena keep a leaky bucket per source IP (burst 10, one more per second),
 *   shared by rcon, getstatus and getinfo. This is the same arithmetic as ioq3 `SVC_RateLimit`,
 *   with a slightly longer period and a smaller burst as a safety margin for network jitter.
 * Pure: time is passed in. One Pacer should be shared by every client talking to the same server
 * from this process, because the server counts per address, not per socket.
 */
export type RequestKind = "rcon" | "query";

export type PacingRule =
  | { kind: "none" }
  | { kind: "interval"; minIntervalMs: number; includesQueries: boolean }
  | { kind: "bucket"; burst: number; periodMs: number; includesQueries: boolean };

export class Pacer {
  private count = 0;
  private lastTime = Number.NEGATIVE_INFINITY;
  private lastSent = Number.NEGATIVE_INFINITY;

  constructor(readonly rule: PacingRule) {}

  private applies(kind: RequestKind): boolean {
    return this.rule.kind !== "none" && (kind === "rcon" || this.rule.includesQueries);
  }

  /** The earliest time a request of this kind may be sent (-Infinity when it may go at once). */
  earliestAt(kind: RequestKind): number {
    const rule = this.rule;
    if (!this.applies(kind)) return Number.NEGATIVE_INFINITY;
    if (rule.kind === "interval") return this.lastSent + rule.minIntervalMs;
    if (rule.kind !== "bucket" || this.count < rule.burst) return Number.NEGATIVE_INFINITY;
    // The level drops by one per full period since lastTime (it never rises without a send).
    return this.lastTime + (this.count - rule.burst + 1) * rule.periodMs;
  }

  canSend(kind: RequestKind, now: number): boolean {
    return now >= this.earliestAt(kind);
  }

  /** Records a request sent at `now`. */
  record(kind: RequestKind, now: number): void {
    const rule = this.rule;
    if (!this.applies(kind)) return;
    this.lastSent = now;
    if (rule.kind !== "bucket") return;
    const interval = now - this.lastTime;
    const expired = Math.floor(interval / rule.periodMs);
    if (!Number.isFinite(interval) || interval < 0 || expired > this.count) {
      this.count = 0;
      this.lastTime = now;
    } else {
      this.count -= expired;
      this.lastTime = now - (interval % rule.periodMs);
    }
    this.count++;
  }
}
