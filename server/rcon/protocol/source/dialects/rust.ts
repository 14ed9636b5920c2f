/**
 * Rust, legacy Source RCON (WebRCON is the default nowadays). Quirks: an undocumented type-4 packet
 * precedes each answer and `say` answers with id -1; both arrive as unsolicited packets, never as
 * part of an answer, because only type-0 packets with the command's id are collected.
 */
import type { BanEntry, CommandInfo, GameOperations, Player } from "../../../types.ts";
import {
  asyncOperations,
  banTargetValue,
  checkText,
  lines,
  makePlayer,
  parseStatusInfo,
  requireMatch,
  sayableName,
  STEAM64,
  type SourceDialect,
} from "./common.ts";
import { SOURCE1_SERVER } from "./srcds.ts";
import { banIdentities, playerIdentities, readIdentities } from "../../privacy.ts";
import { RUST_DANGEROUS } from "./dangerous.ts";

/** `76561198000000001 "Name" 45 312.5s 192.168.1.10:28015 0.0 0` rows of `status`. */
export function parseRustStatus(text: string): Player[] {
  const players: Player[] = [];
  for (const line of lines(text)) {
    const row = /^(7656119\d{10})\s+"(.*)"\s+(\d+)\s+([\d.]+)s\s+(\S+)/.exec(line);
    if (!row) continue;
    players.push(
      makePlayer({
        id: row[1] as string,
        name: row[2] as string,
        steamId: row[1],
        ping: Number(row[3]),
        connectedSeconds: Math.floor(Number(row[4])),
        address: row[5],
      }),
    );
  }
  return players;
}

/** `banlistex`: `1 76561198000000001 "Name" "reason" -1`. */
export function parseRustBans(text: string): BanEntry[] {
  const bans: BanEntry[] = [];
  for (const line of lines(text)) {
    const row = /^\s*\d+\s+(7656119\d{10})\s+"(.*?)"\s+"(.*?)"/.exec(line);
    if (row)
      bans.push({
        ref: row[1] as string,
        kind: "steamid",
        value: row[1] as string,
        minutesLeft: null,
        reason: row[3] as string,
      });
  }
  return bans;
}

const quoted = (value: string, what: string) => `"${checkText(value, what, ';"')}"`;
const steamId = (value: string) => requireMatch(value, STEAM64, "SteamID64");

const operations: GameOperations = {
  async listPlayers(run) {
    return parseRustStatus(await run("status"));
  },
  async serverInfo(run) {
    return parseStatusInfo(await run("status"));
  },
  kick(run, playerId, reason) {
    return run(`kick ${steamId(playerId)} ${quoted(reason, "reason")}`, { idempotent: false });
  },
  ban(run, request) {
    const target = banTargetValue(request, ["steamid"], "Rust");
    return run(`ban ${steamId(target.value)} ${quoted(request.reason, "reason")}`, { idempotent: false });
  },
  unban(run, ban) {
    return run(`unban ${steamId(ban.value)}`, { idempotent: false });
  },
  async listBans(run) {
    return parseRustBans(await run("banlistex"));
  },
  sayAll(run, message) {
    return run(`say ${quoted(message, "message")}`, { idempotent: false });
  },
};

const commands: readonly CommandInfo[] = [
  { name: "status", description: "Players online" },
  { name: "say", usage: "<message>", description: "Message all players" },
  { name: "kick", usage: "<steamid> <reason>", description: "Kick a player" },
  { name: "ban", usage: "<steamid> <reason>", description: "Ban a player" },
  { name: "unban", usage: "<steamid>", description: "Remove a ban" },
  { name: "banlistex", description: "List bans with reasons" },
  { name: "server.save", description: "Save the world" },
  { name: "server.writecfg", description: "Write the configuration" },
  { name: "env.time", usage: "[hour]", description: "Show or set the time" },
  { name: "quit", description: "Stop the server" },
];

export const rust: SourceDialect = {
  id: "rust",
  dangerous: RUST_DANGEROUS,
  family: "source",
  label: "Rust (legacy RCON)",
  defaultPort: 28016,
  defaultEncoding: "utf-8",
  capabilities: {
    pushesEvents: false,
    whisper: false,
    timedBans: false,
    banKinds: ["steamid"],
    listsAccounts: true,
  },
  commands,
  operations: asyncOperations(operations),
  addressName: sayableName,
  // Players are known by SteamID64; `rcon.password` is readable as a convar.
  privacy: {
    playerIdIsIdentity: true,
    identitiesIn: readIdentities(
      (text) => playerIdentities(parseRustStatus(text)),
      (text) => banIdentities(parseRustBans(text)),
    ),
    secrets: { settings: ["rcon.password"], commands: [] },
  },
  client: { maxInFlight: 8, maxRequestSize: 4096 + 10 },
  server: { ...SOURCE1_SERVER, replyPrelude: { type: 4, body: "" } },
};
