/**
 * `getstatus` / `getinfo` answers (docs/protocols.md §3.7): no password needed, so the dashboard can show
 * a server's name, map and players even when rcon is refused. Infostrings are `\key\value...`;
 * parse them as a map, never by position (ioq3 prepends keys, so the order is reversed).
 */
import { RconRemoteError } from "../errors.ts";

export type InfoMap = Record<string, string>;

/** Parses `\k\v\k\v` (leading backslash optional). An odd element count is malformed. */
export function parseInfoString(text: string): InfoMap {
  const body = text.startsWith("\\") ? text.slice(1) : text;
  const info: InfoMap = Object.create(null) as InfoMap;
  if (body === "") return info;
  const parts = body.split("\\");
  if (parts.length % 2 !== 0)
    throw new RconRemoteError("MALFORMED_PACKET", "infostring with a key but no value");
  for (let i = 0; i < parts.length; i += 2) info[parts[i] as string] = parts[i + 1] as string;
  return info;
}

export interface QueryPlayer {
  score: number;
  ping: number;
  /** Colour codes kept. */
  name: string;
  /** DarkPlaces teamplay adds a team column. */
  team: number | null;
}

export interface StatusResponse {
  info: InfoMap;
  players: QueryPlayer[];
}

// Greedy name up to the last quote: names may contain quotes on engines that do not strip them.
const PLAYER_LINE = /^(-?\d+) (-?\d+)(?: (-?\d+))? "(.*)"$/;

/** Body of `statusResponse\n`: the infostring line then one `score ping "name"` line per client. */
export function parseStatusResponse(body: string): StatusResponse {
  const lines = body.split("\n");
  const info = parseInfoString(lines[0] ?? "");
  const players: QueryPlayer[] = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const m = PLAYER_LINE.exec(line);
    if (!m) throw new RconRemoteError("MALFORMED_PACKET", "statusResponse player line not understood");
    players.push({
      score: Number(m[1]),
      ping: Number(m[2]),
      team: m[3] === undefined ? null : Number(m[3]),
      name: m[4] as string,
    });
  }
  return { info, players };
}

/** Body of `infoResponse\n`: one infostring. */
export function parseInfoResponse(body: string): InfoMap {
  return parseInfoString(body.replace(/\n$/, ""));
}

export interface ServerSummary {
  hostname: string | null;
  map: string | null;
  gameType: string | null;
  maxClients: number | null;
  /** Clients reported by getinfo (bots included), or the player lines of getstatus. */
  clients: number | null;
  needPassword: boolean | null;
  players: QueryPlayer[];
  info: InfoMap;
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Merges whichever of the two answers arrived into one summary (either may be null). */
export function summariseServer(status: StatusResponse | null, info: InfoMap | null): ServerSummary {
  const s = status?.info ?? {};
  const i = info ?? {};
  const needPass = s.g_needpass ?? i.g_needpass ?? s.pswrd;
  return {
    hostname: s.sv_hostname ?? i.hostname ?? null,
    map: s.mapname ?? i.mapname ?? null,
    gameType: s.g_gametype ?? i.gametype ?? null,
    maxClients: numberOrNull(s.sv_maxclients ?? i.sv_maxclients),
    clients: status ? status.players.length : numberOrNull(i.clients),
    needPassword: needPass === undefined ? null : needPass !== "0",
    players: status?.players ?? [],
    info: { ...i, ...s },
  };
}

/** Server side (emulator): builds the two answer bodies. */
export function encodeInfoString(info: InfoMap): string {
  return Object.entries(info)
    .map(([k, v]) => `\\${k}\\${v}`)
    .join("");
}

export function formatStatusResponse(info: InfoMap, players: readonly QueryPlayer[]): string {
  return `${encodeInfoString(info)}\n${players.map((p) => `${p.score} ${p.ping} "${p.name}"\n`).join("")}`;
}
