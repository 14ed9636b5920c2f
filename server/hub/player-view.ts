/**
 * What the hub hands out for a parsed player: every field, identities included. Redaction for
 * Viewers happens after this (server/realtime/redact.ts), so tests of it start from this view.
 */
import type { PlayerView } from "../../lib/realtime/contract.ts";
import type { Player } from "../rcon/types.ts";

export function toPlayerView(player: Player, connectedSince: string | null): PlayerView {
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
  };
}
