/**
 * Parsers for the answers and pushed messages of BattlEye servers (docs/protocols.md §1.6, §1.7).
 * They keep the rows a popular library silently drops: `(?)` GUIDs, ping -1, no GUID yet (`-`),
 * `(Lobby)`, and names with spaces, brackets, colons, `#` or non-Latin letters.
 */
import type { BanEntry, GameEvent, Player } from "../../../types.ts";

const PLAYER_ROW =
  /^(\d+)\s+([0-9.]+|[0-9a-fA-F:]+):(\d+)\s+(-?\d+)\s+(?:([0-9a-fA-F]{32})\((OK|\?)\)|(-))\s+(.*?)(\s\(Lobby\))?\s*$/;
const PLAYERS_FOOTER = /^\(\d+ players in total\)$/;

export function parsePlayers(text: string): Player[] {
  const byId = new Map<string, Player>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (PLAYERS_FOOTER.test(line)) continue;
    const m = PLAYER_ROW.exec(line);
    if (!m) continue;
    const [, id, ip, port, ping, guid, status, , name, lobby] = m;
    const player: Player = {
      id: id!,
      name: name!,
      plainName: name!,
      ping: ping === "-1" ? null : Number(ping),
      score: null,
      address: `${ip}:${port}`,
      guid: guid ? guid.toLowerCase() : null,
      steamId: null,
      connectedSeconds: null,
      isBot: false,
      state: lobby ? "Lobby" : (status ?? null),
    };
    // Arma 2 lists a joining player twice, once "(Lobby)": keep the in-game row.
    const known = byId.get(player.id);
    if (!known || known.state === "Lobby") byId.set(player.id, player);
  }
  return [...byId.values()];
}

const BAN_ROW = /^(\d+)\s+(\S+)\s+(perm|-|\d+)(?:\s+(.*))?$/;

export function parseBans(text: string): BanEntry[] {
  const bans: BanEntry[] = [];
  let section: "guid" | "ip" | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^GUID Bans:$/i.test(line)) section = "guid";
    else if (/^IP Bans:$/i.test(line)) section = "ip";
    const m = BAN_ROW.exec(line);
    if (!m) continue;
    const [, ref, value, minutes, reason] = m;
    const kind = /^[0-9a-fA-F]{32}$/.test(value!) ? "guid" : /^[0-9.]+$/.test(value!) ? "ip" : section;
    if (!kind) continue;
    bans.push({
      ref: ref!,
      kind,
      value: kind === "guid" ? value!.toLowerCase() : value!,
      // perm = permanent (null); "-" = expired, waiting for writeBans to remove it (0 left).
      minutesLeft: minutes === "perm" ? null : minutes === "-" ? 0 : Number(minutes),
      reason: reason?.trim() ?? "",
    });
  }
  return bans;
}

export interface RconAdmin {
  id: string;
  address: string;
}

export function parseAdmins(text: string): RconAdmin[] {
  const admins: RconAdmin[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^(\d+)\s+(\S+:\d+)\s*$/.exec(raw.trim());
    if (m) admins.push({ id: m[1]!, address: m[2]! });
  }
  return admins;
}

export function parseMissions(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^Missions on server:?$/i.test(line));
}

// --- pushed messages -------------------------------------------------------------------------

const ADMIN_LOGIN = /^RCon admin #(\d+) \((.+):(\d+)\) logged in$/;
const ADMIN_CHAT = /^RCon admin #(\d+): \((Global|To .+?)\) (.*)$/s;
const GUID_VERIFIED = /^Verified GUID \(([0-9a-fA-F]{32})\) of player #(\d+) (.+)$/;
const BE_GUID = /^Player #(\d+) (.+) - BE GUID: ([0-9a-fA-F]{32})$/;
const OLD_GUID = /^Player #(\d+) (.+) - GUID: ([0-9a-fA-F]{32}) \(unverified\)$/;
const KICKED = /^Player #(\d+) (.+) \(([0-9a-fA-F]{32}|-)\) has been kicked by BattlEye: (.*)$/s;
const CONNECTED = /^Player #(\d+) (.+) \(([^()\s]+):(\d+)\) connected$/;
const DISCONNECTED = /^Player #(\d+) (.+) disconnected$/;
const CHAT = /^\((Global|Side|Command|Group|Vehicle|Direct|Lobby|Unknown|[^)]+)\) (.+?): (.*)$/s;
const ADMIN_BAN_REASON = /^Admin Ban(?: \((.*)\))?$/s;

/** Reads one pushed line as a typed event; null for lines that carry nothing typed (BE Master noise...). */
export function parseServerMessage(text: string): GameEvent | null {
  let m: RegExpExecArray | null;
  if ((m = ADMIN_LOGIN.exec(text)))
    return { kind: "admin.login", adminId: m[1]!, address: `${m[2]}:${m[3]}` };
  if ((m = ADMIN_CHAT.exec(text))) {
    const channel = m[2]!;
    return { kind: "admin.message", target: channel === "Global" ? "all" : channel.slice(3), text: m[3]! };
  }
  if ((m = GUID_VERIFIED.exec(text))) {
    return { kind: "player.guid", playerId: m[2]!, name: m[3]!, guid: m[1]!.toLowerCase(), verified: true };
  }
  if ((m = BE_GUID.exec(text) ?? OLD_GUID.exec(text))) {
    return { kind: "player.guid", playerId: m[1]!, name: m[2]!, guid: m[3]!.toLowerCase(), verified: false };
  }
  if ((m = KICKED.exec(text))) {
    const guid = m[3] === "-" ? null : m[3]!.toLowerCase();
    const reason = m[4]!;
    const ban = ADMIN_BAN_REASON.exec(reason);
    if (ban)
      return {
        kind: "player.banned",
        playerId: m[1]!,
        name: m[2]!,
        guid,
        minutes: null,
        reason: ban[1] ?? "",
      };
    return { kind: "player.kicked", playerId: m[1]!, name: m[2]!, guid, reason };
  }
  if ((m = CONNECTED.exec(text))) {
    return { kind: "player.connected", playerId: m[1]!, name: m[2]!, address: `${m[3]}:${m[4]}` };
  }
  if ((m = DISCONNECTED.exec(text))) return { kind: "player.disconnected", playerId: m[1]!, name: m[2]! };
  if ((m = CHAT.exec(text)))
    return { kind: "chat", channel: m[1]!, from: m[2]!, text: m[3]!, playerId: null };
  return null;
}
