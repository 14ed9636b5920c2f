/**
 * The hub's stay and sample writes, like ConsoleHistory for lines: nothing on the hot path waits
 * for the database. Every write runs in one serial queue, in the order asked (a close never
 * overtakes its open); stays are opened in batches (gathered for `gatherMs`, up to `batchSize`
 * rows a statement: a server coming online brings 64 players at once), and the closes and the
 * identity updates and player-count samples every server asks for meanwhile go out together, a
 * transaction or a statement for each kind (until another write is queued behind them). Each write
 * goes through the WriteFence with the epoch of its server's link; a server whose writes are no
 * longer wanted (`epochOf` null: fenced, released, removed) or that the fence refuses is skipped,
 * never retried.
 */
import {
  closePlayerSessionGroups,
  openPlayerSessions,
  recordPlayerCountSamples,
  updatePlayerSessions,
  type PlayerCountSampleInput,
  type PlayerSessionInput,
  type StayShownFields,
} from "../data/history.ts";
import type { Db } from "../db/client.ts";
import type { HubClock } from "./clock.ts";
import type { Logger } from "../rcon/types.ts";
import type { WriteFence } from "./fence.ts";

export interface StayWriterOptions<T> {
  db: Db;
  logger: Logger;
  clock: HubClock;
  fence: WriteFence;
  /** The epoch a server's writes carry; null: none of its writes is attempted any more. */
  epochOf(serverId: string): number | null;
  /** After each batch of opens (stayId null: not stored): player records link them. */
  opened?(batch: { context: T; stayId: string | null; input: PlayerSessionInput }[]): Promise<void>;
  gatherMs?: number;
  batchSize?: number;
}

/**
 * How long opens are gathered. The queue waits meanwhile, so the closes, identity updates and
 * samples asked for then go out after it together too, and the batch's links share their lookups:
 * at 1,000 bench servers, 50 ms made 12.6 open batches a second (and as many link transactions,
 * about 12 Prisma operations each), 250 ms 3.7. Nothing waits for these writes: a stay's record
 * badge only reaches the live table that much later.
 */
export const GATHER_MS = 250;

interface QueuedOpen<T> {
  input: PlayerSessionInput;
  context: T;
  resolve(id: string | null): void;
}

interface QueuedUpdate {
  serverId: string;
  stay: Promise<string | null>;
  fields: StayShownFields;
  after?: (stayId: string) => Promise<void>;
}

interface QueuedClose {
  serverId: string;
  stays: readonly Promise<string | null>[];
  at: Date;
}

export class StayWriter<T = unknown> {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly opens: QueuedOpen<T>[] = [];
  /** Writes enqueued so far (a batch takes more items only while it is the last one). */
  private enqueued = 0;
  private readonly closes = this.tailBatch<QueuedClose>((items) => this.writeCloses(items));
  private readonly updates = this.tailBatch<QueuedUpdate>((items) => this.writeUpdates(items));
  private readonly samples = this.tailBatch<PlayerCountSampleInput>((items) => this.writeSamples(items));
  private readonly gatherMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: StayWriterOptions<T>) {
    this.gatherMs = options.gatherMs ?? GATHER_MS;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Runs `task` after every write asked before it, one at a time (also the backfill's queue). */
  enqueue(task: () => Promise<unknown>): void {
    this.enqueued++;
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

  /**
   * A stay's name or identities changed; `after` runs with its id once stored (late linking). The
   * updates asked for meanwhile go out together, and their `after`s run together.
   */
  update(
    serverId: string,
    stay: Promise<string | null>,
    fields: StayShownFields,
    after?: (stayId: string) => Promise<void>,
  ): void {
    this.updates.add({ serverId, stay, fields, after });
  }

  /** Ends these stays of one server at `at` (with the other closes queued by then). */
  close(serverId: string, stays: readonly Promise<string | null>[], at: Date): void {
    if (stays.length > 0) this.closes.add({ serverId, stays, at });
  }

  private async writeUpdates(queued: readonly QueuedUpdate[]): Promise<void> {
    const rows = (await Promise.all(queued.map(async (u) => ({ ...u, id: await u.stay })))).filter(
      (u): u is typeof u & { id: string } => u.id !== null,
    );
    if (rows.length === 0) return;
    const stored = await this.fencedRows(rows, async (db, wanted) => {
      await updatePlayerSessions(db, wanted, new Date(this.options.clock.wall()));
      return wanted;
    });
    await Promise.all((stored ?? []).map(async (r) => r.after?.(r.id)));
  }

  private async writeCloses(closes: readonly QueuedClose[]): Promise<void> {
    const groups = await Promise.all(
      closes.map(async (c) => ({
        serverId: c.serverId,
        leftAt: c.at,
        ids: (await Promise.all(c.stays)).filter((id): id is string => id !== null),
      })),
    );
    await this.fencedRows(groups, (db, wanted) =>
      closePlayerSessionGroups(db, wanted, new Date(this.options.clock.wall())),
    );
  }

  /**
   * One player-count sample (sparkline and charts), with the map where the hub knows it; stored in
   * one statement with the other samples queued by then.
   */
  sample(serverId: string, count: number, at: Date, map: string | null = null): void {
    this.samples.add({ serverId, count, at, map });
  }

  private async writeSamples(samples: readonly PlayerCountSampleInput[]): Promise<void> {
    await this.fencedRows(samples, recordPlayerCountSamples);
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

  /**
   * Items written together by one queued write, which takes more of them until it starts or until
   * another write is queued after it. A later item never joins an earlier write: the write awaits
   * its items' stays, and a stay opened after that write was queued is stored by a write behind it
   * (joining would wait for it for ever).
   */
  private tailBatch<I>(write: (items: I[]) => Promise<void>): { add(item: I): void } {
    let pending: { items: I[]; position: number } | null = null;
    return {
      add: (item) => {
        if (pending && pending.position === this.enqueued) {
          pending.items.push(item);
          return;
        }
        const batch = { items: [item], position: 0 };
        pending = batch;
        this.enqueue(async () => {
          if (pending === batch) pending = null;
          await write(batch.items);
        });
        batch.position = this.enqueued;
      },
    };
  }

  /**
   * Runs `write` through the fence with the rows of the servers it allows; null (not run) when none
   * is wanted.
   */
  private fencedRows<Row extends { serverId: string }, Result>(
    rows: readonly Row[],
    write: (db: Db, allowed: Row[]) => Promise<Result>,
  ): Promise<Result | null> {
    return this.fenced(
      rows.map((r) => r.serverId),
      (db, allowed) =>
        write(
          db,
          rows.filter((r) => allowed.has(r.serverId)),
        ),
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
