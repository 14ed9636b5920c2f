/**
 * Building blocks for a dialect's `privacy.identitiesIn`: the identities its own parsers read in a
 * text (the columns that are SteamIDs, GUIDs, addresses, uids), so redaction hides exactly those.
 */
import type { FoundIdentity } from "../../../lib/console/redact.ts";
import type { BanEntry, GameEvent, Player } from "../types.ts";

export type IdentityReader = (text: string) => FoundIdentity[];

export function playerIdentities(players: readonly Player[]): FoundIdentity[] {
  const found: FoundIdentity[] = [];
  for (const p of players) {
    if (p.steamId) found.push({ kind: "steamid", value: p.steamId });
    if (p.guid) found.push({ kind: "guid", value: p.guid });
    if (p.address) found.push({ kind: "ip", value: p.address });
  }
  return found;
}

export function banIdentities(bans: readonly BanEntry[]): FoundIdentity[] {
  const found: FoundIdentity[] = [];
  for (const b of bans)
    if (b.kind !== "name") found.push({ kind: b.kind === "steamid" ? "steamid" : b.kind, value: b.value });
  return found;
}

export function eventIdentities(event: GameEvent | null): FoundIdentity[] {
  if (!event) return [];
  const found: FoundIdentity[] = [];
  if ("address" in event && event.address) found.push({ kind: "ip", value: event.address });
  if ("guid" in event && event.guid) found.push({ kind: "guid", value: event.guid });
  return found;
}

/** Runs every reader over the text; a reader that throws finds nothing (the regex pass still runs). */
export function readIdentities(...readers: IdentityReader[]): IdentityReader {
  return (text) =>
    readers.flatMap((read) => {
      try {
        return read(text);
      } catch {
        return [];
      }
    });
}
