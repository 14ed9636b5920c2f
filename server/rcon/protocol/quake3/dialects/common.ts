/**
 * What every Quake 3-family dialect is made of: wire data (pacing, quiet period, framing, status
 * table, colour rule, emulated texts) and the game operations built from small, data-driven pieces.
 * Arguments from users are checked or sanitised here so they can never become a second command.
 */
import { stripColourCodes, type ColourRule } from "../../../../../lib/colour-codes.ts";
import type { FoundIdentity } from "../../../../../lib/console/redact.ts";
import type { SecretRules } from "../../../../../lib/console/secrets.ts";
import { banIdentities, playerIdentities, readIdentities } from "../../privacy.ts";
import {
  RconCommandError,
  type BanEntry,
  type BanRequest,
  type CommandInfo,
  type Dialect,
  type DialectPrivacy,
  type GameOperations,
  type Player,
  type RunCommand,
  type ServerInfo,
} from "../../../types.ts";
import type { ReplyFraming } from "../packet.ts";
import type { PacingRule } from "../pacing.ts";
import type { ServerProfile } from "../server.ts";
import { parseStatusTable, type StatusFormat, type StatusRow } from "../status-table.ts";

export interface Quake3Profile {
  colourRule: ColourRule;
  statusFormat: StatusFormat;
  pacing: PacingRule;
  /** Silence that ends an answer: the cost added to every command's latency. */
  quietMs: number;
  framing: ReplyFraming;
  /** A cheap command whose answer proves the password ("" = empty command: the engine answers `print\n`). */
  probeCommand: string;
  /** Commands safe to send again when a request got no answer at all (it may have been dropped). */
  readOnlyCommands: readonly string[];
  /** How the emulator answers for this game. */
  server: ServerProfile;
  /** Whether `;` may split a command on this engine (verified harmless on ioq3, unknown elsewhere). */
  semicolonSplits: boolean;
  /** Longest message text we send (say/tell). */
  maxMessageLength: number;
  /** The map an emulated server of this game starts on. */
  emulatorMap: string;
}

export interface Quake3Dialect extends Dialect {
  family: "quake3";
  quake3: Quake3Profile;
}

export function isQuake3Dialect(dialect: Dialect): dialect is Quake3Dialect {
  return dialect.family === "quake3" && "quake3" in dialect;
}

// ---------------------------------------------------------------------------------------------
// Argument checks

