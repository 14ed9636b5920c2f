/**
 * Sorting, searching and formatting for the live player table. Pure and isomorphic.
 */
import type { PlayerView } from "../realtime/contract.ts";
import { isPlayerHandle } from "./handle.ts";

export type PlayerSortKey = "id" | "name" | "ping" | "score" | "time";
export interface PlayerSort {
  key: PlayerSortKey;
  direction: "asc" | "desc";
}

function numericId(id: string): number {
  const n = Number(id);
  return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
}

/** Missing values (null ping, unknown time) always sort last, whichever the direction. */
function compareNullable(a: number | null, b: number | null, sign: number): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (a - b) * sign;
}

export function sortPlayers(players: readonly PlayerView[], sort: PlayerSort, now: number): PlayerView[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  const since = (p: PlayerView) => (p.connectedSince ? now - Date.parse(p.connectedSince) : null);
  const compare = (a: PlayerView, b: PlayerView): number => {
    switch (sort.key) {
      case "id": {
        // Handles say nothing about order: players without a shown id sort by name.
        if (isPlayerHandle(a.id) && isPlayerHandle(b.id))
          return a.plainName.localeCompare(b.plainName, undefined, { sensitivity: "base" }) * sign;
        const byNumber = compareNullable(numericId(a.id), numericId(b.id), sign);
        return byNumber !== 0 ? byNumber : a.id.localeCompare(b.id) * sign;
      }
      case "name":
        return a.plainName.localeCompare(b.plainName, undefined, { sensitivity: "base" }) * sign;
      case "ping":
        return compareNullable(a.ping, b.ping, sign);
      case "score":
        return compareNullable(a.score, b.score, sign);
      case "time":
        return compareNullable(since(a), since(b), sign);
    }
  };
  // Ties fall back to the player id so rows do not jump around between updates.
  return [...players].sort((a, b) => compare(a, b) || a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** False when every id is an opaque handle (a list without identities for a game whose ids are SteamIDs). */
export function hasShownIds(players: readonly PlayerView[]): boolean {
  return players.some((p) => !isPlayerHandle(p.id));
}

/** Matches the plain name, the id and (when the viewer may see them) the identities. */
export function searchPlayers(players: readonly PlayerView[], query: string): PlayerView[] {
  const needle = query.trim().toLowerCase();
  if (needle === "") return [...players];
  return players.filter((p) =>
    [p.plainName, isPlayerHandle(p.id) ? null : p.id, p.guid, p.steamId, p.address].some(
      (v) => v !== null && v.toLowerCase().includes(needle),
    ),
  );
}

/** "42s", "5m 03s", "2h 07m": compact time on server. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
