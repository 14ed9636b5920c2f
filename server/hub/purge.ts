/**
 * Deletes console lines in the background, in small batches with a pause between them, so that
 * deleting a server with millions of lines (or trimming a flooded history) never blocks other
 * work: SQLite's driver is synchronous, so one big DELETE would stall the whole event loop (35 s
 * measured for a flooded server). Three jobs, in this order:
 *
 * 1. servers deleted (`ServerPurge` rows, written in the same transaction as the deletion): every
 *    line goes, then the row; resumed after a restart;
 * 2. the per-server cap (`maxLinesPerServer`): lines below `lastSeq - cap` go;
 * 3. retention: lines older than `retentionDays`, server by server (the serverId/createdAt index;
 *    a scan on createdAt alone would read the whole table on every run).
 */
import { deleteConsoleLineBatch, finishServerPurge, listServerPurges } from "../data/history.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../rcon/types.ts";

export interface PurgeOptions {
  /** Lines deleted per statement. */
  batch: number;
  /** Pause between two statements, so other queries and events run in between. */
  pauseMs: number;
  /** Stored console lines kept per server (by seq: the newest `maxLinesPerServer` seqs). */
  maxLinesPerServer: number;
  /** How often the cap and retention are checked without a kick. */
  everyMs: number;
}

export const DEFAULT_PURGE: PurgeOptions = {
  batch: 2_000,
  pauseMs: 5,
  maxLinesPerServer: 200_000,
  everyMs: 10 * 60_000,
};

export interface PurgeHooks {
  /** Servers the hub holds, with the last seq handed out. */
  servers(): Iterable<{ id: string; lastSeq: number }>;
  /** Writes unwritten lines: run before a deleted server's purge is marked done, so none lands after it. */
  flush(): Promise<void>;
  /** Lines older than this are deleted (null: keep). */
  retentionCutoff(): Date | null;
  /** False: this run does nothing (several instances: one of them runs the purges). Default true. */
  enabled?(): boolean;
}

export class HistoryPurger {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  /** Per server: lines below this seq were already trimmed (so an idle server costs no query). */
  private readonly trimmedBelow = new Map<string, number>();
  /** Lines deleted since start, for logs and tests. */
  deleted = 0;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly hooks: PurgeHooks,
    private readonly options: PurgeOptions = DEFAULT_PURGE,
  ) {}

  /** Runs the jobs now (or once more after the current run). Resolves when that run is done. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      } else this.schedule();
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.kick(), this.options.everyMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.hooks.enabled && !this.hooks.enabled()) return;
    try {
      for (const serverId of await listServerPurges(this.db)) {
        if (this.stopped) return;
        await this.drain({ serverId });
        await this.hooks.flush();
        await this.drain({ serverId }); // a batch that was being written during the purge
        if (this.stopped) return;
        await finishServerPurge(this.db, serverId);
        this.trimmedBelow.delete(serverId);
        this.logger.info("console lines of a deleted server purged", { serverId });
      }
      const cutoff = this.hooks.retentionCutoff();
      for (const { id, lastSeq } of [...this.hooks.servers()]) {
        const below = lastSeq - this.options.maxLinesPerServer + 1;
        if (below > (this.trimmedBelow.get(id) ?? 1)) {
          await this.drain({ serverId: id, belowSeq: below });
          this.trimmedBelow.set(id, below);
        }
        if (cutoff) await this.drain({ serverId: id, before: cutoff });
      }
    } catch (error) {
      this.logger.warn("console history purge failed", { error: String(error).slice(0, 200) });
    }
  }

  private async drain(what: Parameters<typeof deleteConsoleLineBatch>[1]): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const n = await deleteConsoleLineBatch(this.db, what, this.options.batch);
      this.deleted += n;
      if (n < this.options.batch) return;
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }
}
