/**
 * The game's ban list as one native sync pass sees it (server/hub/ban-sync.ts): read once, and read
 * again only after the pass wrote to the game (a ban, an unban) or a read failed. A pass that
 * writes nothing lists the game once instead of once per phase; its fingerprint tells the next
 * pass whether the list changed since.
 */
import { createHash } from "node:crypto";
import type { BanEntry } from "../rcon/types.ts";

export class PassList {
  private cached: Promise<readonly BanEntry[]> | null = null;
  /** How often the pass wrote to the game (a quiet pass that wrote nothing stays quiet). */
  writes = 0;

  constructor(private readonly read: () => Promise<readonly BanEntry[]>) {}

  /** The list as it stands; a failed read is not kept (the next phase tries again). */
  get(): Promise<readonly BanEntry[]> {
    if (this.cached) return this.cached;
    const reading = this.read();
    this.cached = reading;
    reading.catch(() => {
      if (this.cached === reading) this.cached = null;
    });
    return reading;
  }

  /** The pass wrote to the game: the next get() lists again. */
  changed(): void {
    this.cached = null;
    this.writes++;
  }
}

/**
 * One short digest of what the list holds: every live entry's kind and value, in any order. Time
 * left and reasons are left out: a timed entry's minutes fall at every pass, and a changed reason
 * alone changes nothing RconDeck enforces (the full check every few minutes still records it).
 */
export function listFingerprint(entries: readonly BanEntry[]): string {
  const keys: string[] = [];
  for (const entry of entries) if (entry.minutesLeft !== 0) keys.push(`${entry.kind}\u0000${entry.value}`);
  keys.sort();
  return createHash("sha256").update(keys.join("\u0001")).digest("base64");
}
