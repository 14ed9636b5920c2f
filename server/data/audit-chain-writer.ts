/**
 * Appends audit rows and their seals (audit-chain.ts) with group commit: changes queued while one
 * write is on its way go out together in the next one, each row with its seal, in order.
 *
 * Every change is known in full before it is written (the insert's id and time are chosen here, a
 * completion sets its outcome, a repeat its absolute count), so its seal can be computed without
 * reading the row back:
 * - SQLite (one process, one writer): from the head kept in memory, in one batch transaction with
 *   no round trip back to JavaScript between statements. An interactive transaction per change held
 *   SQLite's only connection across several awaits and made every other query of the hub wait.
 * - PostgreSQL (several instances may append): in one interactive transaction that takes the chain's
 *   row lock and reads the head first.
 * Either way the seal's primary key (`seq`) refuses a fork: a writer whose head was stale (another
 * process appended, or the Next bundle's own copy of this module did) re-reads it and tries again.
 */
import { randomBytes } from "node:crypto";
import { Prisma } from "../../prisma/generated/sqlite/client.ts";
import { providerOf, type AuditEvent, type Db } from "../db/client.ts";
import { appendGenesis, chainHash, lockChain, sealContent, type SealedState } from "./audit-chain.ts";
import { isUniqueViolation, type Tx } from "./players/sql.ts";
import { executeWithJson, insertJsonRowsSql, jsonRows } from "./sqlite-json-rows.ts";
import { writeDirect } from "../db/sqlite-direct.ts";

type RowData = Omit<AuditEvent, "repeats" | "lastAt"> & Partial<Pick<AuditEvent, "repeats" | "lastAt">>;

/** A pending event's outcome: one per command, so the writer stores a batch's in one statement. */
export interface Completion {
  outcome: string;
  detail: string | null;
}

/**
 * One change to one event row. An insert carries its row and a completion its outcome, which the
 * writer stores itself (a batch's inserts in one statement, its completions in another); a repeat
 * carries `write`, which returns the client's call unawaited (a Prisma promise): it joins a batch
 * transaction on SQLite and runs inside the interactive one on PostgreSQL.
 */
export type ChainChange = {
  eventId: string;
  state: SealedState;
} & (
  | { kind: "insert"; inserted: RowData; completed?: never; write?: never }
  | { kind: "complete"; completed: Completion; inserted?: never; write?: never }
  | {
      kind: "repeat";
      inserted?: never;
      completed?: never;
      write: (client: Db | Tx) => Prisma.PrismaPromise<AuditEvent>;
    }
);

interface Queued {
  change: ChainChange;
  resolve: (row: AuditEvent) => void;
  reject: (error: unknown) => void;
  attempts: number;
}

interface Head {
  seq: number;
  hash: string;
}

/** Changes per transaction: bounded so one batch never holds the database for long. */
const BATCH = 100;
/** Appends that lost the race for the next seq (another writer appended first) are retried. */
const APPEND_ATTEMPTS = 8;
/**
 * How long a completion waits for company. An insert is written at once (its command waits for it),
 * a completion only delays the caller's acknowledgement: it goes with the next insert, or after this
 * wait. Written at once, each command made two transactions (about 130 a second at the benchmark's
 * 83 commands a second), each a COMMIT and 2-3 Prisma operations.
 */
export const COMPLETION_WAIT_MS = 20;
/**
 * Pending rows kept for their completion (SQLite): at most this many, the oldest forgotten first
 * (its completion then reads the row, as every one did before).
 */
export const KEPT_PENDING_ROWS = 5_000;

class ChainWriter {
  private head: Head | null = null;
  private readonly queue: Queued[] = [];
  private draining = false;
  /** Settles when the drain in progress has emptied the queue. */
  private drained: Promise<void> = Promise.resolve();
  private completionTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * SQLite: the "pending" rows this writer inserted, by id, until their first completion. A
   * completion's seal covers the whole row as stored, so it needs that row: reading it back was one
   * more Prisma operation per command (a quarter of the audit trail's, 47 a second at 300 bench
   * servers). Only this writer changes a row it inserted (the Next bundle shares it, see writerFor),
   * so the kept row is the stored one; a repeat refreshes it.
   */
  private readonly pendingRows = new Map<string, AuditEvent>();

  constructor(
    private readonly db: Db,
    private readonly provider: "sqlite" | "postgresql",
  ) {}

