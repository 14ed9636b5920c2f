/**
 * Ban lists: a named set of bans applied to a set of servers. Adding a server applies every ban
 * of the list there at once (enforcement reads the list's servers at each join); removing it lifts
 * them there. A list's servers can change later, so lists are managed only by Admins of every
 * server (bans.manage, unlimited). A list that still holds bans cannot be deleted (bans are never
 * deleted by an ordinary action).
 */
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { inLimit, limitedServerIds } from "../../lib/permissions.ts";
import { banListSchema } from "../../lib/schemas/bans.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { countExistingServers } from "./servers.ts";

export interface BanListDto {
  id: string;
  name: string;
  description: string;
  /** For limited users, only their own servers among the list's. */
  serverIds: string[];
  banCount: number;
}

async function requireListManager(ctx: DataContext, action: string, targetId: string | null): Promise<void> {
  await requirePermission(ctx, "bans.manage", action);
  if (limitedServerIds(ctx.actor) === null) return;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "ban_list",
    targetId,
    outcome: "denied",
    detail: "limited to some servers",
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", "Only an Admin of every server may manage ban lists.");
}

function parseList(raw: unknown) {
  const parsed = banListSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(parsed.error).fieldErrors,
    );
  return parsed.data;
}

async function nameTaken(ctx: DataContext, name: string, except: string | null): Promise<boolean> {
  const row = await ctx.db.banList.findUnique({ where: { name } });
  return row !== null && row.id !== except;
}

export async function listBanLists(ctx: DataContext): Promise<BanListDto[]> {
  await requirePermission(ctx, "players.view", "ban_list.list");
  const limit = limitedServerIds(ctx.actor);
  const rows = await ctx.db.banList.findMany({
    include: { servers: { select: { serverId: true } }, _count: { select: { bans: true } } },
    orderBy: { name: "asc" },
  });
  return rows
    .map((row) => ({
      row,
      serverIds: row.servers.map((s) => s.serverId).filter((id) => limit === null || inLimit(limit, id)),
    }))
    .filter(({ serverIds }) => limit === null || serverIds.length > 0)
    .map(({ row, serverIds }) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      serverIds,
      banCount: row._count.bans,
    }));
}

export async function createBanList(
  ctx: DataContext,
  raw: { name: string; description?: string },
): Promise<BanListDto> {
  await requireListManager(ctx, "ban_list.create", null);
  const input = parseList(raw);
  if (await nameTaken(ctx, input.name, null))
    throw new AppError("CONFLICT", "A ban list with that name exists.", { name: ["That name is taken"] });
  const row = await ctx.db.banList.create({ data: input });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban_list.create",
    targetType: "ban_list",
    targetId: row.id,
    input,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { id: row.id, name: row.name, description: row.description, serverIds: [], banCount: 0 };
}

export async function updateBanList(
  ctx: DataContext,
  id: string,
  raw: { name: string; description?: string },
): Promise<void> {
  await requireListManager(ctx, "ban_list.update", id);
  const input = parseList(raw);
  if (!(await ctx.db.banList.findUnique({ where: { id } })))
    throw new AppError("NOT_FOUND", "That ban list does not exist.");
  if (await nameTaken(ctx, input.name, id))
    throw new AppError("CONFLICT", "A ban list with that name exists.", { name: ["That name is taken"] });
  await ctx.db.banList.update({ where: { id }, data: input });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban_list.update",
    targetType: "ban_list",
    targetId: id,
    input,
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

export async function deleteBanList(ctx: DataContext, id: string): Promise<void> {
  await requireListManager(ctx, "ban_list.delete", id);
  const row = await ctx.db.banList.findUnique({
    where: { id },
    include: { _count: { select: { bans: true } } },
  });
  if (!row) throw new AppError("NOT_FOUND", "That ban list does not exist.");
  if (row._count.bans > 0)
    throw new AppError(
      "CONFLICT",
      `That list still holds ${row._count.bans} ban(s): revoke or move them first.`,
    );
  await ctx.db.banList.delete({ where: { id } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban_list.delete",
    targetType: "ban_list",
    targetId: id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** Sets the servers a list applies to; the audit names the servers added and removed. */
export async function setBanListServers(
  ctx: DataContext,
  id: string,
  serverIds: readonly string[],
): Promise<{ added: string[]; removed: string[] }> {
  await requireListManager(ctx, "ban_list.servers", id);
  const wanted = [...new Set(serverIds)];
  if (!(await ctx.db.banList.findUnique({ where: { id } })))
    throw new AppError("NOT_FOUND", "That ban list does not exist.");
  if ((await countExistingServers(ctx.db, wanted)) !== wanted.length)
    throw new AppError("NOT_FOUND", "One of those servers does not exist.");
  const current = (await ctx.db.banListServer.findMany({ where: { banListId: id } })).map((r) => r.serverId);
  const added = wanted.filter((s) => !current.includes(s));
  const removed = current.filter((s) => !wanted.includes(s));
  await ctx.db.$transaction([
    ctx.db.banListServer.deleteMany({ where: { banListId: id, serverId: { in: removed } } }),
    ctx.db.banListServer.createMany({ data: added.map((serverId) => ({ banListId: id, serverId })) }),
  ]);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban_list.servers",
    targetType: "ban_list",
    targetId: id,
    input: { added, removed },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { added, removed };
}
