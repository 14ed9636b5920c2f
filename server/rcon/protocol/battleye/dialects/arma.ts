/**
 * The operations every BattlEye game shares (Arma 2, Arma 3, DayZ), built from a little data per
 * game. User arguments are checked here: a BattlEye command is one packet, and nothing a user types
 * may add a line, a control character or a second argument where one is expected.
 */
import {
  RconCommandError,
  type BanEntry,
  type BanRequest,
  type CommandInfo,
  type Dialect,
  type GameOperations,
  type NativeBanStore,
  type RunCommand,
} from "../../../types.ts";
import { centralIdentifier, ipv4Identities, nativeKey, sameValue } from "../../native-bans.ts";
import { banIdentities, eventIdentities, playerIdentities, readIdentities } from "../../privacy.ts";
import { parseAdmins, parseBans, parsePlayers, parseServerMessage } from "./parsers.ts";
import { BATTLEYE_DANGEROUS } from "./dangerous.ts";

export interface ArmaDialectData {
  id: string;
  label: string;
  defaultPort: number;
  /** Run `writeBans` after a ban or unban so bans.txt matches memory across a server restart. */
  writeBansAfterChange: boolean;
  extraCommands?: readonly CommandInfo[];
}

export const MAX_REASON_LENGTH = 200;
export const MAX_MESSAGE_LENGTH = 400;

function invalid(message: string): never {
  throw new RconCommandError("INVALID_ARGUMENT", message);
}

/** Free text (reason, chat): one line, no control characters, bounded. */
export function checkText(value: string, what: string, max: number): string {
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value))
    invalid(`${what} must be a single line without control characters`);
  const text = value.trim();
  if (text.length > max) invalid(`${what} is longer than ${max} characters`);
  return text;
}

export function checkPlayerId(value: string): string {
  if (!/^\d{1,4}$/.test(value))
    invalid(`player id must be a number (the # column of "players"), got "${value}"`);
  return String(Number(value));
}

export function checkGuid(value: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(value)) invalid("a BattlEye GUID is 32 hexadecimal characters");
  return value.toLowerCase();
}

export function checkIp(value: string): string {
  const parts = value.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    invalid("an IP ban takes an IPv4 address such as 203.0.113.7");
  }
  return parts.map(Number).join(".");
}

function checkMessage(value: string): string {
  const text = checkText(value, "message", MAX_MESSAGE_LENGTH);
  if (text === "") invalid("message is empty");
  return text;
}

function checkMinutes(minutes: number | null): number {
  if (minutes === null) return 0; // 0 = permanent for BattlEye
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 100_000_000) {
    invalid("ban minutes must be a whole number from 1, or permanent");
  }
  return minutes;
}

/** BattlEye answers refusals as plain text; those become errors instead of "successful" output. */
export function expectAccepted(answer: string): string {
  const text = answer.trim();
  if (/^(Unknown command|Disallowed command)/i.test(text)) throw new RconCommandError("REJECTED", text);
  return answer;
}

function joinArgs(...parts: string[]): string {
  return parts.filter((p) => p !== "").join(" ");
}

export const BATTLEYE_COMMANDS: readonly CommandInfo[] = [
  { name: "players", description: "List connected players with ping, GUID and verification" },
  { name: "kick", usage: "kick <player#> [reason]", description: "Kick a player" },
  {
    name: "ban",
    usage: "ban <player#> [minutes] [reason]",
    description: "Ban a connected player's GUID (0 = permanent)",
  },
  { name: "addBan", usage: "addBan <GUID|IP> [minutes] [reason]", description: "Ban a GUID or IP address" },
  {
    name: "removeBan",
    usage: "removeBan <ban#>",
    description: "Remove a ban by its current index in `bans`",
  },
  { name: "bans", description: "List GUID and IP bans" },
  { name: "loadBans", description: "Reload bans.txt" },
  { name: "writeBans", description: "Rewrite bans.txt (drops expired bans)" },
  { name: "say", usage: "say <player#|-1> <message>", description: "Message one player, or -1 for everyone" },
  { name: "admins", description: "List connected RCon admins" },
  { name: "missions", description: "List missions on the server" },
  { name: "MaxPing", usage: "MaxPing <ms>", description: "Kick players above this ping" },
  { name: "loadScripts", description: "Reload scripts.txt" },
  { name: "loadEvents", description: "Reload the event filters" },
  { name: "version", description: "BattlEye server version" },
  { name: "commands", description: "List BattlEye commands" },
];

