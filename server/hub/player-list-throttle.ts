/**
 * When a server's player list goes to the browsers watching it. Joins, leaves, renames and new
 * identities go at once, as the whole list; when players only changed ping or score, those two
 * fields go (live.ts, `players:live`) at most every LIVE_FIELDS_EVERY_MS. Games report new pings at nearly every poll, so every watched server
 * (polled every 2 s) sent its whole list at every poll: at 1,000 servers, 500 lists of 64 players a
 * second, most of the bytes socket.io encoded. A ping change held back is sent at the first poll
 * after the interval even if that poll changed nothing (the watchers never keep a stale ping).
 */
export const LIVE_FIELDS_EVERY_MS = 10_000;

export class PlayerListThrottle {
  /** Clock time the list last went out. */
  private sentAt = -Infinity;
  /** A ping or score change not sent yet. */
  private held = false;

  /** After a poll (`change`: what it changed in the list); true when the list should go out now. */
  shouldSend(change: "none" | "live" | "shown", now: number, everyMs = LIVE_FIELDS_EVERY_MS): boolean {
    if (change === "shown") return true;
    if (change === "live") this.held = true;
    return this.held && now - this.sentAt >= everyMs;
  }

  /** The list went out (whatever the reason: a poll, players dropped, a record's badge changed). */
  sent(now: number): void {
    this.sentAt = now;
    this.held = false;
  }
}
