/**
 * The hub's stay and sample writes, like ConsoleHistory for lines: nothing on the hot path waits
 * for the database. Every write runs in one serial queue, in the order asked (a close never
 * overtakes its open); stays are opened in batches (gathered for `gatherMs`, up to `batchSize`
 * rows a statement: a server coming online brings 64 players at once), and the closes every
 * server asks for meanwhile go out together in one transaction. Each write goes through the
 * WriteFence with the epoch of its server's link; a server whose writes are no longer wanted
 * (`epochOf` null: fenced, released, removed) or that the fence refuses is skipped, never retried.
 */
import {
  closePlayerSessionGroups,
  openPlayerSessions,
  recordPlayerCountSample,
  updatePlayerSession,
  type PlayerSessionInput,
} from "../data/history.ts";
import type { Db } from "../db/client.ts";
import type { Clock } from "../rcon/clock.ts";
import type { Logger } from "../rcon/types.ts";
import type { WriteFence } from "./fence.ts";

export type StayFields = Partial<
  Pick<PlayerSessionInput, "name" | "plainName" | "guid" | "steamId" | "address">
>;

export interface StayWriterOptions<T> {
  db: Db;
  logger: Logger;
  clock: Clock;
  fence: WriteFence;
  /** The epoch a server's writes carry; null: none of its writes is attempted any more. */
  epochOf(serverId: string): number | null;
  /** After each batch of opens (stayId null: not stored): player records link them. */
  opened?(batch: { context: T; stayId: string | null; input: PlayerSessionInput }[]): Promise<void>;
  gatherMs?: number;
  batchSize?: number;
}

interface QueuedOpen<T> {
  input: PlayerSessionInput;
  context: T;
  resolve(id: string | null): void;
}

interface QueuedClose {
  serverId: string;
  stays: readonly Promise<string | null>[];
  at: Date;
}

export class StayWriter<T = unknown> {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly opens: QueuedOpen<T>[] = [];
  private readonly closes: QueuedClose[] = [];
  private readonly gatherMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: StayWriterOptions<T>) {
    this.gatherMs = options.gatherMs ?? 50;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Runs `task` after every write asked before it, one at a time (also the backfill's queue). */
  enqueue(task: () => Promise<unknown>): void {
    this.writes = this.writes
      .then(task)
      .catch((error: unknown) =>
        this.options.logger.warn("history write failed", { error: String(error).slice(0, 200) }),
      );
  }

  /** Resolves once every write asked so far is done. */
  async idle(): Promise<void> {
    for (let seen: Promise<unknown> | null = null; seen !== this.writes;) {
      seen = this.writes;
      await seen;
    }
  }

  /** Opens a stay; resolves with its id, or null when it was not stored (refused, failed). */
  open(input: PlayerSessionInput, context: T): Promise<string | null> {
    return new Promise((resolve) => {
      this.opens.push({ input, context, resolve });
      if (this.opens.length > 1) return; // a gather is already queued
      this.enqueue(async () => {
        await new Promise<void>((r) => this.options.clock.setTimeout(r, this.gatherMs));
        while (this.opens.length > 0) await this.openBatch(this.opens.splice(0, this.batchSize));
      });
    });
  }

  /** A stay's name or identities changed; `after` runs with its id once stored (late linking). */
  update(
    serverId: string,
    stay: Promise<string | null>,
    fields: StayFields,
    after?: (stayId: string) => Promise<void>,
  ): void {
    this.enqueue(async () => {
      const id = await stay;
      if (!id) return;
      const done = await this.fenced([serverId], async (db, allowed) => {
        if (!allowed.has(serverId)) return false;
        await updatePlayerSession(db, id, fields);
        return true;
      });
      if (done && after) await after(id);
    });
  }

  /** Ends these stays of one server at `at` (with the other closes queued by then). */
  close(serverId: string, stays: readonly Promise<string | null>[], at: Date): void {
    if (stays.length === 0) return;
    this.closes.push({ serverId, stays, at });
    if (this.closes.length > 1) return; // a write for the queued closes is already in the queue
    this.enqueue(async () => {
      const closes = this.closes.splice(0);
      const groups = await Promise.all(
        closes.map(async (c) => ({
          serverId: c.serverId,
          leftAt: c.at,
          ids: (await Promise.all(c.stays)).filter((id): id is string => id !== null),
        })),
      );
      await this.fenced(
        groups.map((g) => g.serverId),
        (db, allowed) =>
          closePlayerSessionGroups(
            db,
            groups.filter((g) => allowed.has(g.serverId)),
          ),
      );
    });
  }

  /** One player-count sample (sparkline and charts), with the map where the hub knows it. */
  sample(serverId: string, count: number, at: Date, map: string | null = null): void {
    this.enqueue(() =>
      this.fenced([serverId], async (db, allowed) => {
        if (allowed.has(serverId)) await recordPlayerCountSample(db, serverId, count, at, map);
      }),
    );
  }

  private async openBatch(batch: QueuedOpen<T>[]): Promise<void> {
    const ids = await this.fenced(
      batch.map((b) => b.input.serverId),
      async (db, allowed) => {
        const wanted = batch.filter((b) => allowed.has(b.input.serverId));
        const stored = await openPlayerSessions(
          db,
          wanted.map((b) => b.input),
        );
        const byOpen = new Map<QueuedOpen<T>, string>();
        wanted.forEach((b, i) => {
          const id = stored[i];
          if (id) byOpen.set(b, id);
        });
        return batch.map((b) => byOpen.get(b) ?? null);
      },
    ).catch((error: unknown) => {
      this.options.logger.warn("player session write failed", { error: String(error).slice(0, 200) });
      return batch.map(() => null);
    });
    batch.forEach((b, i) => b.resolve(ids?.[i] ?? null));
    // Linked once the rows exist; bots are passed too and come back without a record.
    await this.options.opened?.(
      batch.map((b, i) => ({ context: b.context, stayId: ids?.[i] ?? null, input: b.input })),
    );
  }

  /** Runs `write` through the fence for the servers still wanted; null (not run) when none is. */
  private async fenced<R>(
    serverIds: readonly string[],
    write: (db: Db, allowed: ReadonlySet<string>) => Promise<R>,
  ): Promise<R | null> {
    const epochs = new Map<string, number>();
    for (const id of serverIds) {
      const epoch = this.options.epochOf(id);
      if (epoch !== null) epochs.set(id, epoch);
    }
    if (epochs.size === 0) return null;
    return this.options.fence.run(epochs, write);
  }
}
