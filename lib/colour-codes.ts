/**
 * Quake-style colour codes in player and server names (`^1Red^7Baron`), parsed into segments for
 * display and stripped for search and matching. Each engine has its own rule for what a colour code
 * is, so the rule is a parameter. Pure and isomorphic: the browser renders names with it.
 */

/**
 * - `ioq3`: `^` followed by an ASCII letter or digit (ioquake3, OpenArena, Urban Terror 4.2+).
 * - `q3`: `^` followed by any character except `^` and NUL (Quake 3 1.32, Wolf:ET, ET:Legacy).
 * - `cod`: `^` followed by a digit (Call of Duty engines).
 * - `darkplaces`: `^0`..`^9`, `^xRGB` (three hex digits), and `^^` is a literal caret (Xonotic).
 */
export type ColourRule = "ioq3" | "q3" | "cod" | "darkplaces";

export interface ColourSegment {
  text: string;
  /** CSS colour (#rrggbb), or null for the default colour (no code seen yet). */
  colour: string | null;
}

/** Quake 3's eight colours (g_color_table): index = (code - '0') & 7. */
export const QUAKE_PALETTE: readonly string[] = [
  "#000000",
  "#ff0000",
  "#00ff00",
  "#ffff00",
  "#0000ff",
  "#00ffff",
  "#ff00ff",
  "#ffffff",
];

/** Call of Duty and DarkPlaces use ten digits; 8 and 9 differ from Quake's wrap-around. */
const TEN_COLOURS: readonly string[] = [...QUAKE_PALETTE, "#ff8000", "#808080"];

interface CodeMatch {
  /** Characters consumed, including the caret. */
  length: number;
  /** The colour switched to, or a literal text to emit instead (DarkPlaces `^^`). */
  colour?: string;
  literal?: string;
}

function isAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}

function quakeColour(code: string): string {
  return QUAKE_PALETTE[(code.charCodeAt(0) - 48) & 7] ?? "#ffffff";
}

function hexDigit(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/** Reads the code at `text[i]` (which is '^'); null when it is a plain caret under this rule. */
function matchCode(rule: ColourRule, text: string, i: number): CodeMatch | null {
  const next = text[i + 1];
  if (next === undefined) return null;
  switch (rule) {
    case "ioq3":
      return isAlnum(next) ? { length: 2, colour: quakeColour(next) } : null;
    case "q3":
      return next !== "^" && next !== "\0" ? { length: 2, colour: quakeColour(next) } : null;
    case "cod":
      return /^[0-9]$/.test(next) ? { length: 2, colour: TEN_COLOURS[Number(next)] ?? "#ffffff" } : null;
    case "darkplaces": {
      if (next === "^") return { length: 2, literal: "^" };
      if (/^[0-9]$/.test(next)) return { length: 2, colour: TEN_COLOURS[Number(next)] ?? "#ffffff" };
      if (next === "x" && hexDigit(text[i + 2]) && hexDigit(text[i + 3]) && hexDigit(text[i + 4])) {
        const [r, g, b] = [text[i + 2], text[i + 3], text[i + 4]] as [string, string, string];
        return { length: 5, colour: `#${r}${r}${g}${g}${b}${b}`.toLowerCase() };
      }
      return null;
    }
  }
}

/** Splits a coloured name into runs of text that share a colour. Empty runs are dropped. */
export function parseColouredText(text: string, rule: ColourRule): ColourSegment[] {
  const segments: ColourSegment[] = [];
  let colour: string | null = null;
  let run = "";
  const flush = () => {
    if (run !== "") segments.push({ text: run, colour });
    run = "";
  };
  for (let i = 0; i < text.length;) {
    const match = text[i] === "^" ? matchCode(rule, text, i) : null;
    if (!match) {
      run += text[i];
      i++;
      continue;
    }
    if (match.literal !== undefined) {
      run += match.literal;
    } else if (match.colour !== undefined && match.colour !== colour) {
      flush();
      colour = match.colour;
    }
    i += match.length;
  }
  flush();
  return segments;
}

/** The name without colour codes, as the engine itself would show it in plain text. */
export function stripColourCodes(text: string, rule: ColourRule): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    const match = text[i] === "^" ? matchCode(rule, text, i) : null;
    if (!match) {
      out += text[i];
      i++;
    } else {
      if (match.literal !== undefined) out += match.literal;
      i += match.length;
    }
  }
  return out;
}

/** Printable length as the engine counts it for column padding (ioq3 `SV_Strlen`). */
export function visibleLength(text: string, rule: ColourRule): number {
  return stripColourCodes(text, rule).length;
}
