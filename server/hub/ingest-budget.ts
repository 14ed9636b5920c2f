/**
 * What one game server may put into the console and the history. A hostile or broken server can
 * push lines as fast as the network allows; without a budget it fills the disk and starves every
 * other server of CPU. Each server gets:
 *
 * - a line length cap: longer text is kept up to the cap and marked "[truncated N bytes]";
 * - a token bucket on pushed lines (rate + burst): the excess is dropped and later summarised as
 *   one system line "N lines dropped";
 * - a degraded state with a reason (flooding, answers that never end, malformed packets) that
 *   clears after a quiet period without new trouble.
 *
 * Pure bookkeeping: time is passed in to every call, so tests drive it with a fake clock.
 */

export interface IngestBudgetOptions {
  /** Longest stored pushed line, in UTF-8 bytes. */
  maxLineBytes: number;
  /** Longest stored command answer, in UTF-8 bytes. */
  maxAnswerBytes: number;
  /** Pushed lines per second a server may sustain... */
  linesPerSecond: number;
  /** ...and how many it may push at once after being quiet. */
  burst: number;
  /** A degraded state clears after this long without new trouble. */
  quietMs: number;
  /**
   * Bytes read from one server per second (TCP games, metered per tenth of a second); past it
   * reading pauses until the next tenth. Dropping lines still costs CPU to read them: this caps
   * what a flood can take.
   */
  maxReadBytesPerSecond: number;
}

export const DEFAULT_INGEST_BUDGET: IngestBudgetOptions = {
  maxLineBytes: 8 * 1024,
  maxAnswerBytes: 256 * 1024,
  linesPerSecond: 100,
  burst: 1_000,
  quietMs: 60_000,
  maxReadBytesPerSecond: 1024 * 1024,
};

export type Trouble = "flooding" | "endless-answer" | "malformed";

const REASONS: Record<Exclude<Trouble, "flooding">, string> = {
  "endless-answer": "answers never end (cut at the size cap or arriving after they ended)",
  malformed: "malformed packets",
};

/** A cut inside a word goes back to the word's start when it is at most this long. */
const WORD_BACKOFF = 128;

/**
 * Keeps at most `maxBytes` UTF-8 bytes of `text`, marking what was cut. The cut never splits a
 * character, and goes back to the start of a word cut in two: half a GUID or an address would no
 * longer look like one to the redaction of public console lines (lib/console/redact.ts).
 */
export function clipText(text: string, maxBytes: number): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short text needs no encoding at all.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return text;
  let kept = Buffer.from(text, "utf8")
    .subarray(0, maxBytes)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  const wordStart = kept.search(/\S+$/);
  if (wordStart > 0 && kept.length - wordStart <= WORD_BACKOFF && /\S/.test(text[kept.length] ?? " "))
    kept = kept.slice(0, wordStart).trimEnd();
  kept = kept.trimEnd();
  return `${kept} [truncated ${bytes - Buffer.byteLength(kept, "utf8")} bytes]`;
}

export class IngestBudget {
  private tokens: number;
  private refilledAt: number;
  /** Dropped since the last summary line. */
  private unreported = 0;
  /** Dropped per second of the last minute: [second, count]. */
  private readonly dropsBySecond: [number, number][] = [];
  private readonly lastTrouble = new Map<Trouble, number>();

  constructor(
    readonly options: IngestBudgetOptions,
    now: number,
  ) {
    this.tokens = options.burst;
    this.refilledAt = now;
  }

  /** One pushed line: true when it may be stored and shown, false when it is dropped (and counted). */
  admit(now: number): boolean {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.options.burst, this.tokens + (elapsed * this.options.linesPerSecond) / 1000);
    if (this.tokens >= 1) {
      this.tokens--;
      return true;
    }
    this.unreported++;
    const second = Math.floor(now / 1000);
    const last = this.dropsBySecond[this.dropsBySecond.length - 1];
    if (last && last[0] === second) last[1]++;
    else this.dropsBySecond.push([second, 1]);
    this.lastTrouble.set("flooding", now);
    return false;
  }

  /** One console line for the lines dropped since the last call, or null when none were. */
  takeSummary(): string | null {
    const n = this.unreported;
    this.unreported = 0;
    if (n === 0) return null;
    return `${n.toLocaleString("en-US")} line${n === 1 ? "" : "s"} dropped: the server pushes more than ${this.options.linesPerSecond} lines per second.`;
  }

  /** Something the protocol layer saw (reading paused, an answer over the cap, late answer packets, malformed packets). */
  note(trouble: Trouble, now: number): void {
    this.lastTrouble.set(trouble, now);
  }

  /** Lines dropped in the last minute. */
  droppedLastMinute(now: number): number {
    const from = Math.floor((now - 60_000) / 1000);
    while (this.dropsBySecond.length > 0 && (this.dropsBySecond[0]?.[0] ?? 0) <= from)
      this.dropsBySecond.shift();
    let n = 0;
    for (const [, count] of this.dropsBySecond) n += count;
    return n;
  }

  /** Why the server is degraded now, or null when it has been quiet for `quietMs`. */
  degraded(now: number): string | null {
    const reasons: string[] = [];
    for (const [trouble, at] of this.lastTrouble) {
      if (now - at >= this.options.quietMs) {
        this.lastTrouble.delete(trouble);
        continue;
      }
      if (trouble === "flooding") {
        const dropped = this.droppedLastMinute(now);
        reasons.push(
          dropped > 0
            ? `flooding: ${dropped.toLocaleString("en-US")} line${dropped === 1 ? "" : "s"} dropped in the last minute`
            : "flooding: more data than the read budget (reading paused)",
        );
      } else reasons.push(REASONS[trouble]);
    }
    return reasons.length > 0 ? reasons.join("; ") : null;
  }
}
