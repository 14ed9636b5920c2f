/**
 * The search key of a player name: what "search by any name (colour codes ignored, accents
 * folded)" compares. The caller passes the plain name (colour codes already stripped by the
 * engine's rule for that game, `Player.plainName`); the key folds case, accents (NFKD, combining
 * marks dropped), the letters NFKD does not decompose (ß, ø, æ, ł, đ, þ, œ) and whitespace runs.
 * Both stored names and typed queries go through it, so a prefix or substring of a key matches.
 */
const LETTERS: Record<string, string> = {
  ß: "ss",
  ø: "o",
  æ: "ae",
  œ: "oe",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};
const COMBINING_MARKS = /\p{M}+/gu;
const UNFOLDED = /[ßøæœłđðþı]/g;

export function nameSearchKey(plainName: string): string {
  return plainName
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .toLowerCase()
    .replace(UNFOLDED, (c) => LETTERS[c] ?? c)
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 128);
}
