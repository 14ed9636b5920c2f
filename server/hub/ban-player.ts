/**
 * Banning a player who is online (the player table's Ban action): the central ban is created from
 * the identities the hub sees for that player, then every server re-checks its players, so the
 * player is kicked here (and wherever else the ban applies) through the same enforcement path.
 * The ban is linked to the player's record (`Ban.playerId`) when the stay is linked to one.
 */
import { AppError } from "../../lib/errors.ts";
import { identifiersOfPlayer } from "../../lib/bans/identifiers.ts";
import type { BanScopeInput } from "../../lib/schemas/bans.ts";
import { createBan, type BanDto } from "../data/bans.ts";
import { requirePermission, type DataContext } from "../data/context.ts";
import type { HubPort } from "./port.ts";

export interface BanPlayerInput {
  reason: string;
  duration: string;
  note?: string;
  /** Default: this server only. */
  target?: BanScopeInput;
}

export async function banOnlinePlayer(
  ctx: DataContext,
  hub: Pick<HubPort, "players" | "dialectOf" | "recordOf" | "recheckBans">,
  serverId: string,
  playerId: string,
  input: BanPlayerInput,
  // eslint-disable-next-line no-restricted-syntax -- called from a socket handler (wall time); tests pass their own
  now = new Date(),
): Promise<BanDto> {
  await requirePermission(ctx, "players.ban", "ban.create", serverId);
  const player = hub.players(serverId).find((p) => p.id === playerId);
  const dialect = hub.dialectOf(serverId);
  if (!player || !dialect) throw new AppError("NOT_FOUND", "That player is no longer on the server.");
  const identifiers = identifiersOfPlayer(
    { guid: player.guid, steamId: player.steamId, address: player.address, name: player.plainName },
    dialect,
  );
  if (identifiers.length === 0) throw new AppError("INVALID_INPUT", "This player shows no identity to ban.");
  const record = await hub.recordOf(serverId, playerId);
  const ban = await createBan(
    ctx,
    {
      identifiers,
      playerNames: [player.plainName],
      reason: input.reason,
      note: input.note,
      duration: input.duration,
      target: input.target ?? { scope: "servers", serverIds: [serverId] },
    },
    now,
    { playerId: record },
  );
  // Where the ban applies: this server by default, else every server (a list or "all" reaches further).
  hub.recheckBans(ban.scope === "servers" ? ban.serverIds : undefined);
  return ban;
}
