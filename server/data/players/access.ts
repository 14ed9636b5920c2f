/**
 * Who may act on a player record. A record belongs to no one server: a permission holds on it when
 * the actor holds it on a server where the player was seen (`PlayerServer` rows, lib/permissions.ts
 * `canOnPlayer`). Every refusal is audited, like `requirePermission`.
 */
import { AppError } from "../../../lib/errors.ts";
import { can, canOnPlayer, type Permission } from "../../../lib/permissions.ts";
import { recordAudit } from "../audit.ts";
import type { DataContext } from "../context.ts";

export interface PlayerTarget {
  id: string;
  mergedIntoId: string | null;
  erasedAt: Date | null;
  /** Servers the player was seen on. */
  serverIds: string[];
}

/** Records a refusal on a player and throws FORBIDDEN. */
export async function denyOnPlayer(
  ctx: DataContext,
  action: string,
  targetId: string | null,
  detail: string,
  message = "You do not have permission to do that.",
): Promise<never> {
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "player",
    targetId,
    outcome: "denied",
    detail,
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", message);
}

/** Refuses (audited) an actor without `permission` anywhere, before anything is read. */
export async function requireAnywhere(
  ctx: DataContext,
  permission: Permission,
  action: string,
  targetId: string | null,
): Promise<void> {
  if (!can(ctx.actor, permission))
    await denyOnPlayer(ctx, action, targetId, `missing permission ${permission}`);
}

export async function loadPlayerTarget(ctx: DataContext, playerId: string): Promise<PlayerTarget | null> {
  const row = await ctx.db.player.findUnique({
    where: { id: playerId },
    select: { id: true, mergedIntoId: true, erasedAt: true, servers: { select: { serverId: true } } },
  });
  return (
    row && {
      id: row.id,
      mergedIntoId: row.mergedIntoId,
      erasedAt: row.erasedAt,
      serverIds: row.servers.map((s) => s.serverId),
    }
  );
}

/**
 * The player `playerId` if `actor` holds `permission` on it; refusals audited. A merged record is
 * refused (its rows live on the record it was merged into), and so is an erased one unless allowed.
 */
export async function playerForAction(
  ctx: DataContext,
  playerId: string,
  permission: Permission,
  action: string,
  options: { allowErased?: boolean } = {},
): Promise<PlayerTarget> {
  await requireAnywhere(ctx, permission, action, playerId);
  const player = await loadPlayerTarget(ctx, playerId);
  if (!player) throw new AppError("NOT_FOUND", "That player does not exist.");
  if (!canOnPlayer(ctx.actor, permission, player.serverIds))
    await denyOnPlayer(ctx, action, playerId, `missing permission ${permission} on the player's servers`);
  if (player.mergedIntoId !== null)
    throw new AppError("CONFLICT", "That player was merged into another record: act on that one.");
  if (player.erasedAt !== null && !options.allowErased)
    throw new AppError("CONFLICT", "That player was erased.");
  return player;
}

/** The author snapshot stored with notes, revisions and sanctions. */
export function authorOf(ctx: DataContext) {
  return { id: ctx.actor.id, email: ctx.actor.email, name: ctx.actor.name };
}
