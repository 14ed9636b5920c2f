/**
 * How a custom command's free text and player references are written for each game, so that an
 * argument can never end the command or start another. Mirrors the dialects' own rules for kick
 * and say (server/rcon/protocol/<family>/dialects): Source's say cannot escape '"' and splits at
 * ';'; Quake 3 splits at ';', reads '%' as a format and '\' as an info-string separator, and
 * carries ASCII only; '^' and '§' are colour codes (a text argument never recolours game output).
 * A test checks that every game preset has its syntax.
 */
import { GAME_PRESETS, type ProtocolName } from "../games.ts";

export interface ArgumentSyntax {
  /** Text arguments are wrapped in double quotes (the game reads a quoted string as one argument). */
  quoteText: boolean;
  /** Characters a text argument may not contain, besides control characters (always refused). */
  forbidden: string;
  /** Only printable ASCII reaches the game (Quake 3 engines). */
  asciiOnly: boolean;
}

/** Control characters, C1 controls and the Unicode line separators: never in any argument. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const QUOTED_SOURCE: ArgumentSyntax = { quoteText: true, forbidden: '";', asciiOnly: false };
const BARE: ArgumentSyntax = { quoteText: false, forbidden: "", asciiOnly: false };
const QUAKE3: ArgumentSyntax = { quoteText: true, forbidden: '";%\\^', asciiOnly: true };

const BY_FAMILY: Record<ProtocolName, ArgumentSyntax> = {
  source: QUOTED_SOURCE,
  // BattlEye's commands take the rest of the line as the message; one command per packet.
  battleye: BARE,
  quake3: QUAKE3,
  // The same Rust console as legacy Source RCON: quoted arguments, '"' and ';' refused.
  webrcon: QUOTED_SOURCE,
};

const BY_GAME: Record<string, ArgumentSyntax> = {
  // One command per RCON packet, the rest of the line is the text; '§' is Minecraft's colour code.
  minecraft: { quoteText: false, forbidden: "§", asciiOnly: false },
  ark: BARE,
  squad: BARE,
  factorio: BARE,
  palworld: BARE,
};

/** The unknown game's syntax: quoted, and everything any family treats specially refused. */
const STRICTEST: ArgumentSyntax = { quoteText: true, forbidden: '";%\\^§', asciiOnly: true };

export function syntaxFor(gameId: string): ArgumentSyntax {
  const preset = GAME_PRESETS.find((p) => p.id === gameId);
  if (!preset) return STRICTEST;
  return BY_GAME[gameId] ?? BY_FAMILY[preset.protocol];
}

/**
 * The game's player reference is the id its own kick uses (SRCDS userid, Quake 3 and BattlEye
 * slot, Minecraft name, Rust SteamID64, Squad id). It comes from the game's list, yet it is
 * still checked: a reference is never quoted, so it must be a plain token.
 */
export const PLAYER_REFERENCE = /^[A-Za-z0-9_.:\-]{1,64}$/;
