/**
 * Which colour-code rule a game's text follows, from the game id stored on the server. The browser
 * cannot load the engine's dialects, so this mirrors their `colourRule` fields; games without
 * Quake-style codes get null and their text is shown as is (a caret stays a caret).
 */
import type { ColourRule } from "../colour-codes.ts";

const RULES: Readonly<Record<string, ColourRule>> = {
  openarena: "ioq3",
  "openarena-legacy": "ioq3",
  ioq3: "ioq3",
  urbanterror: "ioq3",
  q3: "q3",
  etlegacy: "q3",
  cod4: "cod",
  cod4x: "cod",
};

export function colourRuleForGame(game: string, protocol: string): ColourRule | null {
  // An unknown Quake 3 engine game still most likely uses ioquake3's rule.
  return RULES[game] ?? (protocol === "quake3" ? "ioq3" : null);
}
