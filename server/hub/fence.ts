/**
 * Writes that come from a game-server connection (console lines, seq reservations, stays, samples,
 * native ban sync) go through a WriteFence with the epoch of the lease the link was adopted under.
 * One process: `unfenced` allows everything. Several instances: server/cluster's PostgreSQL fence
 * runs the write in a transaction that checks the lease still carries that epoch and this instance
 * as owner, so a stale owner's late writes are rejected.
 *
 * `write` may receive a transaction client typed as Db: the history functions that open their own
 * transaction (server/data/history.ts) run inline inside one.
 */
import type { Db } from "../db/client.ts";

export interface WriteFence {
  /**
   * Runs `write` once (in a transaction where the fence needs one) with `allowed` = the servers of
   * `epochs` whose lease still carries that epoch (and this instance as owner). `write` must skip
   * everything of the other servers. Single process: unfenced(db) allows everything, epoch ignored.
   */
  run<T>(
    epochs: ReadonlyMap<string, number>,
    write: (db: Db, allowed: ReadonlySet<string>) => Promise<T>,
  ): Promise<T>;
}

/** One process: everything allowed, no transaction added. */
export function unfenced(db: Db): WriteFence {
  return { run: (epochs, write) => write(db, new Set(epochs.keys())) };
}
