/**
 * The audit trail: every state-changing action, login and failed login. Inputs are stored redacted
 * (no passwords or tokens). New events are also pushed to the live audit room when socket.io runs.
 *
 * Denied events are on a path an attacker drives, so identical ones (same actor, action, target,
 * server, address, detail) within REPEAT_WINDOW_MS are stored once and counted (`repeats`,
 * `lastAt`). Actions that reach a game server are stored "pending" before they run and completed
 * after, so nothing is sent without its record. Every write is sealed in the hash chain
 * (audit-chain.ts) in the same transaction (audit-chain-writer.ts).
 */
import { AppError } from "../../lib/errors.ts";
import { auditScope, can, type Actor } from "../../lib/permissions.ts";
import type { AuditEvent, Db } from "../db/client.ts";
import { appendSealed, newAuditEventId } from "./audit-chain-writer.ts";
import { serverIdScope } from "./scope.ts";

export type AuditOutcome = "success" | "failure" | "denied" | "pending" | "unknown";

export interface AuditEntryInput {
  /**
   * An actor that came with an API token (`actor.token`) stamps the row with the token's name; one
   * that a schedule or trigger acts as (`actor.automation`), with the automation's name.
   */
  actor: (Pick<Actor, "id" | "email"> & Partial<Pick<Actor, "token" | "automation">>) | null;
  /** Email typed by an anonymous actor (failed login); stored when there is no actor. */
  actorEmail?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  serverId?: string | null;
  input?: unknown;
  outcome: AuditOutcome;
  detail?: string | null;
  sourceIp?: string | null;
}

export interface AuditEventDto {
  id: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  serverId: string | null;
  input: string | null;
  outcome: string;
  detail: string | null;
  sourceIp: string | null;
  /** The API token's name when the action came over the REST API. */
  tokenName: string | null;
  /** The schedule's or trigger's name when automation did it (the actor is its owner). */
  automation: string | null;
  createdAt: string;
  /** Identical denied events folded into this row (1 for a single event). */
  repeats: number;
  /** When the last of those repeats happened; null for a single event. */
  lastAt: string | null;
}

const SECRET_KEY = /pass(word)?|token|secret|key|hash/i;

