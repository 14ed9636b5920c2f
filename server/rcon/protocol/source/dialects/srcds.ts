/**
 * SRCDS (Source engine dedicated servers): CS2, CS:GO, TF2, Garry's Mod, Left 4 Dead 2.
 * One set of operations over `status`, `kickid`, `banid`/`addip` + `writeid`/`writeip`,
 * `removeid`/`removeip`, `listid`/`listip` and `say`; the games differ in wire behaviour
 * (CS2: no pre-auth empty packet, no splitting) and in the `status` table layout.
 */
import {
  RconCommandError,
  type BanEntry,
  type DialectPrivacy,
  type CommandInfo,
  type GameOperations,
  type IdentityKind,
  type NativeBanStore,
  type Player,
  type RunCommand,
} from "../../../types.ts";
import type { SecretRules } from "../../../../../lib/console/secrets.ts";
import { centralIdentifier, ipv4Identities, nativeKey, steam3Identities } from "../../native-bans.ts";
import { banIdentities, playerIdentities, readIdentities } from "../../privacy.ts";
import type { SourceServerProfile } from "../server.ts";
import {
  asyncOperations,
  banTargetValue,
  checkText,
  IPV4,
  lines,
  makePlayer,
  parseClock,
  parseStatusInfo,
  requireMatch,
  sayableName,
  type SourceDialect,
} from "./common.ts";
import { SRCDS_DANGEROUS, SRCDS_INDIRECT } from "./dangerous.ts";
import { parseHlLogLine } from "../logs/hl-log.ts";

const USERID = /^\d{1,6}$/;
export const STEAM_ID = /^(?:STEAM_[0-5]:[01]:\d{1,10}|\[U:1:\d{1,10}\])$/;

// Source splits commands at ';' outside quotes and cannot escape '"' inside them: reject both.
const message = (text: string, what: string) => `"${checkText(text, what, ';"')}"`;

/** Source 1 `status`: `# userid [slot] "name" uniqueid connected ping loss state [rate] adr`. */
export function parseSource1Status(text: string): Player[] {
  const players: Player[] = [];
  for (const line of lines(text)) {
    const row = /^#\s*(\d+)\s+(?:\d+\s+)?"(.*)"\s+(BOT|STEAM_\d:\d:\d+|\[U:\d:\d+\])\s*(.*)$/.exec(line);
    if (!row) continue;
    const [, userid, name, uniqueid, rest] = row as unknown as [string, string, string, string, string];
    if (uniqueid === "BOT") {
      players.push(
        makePlayer({
          id: userid,
          name,
          isBot: true,
          address: "bot",
          state: /^(\w+)/.exec(rest)?.[1] ?? null,
        }),
      );
      continue;
    }
    const fields = /^(\S+)\s+(\d+)\s+(\d+)\s+(\w+)\s+(?:(\d+)\s+)?(\S+)/.exec(rest);
    players.push(
      makePlayer({
        id: userid,
        name,
        steamId: uniqueid,
        connectedSeconds: fields ? parseClock(fields[1] as string) : null,
        ping: fields ? Number(fields[2]) : null,
        state: fields?.[4] ?? null,
        address: fields?.[6] ?? null,
      }),
    );
  }
  return players;
}

/** CS2 `status`: `  id  time ping loss state rate adr 'name'` (no SteamID). */
export function parseCs2Status(text: string): Player[] {
  const players: Player[] = [];
  for (const line of lines(text)) {
    const row = /^\s*(\d+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+)\s*(\S*)\s+'(.*)'\s*$/.exec(line);
    if (!row) continue;
    const [, id, time, ping, , state, , adr, name] = row as unknown as string[];
    if (id === "65535") continue; // the "[NoChan]" placeholder row
    const isBot = time === "BOT";
    players.push(
      makePlayer({
        id: id as string,
        name: name as string,
        isBot,
        ping: isBot ? null : Number(ping),
        state: state ?? null,
        connectedSeconds: parseClock(time as string),
        address: isBot ? "bot" : adr || null,
      }),
    );
  }
  return players;
}

/** `listid` / `listip`: `1 STEAM_0:1:2 : permanent` or `2 10.0.0.2 : 20.000 min`. */
export function parseFilterList(text: string): BanEntry[] {
  const bans: BanEntry[] = [];
  for (const line of lines(text)) {
    const row = /^\s*(\d+)\s+(\S+)\s*:\s*(?:(permanent)|([\d.]+)\s*min)/.exec(line);
    if (!row) continue;
    const value = row[2] as string;
    const kind: IdentityKind = IPV4.test(value) ? "ip" : "steamid";
    bans.push({
      ref: value,
      kind,
      value,
      minutesLeft: row[3] ? null : Math.ceil(Number(row[4])),
      reason: "",
    });
  }
  return bans;
}

