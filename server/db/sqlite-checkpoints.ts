/**
 * WAL checkpoints, mostly off the event loop. In WAL mode SQLite copies the log back into the
 * database file (a checkpoint, with an fsync of that file) inside the COMMIT that takes the log past
 * 1,000 pages: on the dashboard's one connection, synchronously, so no socket is served meanwhile.
 * Measured with `npm run bench -- hub --servers 1000`: COMMITs took 16.8 s of the run, the longest
 * 417 ms.
 *
 * A worker thread, with a connection of its own, runs a PASSIVE checkpoint every `everyMs`: it
 * copies what the log holds so far and syncs the file without waiting for (or blocking) the main
 * connection. The main connection keeps SQLite's automatic checkpoint, which then finds little left
 * to copy and sync. It must stay: only a checkpoint that reaches the end of the log lets the next
 * write start the log over, and with writes arriving during every pass the worker's never does (the
 * log grew to 1.7 GB in 15 s of steady writes without it). Durability is unchanged: the main
 * connection's `synchronous` setting is left alone.
 *
 * Past MAIN_AUTOCHECKPOINT_PAGES the worker leaves one interval free after each pass, so that the
 * main connection's checkpoint gets the lock, which a pass holds: in a loaded CI run the log grew to
 * 160 MB of 200 written, and with passes back to back (`everyMs` 1) to 49-119 MB without this pause
 * and 57-63 MB with it (sqlite-checkpoints.test.ts).
 *
 * While the worker runs, the main connection's automatic checkpoint waits for a longer log
 * (MAIN_AUTOCHECKPOINT_PAGES instead of SQLite's 1,000). Each one still fsyncs the log and the
 * database file inside a COMMIT, 50-80 ms on a busy disk, however little the worker left to copy.
 * At 1,000 servers (`npm run bench -- hub`) COMMITs took 1.3-2.1 s of 20 s with 1,000 pages (22
 * of them over 30 ms) and 0.6 s with 10,000 (one or two). The log then starts over about every
 * 40 MB, plus what is written while a pass holds the lock: 149 MB of 200 once, on a loaded CI disk.
 * A worker that stops hands the whole job back at SQLite's default.
 */
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { onEachConnection } from "./sqlite-adapter.ts";

/** The part of a better-sqlite3 Database this needs. */
export interface SqliteConnection {
  readonly name: string;
  readonly memory: boolean;
  readonly open: boolean;
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

export interface CheckpointerOptions {
  /** Time between two checkpoints (default 250 ms: each finds less left to copy and sync). */
  everyMs?: number;
  /** better-sqlite3 options for the worker's connection (the addon to load: sqlite-binding.ts). */
  driverOptions?: { nativeBinding?: string };
  /** A checkpoint that failed, or a worker that stopped (the main connection's checkpoints go on). */
  onProblem?(message: string): void;
}

export interface Checkpointer {
  /** Closes the worker's connection and ends the worker (before the main connection closes). */
  stop(): Promise<void>;
}

// CommonJS, evaluated in the worker: no TypeScript loader is needed there (tsx, vitest, dist).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, workerData.driverOptions);
let told = "";
let pause = false;
const timer = setInterval(() => {
  // After a pass that found the log past the main connection's threshold, one interval without a
  // pass: the main connection's automatic checkpoint, due at each of its commits now, needs the
  // checkpoint lock to reach the end of the log and let the next write start it over.
  if (pause) {
    pause = false;
    return;
  }
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    pause = result !== undefined && result.log >= workerData.mainPages;
    told = "";
  } catch (error) {
    // Told once until it changes or a checkpoint succeeds again: not four log lines a second.
    if (String(error) !== told) parentPort.postMessage({ problem: (told = String(error)) });
  }
}, workerData.everyMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** The main connection's automatic checkpoint while the worker runs (pages of the log; see above). */
export const MAIN_AUTOCHECKPOINT_PAGES = 10_000;
/** SQLite's default, restored when the worker stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

/** Null for databases a second connection cannot share (in memory) or that are not in WAL mode. */
export function startCheckpointer(
  connection: SqliteConnection,
  options: CheckpointerOptions = {},
): Checkpointer | null {
  if (connection.memory) return null;
  if (String(connection.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return null;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      file: connection.name,
      driverOptions: options.driverOptions ?? {},
      everyMs: options.everyMs ?? 250,
      mainPages: MAIN_AUTOCHECKPOINT_PAGES,
    },
  });
  worker.unref(); // checkpoints never keep a process alive
  connection.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
  let stopping = false;
  worker.on("message", (message: { problem?: string }) => {
    if (message.problem) options.onProblem?.(`WAL checkpoint failed: ${message.problem}`);
  });
  worker.on("error", (error) => options.onProblem?.(`WAL checkpoint worker failed: ${String(error)}`));
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", () => {
      // Small checkpoints again: the main connection does them all now (or closes next).
      if (connection.open) connection.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      if (!stopping)
        options.onProblem?.("WAL checkpoint worker stopped: only the main connection checkpoints now");
      resolve();
    }),
  );
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage("stop");
      const timeout = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

/**
 * The adapter factory with a checkpointer per connection it opens, stopped before the connection
 * closes (`$disconnect`).
 */
export function withBackgroundCheckpoints(
  factory: PrismaBetterSqlite3,
  options: CheckpointerOptions,
): PrismaBetterSqlite3 {
  return onEachConnection(factory, (connection, adapter) => {
    const checkpointer = startCheckpointer(connection, options);
    if (!checkpointer) return;
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await checkpointer.stop();
      return dispose();
    };
  });
}
