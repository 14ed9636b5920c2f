/**
 * Player lists as changes. A join, leave or new badge used to send the server's whole list (about
 * 17 KB for 64 players; at 1,000 servers 2.6 MB/s, most of what socket.io wrote). Now each list
 * after the first goes as a `players:delta`: every id in order, and the rows that are new or
 * changed. Pings and scores are not compared: they have their own beat (`players:live`).
 *
 * Each list carries a revision: a stream (one per RconDeck process) and a number that only grows.
 * A delta names the revision it was made from; a page that holds another one (a message lost, or a
 * delta that overtook the snapshot) fetches the list again (use-server-stream.ts).
 */
import type { PlayerLiveFields, PlayerRecordBadge, PlayerView } from "./contract.ts";
import { withLiveFields } from "./player-live.ts";

export interface PlayersRevision {
  /** Random per RconDeck process: a number from another process's count never matches. */
  stream: string;
  n: number;
}

export interface PlayerListDelta {
  serverId: string;
  /** The revision this delta was made from, and the one it makes. */
  stream: string;
  base: number;
  n: number;
  /** Every player of the new list, in order. */
  ids: string[];
  /** The players that are new, or whose shown fields changed (pings and scores aside). */
  rows: PlayerView[];
}

/** Every field but ping and score (the badge by value). */
export function sameShownFields(a: PlayerView, b: PlayerView): boolean {
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.plainName === b.plainName &&
    a.guid === b.guid &&
    a.steamId === b.steamId &&
    a.address === b.address &&
    a.isBot === b.isBot &&
    a.state === b.state &&
    a.connectedSince === b.connectedSince &&
    sameBadge(a.record ?? null, b.record ?? null)
  );
}

/** Two record badges by value (null: no record linked). */
export function sameBadge(a: PlayerRecordBadge | null, b: PlayerRecordBadge | null): boolean {
  if (a === null || b === null) return a === b;
  return a.playerId === b.playerId && a.notes === b.notes && a.warnings === b.warnings && a.watch === b.watch;
}

/** The ids of `next` and its rows that `previous` does not hold as they are. */
export function playerListChanges(
  previous: readonly PlayerView[],
  next: readonly PlayerView[],
): { ids: string[]; rows: PlayerView[] } {
  const held = new Map(previous.map((p) => [p.id, p]));
  const rows: PlayerView[] = [];
  for (const player of next) {
    const before = held.get(player.id);
    if (!before || !sameShownFields(before, player)) rows.push(player);
  }
  return { ids: next.map((p) => p.id), rows };
}

/**
 * A browser's copy of one server's list: whole lists and snapshots replace it, deltas and live
 * fields change it. `delta` answers false when it cannot apply one: the caller fetches the list again.
 */
export class PlayerListFollower {
  players: PlayerView[] = [];
  revision: PlayersRevision | null = null;

  whole(players: PlayerView[], revision: PlayersRevision | null): void {
    this.players = players;
    this.revision = revision;
  }

  delta(delta: PlayerListDelta): boolean {
    const held = this.revision;
    if (held === null || held.stream !== delta.stream || held.n !== delta.base) return false;
    const rows = new Map(delta.rows.map((p) => [p.id, p]));
    const before = new Map(this.players.map((p) => [p.id, p]));
    const next: PlayerView[] = [];
    for (const id of delta.ids) {
      const player = rows.get(id) ?? before.get(id);
      if (!player) return false; // not a delta of the list held
      next.push(player);
    }
    this.players = next;
    this.revision = { stream: delta.stream, n: delta.n };
    return true;
  }

  /** New pings and scores by id (the same array when nothing moved: the table does not re-render). */
  live(fields: readonly PlayerLiveFields[]): void {
    this.players = withLiveFields(this.players, fields);
  }
}
