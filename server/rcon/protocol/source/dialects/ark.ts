/**
 * ARK: Survival Evolved. Quirks: an empty answer comes back as "Server received, But no response!!"
 * (normalised to ""), concurrent requests are mishandled (one at a time), answers are single
 * packets and the end marker is not echoed.
 */
import type { CommandInfo, GameOperations, Player } from "../../../types.ts";
import {
  asyncOperations,
  banTargetValue,
  checkText,
  lines,
  makePlayer,
  requireSteam64,
  unsupported,
  type SourceDialect,
} from "./common.ts";
import { SOURCE1_SERVER } from "./srcds.ts";
import { playerIdentities, readIdentities } from "../../privacy.ts";
import { ARK_DANGEROUS } from "./dangerous.ts";

export const ARK_EMPTY_ANSWER = "Server received, But no response!! ";

/** `ListPlayers`: `0. Name, 76561198000000001` rows, or "No Players Connected". */
export function parseArkPlayers(text: string): Player[] {
  const players: Player[] = [];
  for (const line of lines(text)) {
    const row = /^\s*(\d+)\.\s+(.*),\s*(\d{17})\s*$/.exec(line);
    if (row)
      players.push(
        makePlayer({ id: row[3] as string, name: row[2] as string, steamId: row[3], state: `#${row[1]}` }),
      );
  }
  return players;
}

const operations: GameOperations = {
  async listPlayers(run) {
    return parseArkPlayers(await run("ListPlayers"));
  },
  kick(run, playerId) {
    return run(`KickPlayer ${requireSteam64(playerId)}`, { idempotent: false });
  },
  ban(run, request) {
    const target = banTargetValue(request, ["steamid"], "ARK");
    return run(`BanPlayer ${requireSteam64(target.value)}`, { idempotent: false });
  },
  unban(run, ban) {
    return run(`UnbanPlayer ${requireSteam64(ban.value)}`, { idempotent: false });
  },
  listBans() {
    return unsupported("list bans", "ARK");
  },
  sayAll(run, message) {
    return run(`ServerChat ${checkText(message, "message")}`, { idempotent: false });
  },
  sayTo(run, playerId, message) {
    return run(`ServerChatTo "${requireSteam64(playerId)}" ${checkText(message, "message")}`, {
      idempotent: false,
    });
  },
};

const commands: readonly CommandInfo[] = [
  { name: "ListPlayers", description: "Players online" },
  { name: "ServerChat", usage: "<message>", description: "Message all players" },
  { name: "ServerChatTo", usage: '"<steamid>" <message>', description: "Private message" },
  { name: "KickPlayer", usage: "<steamid>", description: "Kick a player" },
  { name: "BanPlayer", usage: "<steamid>", description: "Ban a player" },
  { name: "UnbanPlayer", usage: "<steamid>", description: "Remove a ban" },
  { name: "SaveWorld", description: "Save the world" },
  { name: "DestroyWildDinos", description: "Respawn wild creatures" },
  { name: "GetChat", description: "Chat since the last call" },
  { name: "DoExit", description: "Stop the server" },
];

export const ark: SourceDialect = {
  id: "ark",
  dangerous: ARK_DANGEROUS,
  family: "source",
  label: "ARK: Survival Evolved",
  defaultPort: 27020,
  defaultEncoding: "utf-8",
  capabilities: {
    pushesJoins: false,
    whisper: true,
    timedBans: false,
    banKinds: ["steamid"],
    listsAccounts: true,
  },
  commands,
  operations: asyncOperations(operations),
  // Players are known by SteamID64; `EnableCheats <ServerAdminPassword>` takes the admin password.
  privacy: {
    playerIdIsIdentity: true,
    identitiesIn: readIdentities((text) => playerIdentities(parseArkPlayers(text))),
    secrets: { settings: [], commands: ["EnableCheats"] },
  },
  client: { maxInFlight: 1, maxRequestSize: 4096 + 10 },
  server: {
    ...SOURCE1_SERVER,
    split: { unit: "none", size: 0 },
    markerReply: "ignore",
    emptyAnswer: ARK_EMPTY_ANSWER,
  },
  normaliseAnswer: (text) => (text.trim() === ARK_EMPTY_ANSWER.trim() ? "" : text),
};
