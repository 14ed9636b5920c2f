/**
 * Helpers shared by the Source dialects: argument checks that keep user text from becoming a
 * second command, and small parsing utilities. Dialects are data; these are the pieces they share.
 */
import {
  RconCommandError,
  type BanEntry,
  type BanRequest,
  type Dialect,
  type DialectCapabilities,
  type GameOperations,
  type IdentityKind,
  type Player,
  type ServerInfo,
} from "../../../types.ts";
import type { SourceClientProfile } from "../client.ts";
import type { SourceServerProfile } from "../server.ts";

/** A Source-family dialect: the shared Dialect plus the wire behaviour of the game. */
export interface SourceDialect extends Dialect {
  family: "source";
  /** How our client talks to this game (end strategy, pipelining, size limits). */
  client: SourceClientProfile;
  /** How the real game behaves on the wire; the emulator reproduces it. */
  server: SourceServerProfile;
  /** Cleans an assembled answer (ARK's placeholder for "no output", Palworld's NUL bytes). */
  normaliseAnswer?(text: string): string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Rejects text that could end the current command and start another: control characters (newline,
 * CR, NUL...) always, plus the characters the game treats as separators or quotes.
 */
export function checkText(value: string, what: string, forbidden = ""): string {
  if (CONTROL.test(value)) {
    throw new RconCommandError(
      "INVALID_ARGUMENT",
      `${what} must not contain line breaks or control characters`,
    );
  }
  for (const ch of forbidden) {
    if (value.includes(ch))
      throw new RconCommandError("INVALID_ARGUMENT", `${what} must not contain '${ch}'`);
  }
  return value;
}

const CONTROLS = /[\u0000-\u001f\u007f]/g;

/**
 * A player's name inside a quoted `say` (SRCDS, Rust): Source cannot escape '"' and splits at ';',
 * so those become "'" and ","; control characters become spaces. The name is the player's choice,
 * not the moderator's, so it is adapted rather than refused.
 */
export function sayableName(name: string): string {
  return withoutControls(name.replace(/"/g, "'").replace(/;/g, ","));
}

/** A player's name with control characters (never sendable) as spaces. */
export function withoutControls(name: string): string {
  return name.replace(CONTROLS, " ");
}

export function requireMatch(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value))
    throw new RconCommandError("INVALID_ARGUMENT", `${what} "${value}" is not valid here`);
  return value;
}

export function unsupported(what: string, game: string): never {
  throw new RconCommandError("UNSUPPORTED", `${game} has no RCON command to ${what}`);
}

export const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
export const STEAM64 = /^7656119\d{10}$/;

/** A SteamID64 argument, for the games whose players and bans are SteamID64s. */
export function requireSteam64(value: string): string {
  return requireMatch(value, STEAM64, "SteamID64");
}

/**
 * Games that know every player by SteamID64, push no joins or chat over RCON (polling finds them),
 * ban SteamIDs only and have no timed bans (RconDeck lifts them): Rust over either protocol, Palworld.
 */
export const STEAM64_POLLED: DialectCapabilities = {
  pushesJoins: false,
  whisper: false,
  timedBans: false,
  banKinds: ["steamid"],
  listsAccounts: true,
};

export function makePlayer(fields: Partial<Player> & Pick<Player, "id" | "name">): Player {
  return {
    plainName: fields.name,
    ping: null,
    score: null,
    address: null,
    guid: null,
    steamId: null,
    connectedSeconds: null,
    isBot: false,
    state: null,
    ...fields,
  };
}

/** "05:12" / "1:05:12" -> seconds; null for anything else. */
export function parseClock(text: string): number | null {
  if (!/^\d+(?::\d{1,2}){1,2}$/.test(text)) return null;
  return text.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

export function banTargetValue(
  request: BanRequest,
  allowed: readonly IdentityKind[],
  game: string,
): { kind: IdentityKind | "player"; value: string } {
  const { target } = request;
  if (target.kind === "player") return { kind: "player", value: target.playerId };
  if (!allowed.includes(target.kind)) unsupported(`ban by ${target.kind}`, game);
  return { kind: target.kind, value: target.value };
}

export function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/**
 * Map and slots from a `status` header: Source 1 and legacy Rust print `map     : de_dust2 at: 0 x...`
 * or `map     : Procedural Map`, CS2
 * names the map in its spawn group (`[1: de_dust2 | main lump | mapload]`); all print `(24 max)`
 * or `(24/0 max)` on the players line. A 0 max (CS2 before a map loads) says nothing.
 */
export function parseStatusInfo(text: string): ServerInfo {
  const map =
    /^map\s*:\s*(.+?)(?:\s+at:.*)?\s*$/m.exec(text)?.[1] ??
    /\[\d+:\s*([^\s|\]]+)\s*\|\s*main lump/.exec(text)?.[1] ??
    null;
  const max = Number(/^players\s*:.*?\((\d+)(?:\/\d+)?\s+max\)/m.exec(text)?.[1] ?? 0);
  return { map, maxPlayers: max > 0 ? max : null };
}

export type { BanEntry, Player };

/**
 * Makes every operation report argument errors as a rejected promise, never a synchronous throw,
 * so callers handle one failure path.
 */
export function asyncOperations(ops: GameOperations): GameOperations {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(ops) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = (...args: unknown[]) => {
      try {
        return fn(...args);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
  }
  return wrapped as unknown as GameOperations;
}