export function createArmaOperations(data: ArmaDialectData): GameOperations {
  async function persist(run: RunCommand): Promise<void> {
    if (data.writeBansAfterChange) expectAccepted(await run("writeBans"));
  }

  return {
    async listPlayers(run) {
      return parsePlayers(expectAccepted(await run("players")));
    },
    async kick(run, playerId, reason) {
      const command = joinArgs(
        "kick",
        checkPlayerId(playerId),
        checkText(reason, "reason", MAX_REASON_LENGTH),
      );
      return expectAccepted(await run(command, { idempotent: false }));
    },
    async ban(run, request: BanRequest) {
      const minutes = String(checkMinutes(request.minutes));
      const reason = checkText(request.reason, "reason", MAX_REASON_LENGTH);
      const { target } = request;
      let command: string;
      if (target.kind === "player")
        command = joinArgs("ban", checkPlayerId(target.playerId), minutes, reason);
      else if (target.kind === "guid") command = joinArgs("addBan", checkGuid(target.value), minutes, reason);
      else if (target.kind === "ip") command = joinArgs("addBan", checkIp(target.value), minutes, reason);
      else throw new RconCommandError("UNSUPPORTED", `BattlEye cannot ban by ${target.kind}`);
      const answer = expectAccepted(await run(command, { idempotent: false }));
      await persist(run);
      return answer;
    },
    async unban(run, ban: Pick<BanEntry, "kind" | "value">) {
      const value =
        ban.kind === "guid" ? checkGuid(ban.value) : ban.kind === "ip" ? checkIp(ban.value) : null;
      if (value === null) throw new RconCommandError("UNSUPPORTED", `BattlEye has no ${ban.kind} bans`);
      // Ban indexes shift whenever a ban is added or removed: look the index up right before removing.
      const current = parseBans(expectAccepted(await run("bans")));
      const entry = current.find((b) => b.kind === ban.kind && b.value === value);
      if (!entry) throw new RconCommandError("REJECTED", `no ${ban.kind} ban for ${value}`);
      const answer = expectAccepted(await run(`removeBan ${entry.ref}`, { idempotent: false }));
      await persist(run);
      return answer;
    },
    async listBans(run) {
      return parseBans(expectAccepted(await run("bans")));
    },
    async sayAll(run, message) {
      return expectAccepted(await run(`say -1 ${checkMessage(message)}`, { idempotent: false }));
    },
    async sayTo(run, playerId, message) {
      const command = `say ${checkPlayerId(playerId)} ${checkMessage(message)}`;
      return expectAccepted(await run(command, { idempotent: false }));
    },
  };
}

/**
 * BattlEye's list (`bans`, `addBan <GUID|IP> <minutes> <reason>`, `removeBan <index>`, `writeBans`).
 * Timed bans are written with a time-to-live of at most a week so the list stays small (a long
 * ban is written again when its entry lapses); removal is by an index that renumbers after
 * each removal, so the sync removes one at a time and the dialect re-lists before each.
 */
export const BATTLEYE_NATIVE_BANS: NativeBanStore = {
  identities: (identifiers) => [
    ...sameValue("battleye", "guid")(identifiers),
    ...ipv4Identities(identifiers),
  ],
  key: nativeKey,
  central: centralIdentifier({ guid: "battleye" }),
  timed: { mode: "native", maxMinutes: 7 * 24 * 60 },
  removeByIndex: true,
};

export function createArmaDialect(data: ArmaDialectData): Dialect {
  return {
    id: data.id,
    family: "battleye",
    label: data.label,
    defaultPort: data.defaultPort,
    defaultEncoding: "utf-8",
    capabilities: {
      pushesJoins: true,
      whisper: true,
      timedBans: true,
      banKinds: ["guid", "ip"],
      listsAccounts: true,
    },
    commands: [...BATTLEYE_COMMANDS, ...(data.extraCommands ?? [])],
    operations: createArmaOperations(data),
    nativeBans: BATTLEYE_NATIVE_BANS,
    dangerous: BATTLEYE_DANGEROUS,
    parseServerMessage,
    privacy: {
      playerIdIsIdentity: false,
      identitiesIn: readIdentities(
        (text) => playerIdentities(parsePlayers(text)),
        (text) => banIdentities(parseBans(text)),
        (text) => parseAdmins(text).map((a) => ({ kind: "ip" as const, value: a.address })),
        (text) => eventIdentities(parseServerMessage(text)),
      ),
      // BattlEye's `RConPassword <new>` changes the RCon password; `#login <password>` is the game's admin login.
      secrets: { settings: [], commands: ["RConPassword", "#login"] },
    },
  };
}
