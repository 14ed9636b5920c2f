/**
 * The audit trail: every state-changing action, login and failed login. Inputs are stored redacted
 * (no passwords or tokens). New events are also pushed to the live audit room when socket.io runs.
 */
import { AppError } from "../../lib/errors.ts";
import { auditScope, can, type Actor } from "../../lib/permissions.ts";
import type { AuditEvent, Db } from "../db/client.ts";

export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditEntryInput {
  actor: Pick<Actor, "id" | "email"> | null;
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
  createdAt: string;
  /** Identical denied events stored once: how many, and when the last one happened. */
  repeats: number;
  lastAt: string | null;
}

const SECRET_KEY = /pass(word)?|token|secret|key|hash/i;

/** Replaces secret-looking fields with "[redacted]" at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v)]));
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

export async function recordAudit(db: Db, entry: AuditEntryInput): Promise<AuditEventDto> {
  const row = await db.auditEvent.create({
    data: {
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
    },
  });
  const dto = toDto(row);
  for (const listener of listeners()) listener(dto);
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
  const prefix = filter.action && (!filter.action.includes(".") || /[.*]$/.test(filter.action)) ? filter.action.replace(/\*$/, "") : null;
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
    and.push({ createdAt: { lte: position.createdAt } }, { OR: [{ createdAt: { lt: position.createdAt } }, { id: { lt: position.id } }] });
  } else if (position) {
    and.push({ createdAt: { gte: position.createdAt } }, { OR: [{ createdAt: { gt: position.createdAt } }, { id: { gt: position.id } }] });
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
        : [{ serverId: { in: [...scope.serverIds] } }];
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
