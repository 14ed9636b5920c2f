/**
 * Opaque player handles: what lists for users without players.identities carry instead of a game
 * player id that is itself an identity (a SteamID64). The server makes and resolves them.
 */
export const PLAYER_HANDLE_PREFIX = "~";

export function isPlayerHandle(id: string): boolean {
  return /^~[0-9a-f]{16}$/.test(id);
}
