/**
 * The browser's copy of a server's console: lines kept in `seq` order with no duplicates, however
 * history pages, live lines and command acks interleave. Pure, so the seam between the subscribe
 * snapshot and the live stream is tested without a browser.
 */
import type { ConsoleLineMessage } from "../realtime/contract.ts";

/** How many lines a console keeps in memory; older ones can be fetched again with console:history. */
export const MAX_CONSOLE_LINES = 100_000;

export function lastSeq(lines: readonly ConsoleLineMessage[]): number | null {
  return lines.length === 0 ? null : (lines[lines.length - 1]?.seq ?? null);
}

/**
 * Merges `incoming` (any order, possibly overlapping `existing`) into `existing` (sorted by seq,
 * unique). Returns `existing` itself when nothing new arrived, so React can skip a render. The
 * common case (live lines newer than everything held) is an append without re-sorting.
 */
export function mergeLines(
  existing: readonly ConsoleLineMessage[],
  incoming: readonly ConsoleLineMessage[],
  max = MAX_CONSOLE_LINES,
): readonly ConsoleLineMessage[] {
  if (incoming.length === 0) return existing;
  const last = lastSeq(existing);
  let appendOnly = true;
  let previous = last ?? -Infinity;
  for (const line of incoming) {
    if (line.seq <= previous) {
      appendOnly = false;
      break;
    }
    previous = line.seq;
  }
  let merged: ConsoleLineMessage[];
  if (appendOnly) {
    merged = existing.concat(incoming);
  } else {
    // Only the tail from the oldest incoming seq on can change: merge that part, keep the head as is.
    let oldest = Infinity;
    for (const line of incoming) if (line.seq < oldest) oldest = line.seq;
    const from = firstIndexAtOrAfter(existing, oldest);
    const bySeq = new Map<number, ConsoleLineMessage>();
    for (let i = from; i < existing.length; i++) {
      const line = existing[i] as ConsoleLineMessage;
      bySeq.set(line.seq, line);
    }
    let added = false;
    for (const line of incoming) {
      if (!bySeq.has(line.seq)) {
        bySeq.set(line.seq, line);
        added = true;
      }
    }
    if (!added) return existing;
    const tail = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    merged = from === 0 ? tail : existing.slice(0, from).concat(tail);
  }
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

/** Index of the first line with seq >= `seq` (binary search; lines are sorted by seq). */
function firstIndexAtOrAfter(lines: readonly ConsoleLineMessage[], seq: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((lines[mid]?.seq ?? Infinity) < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
