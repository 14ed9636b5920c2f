/**
 * The audit trail: every state-changing action, login and failed login. Inputs are stored redacted
 * (no passwords or tokens). New events are also pushed to the live audit room when socket.io runs.
 */
import { AppError } from "../../lib/errors.ts";
import { can, type Actor } from "../../lib/permissions.ts";
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

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  serverId?: string | undefined;
  outcome?: AuditOutcome | undefined;
  limit?: number | undefined;
}

export async function listAuditEvents(db: Db, actor: Actor, filter: AuditFilter = {}): Promise<AuditEventDto[]> {
  if (!can(actor, "audit.read")) throw new AppError("FORBIDDEN", "You may not read the audit log.");
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.action ? { action: { startsWith: filter.action } } : {}),
      ...(filter.actorId ? { actorId: filter.actorId } : {}),
      ...(filter.serverId ? { serverId: filter.serverId } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: Math.min(filter.limit ?? 200, 1000),
  });
  return rows.map(toDto);
}

function toDto(row: AuditEvent): AuditEventDto {
  return { ...row, createdAt: row.createdAt.toISOString() };
}
