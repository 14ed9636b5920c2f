/**
 * Webhooks, the data layer (issue 16): list, create, edit, delete, and the check behind "Send
 * test". automation.manage on every server a webhook names ("all servers": only for who reaches
 * every server; lib/automation/webhooks.ts canManageWebhook). The URL is a secret: encrypted like
 * RCON passwords (server/security/crypto.ts), never in a DTO, the audit input or a log line; a
 * blank URL on edit keeps the stored one. The last editor becomes the owner: the dispatcher sends
 * only where the owner holds automation.manage at the time.
 */
import { z } from "zod";
import {
  canManageWebhook,
  webhookFormSchema,
  webhookUrlProblem,
  type WebhookEventName,
  type WebhookForm,
  type WebhookKind,
} from "../../../lib/automation/webhooks.ts";
import { AppError } from "../../../lib/errors.ts";
import { can } from "../../../lib/permissions.ts";
import { decryptSecret, encryptSecret } from "../../security/crypto.ts";
import { recordAudit } from "../audit.ts";
import { requirePermission, type DataContext } from "../context.ts";

export interface WebhookDeliveryDto {
  id: string;
  event: string;
  state: string;
  attempts: number;
  error: string | null;
  at: string;
}

export interface WebhookDto {
  id: string;
  name: string;
  kind: WebhookKind;
  events: WebhookEventName[];
  chatFilter: string | null;
  enabled: boolean;
  allServers: boolean;
  serverIds: string[];
  ownerName: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  failures: number;
  /** Retrying, failed and dropped deliveries, newest first. */
  recent: WebhookDeliveryDto[];
}

export interface WebhookSecrets {
  encryptionKey: Buffer;
  /** http:// to loopback (WEBHOOKS_ALLOW_LOOPBACK=1). */
  allowLoopback: boolean;
}

const RECENT = 5;

const include = {
  servers: { select: { serverId: true } },
  owner: { select: { name: true } },
  deliveries: { orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }], take: RECENT },
};

type Row = {
  id: string;
  name: string;
  kind: string;
  events: string;
  chatFilter: string | null;
  enabled: boolean;
  allServers: boolean;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  failures: number;
  servers: { serverId: string }[];
  owner: { name: string } | null;
  deliveries: {
    id: string;
    event: string;
    state: string;
    attempts: number;
    lastError: string | null;
    createdAt: Date;
  }[];
};

const storedEvents = z.array(z.string());

function toDto(row: Row): WebhookDto {
  let events: WebhookEventName[] = [];
  try {
    const parsed = storedEvents.safeParse(JSON.parse(row.events));
    if (parsed.success) events = parsed.data as WebhookEventName[];
  } catch {
    events = [];
  }
  // No url or urlEncrypted here: the browser only ever learns that one is saved.
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === "discord" ? "discord" : "json",
    events,
    chatFilter: row.chatFilter,
    enabled: row.enabled,
    allServers: row.allServers,
    serverIds: row.servers.map((s) => s.serverId).sort(),
    ownerName: row.owner?.name ?? null,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    lastFailureAt: row.lastFailureAt?.toISOString() ?? null,
    lastError: row.lastError,
    failures: row.failures,
    recent: row.deliveries.map((d) => ({
      id: d.id,
      event: d.event,
      state: d.state,
      attempts: d.attempts,
      error: d.lastError,
      at: d.createdAt.toISOString(),
    })),
  };
}

const scopeOf = (row: { allServers: boolean; servers: { serverId: string }[] }) => ({
  allServers: row.allServers,
  serverIds: row.servers.map((s) => s.serverId),
});

async function refuse(
  ctx: DataContext,
  action: string,
  targetId: string | null,
  detail: string,
): Promise<never> {
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "webhook",
    targetId,
    outcome: "denied",
    detail,
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", "You may only manage webhooks of servers where you manage automation.");
}

function parseForm(raw: unknown): WebhookForm {
  const parsed = webhookFormSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(parsed.error).fieldErrors,
    );
  return parsed.data;
}

function urlProblem(kind: WebhookKind, url: string, secrets: WebhookSecrets): void {
  const problem = webhookUrlProblem(kind, url, { allowLoopback: secrets.allowLoopback });
  if (problem) throw new AppError("INVALID_INPUT", "Check the webhook URL.", { url: [problem] });
}

/** The servers named must exist and be the editor's (checked before anything is written). */
async function checkScope(ctx: DataContext, action: string, id: string | null, form: WebhookForm) {
  const scope = { allServers: form.allServers, serverIds: form.allServers ? [] : form.serverIds };
  if (!canManageWebhook(ctx.actor, scope)) {
    await refuse(
      ctx,
      action,
      id,
      form.allServers
        ? "all servers without reaching every server"
        : "a server outside the actor's automation",
    );
  }
  if (!form.allServers) {
    const found = await ctx.db.server.count({ where: { id: { in: form.serverIds } } });
    if (found !== new Set(form.serverIds).size)
      throw new AppError("INVALID_INPUT", "One of those servers no longer exists.", {
        serverIds: ["Unknown server"],
      });
  }
  return scope;
}

async function nameTaken(ctx: DataContext, name: string, except: string | null): Promise<boolean> {
  const row = await ctx.db.webhook.findUnique({ where: { name }, select: { id: true } });
  return row !== null && row.id !== except;
}

/** What the audit keeps of a form: everything but the URL. */
function auditInput(form: WebhookForm, urlChanged: boolean) {
  return {
    name: form.name,
    kind: form.kind,
    events: form.events,
    chatFilter: form.chatFilter || null,
    enabled: form.enabled,
    allServers: form.allServers,
    serverIds: form.allServers ? [] : form.serverIds,
    urlChanged,
  };
}

