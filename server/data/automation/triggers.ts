/**
 * Automation triggers, stored (AutomationTrigger, AutomationTriggerServer, AutomationFiring). Editing
 * needs `automation.manage` on EVERY server a trigger names ("all servers" only for an actor that
 * reaches every server); the editor becomes the owner, so a trigger never acts with more than the
 * last person who shaped it holds. Every change is audited (`automation.trigger.*`); invalid input
 * is refused before any write. The engine (server/automation/triggers/) reads the rows with the
 * functions at the end, which take only the database (it acts as each trigger's owner at firing).
 */
import type { z } from "zod";
import { triggerInputSchema, type TriggerInput } from "../../../lib/automation/triggers.ts";
import { AppError } from "../../../lib/errors.ts";
import { can, limitedServerIds, type Actor } from "../../../lib/permissions.ts";
import type { Db } from "../../db/client.ts";
import { recordAudit } from "../audit.ts";
import { requirePermission, type DataContext } from "../context.ts";
import { countExistingServers } from "../servers.ts";

export interface TriggerDto extends TriggerInput {
  id: string;
  ownerName: string | null;
  updatedAt: string;
}

export interface FiringDto {
  id: string;
  triggerId: string;
  triggerName: string;
  serverId: string | null;
  serverName: string | null;
  playerKey: string | null;
  dryRun: boolean;
  /** "done" | "failed" | "refused" | "would" (dry run) | "dropped" (over the trigger's queue) */
  outcome: string;
  detail: string | null;
  createdAt: string;
}

const include = {
  servers: { select: { serverId: true } },
  owner: { select: { name: true } },
} as const;

type Row = {
  id: string;
  name: string;
  enabled: boolean;
  dryRun: boolean;
  event: string;
  match: string;
  conditions: string;
  action: string;
  cooldownSeconds: number;
  perPlayerLimit: number | null;
  perPlayerWindowSeconds: number;
  allServers: boolean;
  ownerId: string | null;
  updatedAt: Date;
  servers: { serverId: string }[];
  owner?: { name: string } | null;
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Stored JSON is ours, but read defensively: a row that no longer parses is null (never runs). */
function decode(row: Row): TriggerInput | null {
  const parsed = triggerInputSchema.safeParse({
    name: row.name,
    enabled: row.enabled,
    dryRun: row.dryRun,
    allServers: row.allServers,
    serverIds: row.servers.map((s) => s.serverId).sort(),
    event: row.event,
    match: parseJson(row.match),
    conditions: parseJson(row.conditions),
    action: parseJson(row.action),
    cooldownSeconds: row.cooldownSeconds,
    perPlayerLimit: row.perPlayerLimit ?? undefined,
    perPlayerWindowSeconds: row.perPlayerWindowSeconds,
  });
  return parsed.success ? parsed.data : null;
}

function toDto(row: Row, input: TriggerInput): TriggerDto {
  return { ...input, id: row.id, ownerName: row.owner?.name ?? null, updatedAt: row.updatedAt.toISOString() };
}

/** Whether `actor` may edit (and see) a trigger on these servers. */
export function mayManage(
  actor: Actor,
  target: { allServers: boolean; serverIds: readonly string[] },
): boolean {
  if (!can(actor, "automation.manage")) return false;
  if (target.allServers) return limitedServerIds(actor) === null;
  return target.serverIds.every((id) => can(actor, "automation.manage", id));
}

async function deny(
  ctx: DataContext,
  action: string,
  targetId: string | null,
  detail: string,
): Promise<never> {
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "automation_trigger",
    targetId,
    outcome: "denied",
    detail,
    sourceIp: ctx.ip,
  });
  throw new AppError(
    "FORBIDDEN",
    "You may only manage triggers on servers where you hold automation rights.",
  );
}

