/**
 * Minecraft Java Edition RCON. One request at a time ("most minecraft servers can only reliably
 * process one packet at a time"); the end marker is answered with "Unknown request 0", which ends
 * the answer and is never shown; answers are split by UTF-16 units, so fragments may exceed 4096
 * bytes; players have no numeric id, so the player id is the (unique) name.
 */
import type {
  BanEntry,
  CommandInfo,
  GameOperations,
  IdentityKind,
  NativeBanStore,
  Player,
} from "../../../types.ts";
import { centralIdentifier, ipv4Identities, nativeKey, sameValue } from "../../native-bans.ts";
import type { FoundIdentity } from "../../../../../lib/console/redact.ts";
import { banIdentities, readIdentities } from "../../privacy.ts";
import {
  asyncOperations,
  banTargetValue,
  checkText,
  IPV4,
  makePlayer,
  requireMatch,
  type SourceDialect,
} from "./common.ts";
import { MINECRAFT_DANGEROUS, MINECRAFT_INDIRECT } from "./dangerous.ts";

export const MINECRAFT_NAME = /^[A-Za-z0-9_]{1,16}$/;

/** `There are 2 of a max of 20 players online: Steve, Alex` (1.13+) or `There are 2/20 players online:\nSteve, Alex`. */
export function parseMinecraftList(text: string): Player[] {
  const match = /players online:\s*([\s\S]*)$/.exec(text);
  if (!match) return [];
  return (match[1] as string)
    .split(/,\s*|\n/)
    .map((name) => name.trim())
    .filter((name) => name !== "")
    .map((name) => makePlayer({ id: name, name }));
}

/**
 * `banlist`: "There are 2 ban(s):" then "<target> was banned by <source>: <reason>" per ban. Over
 * RCON the lines are concatenated without separators, so entries are found by their shape.
 */
export function parseMinecraftBanlist(text: string): BanEntry[] {
  const body = text.replace(/^There are \d+ ban\(s\):\s*/, "");
  const target = String.raw`(?:[A-Za-z0-9_]{1,16}|\d{1,3}(?:\.\d{1,3}){3})`;
  const pattern = new RegExp(
    String.raw`(${target}) was banned by (.+?): ([\s\S]*?)\s*(?=${target} was banned by |$)`,
    "g",
  );
  const bans: BanEntry[] = [];
  for (const match of body.matchAll(pattern)) {
    const value = match[1] as string;
    const kind: IdentityKind = IPV4.test(value) ? "ip" : "name";
    bans.push({ ref: value, kind, value, minutesLeft: null, reason: match[3] as string });
  }
  return bans;
}

/** `list uuids`: `Steve (069a79f4-44e9-4726-a5be-fca90e38aaf5)` after each name. */
export function minecraftUuids(text: string): FoundIdentity[] {
  return [
    ...text.matchAll(
      /\(([0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12})\)/g,
    ),
  ].map((m) => ({ kind: "uuid", value: m[1] as string }));
}

const text = (value: string, what: string) => checkText(value, what);

/**
 * `banlist` over RCON runs entries together ("...: griefingBob was banned by..."): a reason ending
 * in a name character would swallow the next entry's name start. RconDeck's reasons end in a '.'
 * so its own entries always split right (bans written by hand can still be misread).
 */
function banReason(reason: string): string {
  const trimmed = reason.trim();
  return /[A-Za-z0-9_]$/.test(trimmed) ? `${trimmed}.` : trimmed;
}
const name = (value: string) => requireMatch(value, MINECRAFT_NAME, "player name");