function operations(parseStatus: (text: string) => Player[], game: string): GameOperations {
  return asyncOperations({
    async listPlayers(run) {
      return parseStatus(await run("status"));
    },
    async serverInfo(run) {
      return parseStatusInfo(await run("status"));
    },
    kick(run, playerId, reason) {
      requireMatch(playerId, USERID, "userid");
      return run(`kickid ${playerId} ${message(reason || "Kicked by admin", "reason")}`, {
        idempotent: false,
      });
    },
    async ban(run, request) {
      const minutes = request.minutes ?? 0;
      if (!Number.isInteger(minutes) || minutes < 0)
        throw new RconCommandError("INVALID_ARGUMENT", "ban minutes must be a whole number >= 0");
      const target = banTargetValue(request, ["steamid", "ip"], game);
      const reason = message(request.reason || "Banned by admin", "reason");
      const answers: string[] = [];
      const exec = async (command: string) => answers.push(await run(command, { idempotent: false }));
      if (target.kind === "ip") {
        await exec(`addip ${minutes} ${requireMatch(target.value, IPV4, "IP address")}`);
        await exec("writeip");
      } else if (target.kind === "player") {
        requireMatch(target.value, USERID, "userid");
        await exec(`banid ${minutes} ${target.value}`);
        await exec(`kickid ${target.value} ${reason}`);
        await exec("writeid");
      } else {
        await exec(`banid ${minutes} ${requireMatch(target.value, STEAM_ID, "SteamID")}`);
        await exec("writeid");
      }
      return answers.filter((a) => a.trim() !== "").join("\n");
    },
    async unban(run, ban) {
      if (ban.kind === "ip") {
        const answer = await run(`removeip ${requireMatch(ban.value, IPV4, "IP address")}`, {
          idempotent: false,
        });
        await run("writeip", { idempotent: false });
        return answer;
      }
      const answer = await run(`removeid ${requireMatch(ban.value, STEAM_ID, "SteamID")}`, {
        idempotent: false,
      });
      await run("writeid", { idempotent: false });
      return answer;
    },
    async listBans(run: RunCommand) {
      return [...parseFilterList(await run("listid")), ...parseFilterList(await run("listip"))];
    },
    sayAll(run, text) {
      return run(`say ${message(text, "message")}`, { idempotent: false });
    },
  });
}

export const SRCDS_COMMANDS: readonly CommandInfo[] = [
  { name: "status", description: "Server and player list" },
  { name: "cvarlist", usage: "[prefix]", description: "List console variables" },
  { name: "say", usage: "<message>", description: "Message all players" },
  { name: "kickid", usage: "<userid> [reason]", description: "Kick a player by userid" },
  { name: "banid", usage: "<minutes> <userid|steamid>", description: "Ban a SteamID (0 = permanent)" },
  { name: "addip", usage: "<minutes> <ip>", description: "Ban an IP address" },
  { name: "removeid", usage: "<steamid>", description: "Remove a SteamID ban" },
  { name: "removeip", usage: "<ip>", description: "Remove an IP ban" },
  { name: "listid", description: "List SteamID bans" },
  { name: "listip", description: "List IP bans" },
  { name: "writeid", description: "Save SteamID bans to banned_user.cfg" },
  { name: "writeip", description: "Save IP bans to banned_ip.cfg" },
  { name: "changelevel", usage: "<map>", description: "Change the map" },
  { name: "mp_restartgame", usage: "<seconds>", description: "Restart the round" },
  { name: "maps", usage: "<filter>", description: "List maps" },
  { name: "users", description: "List users" },
  { name: "stats", description: "Server performance" },
  { name: "echo", usage: "<text>", description: "Print text" },
  { name: "find", usage: "<text>", description: "Find console variables" },
  { name: "hostname", usage: "[name]", description: "Show or set the server name" },
  { name: "sv_password", usage: "[password]", description: "Show or set the join password" },
  { name: "exec", usage: "<file>", description: "Run a config file" },
  { name: "quit", description: "Stop the server" },
];

