/**
 * The watch list: a flagged player's joins raise a notice for everyone watching that server (the
 * hub reads `Player.watchReason`). The reason is a moderation decision like a kick reason, so it is
 * kept in the audit row (at most 200 characters by the schema).
 */
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import { watchReasonSchema } from "../../../lib/schemas/players.ts";
import { recordAudit } from "../audit.ts";
import type { DataContext } from "../context.ts";
import { authorOf, playerForAction, requireAnywhere } from "./access.ts";

export interface PlayerWatchDto {
  playerId: string;
  watch: { reason: string; since: string; byName: string | null } | null;
}

/** Flags the player with `reason`, or removes the flag (null). */
export async function setPlayerWatch(
  ctx: DataContext,
  playerId: string,
  reason: string | null,
  now = new Date(),
): Promise<PlayerWatchDto> {
  const action = reason === null ? "player.unwatch" : "player.watch";
  await requireAnywhere(ctx, "players.watch", action, playerId);
  let text: string | null = null;
  if (reason !== null) {
    const parsed = watchReasonSchema.safeParse(reason);
    if (!parsed.success)
      throw new AppError("INVALID_INPUT", "Check the highlighted fields.", {
        reason: z.flattenError(parsed.error).formErrors,
      });
    text = parsed.data;
  }
  await playerForAction(ctx, playerId, "players.watch", action);
  const by = authorOf(ctx);
  const before = await ctx.db.player.findUniqueOrThrow({
    where: { id: playerId },
    select: { watchReason: true },
  });
  const row = await ctx.db.player.update({
    where: { id: playerId },
    data:
      text === null
        ? { watchReason: null, watchedAt: null, watchedById: null, watchedByName: null }
        : { watchReason: text, watchedAt: now, watchedById: by.id, watchedByName: by.name },
    select: { watchReason: true, watchedAt: true, watchedByName: true },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "player",
    targetId: playerId,
    input:
      text === null
        ? { previousReason: before.watchReason }
        : { reason: text, previousReason: before.watchReason },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return {
    playerId,
    watch:
      row.watchReason !== null && row.watchedAt !== null
        ? { reason: row.watchReason, since: row.watchedAt.toISOString(), byName: row.watchedByName }
        : null,
  };
}
