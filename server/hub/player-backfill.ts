/**
 * Links the stays stored before player records existed (server/data/players/backfill.ts), with
 * the same rules as live stays (linkStays; closed stays count in the totals once). Started by the
 * hub: batches of 200 (a batch holds SQLite's synchronous driver ~100 ms), oldest first, each one a task in the hub's serial write queue (so
 * it never overlaps live links and closes), with a pause between batches so live work goes first;
 * stop() ends it after the batch in progress.
 */
import {
  listUnlinkedStays,
  readBackfillCursor,
  saveBackfillCursor,
  type BackfillCursor,
  type UnlinkedStay,
} from "../data/players/backfill.ts";
import { linkStays, type StayGame } from "../data/players/linking.ts";
import type { Db } from "../db/client.ts";
import { findDialect, isProtocolId, loadFamily } from "../rcon/registry.ts";
import type { Logger } from "../rcon/types.ts";
import { stayGameOf } from "./player-records.ts";

export interface BackfillOptions {
  db: Db;
  logger: Logger;
  /** The hub's serial write queue. */
  enqueue(task: () => Promise<unknown>): void;
  batch?: number;
  pauseMs?: number;
  /** The hub's wall clock (default: the system's). */
  now?: () => Date;
}

export class StayBackfill {
  private stopped = false;
  private running: Promise<void> | null = null;
  private readonly games = new Map<string, Promise<StayGame>>();

  constructor(private readonly options: BackfillOptions) {}

  /** Links every unlinked stay stored before `startedAt`; resolves when done, stopped or failed. */
  run(startedAt: Date): Promise<void> {
    this.running ??= this.loop(startedAt).catch((error: unknown) => {
      this.options.logger.warn("player record backfill stopped; it resumes at the next start", {
        error: String(error).slice(0, 200),
      });
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(startedAt: Date): Promise<void> {
    const { db } = this.options;
    const start = await readBackfillCursor(db);
    if (start === "done") return;
    let after: BackfillCursor | null = start;
    let linked = 0;
    while (!this.stopped) {
      const rows = await this.inQueue(async () => {
        const batch = await listUnlinkedStays(db, after, startedAt, this.options.batch ?? 200);
        if (batch.length === 0) {
          await saveBackfillCursor(db, "done");
          return batch;
        }
        const stays = await Promise.all(batch.map(async (s) => ({ ...s, game: await this.gameOf(s) })));
        // eslint-disable-next-line no-restricted-syntax -- the hub always passes its clock; the fallback is for tools
        const results = await linkStays(db, stays, this.options.now?.() ?? new Date());
        const last = batch[batch.length - 1]!;
        await saveBackfillCursor(db, { joinedAt: last.joinedAt, id: last.stayId });
        linked += results.filter((r) => r !== null).length;
        after = { joinedAt: last.joinedAt, id: last.stayId };
        return batch;
      });
      if (rows.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs ?? 50));
    }
    if (linked > 0)
      this.options.logger.info("player records: earlier stays linked", { linked, finished: !this.stopped });
  }

  private inQueue<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.options.enqueue(() => task().then(resolve, reject)));
  }

  /** The game of a stored server, from its dialect (an unknown game links as one with accounts). */
  private gameOf(stay: Pick<UnlinkedStay, "game" | "protocol">): Promise<StayGame> {
    const key = `${stay.protocol}\u0000${stay.game}`;
    let game = this.games.get(key);
    if (!game) {
      game = (async () => {
        if (!isProtocolId(stay.protocol)) return { id: stay.game, family: stay.protocol };
        try {
          return stayGameOf(findDialect(await loadFamily(stay.protocol), stay.game));
        } catch {
          return { id: stay.game, family: stay.protocol };
        }
      })();
      this.games.set(key, game);
    }
    return game;
  }
}
