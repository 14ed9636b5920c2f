/**
 * Up/down history for the console input, shell-style: Up walks back through earlier commands,
 * Down walks forward and finally restores what was being typed. Pure state, kept by the input.
 */

export interface HistoryState {
  entries: readonly string[];
  /** Position while browsing: entries.length means "not browsing" (the draft is shown). */
  position: number;
  /** What the user had typed before pressing Up. */
  draft: string;
}

export const MAX_HISTORY = 200;

export function createHistory(entries: readonly string[]): HistoryState {
  const trimmed = entries.slice(-MAX_HISTORY);
  return { entries: trimmed, position: trimmed.length, draft: "" };
}

/** Records a command that was sent (repeats of the last command are kept once). */
export function pushHistory(state: HistoryState, command: string): HistoryState {
  const text = command.trim();
  if (text === "") return { ...state, position: state.entries.length, draft: "" };
  const entries =
    state.entries[state.entries.length - 1] === text
      ? state.entries
      : [...state.entries, text].slice(-MAX_HISTORY);
  return { entries, position: entries.length, draft: "" };
}

export function historyUp(state: HistoryState, currentInput: string): { state: HistoryState; value: string } {
  if (state.position === 0 || state.entries.length === 0) return { state, value: currentInput };
  const draft = state.position === state.entries.length ? currentInput : state.draft;
  const position = state.position - 1;
  return { state: { ...state, position, draft }, value: state.entries[position] ?? "" };
}

export function historyDown(
  state: HistoryState,
  currentInput: string,
): { state: HistoryState; value: string } {
  if (state.position >= state.entries.length) return { state, value: currentInput };
  const position = state.position + 1;
  const value = position === state.entries.length ? state.draft : (state.entries[position] ?? "");
  return { state: { ...state, position }, value };
}