  append(change: ChainChange): Promise<AuditEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ change, resolve, reject, attempts: 0 });
      if (change.kind === "complete") this.drainSoon();
      else this.drainNow();
    });
  }

  /** Writes what is queued now, and resolves once the queue is empty (shutdown). */
  flush(): Promise<void> {
    if (this.queue.length > 0) this.drainNow();
    return this.drained;
  }

  private drainSoon(): void {
    if (this.draining || this.completionTimer) return;
    this.completionTimer = setTimeout(() => this.drainNow(), COMPLETION_WAIT_MS);
  }

  private drainNow(): void {
    if (this.completionTimer) clearTimeout(this.completionTimer);
    this.completionTimer = null;
    if (this.draining) return;
    this.draining = true;
    // Written after this turn of the event loop: the commands and answers that arrived in it go in
    // one transaction (one batch per change at 1,000 bench servers was 100 transactions a second).
    this.drained = new Promise((resolve) => setImmediate(() => void this.drain().finally(resolve)));
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.writeBatch(this.queue.splice(0, BATCH));
    } finally {
      this.draining = false;
    }
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    try {
      const rows = this.provider === "sqlite" ? await this.writeSqlite(batch) : await this.writeLocked(batch);
      batch.forEach((item, i) => {
        const row = rows[i]!;
        if (row instanceof Error) item.reject(row);
        else item.resolve(row);
      });
    } catch (error) {
      this.head = null;
      if (isUniqueViolation(error)) {
        const retry = batch.filter((item) => ++item.attempts < APPEND_ATTEMPTS);
        for (const item of batch) if (!retry.includes(item)) item.reject(error);
        this.queue.unshift(...retry);
      } else if (batch.length > 1) {
        // One bad change (its row is gone, say) must not fail the others: write them one by one.
        for (const item of batch) await this.writeBatch([item]);
      } else {
        batch[0]!.reject(error);
      }
    }
  }

  /**
   * One batch transaction, chained from the head in memory: the batch's inserts in one statement,
   * its completions in one, its repeats in order, then its seals in one. Each Prisma operation
   * costs far more than the rows it writes (0.4-0.8 ms of CPU), so a busy minute of commands writes
   * a few statements a batch instead of two per change.
   *
   * The events a batch completes are read first (one query): a completion's row as stored is that
   * row with its outcome, and a completion whose event is not there (the app never deletes events:
   * someone did behind its back) fails alone, before anything is sealed.
   */
  private async writeSqlite(batch: Queued[]): Promise<(AuditEvent | Error)[]> {
    const stored = await this.completionTargets(batch);
    const kept = batch.filter(({ change }) => change.kind !== "complete" || stored.has(change.eventId));
    const head = (this.head ??= await this.readHead());
    const { seals, last } = sealsFrom(head, kept);
    const { inserts, completions, repeats } = splitChanges(kept);
    // The batch's statements, each with its rows as one JSON parameter: its inserts, its
    // completions, then (after its repeats, which come back from Prisma) its seals.
    const statements: JsonStatement[] = [
      ...(inserts.length > 0 ? [{ sql: INSERT_EVENTS_SQL, json: eventRowsJson(inserts) }] : []),
      ...(completions.size > 0 ? [{ sql: COMPLETE_EVENTS_SQL, json: completionsJson(completions) }] : []),
    ];
    const seal: JsonStatement = { sql: INSERT_SEALS_SQL, json: sealRowsJson(seals, new Date()) };
    // On the connection itself when it is free (sqlite-direct.ts); else one Prisma batch transaction.
    const direct =
      repeats.length === 0 &&
      writeDirect(
        this.db,
        [...statements, seal].map(({ sql, json }) => ({ sql, args: [json] })),
      );
    const results = direct
      ? []
      : await this.db.$transaction([
          ...statements.map(({ sql, json }) => executeWithJson(this.db, sql, json)),
          ...repeats.map(({ write }) => write(this.db)),
          executeWithJson(this.db, seal.sql, seal.json),
        ]);
    this.head = last;
    const repeated = results.slice(statements.length, statements.length + repeats.length) as AuditEvent[];
    let next = 0;
    const rows = batch.map(({ change }): AuditEvent | Error => {
      if (change.kind === "insert") return insertedRow(change.inserted);
      if (change.kind === "repeat") return repeated[next++]!;
      const row = stored.get(change.eventId);
      if (!row) return new Error(`audit event ${change.eventId} not found`);
      const completed = { ...row, ...change.completed };
      stored.set(change.eventId, completed); // a later completion of the same event builds on it
      return completed;
    });
    this.keepPendingRows(batch, rows);
    return rows;
  }

  /** After a batch is stored: its pending inserts are kept, its completions forget theirs. */
  private keepPendingRows(batch: Queued[], rows: (AuditEvent | Error)[]): void {
    batch.forEach(({ change }, i) => {
      const row = rows[i]!;
      if (change.kind === "complete") this.pendingRows.delete(change.eventId);
      else if (row instanceof Error) return;
      else if (change.kind === "insert" && row.outcome === "pending") this.pendingRows.set(row.id, row);
      else if (change.kind === "repeat" && this.pendingRows.has(row.id)) this.pendingRows.set(row.id, row);
    });
    for (const id of this.pendingRows.keys()) {
      if (this.pendingRows.size <= KEPT_PENDING_ROWS) break;
      this.pendingRows.delete(id);
    }
  }

  /** The stored rows of the events this batch completes (one of its own inserts counts). */
  private async completionTargets(batch: Queued[]): Promise<Map<string, AuditEvent>> {
    const ids = new Set<string>();
    for (const { change } of batch) if (change.kind === "complete") ids.add(change.eventId);
    const rows = new Map<string, AuditEvent>();
    if (ids.size === 0) return rows;
    for (const { change } of batch)
      if (change.kind === "insert" && ids.delete(change.eventId))
        rows.set(change.eventId, insertedRow(change.inserted));
    for (const id of ids) {
      const kept = this.pendingRows.get(id);
      if (kept && ids.delete(id)) rows.set(id, kept);
    }
    if (ids.size > 0)
      for (const row of await this.db.auditEvent.findMany({ where: { id: { in: [...ids] } } }))
        rows.set(row.id, row);
    return rows;
  }

  /** One interactive transaction behind the chain's row lock: the head read there is the latest. */
  private async writeLocked(batch: Queued[]): Promise<AuditEvent[]> {
    return this.db.$transaction(
      async (tx) => {
        await lockChain(tx);
        const head = await headOrGenesis(tx);
        const { seals } = sealsFrom(head, batch);
        const { inserts, completions, repeats } = splitChanges(batch);
        if (inserts.length > 0) await tx.auditEvent.createMany({ data: inserts });
        const completed = new Map<string, AuditEvent>();
        for (const [id, data] of completions)
          completed.set(id, await tx.auditEvent.update({ where: { id }, data }));
        const repeated: AuditEvent[] = [];
        for (const { write } of repeats) repeated.push(await write(tx));
        await tx.auditSeal.createMany({ data: seals });
        return rowsInOrder(batch, completed, repeated);
      },
      { maxWait: 30_000, timeout: 60_000 },
    );
  }

  /** The head, appending the genesis seal when the chain has not begun (once, behind the lock). */
  private readHead(): Promise<Head> {
    return this.db.$transaction(async (tx) => {
      await lockChain(tx);
      return headOrGenesis(tx);
    });
  }
}

