/**
 * What the delivery engine reads and writes: the enabled webhooks (targets) and their outcomes.
 * Successes only touch the Webhook row; retrying, failed and dropped deliveries are WebhookDelivery
 * rows (the UI's "recent failed deliveries"), kept to the newest KEEP_DELIVERIES per webhook.
 */
import type { WebhookEventName, WebhookKind } from "../../../lib/automation/webhooks.ts";
import type { Db } from "../../db/client.ts";

export interface WebhookTarget {
  id: string;
  name: string;
  kind: WebhookKind;
  urlEncrypted: string;
  events: ReadonlySet<WebhookEventName>;
  chatFilter: string | null;
  enabled: boolean;
  allServers: boolean;
  serverIds: ReadonlySet<string>;
  ownerId: string | null;
}

const KEEP_DELIVERIES = 100;

type Row = {
  id: string;
  name: string;
  kind: string;
  urlEncrypted: string;
  events: string;
  chatFilter: string | null;
  enabled: boolean;
  allServers: boolean;
  ownerId: string | null;
  servers: { serverId: string }[];
};

const select = {
  id: true,
  name: true,
  kind: true,
  urlEncrypted: true,
  events: true,
  chatFilter: true,
  enabled: true,
  allServers: true,
  ownerId: true,
  servers: { select: { serverId: true } },
} as const;

export function parseEvents(stored: string): WebhookEventName[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter((e): e is WebhookEventName => typeof e === "string") : [];
  } catch {
    return [];
  }
}

function toTarget(row: Row): WebhookTarget {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === "discord" ? "discord" : "json",
    urlEncrypted: row.urlEncrypted,
    events: new Set(parseEvents(row.events)),
    chatFilter: row.chatFilter,
    enabled: row.enabled,
    allServers: row.allServers,
    serverIds: new Set(row.servers.map((s) => s.serverId)),
    ownerId: row.ownerId,
  };
}

export async function loadEnabledTargets(db: Db): Promise<WebhookTarget[]> {
  return (await db.webhook.findMany({ where: { enabled: true }, select })).map(toTarget);
}

export async function loadTarget(db: Db, id: string): Promise<WebhookTarget | null> {
  const row = await db.webhook.findUnique({ where: { id }, select });
  return row ? toTarget(row) : null;
}

export async function recordSuccess(db: Db, webhookId: string, at: Date, retryRow: string | null) {
  await db.webhook.update({ where: { id: webhookId }, data: { lastSuccessAt: at, failures: 0 } });
  if (retryRow) await db.webhookDelivery.deleteMany({ where: { id: retryRow } });
}

/** A retry is scheduled: the delivery shows as "retrying" with its attempts and last error. */
export async function recordRetrying(
  db: Db,
  input: { webhookId: string; event: string; attempts: number; error: string; row: string | null },
): Promise<string> {
  if (input.row) {
    await db.webhookDelivery.update({
      where: { id: input.row },
      data: { attempts: input.attempts, lastError: input.error },
    });
    return input.row;
  }
  const created = await db.webhookDelivery.create({
    data: {
      webhookId: input.webhookId,
      event: input.event,
      state: "retrying",
      attempts: input.attempts,
      lastError: input.error,
    },
  });
  return created.id;
}

export async function recordFailed(
  db: Db,
  input: { webhookId: string; event: string; attempts: number; error: string; row: string | null; at: Date },
) {
  const data = { state: "failed", attempts: input.attempts, lastError: input.error };
  if (input.row) await db.webhookDelivery.update({ where: { id: input.row }, data });
  else await db.webhookDelivery.create({ data: { ...data, webhookId: input.webhookId, event: input.event } });
  await db.webhook.update({
    where: { id: input.webhookId },
    data: { lastFailureAt: input.at, lastError: input.error, failures: { increment: 1 } },
  });
  await prune(db, input.webhookId);
}

/** Notices dropped from a full queue: one row per overflow, its count in `attempts`. */
export async function recordDropped(
  db: Db,
  input: { webhookId: string; event: string; count: number; row: string | null },
): Promise<string> {
  const lastError = `${input.count} notice${input.count === 1 ? "" : "s"} dropped: the queue was full`;
  if (input.row) {
    await db.webhookDelivery.update({ where: { id: input.row }, data: { attempts: input.count, lastError } });
    return input.row;
  }
  const created = await db.webhookDelivery.create({
    data: {
      webhookId: input.webhookId,
      event: input.event,
      state: "dropped",
      attempts: input.count,
      lastError,
    },
  });
  await prune(db, input.webhookId);
  return created.id;
}

async function prune(db: Db, webhookId: string) {
  const old = await db.webhookDelivery.findMany({
    where: { webhookId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: KEEP_DELIVERIES,
    take: 500,
    select: { id: true },
  });
  if (old.length > 0) await db.webhookDelivery.deleteMany({ where: { id: { in: old.map((r) => r.id) } } });
}
