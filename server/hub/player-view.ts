/**
 * What the hub hands out for a parsed player: every field, identities included. Redaction for
 * Viewers happens after this (server/realtime/redact.ts), so tests of it start from this view.
 */
import type { PlayerRecordBadge, PlayerView } from "../../lib/realtime/contract.ts";
import type { Player } from "../rcon/types.ts";

/** `record`: the player record badge once the stay is linked (not an identity: kept for every role). */
export function toPlayerView(
  player: Player,
  connectedSince: string | null,
  record: PlayerRecordBadge | null = null,
): PlayerView {
  return {
    id: player.id,
    name: player.name,
    plainName: player.plainName,
    ping: player.ping,
    score: player.score,
    guid: player.guid,
    steamId: player.steamId,
    address: player.address,
    isBot: player.isBot,
    state: player.state,
    connectedSince,
    record,
  };
}
