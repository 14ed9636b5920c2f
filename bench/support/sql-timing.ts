/**
 * BENCH_SQL_TIME=1 (`npm run bench -- hub --target process`): the time the measured process spends
 * inside SQLite, by SQL text, over the measured window. better-sqlite3 is synchronous, so that time
 * is the main thread's; a CPU profile shows it only as `run` and `all`, with the caller lost behind
 * Prisma's awaits. Wraps better-sqlite3's Statement#run and #all in this process only (the bench's
 * own; the dashboard's code is not touched), so it costs nothing when off.
 */
import Database from "better-sqlite3";
import { performance } from "node:perf_hooks";
import { sqliteDriverOptions } from "../../server/db/sqlite-binding.ts";

interface Totals {
  calls: number;
  ms: number;
}

/** One row of the report: a SQL text (its first `keyLength` characters) and its time. */
export interface SqlTime {
  sql: string;
  calls: number;
  ms: number;
}

export interface SqlTiming {
  /** Starts the window afresh (the start-up burst's statements are not counted). */
  reset(): void;
  /** Rows by time spent, most first. */
  report(): SqlTime[];
  /** Puts the Statement methods back. */
  restore(): void;
}

/** Texts are keyed by their start: multi-row statements of every row count fall under one key. */
export function timeSqlStatements(keyLength = 120): SqlTiming {
  // The addon the dashboard loads (RCONDECK_SQLITE_BINDING): each addon has its own Statement class.
  const probe = new Database(":memory:", sqliteDriverOptions());
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<
    "run" | "all",
    (this: { source: string }, ...args: unknown[]) => unknown
  >;
  probe.close();
  let totals = new Map<string, Totals>();
  const originals = { run: proto.run, all: proto.all };
  for (const method of ["run", "all"] as const) {
    const original = originals[method];
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        // Taken first: the key's folding of a long text is the probe's cost, not SQLite's.
        const ms = performance.now() - started;
        const key = this.source.trim().replace(/\s+/g, " ").slice(0, keyLength);
        const entry = totals.get(key) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += ms;
        totals.set(key, entry);
      }
    };
  }
  return {
    reset: () => {
      totals = new Map();
    },
    report: () =>
      [...totals.entries()]
        .map(([sql, t]) => ({ sql, calls: t.calls, ms: t.ms }))
        .sort((a, b) => b.ms - a.ms),
    restore: () => {
      proto.run = originals.run;
      proto.all = originals.all;
    },
  };
}

/** The report as printed: total, then the `top` texts with calls, time and time per call. */
export function formatSqlTimes(rows: readonly SqlTime[], seconds: number, top = 25): string {
  const ms = rows.reduce((sum, r) => sum + r.ms, 0);
  const calls = rows.reduce((sum, r) => sum + r.calls, 0);
  const lines = rows
    .slice(0, top)
    .map(
      (r) =>
        `${r.ms.toFixed(0).padStart(7)} ms ${String(r.calls).padStart(7)} calls ${((r.ms * 1000) / r.calls).toFixed(0).padStart(6)} µs  ${r.sql}`,
    );
  return [
    `SQLite on the main thread over ${seconds.toFixed(0)} s: ${ms.toFixed(0)} ms (${(ms / 10 / seconds).toFixed(1)}% of the window), ${calls} statements`,
    ...lines,
  ].join("\n");
}