export function checkSlot(playerId: string): string {
  if (!/^\d{1,3}$/.test(playerId))
    throw new RconCommandError("INVALID_ARGUMENT", `player id must be a slot number, got "${playerId}"`);
  return String(Number(playerId));
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function checkIpv4(value: string, options: { subnet: boolean; wildcard: boolean }): string {
  const [ip = "", subnet, ...rest] = value.trim().split("/");
  const ipOk = IPV4.test(ip) || (options.wildcard && /^(?:(?:\d{1,3}|\*)\.){3}(?:\d{1,3}|\*)$/.test(ip));
  const subnetOk =
    subnet === undefined || (options.subnet && /^\d{1,2}$/.test(subnet) && Number(subnet) <= 32);
  if (!ipOk || !subnetOk || rest.length > 0)
    throw new RconCommandError(
      "INVALID_ARGUMENT",
      `not an IPv4 address${options.subnet ? " or subnet" : ""}: "${value}"`,
    );
  return value.trim();
}

export function checkGuid(value: string): string {
  if (!/^[0-9A-Za-z]{1,64}$/.test(value))
    throw new RconCommandError("INVALID_ARGUMENT", `not a GUID: "${value}"`);
  return value;
}

/**
 * Makes user text safe and predictable for the engine's line reader and tokenizer:
 * - control characters (a newline ends the command) become spaces;
 * - `"` would be stripped by the tokenizer: it becomes `'`;
 * - `//` and `/*` start comments that cut the text: a space is inserted;
 * - `%` and characters outside ASCII arrive as `.` anyway (MSG_ReadStringLine): done here, one per character;
 * - `;` becomes `,` on engines where it might separate commands.
 */
export function sanitiseMessage(
  text: string,
  profile: Pick<Quake3Profile, "semicolonSplits" | "maxMessageLength">,
): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += " ";
    else if (code > 0x7e || ch === "%") out += ".";
    else if (ch === '"') out += "'";
    else if (ch === ";" && profile.semicolonSplits) out += ",";
    else out += ch;
  }
  while (/\/[/*]/.test(out)) out = out.replace(/\/([/*])/g, "/ $1");
  out = out.trim();
  if (out === "") throw new RconCommandError("INVALID_ARGUMENT", "message is empty");
  if (out.length > profile.maxMessageLength)
    throw new RconCommandError(
      "INVALID_ARGUMENT",
      `message longer than ${profile.maxMessageLength} characters`,
    );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Players

export function rowToPlayer(row: StatusRow, colourRule: ColourRule): Player {
  return {
    id: String(row.slot),
    name: row.name,
    plainName: stripColourCodes(row.name, colourRule),
    ping: row.ping,
    score: row.score,
    address: row.address,
    guid: row.guid,
    steamId: null,
    connectedSeconds: null,
    isBot: row.address === "bot",
    state: row.state,
  };
}

export function parsePlayers(
  statusText: string,
  profile: Pick<Quake3Profile, "statusFormat" | "colourRule">,
): Player[] {
  return parseStatusTable(statusText, profile.statusFormat).rows.map((row) =>
    rowToPlayer(row, profile.colourRule),
  );
}

// ---------------------------------------------------------------------------------------------
// Privacy

/** `dumpuser` rows `ip   1.2.3.4:27960` and `cl_guid   ABCD...` (the userinfo the engine keeps). */
export function userinfoIdentities(text: string): FoundIdentity[] {
  const found: FoundIdentity[] = [];
  for (const m of text.matchAll(/^(ip|cl_guid|guid)\s+(\S+)\s*$/gim)) {
    found.push({ kind: (m[1] as string).toLowerCase() === "ip" ? "ip" : "guid", value: m[2] as string });
  }
  return found;
}

/**
 * The cvars of the family that hold a password (case-insensitive, like cvar names), and the
 * `password` userinfo key: a client sends the join password it typed, and `dumpuser` prints it.
 */
export const QUAKE3_SECRETS: SecretRules = {
  settings: [
    "rconPassword",
    "rcon_password",
    "g_password",
    "sv_privatePassword",
    "net_socksPassword",
    "password",
  ],
  commands: [],
};

export function quake3Privacy(
  profile: Pick<Quake3Profile, "statusFormat" | "colourRule">,
  secrets: SecretRules = QUAKE3_SECRETS,
): DialectPrivacy {
  return {
    playerIdIsIdentity: false,
    identitiesIn: readIdentities(
      (text) => playerIdentities(parsePlayers(text, profile)),
      userinfoIdentities,
      (text) => banIdentities([...parseEngineBans(text), ...parseGameModuleBans(text)]),
    ),
    secrets,
  };
}

// ---------------------------------------------------------------------------------------------
// Bans

export interface BanSystem {
  ban(run: RunCommand, request: BanRequest, players: () => Promise<Player[]>): Promise<string>;
  unban(run: RunCommand, ban: Pick<BanEntry, "kind" | "value">): Promise<string>;
  listBans(run: RunCommand): Promise<BanEntry[]>;
}

const mutating = { idempotent: false } as const;

/** `Ban #1: 192.0.2.0/24` lines of ioq3 `listbans` (exceptions print `Except #n`). */
export function parseEngineBans(text: string): BanEntry[] {
  const bans: BanEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^Ban #(\d+): (\S+)$/.exec(line.trim());
    if (m)
      bans.push({ ref: m[1] as string, kind: "ip", value: m[2] as string, minutesLeft: null, reason: "" });
  }
  return bans;
}

/** The `g_banIPs` cvar as printed by `listip` / the cvar query: `"g_banIPs" is:"1.2.3.4 10.9.8.7 ^7" ...`. */
export function parseGameModuleBans(text: string): BanEntry[] {
  const m = /"g_banIPs" is:\s*"([^"]*)"/.exec(text);
  if (!m) return [];
  return (m[1] as string)
    .replace(/\^7$/, "")
    .split(/\s+/)
    .filter((mask) => mask !== "")
    .map((mask) => ({ ref: mask, kind: "ip" as const, value: mask, minutesLeft: null, reason: "" }));
}

