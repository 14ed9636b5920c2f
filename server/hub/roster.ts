/**
 * The roster: what one polled player list means against the players the hub tracks for a server.
 * PURE (no IO, no clock: `now` comes in): joins, leaves and renames (player-diff.ts), identities
 * learned later, the console lines to announce, and the new list.
 *
 * In-place trick: a player who stays keeps the SAME Player object (updated in place) and an
 * unchanged list keeps the SAME array. At 500 servers polled every 2 s, replacing them would
 * promote thousands of short-lived objects a second to the old generation (measured: hundreds of
 * MB of RSS in `npm run bench -- hub`). Only a real change reports `changed`.
 */
import { diffPlayers } from "../rcon/player-diff.ts";
import type { Player } from "../rcon/types.ts";

/** The least a tracked entry holds; the hub's entries carry more (stay, record). */
export interface Tracked {
  player: Player;
}

export interface RosterInput<T extends Tracked> {
  /** The tracked players by game id (not modified: the hub applies the result). */
  tracked: ReadonlyMap<string, T>;
  /** The list shown now (the array kept when nothing changes). */
  list: readonly Player[];
  polled: readonly Player[];
  /** Clock time of the poll (joins are dated from it and the game's connected seconds). */
  now: number;
  /** Announce joins and leaves as console lines (not on the first poll, nor when the game pushes them). */
  announceJoinsLeaves: boolean;
  /** Announce renames (not on the first poll after connecting). */
  announceRenames: boolean;
}

export interface RosterLine {
  kind: "join" | "leave" | "system";
  text: string;
  /** Joins and leaves: whose (a log stream may have announced it already; live.ts). */
  playerId?: string;
}

export interface RosterResult<T extends Tracked> {
  /** Tracked entries whose stay ends now (remove them, close their stays). */
  left: T[];
  /** New players, in list order, with when they joined: track them, open their stays. */
  joined: { player: Player; since: number }[];
  /** Tracked players whose name or identities changed (store them on the stay). */
  learned: T[];
  /** Console lines to append, in order. */
  lines: RosterLine[];
  /** The list to show: the same array as `list` when nothing shown changed. */
  list: readonly Player[];
  /** Players came, went, moved or changed something shown other than ping and score. */
  changed: boolean;
  /** Only pings or scores moved (in place, in the same array). */
  liveChanged: boolean;
}

/** What a browser sees of a player: a change to any of these is a new list for the watchers at once. */
const SHOWN_FIELDS = [
  "name",
  "plainName",
  "address",
  "guid",
  "steamId",
  "isBot",
  "state",
] as const satisfies readonly (keyof Player)[];
/** Shown too, but moving at nearly every poll: sent on a slower beat (player-list-throttle.ts). */
const LIVE_FIELDS = ["ping", "score"] as const satisfies readonly (keyof Player)[];

/** What updatePlayerInPlace changed: nothing, only ping or score, or something else shown. */
export type PlayerChange = "none" | "live" | "shown";

/**
 * A copy of `text` that does not point into the string it was cut from. A parser's fields are V8
 * slices of the whole answer, and a slice keeps its parent alive: one kept name would hold the
 * entire player-list answer of the poll that saw it (measured: tens of KB per server).
 */
export function ownString<T extends string | null>(text: T): T {
  return (text === null ? text : (" " + text).slice(1)) as T;
}

/** The player with every string field its own (see ownString); in place, for a player the hub keeps. */
export function ownStrings(player: Player): Player {
  player.id = ownString(player.id);
  player.name = ownString(player.name);
  player.plainName = ownString(player.plainName);
  player.address = ownString(player.address);
  player.guid = ownString(player.guid);
  player.steamId = ownString(player.steamId);
  player.state = ownString(player.state);
  return player;
}

function copyField<K extends keyof Player>(kept: Player, seen: Player, key: K): void {
  const value = seen[key];
  kept[key] = typeof value === "string" ? ownString(value) : value;
}

/** Copies what a new sighting says into the kept Player; says what of it changed. */
export function updatePlayerInPlace(kept: Player, seen: Player): PlayerChange {
  let change: PlayerChange = "none";
  // No closure per call: this runs for every player of every poll (32,000 a second at 1,000 servers).
  for (const key of LIVE_FIELDS) {
    if (kept[key] === seen[key]) continue;
    kept[key] = seen[key];
    change = "live";
  }
  for (const key of SHOWN_FIELDS) {
    if (kept[key] === seen[key]) continue;
    copyField(kept, seen, key);
    change = "shown";
  }
  return change;
}

export function applyRoster<T extends Tracked>(input: RosterInput<T>): RosterResult<T> {
  const { tracked, polled, now } = input;
  const diff = diffPlayers(input.list, polled);
  const result: RosterResult<T> = {
    left: [],
    joined: [],
    learned: [],
    lines: [],
    list: input.list,
    changed: false,
    liveChanged: false,
  };
  const gone = new Set<string>();
  for (const player of diff.left) {
    const entry = tracked.get(player.id);
    if (entry && entry.player === player) {
      gone.add(player.id);
      result.left.push(entry);
    }
    if (input.announceJoinsLeaves)
      result.lines.push({ kind: "leave", text: `${player.name} left`, playerId: player.id });
  }
  if (input.announceRenames) {
    for (const { player, previousName } of diff.renamed)
      result.lines.push({ kind: "system", text: `${previousName} is now known as ${player.name}` });
  }
  const joined = new Set(diff.joined);
  let changed = polled.length !== input.list.length;
  const list: Player[] = [];
  for (const player of polled) {
    const entry = gone.has(player.id) ? undefined : tracked.get(player.id);
    if (!entry) {
      ownStrings(player); // kept for the whole stay
      const since = player.connectedSeconds !== null ? now - player.connectedSeconds * 1000 : now;
      result.joined.push({ player, since });
      if (input.announceJoinsLeaves && joined.has(player))
        result.lines.push({ kind: "join", text: `${player.name} joined`, playerId: player.id });
      list.push(player);
      changed = true;
      continue;
    }
    const kept = entry.player;
    const learned =
      kept.name !== player.name ||
      (!kept.guid && player.guid) ||
      (!kept.steamId && player.steamId) ||
      (!kept.address && player.address);
    const change = updatePlayerInPlace(kept, player);
    if (change === "shown") changed = true;
    else if (change === "live") result.liveChanged = true;
    if (learned) result.learned.push(entry);
    if (input.list[list.length] !== kept) changed = true;
    list.push(kept);
  }
  if (changed) result.list = list;
  result.changed = changed;
  if (changed) result.liveChanged = false;
  return result;
}
