/**
 * A fixed single-thread workload, timed: the machine's speed next to a benchmark's figures. The
 * same code at the same load has used 0.56 cores on one machine and about 1 core on another of the
 * same size (2 vCPUs), so figures from different machines are compared through this number, not
 * directly. The work is what the hub does most: integer arithmetic, short-lived objects and JSON.
 */
import { performance } from "node:perf_hooks";

function workload(): number {
  let checksum = 0;
  for (let i = 0; i < 200_000_000; i++) checksum = (checksum * 31 + i) | 0;
  for (let round = 0; round < 60; round++) {
    const rows = Array.from({ length: 5_000 }, (_, i) => ({
      id: `p${i}`,
      name: `player ${i}`,
      ping: i % 300,
    }));
    const parsed = JSON.parse(JSON.stringify(rows)) as typeof rows;
    checksum = (checksum + parsed.length + (parsed[round]?.ping ?? 0)) | 0;
  }
  return checksum;
}

/** Milliseconds of the workload, best of three (the least disturbed run). */
export function referenceWorkloadMs(): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    workload();
    best = Math.min(best, performance.now() - started);
  }
  return Math.round(best);
}