/** Strips the port from "ip:port"; null for bots, loopback and IPv6 (the bans here are IPv4). */
function ipOf(address: string | null): string | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::\d+)?$/.exec(address ?? "");
  return m ? (m[1] as string) : null;
}

async function playerIp(players: () => Promise<Player[]>, playerId: string): Promise<string> {
  const slot = checkSlot(playerId);
  const player = (await players()).find((p) => p.id === slot);
  if (!player) throw new RconCommandError("INVALID_ARGUMENT", `no player in slot ${slot}`);
  const ip = ipOf(player.address);
  if (!ip)
    throw new RconCommandError(
      "UNSUPPORTED",
      `player ${slot} has no IPv4 address to ban (${player.address ?? "none"})`,
    );
  return ip;
}

/** Quake 3 game-module filters: `addip`/`removeip`, kept in the `g_banIPs` cvar (listed by `listip`). */
export const gameModuleBans: BanSystem = {
  async ban(run, request, players) {
    if (request.minutes !== null)
      throw new RconCommandError("UNSUPPORTED", "IP filters are permanent: lift the ban later instead");
    const { target } = request;
    const ip =
      target.kind === "player"
        ? await playerIp(players, target.playerId)
        : target.kind === "ip"
          ? checkIpv4(target.value, { subnet: false, wildcard: true })
          : null;
    if (!ip) throw new RconCommandError("UNSUPPORTED", `cannot ban by ${target.kind} on this game`);
    return run(`addip ${ip}`, mutating);
  },
  async unban(run, ban) {
    if (ban.kind !== "ip") throw new RconCommandError("UNSUPPORTED", "only IP filters exist on this game");
    return run(`removeip ${checkIpv4(ban.value, { subnet: false, wildcard: true })}`, mutating);
  },
  async listBans(run) {
    return parseGameModuleBans(await run("g_banIPs"));
  },
};

/** ioq3 engine bans (`banaddr`/`bandel`/`listbans`), plus the game module's filters which also apply. */
export const engineBans: BanSystem = {
  async ban(run, request) {
    if (request.minutes !== null)
      throw new RconCommandError("UNSUPPORTED", "engine bans are permanent: lift the ban later instead");
    const { target } = request;
    if (target.kind === "player") return run(`banaddr ${checkSlot(target.playerId)}`, mutating);
    if (target.kind === "ip")
      return run(`banaddr ${checkIpv4(target.value, { subnet: true, wildcard: false })}`, mutating);
    throw new RconCommandError("UNSUPPORTED", `cannot ban by ${target.kind} on this game`);
  },
  async unban(run, ban) {
    if (ban.kind !== "ip") throw new RconCommandError("UNSUPPORTED", "only IP bans exist on this game");
    // Ban numbers shift after each deletion: look the number up right before deleting.
    const wanted = ban.value.includes("/") ? ban.value : `${ban.value}/32`;
    const entry = parseEngineBans(await run("listbans")).find(
      (b) => b.value === wanted || b.value === ban.value,
    );
    if (entry) return run(`bandel ${entry.ref}`, mutating);
    return gameModuleBans.unban(run, ban);
  },
  async listBans(run) {
    const engine = parseEngineBans(await run("listbans"));
    const filters = parseGameModuleBans(await run("g_banIPs")).map((b) => ({
      ...b,
      ref: `addip:${b.value}`,
    }));
    return [...engine, ...filters];
  },
};

// ---------------------------------------------------------------------------------------------
// Operations

export interface OperationTemplates {
  kick: (slot: string, reason: string) => string;
  say: (message: string) => string;
  /** Absent when the game has no private message. */
  tell?: (slot: string, message: string) => string;
  bans: BanSystem;
}

