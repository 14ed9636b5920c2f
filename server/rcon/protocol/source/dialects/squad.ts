/**
 * Squad (and Post Scriptum). Quirks: a wrong password closes the connection without a -1 reply;
 * the end marker is echoed twice before the trailer (the extra packets carry the marker's id and
 * are swallowed by id); chat is pushed as unsolicited packets of type 1 (SERVERDATA_CHAT_VALUE).
 */
import type { CommandInfo, GameEvent, GameOperations, Player, ServerInfo } from "../../../types.ts";
import {
  asyncOperations,
  banTargetValue,
  checkText,
  lines,
  makePlayer,
  requireMatch,
  STEAM64,
  unsupported,
  type SourceDialect,
} from "./common.ts";
import { SOURCE1_SERVER } from "./srcds.ts";
import type { FoundIdentity } from "../../../../../lib/console/redact.ts";
import { SQUAD_DANGEROUS } from "./dangerous.ts";

export const SQUAD_CHAT_PACKET_TYPE = 1;

/** `ListPlayers`: active rows `ID: 0 | SteamID: 7656... | Name: X | Team ID: 1 | Squad ID: N/A` (or `Online IDs: EOS: ... steam: 7656...`). */
/** `ShowServerInfo` answers a JSON object; `MapName_s` is the layer, `MaxPlayers` the public slots. */
export function parseSquadServerInfo(text: string): ServerInfo {
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch {
    return { map: null, maxPlayers: null };
  }
  const record = typeof info === "object" && info !== null ? (info as Record<string, unknown>) : {};
  const map = typeof record.MapName_s === "string" && record.MapName_s !== "" ? record.MapName_s : null;
  const max = Number(record.MaxPlayers);
  return { map, maxPlayers: Number.isInteger(max) && max > 0 ? max : null };
}

export function parseSquadPlayers(text: string): Player[] {
  const players: Player[] = [];
  for (const line of lines(text)) {
    if (/Recently Disconnected/i.test(line)) break;
    const row =
      /^ID: (\d+) \| (?:SteamID: (\d{17})|Online IDs:.*?steam: (\d{17})[^|]*) \| Name: (.*?) \| Team ID: ([^|]*?) \|/.exec(
        line,
      );
    if (!row) continue;
    players.push(
      makePlayer({
        id: row[1] as string,
        name: row[4] as string,
        steamId: row[2] ?? row[3],
        state: `team ${(row[5] as string).trim()}`,
      }),
    );
  }
  return players;
}

/** `[ChatAll] [SteamID:76561198000000001] Name : text` (or `[Online IDs:EOS: ... steam: 7656...]`). */
export function parseSquadMessage(text: string): GameEvent | null {
  const chat =
    /^\[(Chat\w+)\] \[(?:SteamID:(\d{17})|Online IDs:[^\]]*?steam: (\d{17})[^\]]*)\] (.+?) : ([\s\S]*)$/.exec(
      text.trim(),
    );
  if (!chat) return null;
  return {
    kind: "chat",
    channel: (chat[1] as string).slice(4),
    from: chat[4] as string,
    text: chat[5] as string,
    playerId: null,
  };
}

/**
 * The ids Squad prints about a player: `SteamID: 7656...` (older), `Online IDs: EOS: <32 hex>
 * steam: 7656...` in lists and chat, `[Online IDs= EOS: ... steam: ...]` in kick and ban answers.
 */
export function squadIdentities(text: string): FoundIdentity[] {
  const found: FoundIdentity[] = [];
  for (const m of text.matchAll(/SteamID:\s*(\d{17})/g))
    found.push({ kind: "steamid", value: m[1] as string });
  for (const ids of text.matchAll(/Online IDs\s*[:=]([^|\]\n]*)/g)) {
    for (const m of (ids[1] as string).matchAll(/(\w+):\s*(\S+)/g)) {
      found.push({
        kind: (m[1] as string).toLowerCase() === "steam" ? "steamid" : "guid",
        value: m[2] as string,
      });
    }
  }
  return found;
}