const operations: GameOperations = {
  async listPlayers(run) {
    return parseMinecraftList(await run("list"));
  },
  async serverInfo(run) {
    // `There are 3 of a max of 20 players online: ...` (1.13+) or `There are 3/20 players online:`
    // (older, the format parseMinecraftList also reads); Minecraft has worlds, not maps.
    const list = /of a max of (\d+)|There are \d+\/(\d+) players online/.exec(await run("list"));
    const max = list?.[1] ?? list?.[2];
    return { map: null, maxPlayers: max ? Number(max) : null };
  },
  kick(run, playerId, reason) {
    return run(`kick ${name(playerId)} ${text(reason, "reason")}`.trimEnd(), { idempotent: false });
  },
  ban(run, request) {
    const target = banTargetValue(request, ["name", "ip"], "Minecraft");
    const reason = banReason(text(request.reason, "reason"));
    if (target.kind === "ip")
      return run(`ban-ip ${requireMatch(target.value, IPV4, "IP address")} ${reason}`.trimEnd(), {
        idempotent: false,
      });
    return run(`ban ${name(target.value)} ${reason}`.trimEnd(), { idempotent: false });
  },
  unban(run, ban) {
    if (ban.kind === "ip")
      return run(`pardon-ip ${requireMatch(ban.value, IPV4, "IP address")}`, { idempotent: false });
    return run(`pardon ${name(ban.value)}`, { idempotent: false });
  },
  async listBans(run) {
    return parseMinecraftBanlist(await run("banlist"));
  },
  sayAll(run, message) {
    return run(`say ${text(message, "message")}`, { idempotent: false });
  },
  sayTo(run, playerId, message) {
    return run(`tell ${name(playerId)} ${text(message, "message")}`, { idempotent: false });
  },
};

const commands: readonly CommandInfo[] = [
  { name: "list", description: "Players online" },
  { name: "say", usage: "<message>", description: "Message all players" },
  { name: "tell", usage: "<player> <message>", description: "Private message" },
  { name: "kick", usage: "<player> [reason]", description: "Kick a player" },
  { name: "ban", usage: "<player> [reason]", description: "Ban a player" },
  { name: "ban-ip", usage: "<ip> [reason]", description: "Ban an IP address" },
  { name: "pardon", usage: "<player>", description: "Unban a player" },
  { name: "pardon-ip", usage: "<ip>", description: "Unban an IP address" },
  { name: "banlist", usage: "[players|ips]", description: "List bans" },
  { name: "whitelist", usage: "<on|off|add|remove|list>", description: "Manage the whitelist" },
  { name: "op", usage: "<player>", description: "Make a player operator" },
  { name: "deop", usage: "<player>", description: "Revoke operator" },
  { name: "time", usage: "set <value>", description: "Set the time" },
  { name: "weather", usage: "<clear|rain|thunder>", description: "Set the weather" },
  { name: "difficulty", usage: "<level>", description: "Set the difficulty" },
  { name: "save-all", description: "Save the world" },
  { name: "help", description: "List commands" },
  { name: "stop", description: "Stop the server" },
];

/**
 * `ban <name>` / `ban-ip <ip>`, listed by `banlist`, saved by the server itself (banned-*.json).
 * Vanilla has no durations: timed bans are written permanent and lifted by RconDeck on time.
 */
export const MINECRAFT_NATIVE_BANS: NativeBanStore = {
  identities: (identifiers) => [...sameValue("mc_name", "name")(identifiers), ...ipv4Identities(identifiers)],
  key: nativeKey,
  central: centralIdentifier({ name: "mc_name" }),
  timed: { mode: "lifted" },
  removeByIndex: false,
};

export const minecraft: SourceDialect = {
  id: "minecraft",
  dangerous: MINECRAFT_DANGEROUS,
  indirect: MINECRAFT_INDIRECT,
  family: "source",
  label: "Minecraft (Java Edition)",
  defaultPort: 25575,
  defaultEncoding: "utf-8",
  capabilities: { pushesJoins: false, whisper: true, timedBans: false, banKinds: ["name", "ip"] },
  commands,
  operations: asyncOperations(operations),
  nativeBans: MINECRAFT_NATIVE_BANS,
  // The RCON password lives in server.properties; no command reads it.
  privacy: {
    playerIdIsIdentity: false,
    identitiesIn: readIdentities(minecraftUuids, (answer) => banIdentities(parseMinecraftBanlist(answer))),
    secrets: { settings: [], commands: [] },
  },
  // Client-to-server payload limit is 1446 bytes (wiki.vg).
  client: { maxInFlight: 1, maxRequestSize: 1446 + 10 },
  server: {
    authReply: "single",
    authFailure: "reply-and-close",
    execBeforeAuth: "auth-failure",
    split: { unit: "utf16", size: 4096 },
    markerReply: "unknown-request",
    maxRequestSize: 1446 + 10,
  },
};
