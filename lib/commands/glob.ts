/**
 * Command-policy globs: `*` any run of characters (also none), `?` exactly one, everything else
 * literal, case-insensitive. Hand-written rather than a path-glob library because those give `/`
 * a meaning (Factorio commands start with one) and brace/extglob syntax that rules must not have.
 * The matcher is the classic two-pointer walk that backtracks only to the last `*`: O(text ×
 * pattern) at worst, never exponential (no regular expression, so no ReDoS).
 */
export function globMatches(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let starText = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] !== "*" && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      starText = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++starText;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** Longest pattern a rule may hold (the matcher's cost grows with it). */
export const MAX_GLOB_LENGTH = 200;
/** Characters a command-name pattern may hold: names, globs, and the prefixes games use (#, /, .). */
export const COMMAND_GLOB = /^[\w.#/\\:*?-]+$/;
