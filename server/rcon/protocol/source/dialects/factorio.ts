/**
 * Factorio. Quirk: the end marker is never answered (n0la/rcon PR #6), which the client learns
 * from its probe after login; answers then end at a packet shorter than a full fragment or after
 * the quiet time (docs/source-answers.md). One command at a time.
 */
import {
  RconCommandError,
  type BanEntry,
  type CommandInfo,
  type GameOperations,
  type Player,
} from "../../../types.ts";
import {
  asyncOperations,
  banTargetValue,
  checkText,
  lines,
  makePlayer,
  requireMatch,
  type SourceDialect,
} from "./common.ts";
import { SOURCE1_SERVER } from "./srcds.ts";
import { FACTORIO_DANGEROUS, FACTORIO_INDIRECT } from "./dangerous.ts";

export const FACTORIO_NAME = /^[A-Za-z0-9_.-]{1,60}$/;

/** `/players online`: "Online players (2):" then "  name (online)" rows. */
export function parseFactorioPlayers(text: string): Player[] {
  const players: Player[] = [];
  for (const line of lines(text)) {
    const row = /^\s+(\S+)(?: \((online)\))?\s*$/.exec(line);
    if (row)
      players.push(makePlayer({ id: row[1] as string, name: row[1] as string, state: row[2] ?? null }));
  }
  return players;
}

/** `/bans`: "Banned players: a, b" (or one per line). */
export function parseFactorioBans(text: string): BanEntry[] {
  const list = /:\s*([\s\S]*)$/.exec(text)?.[1] ?? "";
  return list
    .split(/,\s*|\n/)
    .map((s) => s.trim())
    .filter((s) => FACTORIO_NAME.test(s))
    .map((value) => ({ ref: value, kind: "name" as const, value, minutesLeft: null, reason: "" }));
}

const name = (value: string) => requireMatch(value, FACTORIO_NAME, "player name");

const operations: GameOperations = {
  async listPlayers(run) {
    return parseFactorioPlayers(await run("/players online"));
  },
  kick(run, playerId, reason) {
    return run(`/kick ${name(playerId)} ${checkText(reason, "reason")}`.trimEnd(), { idempotent: false });
  },
  ban(run, request) {
    const target = banTargetValue(request, ["name"], "Factorio");
    return run(`/ban ${name(target.value)} ${checkText(request.reason, "reason")}`.trimEnd(), {
      idempotent: false,
    });
  },
  unban(run, ban) {
    return run(`/unban ${name(ban.value)}`, { idempotent: false });
  },
  async listBans(run) {
    return parseFactorioBans(await run("/bans"));
  },
  sayAll(run, message) {
    // Text without a leading slash is chat; a leading slash would make it a command.
    if (checkText(message, "message").startsWith("/")) {
      throw new RconCommandError(
        "INVALID_ARGUMENT",
        "a chat message must not start with '/' (it would run as a command)",
      );
    }
    return run(message, { idempotent: false });
  },
  sayTo(run, playerId, message) {
    return run(`/whisper ${name(playerId)} ${checkText(message, "message")}`, { idempotent: false });
  },
};

const commands: readonly CommandInfo[] = [
  { name: "/players", usage: "[online|count]", description: "List players" },
  { name: "/kick", usage: "<player> <reason>", description: "Kick a player" },
  { name: "/ban", usage: "<player> <reason>", description: "Ban a player" },
  { name: "/unban", usage: "<player>", description: "Remove a ban" },
  { name: "/bans", description: "List bans" },
  { name: "/whisper", usage: "<player> <message>", description: "Private message" },
  { name: "/time", description: "Map age" },
  { name: "/evolution", description: "Enemy evolution" },
  { name: "/server-save", description: "Save the map" },
  { name: "/version", description: "Game version" },
];

export const factorio: SourceDialect = {
  id: "factorio",
  dangerous: FACTORIO_DANGEROUS,
  indirect: FACTORIO_INDIRECT,
  family: "source",
  label: "Factorio",
  defaultPort: 27015,
  defaultEncoding: "utf-8",
  capabilities: { pushesJoins: false, whisper: true, timedBans: false, banKinds: ["name"] },
  commands,
  operations: asyncOperations(operations),
  // Players are known by name only; `/config set password` sets the game password.
  privacy: {
    playerIdIsIdentity: false,
    identitiesIn: () => [],
    secrets: { settings: [], commands: ["/config set password", "/config get password"] },
  },
  client: { maxInFlight: 1, maxRequestSize: 4096 + 10 },
  server: { ...SOURCE1_SERVER, markerReply: "ignore" },
};
