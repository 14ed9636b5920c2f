/**
 * Turns the console's lines into the rows the virtualised list shows: kind filters, a text search,
 * and each command's answer placed directly under it (answers carry `replyTo`), even when other
 * lines arrived in between. A long answer stays one row, however many lines of text it holds.
 */
import { stripColourCodes, type ColourRule } from "../colour-codes.ts";
import type { ConsoleKind, ConsoleLineMessage } from "../realtime/contract.ts";

export interface ConsoleRow {
  /** The line this row shows (a command, or any other line). */
  line: ConsoleLineMessage;
  /** For a command row: the answer(s) to it, shown inline under it. */
  answers: ConsoleLineMessage[];
}

export interface ConsoleFilter {
  /** Kinds to show; an answer follows its command's visibility when the command is held. */
  kinds: ReadonlySet<ConsoleKind>;
  /** Case-insensitive text search over the line without colour codes (and the actor's name). */
  search: string;
  colourRule: ColourRule | null;
}

// Lowercased searchable text per line object, computed once: searching 100,000 lines must not
// strip colour codes again on every keystroke.
const searchText = new WeakMap<ConsoleLineMessage, string>();

function textOf(line: ConsoleLineMessage, rule: ColourRule | null): string {
  let text = searchText.get(line);
  if (text === undefined) {
    const plain = rule ? stripColourCodes(line.text, rule) : line.text;
    text = `${plain}\n${line.actorName ?? ""}`.toLowerCase();
    searchText.set(line, text);
  }
  return text;
}

export function buildRows(lines: readonly ConsoleLineMessage[], filter: ConsoleFilter): ConsoleRow[] {
  const needle = filter.search.trim().toLowerCase();
  const matches = (line: ConsoleLineMessage) =>
    needle === "" || textOf(line, filter.colourRule).includes(needle);
  const showCommands = filter.kinds.has("command");
  const showAnswers = filter.kinds.has("answer");
  const rows: ConsoleRow[] = [];
  // Command rows by seq; a command row is kept when the command or one of its answers matches.
  const commandRows = new Map<number, ConsoleRow>();
  let unmatched: Set<ConsoleRow> | null = null;
  for (const line of lines) {
    if (line.kind === "command") {
      const row: ConsoleRow = { line, answers: [] };
      commandRows.set(line.seq, row);
      if (!showCommands) continue;
      rows.push(row);
      if (!matches(line)) (unmatched ??= new Set()).add(row);
      continue;
    }
    const owner = line.kind === "answer" && line.replyTo !== null ? commandRows.get(line.replyTo) : undefined;
    if (owner && showCommands) {
      if (!showAnswers) continue;
      owner.answers.push(line);
      if (unmatched?.has(owner) && matches(line)) unmatched.delete(owner);
      continue;
    }
    if (filter.kinds.has(line.kind) && matches(line)) rows.push({ line, answers: [] });
  }
  return unmatched && unmatched.size > 0 ? rows.filter((row) => !unmatched.has(row)) : rows;
}

/** A stable React key / virtualiser key for a row. */
export function rowKey(row: ConsoleRow): number {
  return row.line.seq;
}