/** The webhooks this actor may manage (automation.manage somewhere, else FORBIDDEN). */
export async function listWebhooks(ctx: DataContext): Promise<WebhookDto[]> {
  await requirePermission(ctx, "automation.manage", "automation.webhook.list");
  const rows = await ctx.db.webhook.findMany({ include, orderBy: { name: "asc" } });
  return rows.filter((row) => canManageWebhook(ctx.actor, scopeOf(row))).map(toDto);
}

export async function createWebhook(
  ctx: DataContext,
  raw: unknown,
  secrets: WebhookSecrets,
): Promise<WebhookDto> {
  await requirePermission(ctx, "automation.manage", "automation.webhook.create");
  const form = parseForm(raw);
  if (!form.url)
    throw new AppError("INVALID_INPUT", "Enter the webhook URL.", { url: ["Enter the webhook URL"] });
  urlProblem(form.kind, form.url, secrets);
  const scope = await checkScope(ctx, "automation.webhook.create", null, form);
  if (await nameTaken(ctx, form.name, null))
    throw new AppError("CONFLICT", "A webhook with that name exists.", { name: ["That name is taken"] });
  const row = await ctx.db.webhook.create({
    data: webhookColumns(ctx, form, scope, encryptSecret(form.url, secrets.encryptionKey)),
    include,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.webhook.create",
    targetType: "webhook",
    targetId: row.id,
    input: auditInput(form, true),
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row);
}

/** The stored form of a saved webhook; whoever saves it owns it. */
function webhookColumns(
  ctx: DataContext,
  form: ReturnType<typeof parseForm>,
  scope: Awaited<ReturnType<typeof checkScope>>,
  urlEncrypted: string,
) {
  return {
    name: form.name,
    kind: form.kind,
    urlEncrypted,
    events: JSON.stringify(form.events),
    chatFilter: form.chatFilter || null,
    enabled: form.enabled,
    allServers: scope.allServers,
    ownerId: ctx.actor.id,
    servers: { create: scope.serverIds.map((serverId) => ({ serverId })) },
  };
}

async function loadManaged(ctx: DataContext, id: string, action: string) {
  await requirePermission(ctx, "automation.manage", action);
  const row = await ctx.db.webhook.findUnique({ where: { id }, include });
  if (!row) throw new AppError("NOT_FOUND", "That webhook no longer exists.");
  if (!canManageWebhook(ctx.actor, scopeOf(row)))
    await refuse(ctx, action, id, "webhook outside the actor's servers");
  return row;
}

export async function updateWebhook(
  ctx: DataContext,
  id: string,
  raw: unknown,
  secrets: WebhookSecrets,
): Promise<WebhookDto> {
  const existing = await loadManaged(ctx, id, "automation.webhook.update");
  const form = parseForm(raw);
  let urlEncrypted = existing.urlEncrypted;
  if (form.url) {
    urlProblem(form.kind, form.url, secrets);
    urlEncrypted = encryptSecret(form.url, secrets.encryptionKey);
  } else if (form.kind !== existing.kind) {
    // The kept URL must suit the new kind (a Discord webhook is checked by shape).
    let kept = "";
    try {
      kept = decryptSecret(existing.urlEncrypted, secrets.encryptionKey);
    } catch {
      kept = "";
    }
    if (webhookUrlProblem(form.kind, kept, { allowLoopback: secrets.allowLoopback }) !== null)
      throw new AppError("INVALID_INPUT", "Enter the URL again for the new kind.", {
        url: ["Enter the URL again for the new kind"],
      });
  }
  const scope = await checkScope(ctx, "automation.webhook.update", id, form);
  if (await nameTaken(ctx, form.name, id))
    throw new AppError("CONFLICT", "A webhook with that name exists.", { name: ["That name is taken"] });
  const row = await ctx.db.$transaction(async (tx) => {
    await tx.webhookServer.deleteMany({ where: { webhookId: id } });
    return tx.webhook.update({
      where: { id },
      data: webhookColumns(ctx, form, scope, urlEncrypted),
      include,
    });
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.webhook.update",
    targetType: "webhook",
    targetId: id,
    input: auditInput(form, form.url !== ""),
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row);
}

export async function deleteWebhook(ctx: DataContext, id: string): Promise<void> {
  const row = await loadManaged(ctx, id, "automation.webhook.delete");
  await ctx.db.webhook.delete({ where: { id } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.webhook.delete",
    targetType: "webhook",
    targetId: id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** "Send test": checked and audited here; the action then queues it (runtime.webhooks). */
export async function authorizeWebhookTest(
  ctx: DataContext,
  id: string,
): Promise<{ serverName: string | null }> {
  const row = await loadManaged(ctx, id, "automation.webhook.test");
  const first = row.servers[0]?.serverId;
  const server =
    first && can(ctx.actor, "server.view", first)
      ? await ctx.db.server.findUnique({ where: { id: first }, select: { name: true } })
      : null;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.webhook.test",
    targetType: "webhook",
    targetId: id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { serverName: server?.name ?? null };
}

/** Servers the actor may put webhooks on, for the form's checkboxes. */
export async function webhookServerChoices(ctx: DataContext): Promise<{ id: string; name: string }[]> {
  await requirePermission(ctx, "automation.manage", "automation.webhook.list");
  const rows = await ctx.db.server.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
  return rows.filter((s) => can(ctx.actor, "automation.manage", s.id));
}
