/**
 * The audit log's hash chain: every change to an AuditEvent row (its insert, its completion, each
 * repeat count) is sealed by one AuditSeal in the same transaction. Seals form one strict order
 * (`seq`, the primary key; writers queue on a row lock, and two that read the same head could not
 * both append), and each hash covers the previous hash and what changed, so editing, deleting or adding
 * an event behind the app's back, or editing or deleting a seal, breaks the chain at a place that
 * `verifyAuditChain` reports (`npm run audit:verify`).
 *
 * Seal 0 ("genesis") covers the events stored before the chain began (a digest over them).
 * Foreign keys on events are SetNull (a deleted user or server clears them): the insert seal keeps
 * the original ids, and a cleared id is accepted only when that user or server is indeed gone.
 *
 * What it does not prevent: someone with write access to the database who rewrites every seal
 * after the one they changed. Compare the head hash `audit:verify` prints with one kept elsewhere.
 */
import { createHash } from "node:crypto";
import type { AuditEvent, Db } from "../db/client.ts";
import type { Tx } from "./players/sql.ts";

export type SealKind = "genesis" | "insert" | "complete" | "repeat";

export const GENESIS_PREV_HASH = "0".repeat(64);
/** The AppSetting row every append locks first. */
const CHAIN_LOCK_KEY = "audit.chain.lock";
/** Rows per read: an `in` list of a page stays under SQLite's bound-parameter limit. */
const PAGE = 500;

export interface InsertState {
  actorId: string | null;
  serverId: string | null;
  outcome: string;
  detail: string | null;
}
export interface CompleteState {
  outcome: string;
  detail: string | null;
}
export interface RepeatState {
  repeats: number;
  lastAt: string | null;
}

export function chainHash(prevHash: string, content: string): string {
  return createHash("sha256").update(prevHash).update("\n").update(content).digest("hex");
}

/** The fields of an event that never change after its insert (ids are in the insert seal's state). */
function fixedFields(
  row: Pick<
    AuditEvent,
    | "id"
    | "createdAt"
    | "actorEmail"
    | "action"
    | "targetType"
    | "targetId"
    | "input"
    | "sourceIp"
    | "tokenName"
    | "automation"
  >,
): unknown[] {
  return [
    row.id,
    row.createdAt.toISOString(),
    row.actorEmail,
    row.action,
    row.targetType,
    row.targetId,
    row.input,
    row.sourceIp,
    row.tokenName,
    // Appended only when set, so the rows sealed before the column existed keep their hashes.
    ...(row.automation === null ? [] : [row.automation]),
  ];
}

/** What one seal covers besides the row's fixed fields. */
export type SealedState = InsertState | CompleteState | RepeatState;

/** The fixed fields of `row` (an insert's) are part of the content; ids live in the insert's state. */
export function sealContent(
  kind: SealKind,
  eventId: string | null,
  state: unknown,
  row: Parameters<typeof fixedFields>[0] | null,
): string {
  return JSON.stringify([kind, eventId, row ? fixedFields(row) : null, state]);
}

/** One line per pre-chain event for the genesis digest (no foreign keys: SetNull may clear them). */
function genesisLine(row: AuditEvent): string {
  return JSON.stringify([
    ...fixedFields(row),
    row.outcome,
    row.detail,
    row.repeats,
    row.lastAt?.toISOString() ?? null,
  ]);
}

/**
 * Digest of the events no seal covers, oldest first. `covered` says which rows of a page the chain
 * covers (and may check them on the way).
 */
async function digestUnsealed(
  db: Pick<Db, "auditEvent">,
  covered: ((rows: AuditEvent[]) => Promise<Set<string>>) | null,
): Promise<{ events: number; digest: string; firstId: string | null }> {
  const hash = createHash("sha256");
  let events = 0;
  let firstId: string | null = null;
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows: AuditEvent[] = await db.auditEvent.findMany({
      where: after
        ? {
            OR: [
              { createdAt: { gt: after.createdAt } },
              { createdAt: after.createdAt, id: { gt: after.id } },
            ],
          }
        : {},
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: PAGE,
    });
    if (rows.length === 0) break;
    const skip = covered ? await covered(rows) : new Set<string>();
    for (const row of rows) {
      if (skip.has(row.id)) continue;
      hash.update(genesisLine(row)).update("\n");
      events += 1;
      firstId ??= row.id;
    }
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
  return { events, digest: hash.digest("hex"), firstId };
}

