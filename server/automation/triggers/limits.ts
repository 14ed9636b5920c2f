/**
 * Cooldowns (per trigger and server) and per-player limits (per trigger and player), in memory on
 * the wall clock the engine is given. A firing takes its slot when it is admitted, before the action
 * runs, so a burst of matching lines cannot slip several firings through while the first is in
 * flight. Refused, failed and dry-run firings count too: a trigger that cannot act does not retry
 * on every line. Seeded from the stored firings at start-up, so a restart (or a server moving to
 * another instance) does not reset them.
 */

export interface LimitRule {
  cooldownSeconds: number;
  perPlayerLimit?: number | undefined;
  perPlayerWindowSeconds: number;
}

/** Keys a Map by two strings without building nested maps. */
const key = (a: string, b: string) => `${a}\u0000${b}`;

export class TriggerLimits {
  /** (trigger, server) → wall time of the last firing. */
  private readonly last = new Map<string, number>();
  /** (trigger, player) → wall times of the firings still inside the longest window seen. */
  private readonly perPlayer = new Map<string, number[]>();

  /** Why a firing is not admitted now, or null (then its slot is taken). */
  admit(
    triggerId: string,
    rule: LimitRule,
    serverId: string | null,
    playerKey: string | null,
    now: number,
  ): "cooldown" | "player-limit" | null {
    const serverKey = key(triggerId, serverId ?? "");
    const last = this.last.get(serverKey);
    if (last !== undefined && now - last < rule.cooldownSeconds * 1000) return "cooldown";
    let times: number[] | undefined;
    if (rule.perPlayerLimit !== undefined && playerKey !== null) {
      const playerKeyFull = key(triggerId, playerKey);
      const windowStart = now - rule.perPlayerWindowSeconds * 1000;
      times = (this.perPlayer.get(playerKeyFull) ?? []).filter((t) => t > windowStart);
      if (times.length >= rule.perPlayerLimit) {
        this.perPlayer.set(playerKeyFull, times);
        return "player-limit";
      }
      times.push(now);
      this.perPlayer.set(playerKeyFull, times);
    } else if (playerKey !== null) {
      // Remembered anyway (bounded by prune): a limit added by an edit counts recent firings.
      this.note(this.perPlayer, key(triggerId, playerKey), now);
    }
    this.last.set(serverKey, now);
    return null;
  }

  /** A stored firing (start-up seeding). */
  seed(triggerId: string, serverId: string | null, playerKey: string | null, at: number): void {
    const serverKey = key(triggerId, serverId ?? "");
    if ((this.last.get(serverKey) ?? -Infinity) < at) this.last.set(serverKey, at);
    if (playerKey !== null) this.note(this.perPlayer, key(triggerId, playerKey), at);
  }

  /** Forgets what no window can still see (called on the engine's reload tick). */
  prune(now: number, longestWindowMs: number): void {
    for (const [k, at] of this.last) if (now - at > longestWindowMs) this.last.delete(k);
    for (const [k, times] of this.perPlayer) {
      const kept = times.filter((t) => now - t <= longestWindowMs);
      if (kept.length === 0) this.perPlayer.delete(k);
      else this.perPlayer.set(k, kept);
    }
  }

  /** A trigger was deleted or disabled: its counts go with it (an edit keeps them). */
  forget(triggerId: string): void {
    const prefix = key(triggerId, "");
    for (const k of this.last.keys()) if (k.startsWith(prefix)) this.last.delete(k);
    for (const k of this.perPlayer.keys()) if (k.startsWith(prefix)) this.perPlayer.delete(k);
  }

  private note(map: Map<string, number[]>, k: string, at: number): void {
    const times = map.get(k) ?? [];
    times.push(at);
    // A player's list is bounded: the largest limit a form accepts.
    if (times.length > 1000) times.splice(0, times.length - 1000);
    map.set(k, times);
  }
}
