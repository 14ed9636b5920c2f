/**
 * What a user without players.identities receives: console lines with the identities hidden (the
 * dialect's own reading of the text first, then the regex safety net, lib/console/redact.ts) and
 * player lists without GUIDs, SteamIDs and addresses. Where the game's player id is itself an
 * identity (Rust, ARK, Palworld: SteamID64s), the list carries an opaque handle instead: an HMAC of
 * the server and player id under a key derived from AUTH_SECRET, so it is stable while the player
 * stays, reveals nothing, and resolves back against the current list, on whichever instance of a
 * cluster the browser reaches (they share AUTH_SECRET).
 */
import { createHmac, randomBytes } from "node:crypto";
import { redactIdentities, type FoundIdentity } from "../../lib/console/redact.ts";
import { maskSecretCommand, NO_SECRETS } from "../../lib/console/secrets.ts";
import { isPlayerHandle, PLAYER_HANDLE_PREFIX } from "../../lib/players/handle.ts";
import type { ConsoleLineMessage, PlayerView } from "../../lib/realtime/contract.ts";
import type { Dialect } from "../rcon/types.ts";

// Random until setPlayerHandleSecret (tests, the CLI). A key of each process's own made the handles of
// a cluster disagree: a list or ping sent by the instance holding a server carried other handles than
// the snapshot another instance gave, and an action by handle did not resolve there. Kept in
// globalThis: Next bundles a second copy of this module (server/runtime.ts) for the REST API, whose
// handles must be the sockets'.
const KEY_SLOT = Symbol.for("rcondeck.playerHandleKey");
type KeySlot = { [KEY_SLOT]?: Buffer };

function handleKey(): Buffer {
  return ((globalThis as KeySlot)[KEY_SLOT] ??= randomBytes(32));
}

/** The dashboard's handles from now on: derived from AUTH_SECRET (server/index.ts, at start). */
export function setPlayerHandleSecret(authSecret: string): void {
  (globalThis as KeySlot)[KEY_SLOT] = createHmac("sha256", authSecret)
    .update("rcondeck player handles")
    .digest();
}

export function playerHandle(serverId: string, playerId: string): string {
  return (
    PLAYER_HANDLE_PREFIX +
    createHmac("sha256", handleKey()).update(`${serverId}\u0000${playerId}`).digest("hex").slice(0, 16)
  );
}

/** The game's player id behind a handle (a game id passes through); null when nobody on the list has it. */
export function resolvePlayerId(
  serverId: string,
  id: string,
  players: readonly Pick<PlayerView, "id">[],
): string | null {
  if (!isPlayerHandle(id)) return id;
  return players.find((p) => playerHandle(serverId, p.id) === id)?.id ?? null;
}

/** An unknown dialect (server not connected yet) is treated as one whose ids are identities. */
export function withoutIdentities(
  serverId: string,
  players: readonly PlayerView[],
  dialect: Dialect | null,
): PlayerView[] {
  const opaque = dialect?.privacy.playerIdIsIdentity ?? true;
  return players.map((p) => ({
    ...p,
    id: opaque ? playerHandle(serverId, p.id) : p.id,
    guid: null,
    steamId: null,
    address: null,
  }));
}

/** The id an actor addresses an online player by: the game id, or the handle its list carries. */
export function playerRefFor(
  serverId: string,
  gameId: string,
  dialect: Dialect | null,
  withIdentities: boolean,
): string {
  const opaque = dialect?.privacy.playerIdIsIdentity ?? true;
  return withIdentities || !opaque ? gameId : playerHandle(serverId, gameId);
}

export function redactLine(line: ConsoleLineMessage, dialect: Dialect | null): ConsoleLineMessage {
  const privacy = dialect?.privacy;
  let found: FoundIdentity[] = [];
  try {
    found = privacy?.identitiesIn(line.text) ?? [];
  } catch {
    found = []; // the regex pass still runs
  }
  const text = redactIdentities(line.text, { found, keep: privacy?.notIdentities ?? [] });
  return text === line.text ? line : { ...line, text };
}

/** A console command as the audit log may keep it: secret values masked (the hub stores lines the same way). */
export function commandForRecord(command: string, dialect: Dialect | null): string {
  return maskSecretCommand(command, dialect?.privacy.secrets ?? NO_SECRETS).text;
}