/**
 * A batch's inserted rows, its completions by event (written after the inserts: one may complete an
 * insert of the same batch; the last outcome of an event wins) and its repeats in order.
 */
function splitChanges(batch: Queued[]) {
  const inserts: RowData[] = [];
  const completions = new Map<string, Completion>();
  const repeats: { write: (client: Db | Tx) => Prisma.PrismaPromise<AuditEvent> }[] = [];
  for (const { change } of batch) {
    if (change.kind === "insert") inserts.push(change.inserted);
    else if (change.kind === "complete") completions.set(change.eventId, change.completed);
    else repeats.push(change);
  }
  return { inserts, completions, repeats };
}

/*
 * SQLite's statements of a batch: each takes its rows as one JSON parameter (sqlite-json-rows.ts), so
 * its SQL and the batch's shape are the same whatever the number of rows. Prisma compiles a plan per batch
 * shape, and a batch of `createMany` calls lists every parameter of every row: almost every group
 * commit (k events, c completions, k + c seals) was a shape never seen before, and compiling it was
 * 3.4% of the process at 1,000 bench servers. The columns come from the generated client, and dates
 * are written as the Prisma driver adapter writes them, so these rows read, sort and compare exactly
 * like Prisma's (audit-chain.test.ts compares the stored bytes).
 */

