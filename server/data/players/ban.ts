/**
 * Banning from a player's profile, also while the player is offline: a central ban (createBan:
 * scope, Moderator maximum, audit) from the record's certain identities, and its last address
 * when chosen, linked to the record (`Ban.playerId`).
 */
import { AppError } from "../../../lib/errors.ts";
import type { IdentifierKind } from "../../../lib/bans/identifiers.ts";
import type { BanScopeInput } from "../../../lib/schemas/bans.ts";
import { createBan, type BanDto } from "../bans.ts";
import type { DataContext } from "../context.ts";
import { playerForAction, requireAnywhere } from "./access.ts";
import { CERTAIN_IDENTITY_KINDS } from "./types.ts";

export interface BanPlayerRecordInput {
  playerId: string;
  reason: string;
  duration: string;
  note?: string | undefined;
  target: BanScopeInput;
  /** Also ban the address the player was last seen with (shared addresses catch others too). */
  includeAddress?: boolean;
}

export async function banPlayerRecord(
  ctx: DataContext,
  input: BanPlayerRecordInput,
  now = new Date(),
): Promise<BanDto> {
  await requireAnywhere(ctx, "players.ban", "ban.create", input.playerId);
  await playerForAction(ctx, input.playerId, "players.ban", "ban.create");
  const identities = await ctx.db.playerIdentity.findMany({
    where: {
      playerId: input.playerId,
      kind: { in: [...CERTAIN_IDENTITY_KINDS, ...(input.includeAddress ? ["ip"] : [])] },
    },
    orderBy: { lastSeenAt: "desc" },
    select: { kind: true, value: true },
  });
  const certain = identities.filter((i) => i.kind !== "ip");
  const address = identities.find((i) => i.kind === "ip");
  const identifiers = [...certain, ...(address ? [address] : [])].slice(0, 20);
  if (identifiers.length === 0)
    throw new AppError(
      "INVALID_INPUT",
      "This player has no certain identity to ban (no SteamID, GUID or UUID was seen).",
      {
        includeAddress: input.includeAddress ? undefined : ["Ban the last address instead"],
      },
    );
  const lastStay = await ctx.db.playerSession.findFirst({
    where: { playerId: input.playerId },
    orderBy: { joinedAt: "desc" },
    select: { plainName: true },
  });
  const name = lastStay?.plainName || null;
  return createBan(
    ctx,
    {
      identifiers: identifiers.map((i) => ({ kind: i.kind as IdentifierKind, value: i.value })),
      playerNames: name ? [name.slice(0, 64)] : [],
      reason: input.reason,
      note: input.note,
      duration: input.duration,
      target: input.target,
    },
    now,
    { playerId: input.playerId },
  );
}
