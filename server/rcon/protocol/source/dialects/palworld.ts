/**
 * Palworld. Quirks: `ShowPlayers` is CSV (`name,playeruid,steamid`) and may contain NUL bytes
 * (stripped); non-ASCII names can make the server send a size header longer than the data, which
 * only the per-command timeout can catch (the connection then restarts the stream); `Broadcast`
 * keeps only the first word, so spaces are sent as underscores; the marker is not echoed.
 */
import type { CommandInfo, GameOperations, Player } from "../../../types.ts";
import {
  asyncOperations,
  banTargetValue,
  checkText,
  lines,
  makePlayer,
  requireSteam64,
  STEAM64_POLLED,
  unsupported,
  withoutControls,
  type SourceDialect,
} from "./common.ts";
import { SOURCE1_SERVER } from "./srcds.ts";
import { playerIdentities, readIdentities } from "../../privacy.ts";
import { PALWORLD_DANGEROUS } from "./dangerous.ts";

export function parsePalworldPlayers(text: string): Player[] {
  const players: Player[] = [];
  for (const line of lines(text.replaceAll("\u0000", ""))) {
    const row = /^(.*),(\d+),(\d{17})\s*$/.exec(line);
    if (row)
      players.push(
        makePlayer({ id: row[3] as string, name: row[1] as string, steamId: row[3], guid: row[2] }),
      );
  }
  return players;
}

const operations: GameOperations = {
  async listPlayers(run) {
    return parsePalworldPlayers(await run("ShowPlayers"));
  },
  kick(run, playerId) {
    return run(`KickPlayer ${requireSteam64(playerId)}`, { idempotent: false });
  },
  ban(run, request) {
    const target = banTargetValue(request, ["steamid"], "Palworld");
    return run(`BanPlayer ${requireSteam64(target.value)}`, { idempotent: false });
  },
  unban(run, ban) {
    return run(`UnBanPlayer ${requireSteam64(ban.value)}`, { idempotent: false });
  },
  listBans() {
    return unsupported("list bans", "Palworld");
  },
  sayAll(run, message) {
    return run(`Broadcast ${checkText(message, "message").trim().replace(/\s+/g, "_")}`, {
      idempotent: false,
    });
  },
};

const commands: readonly CommandInfo[] = [
  { name: "ShowPlayers", description: "Players online (CSV)" },
  { name: "Info", description: "Server version" },
  { name: "Broadcast", usage: "<message>", description: "Message all players (one word)" },
  { name: "KickPlayer", usage: "<steamid>", description: "Kick a player" },
  { name: "BanPlayer", usage: "<steamid>", description: "Ban a player" },
  { name: "UnBanPlayer", usage: "<steamid>", description: "Remove a ban" },
  { name: "Save", description: "Save the world" },
  { name: "Shutdown", usage: "<seconds> <message>", description: "Stop the server" },
];

export const palworld: SourceDialect = {
  id: "palworld",
  dangerous: PALWORLD_DANGEROUS,
  family: "source",
  label: "Palworld",
  defaultPort: 25575,
  defaultEncoding: "utf-8",
  capabilities: STEAM64_POLLED,
  commands,
  operations: asyncOperations(operations),
  addressName: withoutControls,
  // Players are known by SteamID64 (and the playeruid column); `AdminPassword <password>` takes the admin password.
  privacy: {
    playerIdIsIdentity: true,
    identitiesIn: readIdentities((text) =>
      playerIdentities(parsePalworldPlayers(text)).map((f) =>
        f.kind === "guid" ? { ...f, kind: "id" as const } : f,
      ),
    ),
    secrets: { settings: [], commands: ["AdminPassword"] },
  },
  client: { maxInFlight: 1, maxRequestSize: 4096 + 10 },
  server: { ...SOURCE1_SERVER, split: { unit: "none", size: 0 }, markerReply: "ignore" },
  normaliseAnswer: (text) => text.replaceAll("\u0000", ""),
};