/** Schema, then the servers, then the command: everything checked before a row is written. */
async function checkInput(ctx: DataContext, raw: unknown, action: string, targetId: string | null) {
  const parsed = triggerInputSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError("INVALID_INPUT", "Check the highlighted fields.", flatten(parsed.error));
  const input = parsed.data;
  if (input.allServers) input.serverIds = [];
  input.serverIds = [...new Set(input.serverIds)];
  if (!mayManage(ctx.actor, input))
    await deny(
      ctx,
      action,
      targetId,
      input.allServers ? "all servers needs every server" : "a server outside the actor's automation rights",
    );
  if ((await countExistingServers(ctx.db, input.serverIds)) !== input.serverIds.length)
    throw new AppError("NOT_FOUND", "One of those servers does not exist.");
  if (input.action.kind === "command") {
    const command = await ctx.db.customCommand.findUnique({ where: { id: input.action.commandId } });
    if (!command)
      throw new AppError("INVALID_INPUT", "That custom command does not exist.", {
        "action.commandId": ["Unknown command"],
      });
    if (command.dangerous && !input.action.confirmed)
      throw new AppError(
        "INVALID_INPUT",
        `"${command.name}" is marked dangerous: confirm it for this trigger.`,
        {
          "action.confirmed": ["Confirm the dangerous command"],
        },
      );
  }
  if (input.action.kind === "webhook") {
    const webhook = await ctx.db.webhook.findUnique({
      where: { id: input.action.webhookId },
      include: { servers: { select: { serverId: true } } },
    });
    const scope = {
      allServers: webhook?.allServers ?? false,
      serverIds: webhook?.servers.map((s) => s.serverId) ?? [],
    };
    // The same rule as the webhooks page: a webhook the editor may not manage cannot be used.
    if (!webhook || (!scope.allServers && scope.serverIds.length === 0) || !mayManage(ctx.actor, scope))
      throw new AppError("INVALID_INPUT", "Choose one of your webhooks.", {
        "action.webhookId": ["Unknown webhook"],
      });
  }
  return input;
}

