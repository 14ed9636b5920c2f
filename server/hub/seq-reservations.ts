/**
 * Per-server console seqs, handed out only from blocks already reserved in the database
 * (`Server.consoleSeqReserved`). A start reserves a fresh block after the stored mark, so every seq
 * handed out after a crash is greater than every seq handed out before it, even for lines the
 * crash lost: a resuming browser (afterSeq) never skips a line because its seq was reused.
 *
 * Handing out stays synchronous: the next block is reserved in the background once half of the
 * current one is used. Only if the database falls behind by a whole block does `next` return null
 * (the caller drops or waits, see ConsoleHistory), never an unreserved seq.
 */
import { raiseConsoleSeqReservation, reserveConsoleSeqs } from "../data/history.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../rcon/types.ts";
import { unfenced, type WriteFence } from "./fence.ts";

/** Raises go through the fence with the server's epoch; null epoch: not raised. */
export interface SeqFencing {
  fence: WriteFence;
  epochOf(serverId: string): number | null;
}

/** Seqs reserved per database write. */
export const SEQ_BLOCK = 4_096;

interface Reservation {
  /** The last seq handed out. */
  last: number;
  /** Seqs up to this are stored as reserved. */
  reserved: number;
  raising: Promise<void> | null;
  gone: boolean;
}

export class SeqReservations {
  private readonly servers = new Map<string, Reservation>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly block = SEQ_BLOCK,
    private readonly fencing: SeqFencing = { fence: unfenced(db), epochOf: () => 0 },
  ) {}

  /** Reserves a first block for the servers not prepared yet (one write per 500 servers). */
  async prepare(serverIds: readonly string[]): Promise<void> {
    const missing = serverIds.filter((id) => !this.servers.has(id));
    if (missing.length === 0) return;
    const marks = await reserveConsoleSeqs(this.db, missing, this.block);
    for (const [id, mark] of marks) {
      // The block just reserved starts after the previous mark: seqs up to it may have been used.
      if (!this.servers.has(id))
        this.servers.set(id, { last: mark - this.block, reserved: mark, raising: null, gone: false });
    }
  }

  has(serverId: string): boolean {
    return this.servers.has(serverId);
  }

  /** The last seq handed out (0 for an unknown server). */
  last(serverId: string): number {
    return this.servers.get(serverId)?.last ?? 0;
  }

  /** The next seq, or null when none is reserved (unknown or deleted server, or the database is a whole block behind). */
  next(serverId: string): number | null {
    const r = this.servers.get(serverId);
    if (!r || r.gone || r.last >= r.reserved) {
      if (r && !r.gone) this.raise(serverId, r);
      return null;
    }
    r.last++;
    if (r.reserved - r.last < this.block / 2) this.raise(serverId, r);
    return r.last;
  }

  /** Resolves once a seq can be handed out (or the server is gone). */
  async ready(serverId: string): Promise<void> {
    const r = this.servers.get(serverId);
    if (!r) return;
    if (r.last >= r.reserved && !r.gone) this.raise(serverId, r);
    while (r.raising) await r.raising;
  }

  forget(serverId: string): void {
    const r = this.servers.get(serverId);
    if (r) r.gone = true;
    this.servers.delete(serverId);
  }

  private raise(serverId: string, r: Reservation): void {
    if (r.raising) return;
    const mark = r.last + this.block;
    const epoch = this.fencing.epochOf(serverId);
    if (epoch === null) return; // no longer ours to write: no more seqs either
    r.raising = this.fencing.fence
      .run(new Map([[serverId, epoch]]), (db, allowed) =>
        allowed.has(serverId) ? raiseConsoleSeqReservation(db, serverId, mark) : Promise.resolve(null),
      )
      .then((exists) => {
        if (exists === false) r.gone = true;
        else if (exists) r.reserved = Math.max(r.reserved, mark);
      })
      .catch((error: unknown) =>
        this.logger.warn("console seq reservation failed", { serverId, error: String(error).slice(0, 200) }),
      )
      .finally(() => (r.raising = null));
  }
}
