/**
 * What every ban file parser produces: candidate bans (normalised identifiers, no database) and
 * every line it could not use, with its 1-based line number and why. Parsers are pure: the clock
 * is passed in (SRCDS timed entries count from the import).
 */
import type { Identifier } from "../identifiers.ts";

export const IMPORT_FORMATS = ["rcondeck-csv", "rcondeck-json", "srcds", "battleye", "minecraft"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const IMPORT_FORMAT_LABELS: Record<ImportFormat, string> = {
  "rcondeck-csv": "RconDeck CSV",
  "rcondeck-json": "RconDeck JSON",
  srcds: "Source banned_user.cfg / banned_ip.cfg",
  battleye: "BattlEye bans.txt",
  minecraft: "Minecraft banned-players.json / banned-ips.json",
};

export interface CandidateBan {
  /** Line of the entry in the file (first line of a multi-line record). */
  line: number;
  identifiers: Identifier[];
  playerNames: string[];
  reason: string;
  note: string | null;
  /** When the ban was made, if the file says. */
  createdAt: Date | null;
  /** null = permanent. */
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedByEmail: string | null;
  revokeReason: string | null;
}

export interface InvalidLine {
  line: number;
  reason: string;
}

export interface ParsedBanFile {
  format: ImportFormat;
  bans: CandidateBan[];
  invalid: InvalidLine[];
}

export interface ParseOptions {
  /** The import time: SRCDS timed entries (`banid 30 …`) end this many minutes after it. */
  now: Date;
}

const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A native file's free-text reason as a ban reason: one line, at most 200 characters, never empty. */
export function nativeReason(text: string | undefined, fallback: string): string {
  const clean = (text ?? "").replace(CONTROL, " ").replace(/\s+/g, " ").trim().slice(0, 200).trim();
  return clean === "" ? fallback : clean;
}

export function candidate(
  line: number,
  fields: Partial<CandidateBan> & Pick<CandidateBan, "identifiers" | "reason">,
): CandidateBan {
  return {
    line,
    playerNames: [],
    note: null,
    createdAt: null,
    expiresAt: null,
    revokedAt: null,
    revokedByEmail: null,
    revokeReason: null,
    ...fields,
  };
}

/** Splits text into lines, keeping 1-based numbers; tolerates CRLF and a byte-order mark. */
export function numberedLines(text: string): { line: number; text: string }[] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t }));
}
