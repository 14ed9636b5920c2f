/**
 * Rust over WebRCON (its default since 2017; docs/webrcon.md). The console is the one legacy
 * Source RCON reaches (what both share is in protocol/source/dialects/rust-console.ts, the
 * dangerous list extends legacy Rust's), but answers come whole, `playerlist` and `serverinfo`
 * answer JSON, and chat is pushed as a Chat message carrying JSON.
 */
import type { FoundIdentity } from "../../../../../lib/console/redact.ts";
import type {
  CommandInfo,
  GameEvent,
  GameOperations,
  NativeBanStore,
  Player,
  ServerInfo,
} from "../../../types.ts";
import { centralIdentifier, nativeKey } from "../../native-bans.ts";
import { banIdentities, playerIdentities, readIdentities } from "../../privacy.ts";
import {
  asyncOperations,
  banTargetValue,
  makePlayer,
  requireSteam64,
  STEAM64,
} from "../../source/dialects/common.ts";
import * as rustConsole from "../../source/dialects/rust-console.ts";
import type { WebRconDialect } from "./common.ts";
import { WEBRCON_RUST_DANGEROUS } from "./dangerous.ts";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const numberOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

/**
 * `playerlist`: a JSON array of {SteamID, OwnerSteamID, DisplayName, Ping, Address, ConnectedSeconds,
 * VoiationLevel, CurrentLevel, UnspentXp, Health}. Entries without a SteamID64 are skipped; anything
 * that is not such an array is no players (the text is the server's, never trusted).
 */
export function parseRustPlayerList(text: string): Player[] {
  const rows = parseJson(text);
  if (!Array.isArray(rows)) return [];
  const players: Player[] = [];
  for (const row of rows) {
    if (!isRecord(row)) continue;
    const steamId = typeof row.SteamID === "string" ? row.SteamID : "";
    if (!STEAM64.test(steamId)) continue;
    const name = typeof row.DisplayName === "string" ? row.DisplayName : steamId;
    const seconds = numberOrNull(row.ConnectedSeconds);
    players.push(
      makePlayer({
        id: steamId,
        name,
        steamId,
        ping: numberOrNull(row.Ping),
        address: typeof row.Address === "string" && row.Address !== "" ? row.Address : null,
        connectedSeconds: seconds === null ? null : Math.floor(seconds),
      }),
    );
  }
  return players;
}

/** `serverinfo`: {Hostname, MaxPlayers, Players, Queued, Joining, Map, Framerate, ...}. */
export function parseRustServerInfo(text: string): ServerInfo {
  const info = parseJson(text);
  if (!isRecord(info)) return { map: null, maxPlayers: null };
  const max = numberOrNull(info.MaxPlayers);
  return {
    map: typeof info.Map === "string" && info.Map !== "" ? info.Map : null,
    maxPlayers: max !== null && max > 0 ? max : null,
  };
}

/** Rust's chat channels (ConVar.Chat.ChatChannel): 0 global, 1 team. */
const CHAT_CHANNELS: Record<number, string> = { 0: "CHAT", 1: "TEAM CHAT" };

/**
 * A pushed message as a console line. Chat carries JSON {Channel, Message, UserId, Username, Color,
 * Time} and becomes `[CHAT] Name[SteamID] : text`, the line Rust's own console log writes.
 */
export function renderRustPushed(channel: string, text: string): string {
  if (channel !== "Chat") return text;
  const chat = parseJson(text);
  if (!isRecord(chat) || typeof chat.Message !== "string") return text;
  const label = CHAT_CHANNELS[Number(chat.Channel)] ?? `CHAT ${String(chat.Channel)}`;
  const name = typeof chat.Username === "string" ? chat.Username : "";
  // A SteamID64 is a string: as a JSON number it would already have lost digits.
  const userId = typeof chat.UserId === "string" ? chat.UserId : "0";
  return `[${label}] ${name}[${userId}] : ${chat.Message}`;
}

