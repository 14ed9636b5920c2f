/**
 * What the player-record data layer hands to pages, route handlers and components (`import type`
 * only from components). Identifiers are absent, not blank, for actors without
 * `players.identities`; suggestion reasons then name the kind of link, never the value.
 */

/** "steam" | "battleye" | "eos" | "mc_uuid" | "cod_guid" | "ip" | "mc_name" | "name" (lib/bans/identifiers.ts kinds). */
export type PlayerIdentityKind = string;

/** A certain identity names one person; the others only suggest the same person. */
export const CERTAIN_IDENTITY_KINDS: readonly string[] = ["steam", "battleye", "eos", "mc_uuid", "cod_guid"];

export interface PlayerSearchResult {
  playerId: string;
  /** The name last seen, colour codes kept. */
  name: string;
  /** Another name of the player that matched the query, when it was not the last one. */
  matchedName: string | null;
  /** "name" or the identifier kind the query matched (kind only shown to identity readers). */
  matchedBy: "name" | "identifier";
  firstSeenAt: string;
  lastSeenAt: string;
  lastServerName: string | null;
  online: boolean;
  watch: string | null;
  notes: number;
}

export interface PlayerSearchPage {
  results: PlayerSearchResult[];
  /** Opaque keyset cursor for the next page, or null. */
  next: string | null;
}

export interface OnlinePlayerRow {
  playerId: string | null;
  serverId: string;
  serverName: string;
  name: string;
  connectedSince: string | null;
  watch: string | null;
  notes: number;
}

export interface PlayerNameView {
  /** As last seen, colour codes kept. */
  display: string;
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
}

export interface PlayerIdentityView {
  kind: PlayerIdentityKind;
  /** Normalised value (SteamID64, canonical address, lower-case GUID...). */
  value: string;
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
  servers: { serverId: string; serverName: string; firstSeenAt: string; lastSeenAt: string }[];
}

export interface PlayerStayView {
  id: string;
  name: string;
  joinedAt: string;
  leftAt: string | null;
}

export interface PlayerServerView {
  serverId: string;
  serverName: string;
  firstSeenAt: string;
  lastSeenAt: string;
  staysCount: number;
  secondsPlayed: number;
  /** Newest first, within CONSOLE_RETENTION_DAYS, at most 50 (STAYS_PER_SERVER in profile.ts). */
  stays: PlayerStayView[];
  /** More stays are stored than `stays` lists (say "newest 50 shown"). */
  staysTruncated: boolean;
}

export interface PlayerOnlineView {
  serverId: string;
  serverName: string;
  /** What players:kick/message/warn take: the game id, or an opaque handle (lib/players/handle.ts). */
  playerRef: string;
}

export interface PlayerSanctionView {
  id: string;
  kind: "warning" | "kick";
  serverId: string | null;
  serverName: string | null;
  reason: string;
  delivery: "whisper" | "say" | null;
  authorName: string | null;
  createdAt: string;
}

export interface PlayerBanView {
  banId: string;
  reason: string;
  state: "active" | "expired" | "revoked";
  createdAt: string;
  expiresAt: string | null;
  /** The ban table, filtered to this ban. */
  href: string;
}

export interface PlayerNoteView {
  id: string;
  text: string;
  authorName: string | null;
  createdAt: string;
  editedAt: string | null;
  /** Earlier texts, newest first. */
  revisions: { text: string; editorName: string | null; replacedAt: string }[];
  canEdit: boolean;
  canDelete: boolean;
}

export interface PlayerSuggestionView {
  playerId: string;
  name: string;
  lastSeenAt: string;
  /** "Shares the IP address 203.0.113.7" for identity readers, "Shares an IP address" otherwise. */
  reason: string;
}

export interface PlayerProfile {
  playerId: string;
  name: string;
  firstSeenAt: string;
  lastSeenAt: string;
  erased: boolean;
  totals: { staysCount: number; secondsPlayed: number };
  names: PlayerNameView[];
  /** null when the actor may not see identifiers. */
  identities: PlayerIdentityView[] | null;
  /** Only the servers the actor may see. */
  servers: PlayerServerView[];
  online: PlayerOnlineView[];
  sanctions: PlayerSanctionView[];
  bans: PlayerBanView[];
  notes: PlayerNoteView[];
  watch: { reason: string; since: string; byName: string | null } | null;
  suggestions: PlayerSuggestionView[];
  /** Players merged into this one (each can be split off again). */
  merged: { playerId: string; name: string; mergedAt: string }[];
  /** What the actor may do here (the server checks again on every action). */
  can: {
    note: boolean;
    warn: boolean;
    kick: boolean;
    message: boolean;
    ban: boolean;
    watch: boolean;
    merge: boolean;
    erase: boolean;
    identities: boolean;
  };
}
