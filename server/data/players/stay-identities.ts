/**
 * What one stay says about the person: its certain identities (one person each), its address and
 * its name key. Pure; linking.ts decides what they point at.
 */
import { addressOfEndpoint, formatAddress, identifiersOfPlayer } from "../../../lib/bans/identifiers.ts";
import { nameSearchKey } from "../../../lib/players/search-key.ts";
import { CERTAIN_IDENTITY_KINDS } from "./types.ts";

/** The order that decides between two players a stay's certain identities point at. */
export const CERTAIN_ORDER: readonly string[] = ["steam", "battleye", "eos", "mc_uuid", "cod_guid"];

export interface StayGame {
  /** The dialect id ("cs2", "arma3", "openarena"...). */
  id: string;
  /** The protocol family ("source", "battleye", "quake3", "webrcon"). */
  family: string;
  /**
   * Whether the game's player list shows account ids (a SteamID or GUID, maybe a moment after the
   * join). Games whose lists do not (CS2, Minecraft, Factorio, plain Quake 3 and OpenArena) are
   * matched on address and name instead. The hub reads it from the dialect
   * (capabilities.listsAccounts); absent counts as true (the careful choice: a new player rather
   * than a guess).
   */
  accounts?: boolean;
}

export interface StayFields {
  name: string;
  plainName: string;
  guid: string | null;
  steamId: string | null;
  address: string | null;
}

/** A stored stay to link, with what it showed. */
export interface StayToLink extends StayFields {
  stayId: string;
  serverId: string;
  game: StayGame;
  joinedAt: Date;
  /** Stays already closed (the backfill): last seen is when they left, and they count in the totals. */
  leftAt?: Date | null;
  /** The live list's word; stored stays of bots are recognised by their address "bot". */
  isBot?: boolean;
}

export interface StayIdentity {
  kind: string;
  value: string;
  /** Names only: the name as shown, colour codes kept. */
  display: string | null;
}

export interface StayIdentities {
  certain: StayIdentity[];
  ip: StayIdentity | null;
  name: StayIdentity | null;
  /** Every identity to store on the player. */
  all: StayIdentity[];
}

/** Bots are not people: the live list says so; stored stays of bots carry the address "bot". */
export function isBotStay(stay: { address: string | null; isBot?: boolean }): boolean {
  return stay.isBot === true || stay.address?.trim().toLowerCase() === "bot";
}

export function identitiesOfStay(stay: StayFields, game: StayGame): StayIdentities {
  const parsed = identifiersOfPlayer(
    { guid: stay.guid, steamId: stay.steamId, address: stay.address, name: null },
    game,
  );
  const certain = parsed
    .filter((i) => CERTAIN_IDENTITY_KINDS.includes(i.kind))
    .sort((a, b) => CERTAIN_ORDER.indexOf(a.kind) - CERTAIN_ORDER.indexOf(b.kind))
    .map((i) => ({ kind: i.kind, value: i.value, display: null }));
  const address = addressOfEndpoint(stay.address);
  const ip = address ? { kind: "ip", value: formatAddress(address), display: null } : null;
  const key = nameSearchKey(stay.plainName);
  const name = key === "" ? null : { kind: "name", value: key, display: stay.name.slice(0, 256) };
  return { certain, ip, name, all: [...certain, ...(ip ? [ip] : []), ...(name ? [name] : [])] };
}

export function identityKey(identity: { kind: string; value: string }): string {
  return `${identity.kind}\u0000${identity.value}`;
}
