/** What a user without players.identities receives instead of GUIDs, SteamIDs and IPs. */
import { redactIdentities } from "../../lib/console/redact.ts";
import type { ConsoleLineMessage, PlayerView } from "../../lib/realtime/contract.ts";

export function withoutIdentities(players: readonly PlayerView[]): PlayerView[] {
  return players.map((p) => ({ ...p, guid: null, steamId: null, address: null }));
}

export function redactLine(line: ConsoleLineMessage): ConsoleLineMessage {
  const text = redactIdentities(line.text);
  return text === line.text ? line : { ...line, text };
}
