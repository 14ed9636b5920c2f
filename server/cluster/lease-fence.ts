/**
 * The write fence of multi-instance mode (WriteFence, server/hub/fence.ts). Every write that comes
 * from a game-server connection (console lines, stays, samples, ban sync) carries the epoch its
 * instance held the server at; it runs in one transaction that first reads this instance's lease
 * rows of those servers `FOR SHARE`, and only the servers whose lease still has that epoch (and this
 * owner) are allowed: a stale owner's late writes are dropped.
 *
 * Why FOR SHARE: a takeover is an UPDATE of the lease row (epoch + 1), which must wait for the
 * share lock. So a write that passed the check commits BEFORE the takeover does, and the new
 * owner (whose first writes come after its takeover committed) never has an old epoch's write
 * land after its own. Without the lock, a check could pass, the lease be taken over and the new
 * owner write, and then the old write commit.
 *
 * A paused process must not keep that lock: `idle_in_transaction_session_timeout` makes the
 * database end the transaction by itself (the writer's own timeout would not run while it is
 * stopped), and the takeover statement bounds its own wait with `lock_timeout` (lease-sql.ts).
 */
import type { Db } from "../db/client.ts";
import type { WriteFence } from "../hub/fence.ts";
import { lockOwnLeases } from "./lease-sql.ts";

export interface LeaseFenceOptions {
  db: Db;
  instanceId: string;
  /** The database ends a fenced transaction idle for longer than this (default 2000 ms). */
  idleTimeoutMs?: number;
  /**
   * Prisma's own bound on one fenced transaction (default 5000 ms). Keep it well under the lease's
   * validity: this instance's own renewal (an UPDATE of the same rows) waits for these locks too.
   */
  transactionTimeoutMs?: number;
}

export class LeaseFence implements WriteFence {
  private readonly db: Db;
  private readonly instanceId: string;
  private readonly idleTimeoutMs: number;
  private readonly transactionTimeoutMs: number;

  constructor(options: LeaseFenceOptions) {
    this.db = options.db;
    this.instanceId = options.instanceId;
    this.idleTimeoutMs = Math.max(1, Math.round(options.idleTimeoutMs ?? 2000));
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 5000;
  }

  run<T>(
    epochs: ReadonlyMap<string, number>,
    write: (db: Db, allowed: ReadonlySet<string>) => Promise<T>,
  ): Promise<T> {
    return this.db.$transaction(
      async (tx) => {
        const db = tx as unknown as Db;
        await db.$executeRawUnsafe(`SET LOCAL idle_in_transaction_session_timeout = ${this.idleTimeoutMs}`);
        const rows = epochs.size > 0 ? await lockOwnLeases(db, this.instanceId, [...epochs.keys()]) : [];
        const allowed = new Set(
          rows.filter((r) => epochs.get(r.serverId) === r.epoch).map((r) => r.serverId),
        );
        return write(db, allowed);
      },
      { maxWait: 10_000, timeout: this.transactionTimeoutMs },
    );
  }
}