const EVENT_COLUMNS = Object.values(Prisma.AuditEventScalarFieldEnum);
const SEAL_COLUMNS = Object.values(Prisma.AuditSealScalarFieldEnum);

/** A SQLite statement whose one `?` takes its rows as JSON. */
interface JsonStatement {
  sql: string;
  json: string;
}

const INSERT_EVENTS_SQL = insertJsonRowsSql("AuditEvent", EVENT_COLUMNS);
const INSERT_SEALS_SQL = insertJsonRowsSql("AuditSeal", SEAL_COLUMNS);
/** Every completion of a batch in one UPDATE (Prisma's `update` is one statement, and 0.5 ms, each). */
const COMPLETE_EVENTS_SQL = `UPDATE "AuditEvent" SET "outcome" = json_extract(v.value, '$[1]'), "detail" = json_extract(v.value, '$[2]') FROM json_each(?) AS v WHERE "AuditEvent"."id" = json_extract(v.value, '$[0]')`;

const eventRowsJson = (inserts: readonly RowData[]) => jsonRows(inserts.map(insertedRow), EVENT_COLUMNS);
const sealRowsJson = (seals: ReturnType<typeof sealsFrom>["seals"], createdAt: Date) =>
  jsonRows(
    seals.map((seal) => ({ ...seal, createdAt })),
    SEAL_COLUMNS,
  );
const completionsJson = (completions: ReadonlyMap<string, Completion>) =>
  JSON.stringify([...completions].map(([id, c]) => [id, c.outcome, c.detail]));

/** An inserted row as stored: its data with the column defaults. */
function insertedRow(inserted: RowData): AuditEvent {
  return { repeats: 1, lastAt: null, ...inserted };
}

/** Each change's row as stored (PostgreSQL): an insert's, a completion's or repeat's what its update returned. */
function rowsInOrder(
  batch: Queued[],
  completed: ReadonlyMap<string, AuditEvent>,
  repeated: AuditEvent[],
): AuditEvent[] {
  let next = 0;
  return batch.map(({ change }) => {
    if (change.kind === "insert") return insertedRow(change.inserted);
    if (change.kind === "repeat") return repeated[next++]!;
    return completed.get(change.eventId)!;
  });
}

async function headOrGenesis(tx: Tx): Promise<Head> {
  return (
    (await tx.auditSeal.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } })) ??
    (await appendGenesis(tx))
  );
}

function sealsFrom(head: Head, batch: Queued[]) {
  let last = head;
  const seals = batch.map(({ change }) => {
    const hash = chainHash(
      last.hash,
      sealContent(change.kind, change.eventId, change.state, change.inserted ?? null),
    );
    const seal = {
      seq: last.seq + 1,
      kind: change.kind,
      eventId: change.eventId,
      state: JSON.stringify(change.state),
      prevHash: last.hash,
      hash,
    };
    last = { seq: seal.seq, hash };
    return seal;
  });
  return { seals, last };
}

// One writer per client, kept on globalThis: the custom server and the Next bundle load their own
// copies of this module but share the process, and one queue per client keeps its head true.
const WRITERS_KEY = Symbol.for("rcondeck.audit-chain-writers");

function writerFor(db: Db): ChainWriter {
  const holder = globalThis as { [WRITERS_KEY]?: WeakMap<Db, ChainWriter> };
  const writers = (holder[WRITERS_KEY] ??= new WeakMap<Db, ChainWriter>());
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new ChainWriter(db, providerOf(db))));
  return writer;
}

/** Writes one change to an audit row with its seal; resolves with the row as stored. */
export function appendSealed(db: Db, change: ChainChange): Promise<AuditEvent> {
  return writerFor(db).append(change);
}

/** Writes the changes still waiting (a completion waits up to COMPLETION_WAIT_MS): before the database closes. */
export function flushAuditWrites(db: Db): Promise<void> {
  return writerFor(db).flush();
}

let lastIdTime = 0;
let idCounter = 0;

/**
 * A new event id chosen before the insert (its seal covers it): time first, then a counter, so ids
 * of one millisecond sort in the order they were made, then random bits against other processes.
 */
export function newAuditEventId(now: number): string {
  idCounter = now === lastIdTime ? idCounter + 1 : 0;
  lastIdTime = now;
  return `c${now.toString(36).padStart(9, "0")}${idCounter.toString(36).padStart(4, "0")}${randomBytes(8).toString("hex")}`;
}