/** Takes the chain's row lock (PostgreSQL: writers queue on it; SQLite has one writer anyway). */
export async function lockChain(tx: Tx): Promise<void> {
  await tx.appSetting.upsert({
    where: { key: CHAIN_LOCK_KEY },
    create: { key: CHAIN_LOCK_KEY, value: "lock" },
    update: { value: "lock" },
  });
}

/** Appends seal 0 over the events stored before the chain began. Call behind lockChain. */
export async function appendGenesis(tx: Tx): Promise<{ seq: number; hash: string }> {
  const { events, digest } = await digestUnsealed(tx, null);
  const state = { events, digest };
  const hash = chainHash(GENESIS_PREV_HASH, sealContent("genesis", null, state, null));
  await tx.auditSeal.create({
    data: {
      seq: 0,
      kind: "genesis",
      eventId: null,
      state: JSON.stringify(state),
      prevHash: GENESIS_PREV_HASH,
      hash,
    },
  });
  return { seq: 0, hash };
}

export type ChainReport =
  | { ok: true; seals: number; events: number; head: string | null }
  | { ok: false; seq: number | null; eventId: string | null; reason: string; seals: number };

interface FinalState {
  outcome: string;
  detail: string | null;
  repeats: number;
  lastAt: string | null;
}

class BrokenLink extends Error {
  constructor(
    readonly seq: number | null,
    readonly eventId: string | null,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Walks the chain in order and reports the first broken link: a missing or altered seal, an event
 * deleted or edited, an event no seal covers. Reads in pages; keeps one small record per event.
 * Safe on a live system: what is appended during the walk is judged at the next run.
 */
export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  const walk = new ChainWalk(db);
  try {
    const genesis = await walk.seals();
    await walk.events(genesis);
  } catch (error) {
    if (!(error instanceof BrokenLink)) throw error;
    return { ok: false, seq: error.seq, eventId: error.eventId, reason: error.reason, seals: walk.walked };
  }
  return { ok: true, seals: walk.walked, events: walk.eventCount, head: walk.walked > 0 ? walk.head : null };
}

class ChainWalk {
  head = GENESIS_PREV_HASH;
  walked = 0;
  eventCount = 0;
  private readonly finals = new Map<string, FinalState>();

  constructor(private readonly db: Db) {}

  /** Checks every seal in order; returns the genesis state (null when the chain is empty). */
  async seals(): Promise<{ events: number; digest: string } | null> {
    let genesis: { events: number; digest: string } | null = null;
    for (;;) {
      const seals = await this.db.auditSeal.findMany({
        where: { seq: { gte: this.walked } },
        orderBy: { seq: "asc" },
        take: PAGE,
      });
      if (seals.length === 0) return genesis;
      const ids = [...new Set(seals.map((s) => s.eventId).filter((id): id is string => id !== null))];
      const rows = new Map(
        (await this.db.auditEvent.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r]),
      );
      const gone = await missingReferences(this.db, seals);
      for (const seal of seals) {
        if (seal.seq !== this.walked)
          throw new BrokenLink(this.walked, null, `seal ${this.walked} is missing`);
        if (seal.prevHash !== this.head)
          throw new BrokenLink(seal.seq, seal.eventId, "the seal does not follow the one before it");
        const state = parseState(seal);
        const row = seal.eventId ? (rows.get(seal.eventId) ?? null) : null;
        if (seal.kind === "genesis") {
          if (seal.seq !== 0) throw new BrokenLink(seal.seq, null, "a second genesis seal");
          genesis = state as { events: number; digest: string };
        } else if (!row) {
          throw new BrokenLink(seal.seq, seal.eventId, "the event this seal covers was deleted");
        }
        const content = sealContent(
          seal.kind as SealKind,
          seal.eventId,
          state,
          seal.kind === "insert" ? row : null,
        );
        if (chainHash(this.head, content) !== seal.hash)
          throw new BrokenLink(
            seal.seq,
            seal.eventId,
            seal.kind === "insert" ? "the event or its seal was changed" : "the seal was changed",
          );
        if (row) {
          const problem = applySeal(this.finals, seal.kind, row, state, gone);
          if (problem) throw new BrokenLink(seal.seq, row.id, problem);
        }
        this.head = seal.hash;
        this.walked += 1;
      }
    }
  }