/** Squad ban lengths: "0" (permanent) or a count with a unit. */
export function squadLength(minutes: number | null): string {
  if (minutes === null || minutes === 0) return "0";
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

const id = (value: string) => requireMatch(value, /^\d{1,4}$/, "player id");

const operations: GameOperations = {
  async listPlayers(run) {
    return parseSquadPlayers(await run("ListPlayers"));
  },
  async serverInfo(run) {
    return parseSquadServerInfo(await run("ShowServerInfo"));
  },
  kick(run, playerId, reason) {
    return run(`AdminKickById ${id(playerId)} ${checkText(reason, "reason")}`.trimEnd(), {
      idempotent: false,
    });
  },
  ban(run, request) {
    const target = banTargetValue(request, ["steamid"], "Squad");
    const reason = checkText(request.reason, "reason");
    if (target.kind === "player")
      return run(`AdminBanById ${id(target.value)} ${squadLength(request.minutes)} ${reason}`.trimEnd(), {
        idempotent: false,
      });
    return run(
      `AdminBan ${requireMatch(target.value, STEAM64, "SteamID64")} ${squadLength(request.minutes)} ${reason}`.trimEnd(),
      { idempotent: false },
    );
  },
  unban() {
    return unsupported("remove a ban (edit Bans.cfg)", "Squad");
  },
  listBans() {
    return unsupported("list bans (see Bans.cfg)", "Squad");
  },
  sayAll(run, message) {
    return run(`AdminBroadcast ${checkText(message, "message")}`, { idempotent: false });
  },
  sayTo(run, playerId, message) {
    return run(`AdminWarnById ${id(playerId)} ${checkText(message, "message")}`, { idempotent: false });
  },
};

const commands: readonly CommandInfo[] = [
  { name: "ListPlayers", description: "Players online and recently disconnected" },
  { name: "ListSquads", description: "Squads per team" },
  { name: "ShowCurrentMap", description: "Current layer" },
  { name: "ShowNextMap", description: "Next layer" },
  { name: "AdminBroadcast", usage: "<message>", description: "Message all players" },
  { name: "AdminWarnById", usage: "<id> <message>", description: "Warn one player" },
  { name: "AdminKickById", usage: "<id> <reason>", description: "Kick a player" },
  { name: "AdminBanById", usage: "<id> <length> <reason>", description: "Ban a player (0 = permanent)" },
  { name: "AdminBan", usage: "<steamid> <length> <reason>", description: "Ban a SteamID" },
  { name: "AdminChangeLayer", usage: "<layer>", description: "Change the layer now" },
  { name: "AdminSetNextLayer", usage: "<layer>", description: "Set the next layer" },
  { name: "AdminEndMatch", description: "End the match" },
];

export const squad: SourceDialect = {
  id: "squad",
  dangerous: SQUAD_DANGEROUS,
  family: "source",
  label: "Squad",
  defaultPort: 21114,
  defaultEncoding: "utf-8",
  capabilities: {
    // Squad's RCON pushes chat and admin notices, not joins and leaves (those are in its log file).
    pushesJoins: false,
    whisper: true,
    timedBans: true,
    banKinds: ["steamid"],
    listsAccounts: true,
  },
  commands,
  operations: asyncOperations(operations),
  parseServerMessage: parseSquadMessage,
  // `AdminSetServerPassword <password>` sets the join password.
  privacy: {
    playerIdIsIdentity: false,
    identitiesIn: squadIdentities,
    secrets: { settings: [], commands: ["AdminSetServerPassword"] },
  },
  client: { maxInFlight: 1, maxRequestSize: 4096 + 10 },
  server: { ...SOURCE1_SERVER, authFailure: "close", execBeforeAuth: "close", markerReply: "mirror-twice" },
};
