/**
 * Console history with batched writes. A line gets its per-server `seq` in memory from a block
 * already reserved in the database (seq-reservations.ts), is handed to the live stream at once, and
 * is written to the database in batches (every `intervalMs` or `maxLines`), so a busy game server
 * never waits on the database. Reads merge the database with the lines not yet written, so a
 * snapshot taken at any moment misses nothing. A crash loses at most the unwritten lines (one
 * interval or batch, plus the batch being written), never a seq: the next start continues after
 * the reserved mark.
 *
 * Writes (the batch insert, the reservation raises) go through the WriteFence with each server's
 * epoch (`epochOf`): lines of a server the fence refuses, or whose writes are no longer wanted
 * (null epoch), are dropped and counted in one log line, never retried.
 */
import { insertConsoleLines, readConsoleLines, type ConsoleLineRecord } from "../data/history.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../rcon/types.ts";
import { unfenced, type WriteFence } from "./fence.ts";
import { SeqReservations } from "./seq-reservations.ts";

export interface HistoryOptions {
  intervalMs?: number;
  maxLines?: number;
  /** Lines kept in memory when the database refuses writes, before the oldest are dropped. */
  maxBacklog?: number;
  /** Console seqs reserved per database write (tests: small blocks). */
  seqBlock?: number;
  /** Connection writes go through it (default: unfenced). */
  fence?: WriteFence;
  /** The epoch a server's writes carry; null: they are dropped (default: 0 for every server). */
  epochOf?: (serverId: string) => number | null;
}

export class ConsoleHistory {
  private readonly seqs: SeqReservations;
  private pending: ConsoleLineRecord[] = [];
  private inFlight: ConsoleLineRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly maxLines: number;
  private readonly maxBacklog: number;
  private closed = false;
  private readonly fence: WriteFence;
  private readonly epochOf: (serverId: string) => number | null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    options: HistoryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.maxLines = options.maxLines ?? 500;
    this.maxBacklog = options.maxBacklog ?? 100_000;
    this.fence = options.fence ?? unfenced(db);
    this.epochOf = options.epochOf ?? (() => 0);
    this.seqs = new SeqReservations(db, logger, options.seqBlock, {
      fence: this.fence,
      epochOf: this.epochOf,
    });
  }

  /** Reserves a first block of seqs for these servers (call before appending to them). */
  async prepare(serverIds: readonly string[]): Promise<void> {
    await this.seqs.prepare(serverIds);
  }

  /**
   * A server adopted from a previous owner: a fresh block after anything that owner could have
   * handed out (the mark is incremented again, whatever this process reserved before).
   */
  async renew(serverId: string): Promise<void> {
    this.seqs.forget(serverId);
    await this.seqs.prepare([serverId]);
  }

  isPrepared(serverId: string): boolean {
    return this.seqs.has(serverId);
  }

  lastSeq(serverId: string): number {
    return this.seqs.last(serverId);
  }

  /** Resolves once `append` can hand out a seq for this server (at once, unless the database is a whole block behind). */
  ready(serverId: string): Promise<void> {
    return this.seqs.ready(serverId);
  }

  /**
   * Assigns the next reserved seq and queues the line for writing; returns it for the live stream,
   * or null when no seq is reserved (a deleted server, or the database a whole block behind).
   */
  append(line: Omit<ConsoleLineRecord, "seq">): ConsoleLineRecord | null {
    const seq = this.seqs.next(line.serverId);
    if (seq === null) return null;
    const record = { ...line, seq };
    if (this.closed) return record;
    this.pending.push(record);
    if (this.pending.length >= this.maxLines) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.intervalMs);
    return record;
  }

  /** Forgets a removed server (its stored lines are purged in the background, purge.ts). */
  forget(serverId: string): void {
    this.seqs.forget(serverId);
    this.pending = this.pending.filter((l) => l.serverId !== serverId);
  }

  /**
   * Lines of one server, oldest first: the newest `limit` (before `beforeSeq`), or the newest
   * `limit` after `afterSeq`. Unwritten lines are captured BEFORE the query, so a line moving from
   * memory to the database during the read is found in one place or the other.
   */
  async read(
    serverId: string,
    range: { beforeSeq?: number | undefined; afterSeq?: number | undefined; limit: number },
  ): Promise<ConsoleLineRecord[]> {
    const inRange = (l: ConsoleLineRecord) =>
      l.serverId === serverId &&
      (range.beforeSeq === undefined || l.seq < range.beforeSeq) &&
      (range.afterSeq === undefined || l.seq > range.afterSeq);
    const unwritten = [...this.inFlight.filter(inRange), ...this.pending.filter(inRange)];
    const stored = await readConsoleLines(this.db, serverId, range);
    const bySeq = new Map<number, ConsoleLineRecord>();
    for (const l of stored) bySeq.set(l.seq, l);
    for (const l of unwritten) bySeq.set(l.seq, l);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-range.limit);
  }

  /** Writes everything queued so far (also used at shutdown). */
  async flush(maxAttempts = 3): Promise<void> {
    for (let attempt = 0; attempt < maxAttempts;) {
      while (this.flushing) await this.flushing;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (this.pending.length === 0) return;
      const before = this.pending.length;
      this.flushing = this.writeBatch().finally(() => (this.flushing = null));
      await this.flushing;
      if (this.pending.length >= before) attempt++; // no progress: the database refused
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) return; // the running write re-schedules what accumulated meanwhile
    this.flushing = this.writeBatch().finally(() => {
      this.flushing = null;
      if (this.pending.length > 0 && !this.closed)
        this.timer ??= setTimeout(
          () => this.kick(),
          this.pending.length >= this.maxLines ? 0 : this.intervalMs,
        );
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending.splice(0, Math.max(this.maxLines, 1) * 4);
    this.inFlight = batch;
    try {
      const epochs = new Map<string, number>();
      for (const line of batch) {
        if (epochs.has(line.serverId)) continue;
        const epoch = this.epochOf(line.serverId);
        if (epoch !== null) epochs.set(line.serverId, epoch);
      }
      const written =
        epochs.size === 0
          ? 0
          : await this.fence.run(epochs, async (db, allowed) => {
              const lines = batch.filter((l) => allowed.has(l.serverId));
              await insertConsoleLines(db, lines);
              return lines.length;
            });
      if (written < batch.length)
        this.logger.warn("console lines of servers this instance no longer holds dropped", {
          dropped: batch.length - written,
        });
    } catch (error) {
      // Keep the lines of servers that still exist and try again with the next batch.
      const ids = [...new Set(batch.map((l) => l.serverId))];
      const existing = new Set(
        (
          await this.db.server
            .findMany({ where: { id: { in: ids } }, select: { id: true } })
            .catch(() => ids.map((id) => ({ id })))
        ).map((r) => r.id),
      );
      const keep = batch.filter((l) => existing.has(l.serverId) && this.seqs.has(l.serverId));
      this.logger.warn("console history write failed; retrying", {
        lines: batch.length,
        kept: keep.length,
        error: String(error).slice(0, 300),
      });
      this.pending = [...keep, ...this.pending];
      if (this.pending.length > this.maxBacklog) {
        const dropped = this.pending.length - this.maxBacklog;
        this.pending = this.pending.slice(dropped);
        this.logger.error("console history backlog full: oldest lines dropped", { dropped });
      }
      if (keep.length === batch.length) await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
    } finally {
      this.inFlight = [];
    }
  }
}