/** Nested zod paths as dotted field names ("match.pattern"), as the form names its fields. */
function flatten(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

async function nameTaken(ctx: DataContext, name: string, except: string | null): Promise<void> {
  const row = await ctx.db.automationTrigger.findUnique({ where: { name } });
  if (row && row.id !== except)
    throw new AppError("CONFLICT", "A trigger with that name exists.", { name: ["Name taken"] });
}

function columns(input: TriggerInput, ownerId: string) {
  return {
    name: input.name,
    enabled: input.enabled,
    dryRun: input.dryRun,
    event: input.event,
    match: JSON.stringify(input.match),
    conditions: JSON.stringify(input.conditions),
    action: JSON.stringify(input.action),
    cooldownSeconds: input.cooldownSeconds,
    perPlayerLimit: input.perPlayerLimit ?? null,
    perPlayerWindowSeconds: input.perPlayerWindowSeconds,
    allServers: input.allServers,
    ownerId,
  };
}

function auditInput(input: TriggerInput) {
  return {
    name: input.name,
    event: input.event,
    action: input.action.kind,
    dryRun: input.dryRun,
    servers: input.allServers ? "all" : input.serverIds,
  };
}

export async function listTriggers(ctx: DataContext): Promise<TriggerDto[]> {
  await requirePermission(ctx, "automation.manage", "automation.trigger.list");
  const rows = await ctx.db.automationTrigger.findMany({ include, orderBy: { name: "asc" } });
  return rows.flatMap((row) => {
    const input = decode(row);
    return input && mayManage(ctx.actor, input) ? [toDto(row, input)] : [];
  });
}

export async function createTrigger(ctx: DataContext, raw: unknown): Promise<TriggerDto> {
  await requirePermission(ctx, "automation.manage", "automation.trigger.create");
  const input = await checkInput(ctx, raw, "automation.trigger.create", null);
  await nameTaken(ctx, input.name, null);
  const row = await ctx.db.automationTrigger.create({
    data: {
      ...columns(input, ctx.actor.id),
      servers: { create: input.serverIds.map((serverId) => ({ serverId })) },
    },
    include,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.trigger.create",
    targetType: "automation_trigger",
    targetId: row.id,
    input: auditInput(input),
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row, input);
}

/** The stored trigger, if the actor may manage it as it is now (else audited FORBIDDEN). */
async function existing(ctx: DataContext, id: string, action: string): Promise<Row> {
  const row = await ctx.db.automationTrigger.findUnique({ where: { id }, include });
  if (!row) throw new AppError("NOT_FOUND", "That trigger does not exist.");
  const target = { allServers: row.allServers, serverIds: row.servers.map((s) => s.serverId) };
  if (!mayManage(ctx.actor, target))
    await deny(ctx, action, id, "trigger outside the actor's automation rights");
  return row;
}

export async function updateTrigger(ctx: DataContext, id: string, raw: unknown): Promise<TriggerDto> {
  await requirePermission(ctx, "automation.manage", "automation.trigger.update");
  await existing(ctx, id, "automation.trigger.update");
  const input = await checkInput(ctx, raw, "automation.trigger.update", id);
  await nameTaken(ctx, input.name, id);
  const row = await ctx.db.$transaction(async (tx) => {
    await tx.automationTriggerServer.deleteMany({ where: { triggerId: id } });
    return tx.automationTrigger.update({
      where: { id },
      data: {
        ...columns(input, ctx.actor.id),
        servers: { create: input.serverIds.map((serverId) => ({ serverId })) },
      },
      include,
    });
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.trigger.update",
    targetType: "automation_trigger",
    targetId: id,
    input: auditInput(input),
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row, input);
}

export async function deleteTrigger(ctx: DataContext, id: string): Promise<void> {
  await requirePermission(ctx, "automation.manage", "automation.trigger.delete");
  const row = await existing(ctx, id, "automation.trigger.delete");
  await ctx.db.automationTrigger.delete({ where: { id } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.trigger.delete",
    targetType: "automation_trigger",
    targetId: id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** The newest firings of the triggers the actor may manage (dry-run ones marked). */
export async function listFirings(ctx: DataContext, limit = 50): Promise<FiringDto[]> {
  const triggers = await listTriggers(ctx);
  if (triggers.length === 0) return [];
  const names = new Map(triggers.map((t) => [t.id, t.name]));
  const rows = await ctx.db.automationFiring.findMany({
    where: { triggerId: { in: [...names.keys()] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { server: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    triggerId: r.triggerId,
    triggerName: names.get(r.triggerId) ?? "",
    serverId: r.serverId,
    serverName: r.server?.name ?? null,
    playerKey: r.playerKey,
    dryRun: r.dryRun,
    outcome: r.outcome,
    detail: r.detail,
    createdAt: r.createdAt.toISOString(),
  }));
}

// ------------------------------------------------------------------------------------------------
// For the engine (no actor: it acts as each trigger's owner at firing time)

export interface LoadedTrigger extends TriggerInput {
  id: string;
  ownerId: string | null;
}

/** Every enabled trigger that still parses. */
export async function loadEnabledTriggers(db: Db): Promise<LoadedTrigger[]> {
  const rows = await db.automationTrigger.findMany({ where: { enabled: true }, include });
  return rows.flatMap((row) => {
    const input = decode(row);
    return input ? [{ ...input, id: row.id, ownerId: row.ownerId }] : [];
  });
}

/** Changes whenever a trigger is created, edited or deleted: the engine reloads when it moves. */
export async function triggersFingerprint(db: Db): Promise<string> {
  const agg = await db.automationTrigger.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
  return `${agg._count._all}:${agg._max.updatedAt?.toISOString() ?? "-"}`;
}

export interface FiringInput {
  triggerId: string;
  serverId: string | null;
  playerKey: string | null;
  dryRun: boolean;
  outcome: "done" | "failed" | "refused" | "would" | "dropped";
  detail: string;
  createdAt: Date;
}

export async function recordFiring(db: Db, firing: FiringInput): Promise<void> {
  await db.automationFiring.create({ data: { ...firing, detail: firing.detail.slice(0, 1000) } });
}

/** Firings since `since` (newest first, bounded): the engine seeds its cooldowns and per-player counts. */
export async function recentFirings(
  db: Db,
  since: Date,
  take = 5000,
): Promise<{ triggerId: string; serverId: string | null; playerKey: string | null; createdAt: Date }[]> {
  return db.automationFiring.findMany({
    where: { createdAt: { gte: since }, outcome: { not: "dropped" } },
    select: { triggerId: true, serverId: true, playerKey: true, createdAt: true },
    orderBy: { createdAt: "desc" },
    take,
  });
}

export interface TriggerCommandChoice {
  id: string;
  name: string;
  dangerous: boolean;
  /** Argument names and labels, for a value field each. */
  arguments: { name: string; label: string }[];
}

/** The custom commands a trigger may run (the form's choice; running still checks the owner's role). */
export async function listTriggerCommandChoices(ctx: DataContext): Promise<TriggerCommandChoice[]> {
  await requirePermission(ctx, "automation.manage", "automation.trigger.list");
  const rows = await ctx.db.customCommand.findMany({
    select: { id: true, name: true, dangerous: true, arguments: true },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => {
    const args = parseJson(r.arguments);
    return {
      id: r.id,
      name: r.name,
      dangerous: r.dangerous,
      arguments: Array.isArray(args)
        ? args.flatMap((a: unknown) => {
            const arg = a as { name?: unknown; label?: unknown };
            return typeof arg.name === "string"
              ? [{ name: arg.name, label: typeof arg.label === "string" ? arg.label : arg.name }]
              : [];
          })
        : [],
    };
  });
}

/** Webhooks a trigger of this editor may send to (the ones it may manage). */
export async function listTriggerWebhookChoices(ctx: DataContext): Promise<{ id: string; name: string }[]> {
  await requirePermission(ctx, "automation.manage", "automation.trigger.list");
  const rows = await ctx.db.webhook.findMany({
    select: { id: true, name: true, allServers: true, servers: { select: { serverId: true } } },
    orderBy: { name: "asc" },
  });
  return rows
    .filter(
      (w) =>
        (w.allServers || w.servers.length > 0) &&
        mayManage(ctx.actor, { allServers: w.allServers, serverIds: w.servers.map((s) => s.serverId) }),
    )
    .map((w) => ({ id: w.id, name: w.name }));
}
