/** Figures the benchmarks print (a folder of its own: bench/index.ts runs every bench/*.ts). */

/** The p-th percentile of ascending `sorted` (nearest rank below); NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}