/**
 * `serverinfo` prints `Server info settings:` then `key<spaces>value` rows (every engine of the
 * family): the map is `mapname`, the slots `sv_maxclients` (`sv_privateClients` of them reserved).
 */
export function parseServerInfoSettings(text: string): ServerInfo {
  const settings = new Map<string, string>();
  for (const line of text.split("\n")) {
    const row = /^(\S+)\s+(.*)$/.exec(line);
    if (row?.[1] && row[2] !== undefined) settings.set(row[1].toLowerCase(), row[2].trim());
  }
  const max = Number(settings.get("sv_maxclients"));
  return { map: settings.get("mapname") || null, maxPlayers: Number.isInteger(max) && max > 0 ? max : null };
}

export function buildOperations(profile: Quake3Profile, templates: OperationTemplates): GameOperations {
  const listPlayers = async (run: RunCommand) =>
    parsePlayers(await run("status", { idempotent: true }), profile);
  const reasonOf = (reason: string) => (reason.trim() === "" ? "" : sanitiseMessage(reason, profile));
  const operations: GameOperations = {
    listPlayers,
    // async: argument errors become rejections, like every other failure.
    kick: async (run, playerId, reason) =>
      run(templates.kick(checkSlot(playerId), reasonOf(reason)), mutating),
    ban: async (run, request) => templates.bans.ban(run, request, () => listPlayers(run)),
    unban: async (run, ban) => templates.bans.unban(run, ban),
    listBans: async (run) => templates.bans.listBans(run),
    sayAll: async (run, message) => run(templates.say(sanitiseMessage(message, profile)), mutating),
    serverInfo: async (run) => parseServerInfoSettings(await run("serverinfo", { idempotent: true })),
  };
  const tell = templates.tell;
  if (tell)
    operations.sayTo = async (run, playerId, message) =>
      run(tell(checkSlot(playerId), sanitiseMessage(message, profile)), mutating);
  return operations;
}

/** ioq3's operator commands (its `cmdlist` on a dedicated server). */
export const IOQ3_COMMANDS: readonly CommandInfo[] = [
  { name: "status", description: "List connected players (slot, score, ping, name, address, rate)" },
  { name: "serverinfo", description: "Show the server info cvars" },
  { name: "systeminfo", description: "Show the system info cvars" },
  { name: "cvarlist", usage: "[match]", description: "List cvars" },
  { name: "cmdlist", description: "List commands" },
  { name: "dumpuser", usage: "<player>", description: "Show a player's userinfo" },
  { name: "clientkick", usage: "<slot>", description: "Kick the player in a slot" },
  { name: "kicknum", usage: "<slot>", description: "Kick the player in a slot" },
  { name: "kick", usage: "<name>", description: "Kick by name (prefer clientkick: names can collide)" },
  { name: "kickbots", description: "Kick all bots" },
  { name: "kickall", description: "Kick all human players" },
  {
    name: "banaddr",
    usage: "<ip[/subnet]> | <slot> [subnet]",
    description: "Ban an address (engine ban list)",
  },
  { name: "bandel", usage: "<ban number>", description: "Delete an engine ban (numbers shift afterwards)" },
  { name: "listbans", description: "List engine bans" },
  { name: "exceptaddr", usage: "<ip[/subnet]>", description: "Exempt an address from bans" },
  { name: "flushbans", description: "Delete all engine bans" },
  { name: "addip", usage: "<ip-mask>", description: "Add a game-module IP filter (g_banIPs)" },
  { name: "removeip", usage: "<ip-mask>", description: "Remove a game-module IP filter" },
  { name: "listip", description: "Show the game-module IP filters" },
  { name: "say", usage: "<text>", description: "Message everyone as console" },
  { name: "tell", usage: "<slot> <text>", description: "Message one player" },
  { name: "map", usage: "<map>", description: "Change map" },
  { name: "map_restart", usage: "[delay]", description: "Restart the map" },
  { name: "addbot", usage: "<name> [skill]", description: "Add a bot" },
  { name: "set", usage: "<cvar> <value>", description: "Set a cvar" },
];