  /** Every event row: in the state its seals left it, or one of the events from before the chain. */
  async events(genesis: { events: number; digest: string } | null): Promise<void> {
    const unsealed = await digestUnsealed(this.db, (rows) => this.checkPage(rows));
    // No genesis: the chain has not begun (nothing was written since this version), all events are from before.
    const before = genesis ?? unsealed;
    if (unsealed.events !== before.events || unsealed.digest !== before.digest)
      throw new BrokenLink(
        0,
        unsealed.firstId,
        `events not covered by the chain: ${unsealed.events} now, ${before.events} when the chain began (one was added, deleted or changed behind the app's back)`,
      );
    this.eventCount = this.finals.size + unsealed.events;
  }

  /** Checks the sealed rows of a page; returns the ids the chain covers (walked, or appended since). */
  private async checkPage(rows: AuditEvent[]): Promise<Set<string>> {
    const unknown = rows.filter((r) => !this.finals.has(r.id)).map((r) => r.id);
    const newer =
      unknown.length === 0
        ? []
        : await this.db.auditSeal.findMany({
            where: { eventId: { in: unknown }, seq: { gte: this.walked } },
            select: { eventId: true },
          });
    const covered = new Set([
      ...rows.map((r) => r.id).filter((id) => this.finals.has(id)),
      ...newer.map((s) => s.eventId!),
    ]);
    for (const row of rows) {
      const final = this.finals.get(row.id);
      if (!final) continue;
      const changed =
        final.outcome !== row.outcome ||
        final.detail !== row.detail ||
        final.repeats !== row.repeats ||
        final.lastAt !== (row.lastAt?.toISOString() ?? null);
      if (changed && !(await this.changedSinceWalk(row.id)))
        throw new BrokenLink(null, row.id, "the event's outcome, detail or count was changed");
    }
    return covered;
  }

  /** A row may have been completed or counted after the walk passed its seals (judged next run). */
  private async changedSinceWalk(eventId: string): Promise<boolean> {
    return (await this.db.auditSeal.count({ where: { eventId, seq: { gte: this.walked } } })) > 0;
  }
}

function parseState(seal: { seq: number; eventId: string | null; state: string }): unknown {
  try {
    return JSON.parse(seal.state) as unknown;
  } catch {
    throw new BrokenLink(seal.seq, seal.eventId, "the seal's state is not readable");
  }
}

function applySeal(
  finals: Map<string, FinalState>,
  kind: string,
  row: AuditEvent,
  state: unknown,
  gone: { users: Set<string>; servers: Set<string> },
): string | null {
  if (kind === "insert") {
    const s = state as InsertState;
    if (finals.has(row.id)) return "a second insert seal for one event";
    if (
      row.actorId !== s.actorId &&
      !(row.actorId === null && s.actorId !== null && gone.users.has(s.actorId))
    )
      return "the event's actor was changed";
    if (
      row.serverId !== s.serverId &&
      !(row.serverId === null && s.serverId !== null && gone.servers.has(s.serverId))
    )
      return "the event's server was changed";
    finals.set(row.id, { outcome: s.outcome, detail: s.detail, repeats: 1, lastAt: null });
    return null;
  }
  const final = finals.get(row.id);
  if (!final) return "a change sealed before the event's insert";
  if (kind === "complete") Object.assign(final, state as CompleteState);
  else if (kind === "repeat") Object.assign(final, state as RepeatState);
  else return `an unknown seal kind "${kind}"`;
  return null;
}

/** The users and servers named by this page's insert seals that no longer exist (SetNull cleared them). */
async function missingReferences(
  db: Db,
  seals: { kind: string; state: string }[],
): Promise<{ users: Set<string>; servers: Set<string> }> {
  const users = new Set<string>();
  const servers = new Set<string>();
  for (const seal of seals) {
    if (seal.kind !== "insert") continue;
    try {
      const s = JSON.parse(seal.state) as InsertState;
      if (s.actorId) users.add(s.actorId);
      if (s.serverId) servers.add(s.serverId);
    } catch {
      // reported by the walk
    }
  }
  const [foundUsers, foundServers] = await Promise.all([
    db.user.findMany({ where: { id: { in: [...users] } }, select: { id: true } }),
    db.server.findMany({ where: { id: { in: [...servers] } }, select: { id: true } }),
  ]);
  for (const { id } of foundUsers) users.delete(id);
  for (const { id } of foundServers) servers.delete(id);
  return { users, servers };
}
