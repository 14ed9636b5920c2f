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
export function mergeLines(existing: readonly ConsoleLineMessage[], incoming: readonly ConsoleLineMessage[], max = MAX_CONSOLE_LINES): readonly ConsoleLineMessage[] {
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
    const bySeq = new Map<number, ConsoleLineMessage>();
    for (const line of existing) bySeq.set(line.seq, line);
    let added = false;
    for (const line of incoming) {
      if (!bySeq.has(line.seq)) {
        bySeq.set(line.seq, line);
        added = true;
      }
    }
    if (!added) return existing;
    merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}