const CHAT_LINE = /^\[(CHAT|TEAM CHAT|CHAT \S+)\] (.*)\[(\d+)\] : ([\s\S]*)$/;
/** `192.168.1.10:61123/76561198000000001/Name joined [windows/76561198000000001]` (console log). */
const JOIN_LINE = /^(\S+?):\d+\/(7656119\d{10})\/.+ joined \[/;
/** `192.168.1.10:61123/76561198000000001/Name disconnecting: reason` (console log). */
const LEAVE_LINE = /^(?:(\S+?):\d+\/)?(7656119\d{10})\/.+ disconnecting: /;

/**
 * Chat only: joins and leaves come from polling `playerlist` (capabilities.pushesJoins is false),
 * so the log's join lines stay plain lines rather than announcing a join twice.
 */
export function parseRustMessage(text: string): GameEvent | null {
  const chat = CHAT_LINE.exec(text);
  if (!chat) return null;
  const playerId = STEAM64.test(chat[3] as string) ? (chat[3] as string) : null;
  const channel =
    chat[1] === "TEAM CHAT"
      ? "team"
      : chat[1] === "CHAT"
        ? "global"
        : (chat[1] as string).slice(5).toLowerCase();
  return { kind: "chat", channel, from: chat[2] as string, text: chat[4] as string, playerId };
}

/** The SteamIDs and addresses in chat, join and leave lines. */
function messageIdentities(text: string): FoundIdentity[] {
  const found: FoundIdentity[] = [];
  const chat = parseRustMessage(text);
  if (chat?.kind === "chat" && chat.playerId) found.push({ kind: "steamid", value: chat.playerId });
  const line = JOIN_LINE.exec(text) ?? LEAVE_LINE.exec(text);
  if (line?.[1]) found.push({ kind: "ip", value: line[1] });
  if (line?.[2]) found.push({ kind: "steamid", value: line[2] });
  return found;
}

/** Bans live in memory until the configuration is written: every change is saved at once. */
const SAVE = "server.writecfg";

const operations: GameOperations = {
  ...rustConsole.OPERATIONS,
  async listPlayers(run) {
    return parseRustPlayerList(await run("playerlist"));
  },
  async serverInfo(run) {
    return parseRustServerInfo(await run("serverinfo"));
  },
  async ban(run, request) {
    const target = banTargetValue(request, ["steamid"], "Rust");
    const id = requireSteam64(target.value);
    // banid wants a name; the SteamID stands in (the request has no name, and the game shows it in banlistex).
    const answer = await run(`banid ${id} "${id}" ${rustConsole.quoted(request.reason, "reason")}`, {
      idempotent: false,
    });
    await run(SAVE, { idempotent: false });
    return answer;
  },
  async unban(run, ban) {
    const answer = await run(`unban ${requireSteam64(ban.value)}`, { idempotent: false });
    await run(SAVE, { idempotent: false });
    return answer;
  },
};

/** SteamID64 bans only; timed bans are written permanent and lifted by RconDeck. */
const RUST_NATIVE_BANS: NativeBanStore = {
  identities: (identifiers) =>
    identifiers.filter((i) => i.kind === "steam").map((i) => ({ kind: "steamid" as const, value: i.value })),
  central: centralIdentifier({}),
  key: nativeKey,
  timed: { mode: "lifted" },
  removeByIndex: false,
};

const commands: readonly CommandInfo[] = [
  { name: "playerlist", description: "Players online (JSON)" },
  { name: "serverinfo", description: "Server name, map, players and performance (JSON)" },
  { name: "status", description: "Players online (text table)" },
  { name: "banid", usage: '<steamid> "<name>" "<reason>"', description: "Ban a SteamID" },
  { name: "chat.tail", usage: "[count]", description: "Recent chat (JSON)" },
  { name: "console.tail", usage: "[count]", description: "Recent console output (JSON)" },
  ...rustConsole.COMMANDS,
];

export const rustWebRcon: WebRconDialect = {
  id: "rust-webrcon",
  aliases: ["rust"],
  family: "webrcon",
  label: "Rust",
  ...rustConsole.DECLARED,
  commands,
  operations: asyncOperations(operations),
  nativeBans: RUST_NATIVE_BANS,
  parseServerMessage: parseRustMessage,
  renderPushed: renderRustPushed,
  privacy: {
    playerIdIsIdentity: true,
    identitiesIn: readIdentities(
      (text) => playerIdentities(parseRustPlayerList(text)),
      (text) => banIdentities(rustConsole.parseRustBans(text)),
      messageIdentities,
    ),
    secrets: rustConsole.SECRETS,
  },
  dangerous: WEBRCON_RUST_DANGEROUS,
  client: {},
};
