/**
 * Rust's console, whichever protocol reaches it: legacy Source RCON (rust.ts here) and WebRCON
 * (protocol/webrcon/dialects/rust.ts) run the same commands, so they share the ban-list parser,
 * argument quoting, the operations that read the same there, the common part of the command
 * catalogue and what both dialects declare alike. Each dialect keeps only what differs: how it
 * lists players and server info, how it bans and unbans, its dangerous list. Imported as a
 * namespace (`rustConsole.OPERATIONS`), so the short names stay readable.
 */
import type { BanEntry, CommandInfo, GameOperations } from "../../../types.ts";
import { checkText, lines, requireSteam64, sayableName, STEAM64_POLLED } from "./common.ts";

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

/** A quoted argument: Rust's console splits at ';' and cannot escape '"'. */
export const quoted = (value: string, what: string) => `"${checkText(value, what, ';"')}"`;

/** The operations that are the same commands over either protocol. */
export const OPERATIONS = {
  kick(run, playerId, reason) {
    return run(`kick ${requireSteam64(playerId)} ${quoted(reason, "reason")}`, { idempotent: false });
  },
  async listBans(run) {
    return parseRustBans(await run("banlistex"));
  },
  sayAll(run, message) {
    return run(`say ${quoted(message, "message")}`, { idempotent: false });
  },
} satisfies Partial<GameOperations>;

/** The part of the command catalogue both dialects list (each puts its own first). */
export const COMMANDS: readonly CommandInfo[] = [
  { name: "say", usage: "<message>", description: "Message all players" },
  { name: "kick", usage: "<steamid> <reason>", description: "Kick a player" },
  { name: "unban", usage: "<steamid>", description: "Remove a ban" },
  { name: "banlistex", description: "List bans with reasons" },
  { name: "server.save", description: "Save the world" },
  { name: "server.writecfg", description: "Save the configuration, bans and user groups" },
  { name: "env.time", usage: "[hour]", description: "Show or set the time" },
  { name: "quit", description: "Stop the server" },
];

/** What both Rust dialects declare alike. */
export const DECLARED = {
  defaultPort: 28016,
  defaultEncoding: "utf-8",
  capabilities: STEAM64_POLLED,
  addressName: sayableName,
} as const;

/** `rcon.password` is readable as a convar over either protocol. */
export const SECRETS = { settings: ["rcon.password"], commands: [] };
