/**
 * Finds the names of the players on a server inside console lines, so the console can turn them
 * into buttons that open the player's profile. One combined regular expression for every name,
 * built once per set of names (not per line, not per player-list update: pings change every poll),
 * and a per-line cache, so scrolling a virtualised console re-renders rows without re-matching.
 * Pure and isomorphic.
 */

export interface NamedPlayer {
  /** The record id the name opens. */
  playerId: string;
  /** The names to find: the name as the game sends it (colour codes kept) and its plain form. */
  names: readonly string[];
}

export interface NameSegment {
  text: string;
  /** The player the segment names, or null for ordinary text. */
  playerId: string | null;
}

export interface NameMatcher {
  /** A stable identity for memoisation: equal keys mean equal matchers. */
  readonly key: string;
  /** The text cut into ordinary and name segments (one ordinary segment when nothing matches). */
  split(text: string): readonly NameSegment[];
}

// One- and two-character names ("a", "Jo") would light up half the console.
const MIN_NAME_LENGTH = 3;
// A name inside a longer word ("Bob" in "Bobby") is not that player.
const WORD = "[\\p{L}\\p{N}_]";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The key a matcher for these players would have: compare it before building a new one. */
export function nameMatcherKey(players: readonly NamedPlayer[]): string {
  const entries = new Set<string>();
  for (const player of players)
    for (const name of player.names)
      if (name.length >= MIN_NAME_LENGTH) entries.add(`${player.playerId}\u0000${name}`);
  return [...entries].sort().join("\u0001");
}

export function createNameMatcher(players: readonly NamedPlayer[]): NameMatcher | null {
  const owners = new Map<string, string | null>();
  for (const player of players) {
    for (const name of player.names) {
      if (name.length < MIN_NAME_LENGTH) continue;
      const owner = owners.get(name);
      // Two players with the same name: the name cannot say which one, so it opens neither.
      if (owner === undefined) owners.set(name, player.playerId);
      else if (owner !== player.playerId) owners.set(name, null);
    }
  }
  const names = [...owners.entries()]
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name]) => name);
  if (names.length === 0) return null;
  // Longest first: "Bob (2)" must win over "Bob" where both are on the server.
  names.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const pattern = new RegExp(`(?<!${WORD})(?:${names.map(escapeRegExp).join("|")})(?!${WORD})`, "gu");
  const cache = new Map<string, readonly NameSegment[]>();
  const key = nameMatcherKey(players);

  return {
    key,
    split(text) {
      const cached = cache.get(text);
      if (cached) return cached;
      const segments: NameSegment[] = [];
      let last = 0;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const playerId = owners.get(match[0]) ?? null;
        if (match.index > last) segments.push({ text: text.slice(last, match.index), playerId: null });
        segments.push({ text: match[0], playerId });
        last = match.index + match[0].length;
      }
      if (last < text.length || segments.length === 0)
        segments.push({ text: text.slice(last), playerId: null });
      // Bounded: a busy console has many distinct lines; the cache only spares re-renders of rows on screen.
      if (cache.size >= 5_000) cache.clear();
      cache.set(text, segments);
      return segments;
    },
  };
}