/** Replaces secret-looking fields with "[redacted]" at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v)]),
    );
  }
  return value;
}

type AuditListener = (event: AuditEventDto) => void;
const LISTENERS_KEY = Symbol.for("rcondeck.audit-listeners");
function listeners(): Set<AuditListener> {
  const holder = globalThis as { [LISTENERS_KEY]?: Set<AuditListener> };
  return (holder[LISTENERS_KEY] ??= new Set());
}

/** Subscribes to new audit events (used by the realtime bridge). */
export function onAuditEvent(listener: AuditListener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

/** Identical denied events within this window are one row with a count. */
export const REPEAT_WINDOW_MS = 60_000;
/** Open repeat windows kept per database (oldest dropped first; a dropped key starts a new row). */
const MAX_OPEN_REPEATS = 10_000;

interface OpenRepeat {
  startedAt: number;
  /** The stored row (shared by every repeat: one insert however many arrive at once). */
  created: Promise<AuditEventDto>;
  /** Repeats not yet written, and the newest one's time. */
  unwritten: number;
  /** The row's count as stored (written as an absolute number: its seal covers it). */
  stored: number;
  lastAt: number;
  /** The one update in flight for this row; repeats arriving meanwhile join the next. */
  flushing: Promise<AuditEventDto> | null;
}

const REPEATS_KEY = Symbol.for("rcondeck.audit-repeats");
function openRepeats(db: Db): Map<string, OpenRepeat> {
  const holder = globalThis as { [REPEATS_KEY]?: WeakMap<Db, Map<string, OpenRepeat>> };
  const byDb = (holder[REPEATS_KEY] ??= new WeakMap<Db, Map<string, OpenRepeat>>());
  let repeats = byDb.get(db);
  if (!repeats) byDb.set(db, (repeats = new Map<string, OpenRepeat>()));
  return repeats;
}

function announce(dto: AuditEventDto): void {
  for (const listener of listeners()) listener(dto);
}

function rowData(entry: AuditEntryInput) {
  return {
    actorId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? entry.actorEmail ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    serverId: entry.serverId ?? null,
    input: entry.input === undefined ? null : JSON.stringify(redact(entry.input)).slice(0, 4000),
    outcome: entry.outcome,
    detail: entry.detail?.slice(0, 1000) ?? null,
    sourceIp: entry.sourceIp ?? null,
    tokenName: entry.actor?.token?.name ?? null,
    automation: entry.actor?.automation?.slice(0, 200) ?? null,
  };
}

/** Inserts one event row and its seal in the hash chain (audit-chain.ts), in one transaction. */
function insertSealed(db: Db, data: ReturnType<typeof rowData>, now: number) {
  const row = { ...data, id: newAuditEventId(now), createdAt: new Date(now) };
  return appendSealed(db, {
    kind: "insert",
    eventId: row.id,
    state: { actorId: row.actorId, serverId: row.serverId, outcome: row.outcome, detail: row.detail },
    inserted: row,
  });
}

/**
 * Stores one audit event and announces it to live viewers. A denied event identical to one stored
 * less than REPEAT_WINDOW_MS before (by `now`) only counts as a repeat of that row.
 */
export async function recordAudit(
  db: Db,
  entry: AuditEntryInput,
  now: number = Date.now(),
): Promise<AuditEventDto> {
  if (entry.outcome === "denied") return recordDenied(db, entry, now);
  const dto = toDto(await insertSealed(db, rowData(entry), now));
  // A pending row is announced when it is completed (completeAudit): live viewers see each action once.
  if (entry.outcome !== "pending") announce(dto);
  return dto;
}

async function recordDenied(db: Db, entry: AuditEntryInput, now: number): Promise<AuditEventDto> {
  const data = rowData(entry);
  const repeats = openRepeats(db);
  // Map order is insertion order, so the oldest windows are at the front.
  for (const [key, open] of repeats) {
    if (now - open.startedAt < REPEAT_WINDOW_MS && repeats.size < MAX_OPEN_REPEATS) break;
    repeats.delete(key);
  }
  const key = JSON.stringify([
    data.actorId,
    data.actorEmail,
    data.action,
    data.targetType,
    data.targetId,
    data.serverId,
    data.sourceIp,
    data.detail,
    data.tokenName,
    data.automation,
  ]);
  const open = repeats.get(key);
  if (open && now - open.startedAt < REPEAT_WINDOW_MS) {
    // Looked up and counted synchronously: concurrent repeats cannot both insert.
    open.unwritten += 1;
    open.lastAt = Math.max(open.lastAt, now);
    return flushRepeats(db, open);
  }
  const created = insertSealed(db, data, now).then((row) => {
    const dto = toDto(row);
    announce(dto);
    return dto;
  });
  repeats.delete(key); // re-inserted at the back, in time order
  const fresh: OpenRepeat = { startedAt: now, created, unwritten: 0, stored: 1, lastAt: now, flushing: null };
  repeats.set(key, fresh);
  // A failed insert must not swallow later events: they start again.
  created.catch(() => repeats.get(key) === fresh && repeats.delete(key));
  return created;
}

/** Writes the counted repeats with one update at a time per row (a flood batches itself). */
function flushRepeats(db: Db, open: OpenRepeat): Promise<AuditEventDto> {
  open.flushing ??= (async () => {
    try {
      let latest = await open.created;
      while (open.unwritten > 0) {
        const count = open.unwritten;
        open.unwritten = 0;
        try {
          const id = latest.id;
          const repeats = open.stored + count;
          const lastAt = new Date(open.lastAt);
          latest = toDto(
            await appendSealed(db, {
              kind: "repeat",
              eventId: id,
              state: { repeats, lastAt: lastAt.toISOString() },
              write: (client) => client.auditEvent.update({ where: { id }, data: { repeats, lastAt } }),
            }),
          );
          open.stored = repeats;
        } catch (error) {
          open.unwritten += count;
          throw error;
        }
        announce(latest);
      }
      return latest;
    } finally {
      // Synchronously after the loop's last check: a repeat counted later starts a new flush.
      open.flushing = null;
    }
  })();
  return open.flushing;
}

/** Completes a pending event with its outcome and announces it (throws if it cannot be stored). */
export async function completeAudit(
  db: Db,
  pending: AuditEventDto,
  outcome: "success" | "failure" | "unknown",
  detail: string | null,
): Promise<AuditEventDto> {
  const stored = { outcome, detail: detail?.slice(0, 1000) ?? null };
  const dto = toDto(
    await appendSealed(db, {
      kind: "complete",
      eventId: pending.id,
      state: stored,
      completed: stored,
    }),
  );
  announce(dto);
  return dto;
}

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

export interface AuditFilter {
  /** A group ("server", "server." or "server.*": every action in it) or one action ("server.update"). */
  action?: string | undefined;
  actorId?: string | undefined;
  /** A user's email, matched through the user (the actorId index); no such user matches nothing. */
  actorEmail?: string | undefined;
  serverId?: string | undefined;
  outcome?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Events older than this position (the next page)... */
  after?: AuditCursor | undefined;
  /** ...or newer than it (the previous page). */
  before?: AuditCursor | undefined;
  limit?: number | undefined;
}

export interface AuditPage {
  /** Newest first. */
  events: AuditEventDto[];
  hasOlder: boolean;
  hasNewer: boolean;
}

type AuditWhere = NonNullable<NonNullable<Parameters<Db["auditEvent"]["findMany"]>[0]>["where"]>;

function filterWhere(filter: AuditFilter): AuditWhere {
  // "server", "server." or "server.*" name a group; "server.update" is one action.
  const prefix =
    filter.action && (!filter.action.includes(".") || /[.*]$/.test(filter.action))
      ? filter.action.replace(/\*$/, "")
      : null;
  const position = filter.after ?? filter.before;
  const and: AuditWhere[] = [];
  // Exact actions use the (action, createdAt) index; a group prefix is a LIKE.
  if (filter.action) and.push({ action: prefix !== null ? { startsWith: prefix } : filter.action });
  if (filter.actorId) and.push({ actorId: filter.actorId });
  if (filter.serverId) and.push({ serverId: filter.serverId });
  if (filter.outcome) and.push({ outcome: filter.outcome });
  if (filter.from) and.push({ createdAt: { gte: filter.from } });
  if (filter.to) and.push({ createdAt: { lte: filter.to } });
  // Keyset pagination on (createdAt, id), no OFFSET: the plain bound on createdAt lets the index
  // start at the position (an OR alone would not), the OR breaks ties within one millisecond.
  if (position && filter.after) {
    and.push(
      { createdAt: { lte: position.createdAt } },
      { OR: [{ createdAt: { lt: position.createdAt } }, { id: { lt: position.id } }] },
    );
  } else if (position) {
    and.push(
      { createdAt: { gte: position.createdAt } },
      { OR: [{ createdAt: { gt: position.createdAt } }, { id: { gt: position.id } }] },
    );
  }
  return { AND: and };
}

const PER_SERVER_QUERIES = 25;

const newestFirst = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * One page of the audit log the actor may read, newest first. A server-limited reader gets the
 * events of its servers and its own actions: indexed queries (actorId, and each serverId, with
 * createdAt) merged, rather than one OR that would scan the whole createdAt index.
 */
export async function listAuditPage(db: Db, actor: Actor, filter: AuditFilter = {}): Promise<AuditPage> {
  if (!can(actor, "audit.read")) throw new AppError("FORBIDDEN", "You may not read the audit log.");
  const limit = Math.max(1, Math.min(filter.limit ?? 100, 1000));
  if (filter.actorEmail !== undefined) {
    const user = await db.user.findUnique({
      where: { email: filter.actorEmail.toLowerCase() },
      select: { id: true },
    });
    if (!user || (filter.actorId !== undefined && filter.actorId !== user.id))
      return { events: [], hasOlder: false, hasNewer: filter.after !== undefined };
    filter = { ...filter, actorId: user.id };
  }
  const base = filterWhere(filter);
  const order = filter.before ? ("asc" as const) : ("desc" as const);
  const scope = auditScope(actor);
  // One query per server walks its (serverId, createdAt) index in order; an IN list would read and
  // sort every event of those servers. Past a few dozen servers, one IN query is cheaper.
  const servers: AuditWhere[] =
    scope === null || scope.serverIds.length === 0
      ? []
      : scope.serverIds.length <= PER_SERVER_QUERIES
        ? scope.serverIds.map((serverId) => ({ serverId }))
        : [serverIdScope(actor) ?? {}];
  const parts: AuditWhere[] =
    scope === null ? [base] : [{ actorId: scope.actorId }, ...servers].map((part) => ({ AND: [base, part] }));
  const found = await Promise.all(
    parts.map((where) =>
      db.auditEvent.findMany({ where, orderBy: [{ createdAt: order }, { id: order }], take: limit + 1 }),
    ),
  );
  const unique = new Map(found.flat().map((row) => [row.id, row]));
  let rows = [...unique.values()].sort(newestFirst);
  if (filter.before) rows = rows.reverse();
  const more = rows.length > limit;
  rows = rows.slice(0, limit);
  if (filter.before) rows = rows.reverse();
  return {
    events: rows.map(toDto),
    hasOlder: filter.before ? true : more,
    hasNewer: filter.before ? more : filter.after !== undefined,
  };
}

/** The newest events the actor may read (see listAuditPage). */
export async function listAuditEvents(
  db: Db,
  actor: Actor,
  filter: AuditFilter = {},
): Promise<AuditEventDto[]> {
  return (await listAuditPage(db, actor, { limit: 200, ...filter })).events;
}

function toDto(row: AuditEvent): AuditEventDto {
  return { ...row, createdAt: row.createdAt.toISOString(), lastAt: row.lastAt?.toISOString() ?? null };
}
