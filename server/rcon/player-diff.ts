/**
 * Joins, leaves and renames derived from two successive player lists, for games that push nothing
 * (Quake 3 family, Source): the connection hub polls and diffs. Generic over the shared Player.
 *
 * Identity: the same `id` (slot, userid, player number) is the same player only while its identity
 * holds: the GUID / SteamID when both lists have one, else the address. Slots are reused, so a
 * player in a slot whose identity changed is "left + joined", not "renamed". A player with the same
 * identity whose name changed is "renamed". Bots (address "bot", no GUID) fall back to the name
 * when nothing better exists, so a bot slot refilled by another bot is left + joined.
 */
import type { Player } from "./types.ts";

export interface PlayerRename {
  player: Player;
  previousName: string;
}

export interface PlayerDiff {
  joined: Player[];
  left: Player[];
  renamed: PlayerRename[];
}

/** The strongest identity both sightings can be compared on; null when none applies. */
function sameIdentity(before: Player, after: Player): boolean {
  if (before.guid && after.guid) return before.guid === after.guid;
  if (before.steamId && after.steamId) return before.steamId === after.steamId;
  const networked = (p: Player) => p.address !== null && /[.:]/.test(p.address) && !p.isBot;
  if (networked(before) && networked(after)) return before.address === after.address;
  if (before.isBot !== after.isBot) return false;
  // No network identity (bots, loopback, hidden addresses): the plain name is all there is.
  return before.plainName === after.plainName;
}

export function diffPlayers(previous: readonly Player[], current: readonly Player[]): PlayerDiff {
  const before = new Map(previous.map((p) => [p.id, p]));
  const diff: PlayerDiff = { joined: [], left: [], renamed: [] };
  const stayed = new Set<string>();
  for (const player of current) {
    const old = before.get(player.id);
    if (!old) {
      diff.joined.push(player);
      continue;
    }
    if (!sameIdentity(old, player)) {
      diff.left.push(old);
      diff.joined.push(player);
      stayed.add(player.id);
      continue;
    }
    stayed.add(player.id);
    if (old.name !== player.name) diff.renamed.push({ player, previousName: old.name });
  }
  for (const old of previous) if (!stayed.has(old.id)) diff.left.push(old);
  return diff;
}

export function isEmptyDiff(diff: PlayerDiff): boolean {
  return diff.joined.length === 0 && diff.left.length === 0 && diff.renamed.length === 0;
}
