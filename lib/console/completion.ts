/**
 * Tab completion for the console input: the first word completes from the game's command
 * catalogue, later words from the current players' names. Pressing Tab again cycles through the
 * candidates; the caller keeps the returned state between presses.
 */

export interface CompletionState {
  /** The input as the user typed it before the first Tab. */
  base: string;
  candidates: string[];
  /** Index of the candidate currently shown. */
  index: number;
}

export interface CompletionSources {
  commands: readonly string[];
  playerNames: readonly string[];
}

/** Splits off the word being completed (the text after the last space). */
function splitLast(input: string): { head: string; word: string; isFirstWord: boolean } {
  const at = input.lastIndexOf(" ");
  const head = at < 0 ? "" : input.slice(0, at + 1);
  return { head, word: at < 0 ? input : input.slice(at + 1), isFirstWord: head.trim() === "" };
}

/** Names with spaces or quotes are quoted so the game reads them as one argument. */
function asArgument(name: string): string {
  return /[\s"]/.test(name) ? `"${name.replaceAll('"', "")}"` : name;
}

export function completionCandidates(input: string, sources: CompletionSources): string[] {
  const { word, isFirstWord } = splitLast(input);
  const needle = word.replace(/^"/, "").toLowerCase();
  const pool = isFirstWord ? sources.commands : sources.playerNames;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of pool) {
    if (item === "" || seen.has(item)) continue;
    if (item.toLowerCase().startsWith(needle)) {
      seen.add(item);
      out.push(item);
    }
  }
  // Players last: the name typed so far may also appear in the middle of a name.
  if (!isFirstWord && needle !== "") {
    for (const item of pool) {
      if (seen.has(item) || !item.toLowerCase().includes(needle)) continue;
      seen.add(item);
      out.push(item);
    }
  }
  return isFirstWord ? out.sort((a, b) => a.localeCompare(b)) : out;
}

/**
 * One Tab press. With no state (or a state for different input) it starts a new completion; a
 * single candidate is completed with a trailing space. Returns null when nothing matches.
 */
export function completeInput(
  input: string,
  sources: CompletionSources,
  state: CompletionState | null,
  backwards = false,
): { value: string; state: CompletionState } | null {
  let current = state;
  if (!current || current.candidates.length === 0 || render(current) !== input) {
    const candidates = completionCandidates(input, sources);
    if (candidates.length === 0) return null;
    current = { base: input, candidates, index: backwards ? candidates.length - 1 : 0 };
  } else {
    const n = current.candidates.length;
    current = { ...current, index: (current.index + (backwards ? n - 1 : 1)) % n };
  }
  return { value: render(current), state: current };
}

function render(state: CompletionState): string {
  const { head, isFirstWord } = splitLast(state.base);
  const candidate = state.candidates[state.index] ?? "";
  const text = isFirstWord ? candidate : asArgument(candidate);
  return `${head}${text}${state.candidates.length === 1 ? " " : ""}`;
}