/** Source 1 wire behaviour: empty packet before AUTH_RESPONSE, 4096-byte fragments, marker mirrored. */
export const SOURCE1_SERVER: SourceServerProfile = {
  authReply: "srcds",
  authFailure: "reply-and-close",
  execBeforeAuth: "empty",
  split: { unit: "bytes", size: 4096 },
  markerReply: "mirror",
  maxRequestSize: 4096 + 10,
};

const capabilities = {
  pushesJoins: false,
  whisper: false,
  timedBans: true,
  banKinds: ["steamid", "ip"] as const,
};

/**
 * The engine's filter lists (`listid`/`listip`, persisted by `writeid`/`writeip`). Temp bans live in
 * memory only and vanish at a map change or restart, so timed bans stay kick-on-join.
 */
export const SRCDS_NATIVE_BANS: NativeBanStore = {
  identities: (identifiers) => [...steam3Identities(identifiers), ...ipv4Identities(identifiers)],
  key: nativeKey,
  central: centralIdentifier({}),
  timed: { mode: "join_only" },
  removeByIndex: false,
};

/** `version : 1.40.4.5/14045 ...` (CS2, CS:GO): a version number, not an address. */
const VERSION_NUMBER = /(?<=^version\s*:\s*)\d+(?:\.\d+)+(?=\/)/gm;

/**
 * Join password, rcon password, SourceTV passwords and the game server login token (GSLT, set
 * with `sv_setsteamaccount`). Convar names are case-insensitive.
 */
export const SRCDS_SECRETS: SecretRules = {
  settings: ["rcon_password", "sv_password", "tv_password", "tv_relaypassword", "sv_setsteamaccount"],
  commands: [],
};

function srcdsPrivacy(parseStatus: (text: string) => Player[]): DialectPrivacy {
  return {
    playerIdIsIdentity: false,
    identitiesIn: readIdentities(
      (text) => playerIdentities(parseStatus(text)),
      (text) => banIdentities(parseFilterList(text)),
    ),
    notIdentities: [VERSION_NUMBER],
    secrets: SRCDS_SECRETS,
  };
}

function source1(id: string, label: string, defaultPort = 27015): SourceDialect {
  return {
    id,
    family: "source",
    label,
    defaultPort,
    defaultEncoding: "utf-8",
    capabilities: { ...capabilities, listsAccounts: true },
    commands: SRCDS_COMMANDS,
    operations: operations(parseSource1Status, label),
    addressName: sayableName,
    nativeBans: SRCDS_NATIVE_BANS,
    privacy: srcdsPrivacy(parseSource1Status),
    dangerous: SRCDS_DANGEROUS,
    indirect: SRCDS_INDIRECT,
    logs: { transport: "udp", parse: parseHlLogLine },
    client: { maxInFlight: 64, maxRequestSize: 4096 + 10 },
    server: SOURCE1_SERVER,
  };
}

export const csgo = source1("csgo", "Counter-Strike: Global Offensive");
export const tf2 = source1("tf2", "Team Fortress 2");
export const gmod = source1("gmod", "Garry's Mod");
export const l4d2 = source1("l4d2", "Left 4 Dead 2");

/**
 * CS2: AUTH_RESPONSE only, answers never split (single packets above 4096 bytes) per reports
 * (EnriqCG/rcon-srcds#26, Challengermode/CoreRcon#45). What CS2 does with the empty end marker is
 * not known (no capture found): the emulator mirrors it like Source 1, so marker-based clients
 * (python-valve) work against it, and our client learns the behaviour per connection anyway
 * (docs/source-answers.md).
 */
export const cs2: SourceDialect = {
  id: "cs2",
  family: "source",
  label: "Counter-Strike 2",
  defaultPort: 27015,
  defaultEncoding: "utf-8",
  capabilities,
  commands: SRCDS_COMMANDS,
  operations: operations(parseCs2Status, "Counter-Strike 2"),
  addressName: sayableName,
  nativeBans: SRCDS_NATIVE_BANS,
  privacy: srcdsPrivacy(parseCs2Status),
  dangerous: SRCDS_DANGEROUS,
  indirect: SRCDS_INDIRECT,
  // CS2 sends its log stream as HTTP POSTs of many lines (`logaddress_add_http`).
  logs: { transport: "http", parse: parseHlLogLine },
  client: { maxInFlight: 64, maxRequestSize: 4096 + 10 },
  server: { ...SOURCE1_SERVER, authReply: "single", split: { unit: "none", size: 0 } },
};
