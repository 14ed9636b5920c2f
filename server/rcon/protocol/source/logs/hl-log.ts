/**
 * Source engine log lines (the HL Log Standard, Valve Developer Community wiki "HL_Log_Standard",
 * plus the Source-era additions documented in docs/game-logs.md), read into the engine's GameEvent
 * vocabulary. Pure and data-driven: a table of patterns, one per event; games pick the table in
 * their dialect's `logs` entry, nothing here asks which game it is.
 */
import type { GameEvent } from "../../../types.ts";

/**
 * The prefix of a line: "L MM/DD/YYYY - HH:MM:SS: " (UDP and log files) or CS2's HTTP form
 * "MM/DD/YYYY - HH:MM:SS.mmm - ". Lines without one are read as they are.
 */
const PREFIX = /^(?:L )?\d{2}\/\d{2}\/\d{4} - \d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:: | - )/;

/**
 * `"Name<userid><uniqueid><team>"`: the name is matched lazily so a name cannot forge the fields
 * after it; the fields are short (a SteamID, a team), and bounding them keeps a hostile line linear.
 */
const PLAYER = String.raw`"(.*?)<(-?\d{1,10})><([^<>"]{0,64})><([^<>"]{0,64})>"`;
/** CS:GO and CS2 write the position after a player in kills: `"A<2><..><CT>" [10 20 30] killed ...`. */
const POSITION = String.raw`(?: \[[-\d ]{0,64}\])?`;

export interface LogPlayer {
  name: string;
  userid: string;
  uniqueId: string;
  team: string;
}

export interface LogRule {
  pattern: RegExp;
  read(match: RegExpExecArray): GameEvent | null;
}

const player = (m: RegExpExecArray, at: number): LogPlayer => ({
  name: m[at] as string,
  userid: m[at + 1] as string,
  uniqueId: m[at + 2] as string,
  team: m[at + 3] as string,
});
/** The server console (commands typed there or sent over RCON, e.g. `say`) logs as a "player" named Console. */
const isConsole = (p: LogPlayer) => p.uniqueId === "Console";
/** Only the command's first word: its arguments can be secrets (`sv_logsecret 123`, `rcon_password x`). */
const commandWord = (command: string) => command.trim().split(/\s+/, 1)[0]?.slice(0, 64) ?? "";

/** The HL Log Standard events RconDeck shows (joins, leaves, chat, kills, RCON commands). */
export const HL_LOG_RULES: readonly LogRule[] = [
  {
    pattern: new RegExp(String.raw`^${PLAYER} connected, address "([^"]*)"$`),
    read: (m) => ({
      kind: "player.connected",
      playerId: m[2] as string,
      name: m[1] as string,
      address: (m[5] as string) || null,
    }),
  },
  {
    pattern: new RegExp(String.raw`^${PLAYER} entered the game$`),
    read: (m) => ({
      kind: "player.connected",
      playerId: m[2] as string,
      name: m[1] as string,
      address: null,
    }),
  },
  {
    pattern: new RegExp(String.raw`^${PLAYER} disconnected(?: \(reason "(.*)"\))?$`),
    read: (m) => ({ kind: "player.disconnected", playerId: m[2] as string, name: m[1] as string }),
  },
  {
    pattern: new RegExp(String.raw`^${PLAYER} (say|say_team) "(.*)"(?: \(dead\))?$`),
    read: (m) => {
      const from = player(m, 1);
      const text = m[6] as string;
      if (isConsole(from)) return { kind: "admin.message", target: "all", text };
      return {
        kind: "chat",
        channel: m[5] === "say_team" ? "team" : "all",
        from: from.name,
        text,
        playerId: from.userid,
      };
    },
  },
  {
    pattern: new RegExp(String.raw`^${PLAYER}${POSITION} killed ${PLAYER}${POSITION} with "([^"]*)"`),
    read: (m) => ({ kind: "kill", killer: m[1] as string, victim: m[5] as string, weapon: m[9] as string }),
  },
  {
    pattern: /^rcon from "([^"]*)": command "(.*)"$/,
    read: (m) => ({ kind: "admin.command", source: m[1] as string, command: commandWord(m[2] as string) }),
  },
];

/** The line without its date prefix. */
export function logLineBody(line: string): string {
  return line.replace(PREFIX, "");
}

/** A parser over a table of rules: the first rule that matches reads the line; null for lines not shown. */
export function logParser(rules: readonly LogRule[]): (line: string) => GameEvent | null {
  return (line) => {
    const body = logLineBody(line.trimEnd());
    for (const rule of rules) {
      const match = rule.pattern.exec(body);
      if (match) return rule.read(match);
    }
    return null;
  };
}

export const parseHlLogLine = logParser(HL_LOG_RULES);

/** Longer lines are not log lines a game writes (SRCDS formats into a 1 KiB buffer); the receiver drops them unread. */
export const MAX_LOG_LINE_CHARS = 2_048;
