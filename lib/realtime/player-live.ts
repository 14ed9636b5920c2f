/**
 * Applies a `players:live` message (new pings and scores, by id) to the list a page holds. The list
 * itself only changes through `players:update` and `players:delta`; an id the list does not hold is
 * ignored, since the message was sent for a list that has since changed and a newer one is on its way.
 */
import type { PlayerLiveFields, PlayerView } from "./contract.ts";

export function withLiveFields(players: PlayerView[], live: readonly PlayerLiveFields[]): PlayerView[] {
  const byId = new Map(live.map((fields) => [fields.id, fields]));
  let changed = false;
  const next = players.map((player) => {
    const fields = byId.get(player.id);
    if (!fields || (fields.ping === player.ping && fields.score === player.score)) return player;
    changed = true;
    return { ...player, ping: fields.ping, score: fields.score };
  });
  // The same array when nothing moved: the table does not re-render.
  return changed ? next : players;
}
