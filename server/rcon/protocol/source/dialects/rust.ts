/**
 * Rust, legacy Source RCON (WebRCON is the default nowadays). Quirks: an undocumented type-4 packet
 * precedes each answer and `say` answers with id -1; both arrive as unsolicited packets, never as
 * part of an answer, because only type-0 packets with the command's id are collected. What the
 * console shares with Rust over WebRCON is in rust-console.ts.
 */
import type { CommandInfo, GameOperations, Player } from "../../../types.ts";
import {
  asyncOperations,
  banTargetValue,
  lines,
  makePlayer,
  parseStatusInfo,
  requireSteam64,
  type SourceDialect,
} from "./common.ts";
import * as rustConsole from "./rust-console.ts";
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

const operations: GameOperations = {
  ...rustConsole.OPERATIONS,
  async listPlayers(run) {
    return parseRustStatus(await run("status"));
  },
  async serverInfo(run) {
    return parseStatusInfo(await run("status"));
  },
  ban(run, request) {
    const target = banTargetValue(request, ["steamid"], "Rust");
    return run(`ban ${requireSteam64(target.value)} ${rustConsole.quoted(request.reason, "reason")}`, {
      idempotent: false,
    });
  },
  unban(run, ban) {
    return run(`unban ${requireSteam64(ban.value)}`, { idempotent: false });
  },
};

const commands: readonly CommandInfo[] = [
  { name: "status", description: "Players online" },
  { name: "ban", usage: "<steamid> <reason>", description: "Ban a player" },
  ...rustConsole.COMMANDS,
];

export const rust: SourceDialect = {
  id: "rust",
  dangerous: RUST_DANGEROUS,
  family: "source",
  label: "Rust (legacy RCON)",
  ...rustConsole.DECLARED,
  commands,
  operations: asyncOperations(operations),
  // Players are known by SteamID64.
  privacy: {
    playerIdIsIdentity: true,
    identitiesIn: readIdentities(
      (text) => playerIdentities(parseRustStatus(text)),
      (text) => banIdentities(rustConsole.parseRustBans(text)),
    ),
    secrets: rustConsole.SECRETS,
  },
  client: { maxInFlight: 8, maxRequestSize: 4096 + 10 },
  server: { ...SOURCE1_SERVER, replyPrelude: { type: 4, body: "" } },
};
