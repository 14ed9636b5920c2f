/**
 * WAL checkpoints off the event loop. In WAL mode SQLite copies the log back into the database file
 * (a checkpoint, with an fsync of that file) inside the COMMIT that takes the log past 1,000 pages:
 * on the dashboard's one connection, synchronously, so no socket is served meanwhile. Measured with
 * `npm run bench -- hub --servers 1000`: COMMITs took 16.8 s of the run, the longest 417 ms; with
 * the checkpoints moved here, 4.4 s and 101 ms.
 *
 * The main connection stops checkpointing (`wal_autocheckpoint = 0`) and a worker thread, with a
 * connection of its own, runs a PASSIVE checkpoint every `everyMs`: PASSIVE never waits for readers
 * or writers, so the main connection never waits for it either. Durability is unchanged (the
 * main connection's `synchronous` setting is left alone). If the worker ever stops, the main
 * connection checkpoints by itself again, so the log can never grow without bound.
 */
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** The part of a better-sqlite3 Database this needs. */
export interface SqliteConnection {
  readonly name: string;
  readonly memory: boolean;
  readonly open: boolean;
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

export interface CheckpointerOptions {
  /** Time between two checkpoints (default one second). */
  everyMs?: number;
  /** better-sqlite3 options for the worker's connection (the addon to load: sqlite-binding.ts). */
  driverOptions?: { nativeBinding?: string };
  /** A checkpoint that failed, or the worker that stopped (the main connection checkpoints again). */
  onProblem?(message: string): void;
}

export interface Checkpointer {
  /** Closes the worker's connection and ends the worker (before the main connection closes). */
  stop(): Promise<void>;
}

/** SQLite's default, restored when the worker stops. */
const AUTOCHECKPOINT_PAGES = 1000;
/** A WAL file reset after a full checkpoint is truncated to this (it otherwise keeps its largest size). */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

// CommonJS, evaluated in the worker: no TypeScript loader is needed there (tsx, vitest, dist).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, workerData.driverOptions);
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort.postMessage({ problem: String(error) });
  }
}, workerData.everyMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Null for databases a second connection cannot share (in memory) or that are not in WAL mode. */
export function startCheckpointer(
  connection: SqliteConnection,
  options: CheckpointerOptions = {},
): Checkpointer | null {
  if (connection.memory) return null;
  if (String(connection.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return null;
  connection.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  connection.pragma("wal_autocheckpoint = 0");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      file: connection.name,
      driverOptions: options.driverOptions ?? {},
      everyMs: options.everyMs ?? 1_000,
    },
  });
  worker.unref(); // checkpoints never keep a process alive
  let stopping = false;
  worker.on("message", (message: { problem?: string }) => {
    if (message.problem) options.onProblem?.(`WAL checkpoint failed: ${message.problem}`);
  });
  worker.on("error", (error) => options.onProblem?.(`WAL checkpoint worker failed: ${String(error)}`));
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", () => {
      if (!stopping && connection.open) {
        // The log must not grow for ever: the main connection checkpoints again, as SQLite does by default.
        connection.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
        options.onProblem?.("WAL checkpoint worker stopped: checkpoints run on the main connection again");
      }
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

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;

/**
 * The adapter factory with a checkpointer per connection it opens, stopped before the connection
 * closes (`$disconnect`). The adapter keeps its better-sqlite3 Database in `client`.
 */
export function withBackgroundCheckpoints(
  factory: PrismaBetterSqlite3,
  options: CheckpointerOptions,
): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter: Adapter = await connect();
    const connection = (adapter as unknown as { client?: SqliteConnection }).client;
    if (!connection || typeof connection.pragma !== "function")
      throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its Database as `client`");
    const checkpointer = startCheckpointer(connection, options);
    if (checkpointer) {
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await checkpointer.stop();
        return dispose();
      };
    }
    return adapter;
  };
  return factory;
}
