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
  const matches = (line: ConsoleLineMessage) => needle === "" || textOf(line, filter.colourRule).includes(needle);
  const showCommands = filter.kinds.has("command");
  const showAnswers = filter.kinds.has("answer");
  // Candidate rows in order; a command row is kept when the command or one of its answers matches.
  const rows: { row: ConsoleRow; keep: boolean }[] = [];
  const commandRows = new Map<number, { row: ConsoleRow; keep: boolean }>();
  for (const line of lines) {
    if (line.kind === "command") {
      const entry = { row: { line, answers: [] }, keep: matches(line) };
      commandRows.set(line.seq, entry);
      if (showCommands) rows.push(entry);
      continue;
    }
    const owner = line.kind === "answer" && line.replyTo !== null ? commandRows.get(line.replyTo) : undefined;
    if (owner && showCommands) {
      if (!showAnswers) continue;
      owner.row.answers.push(line);
      if (matches(line)) owner.keep = true;
      continue;
    }
    if (filter.kinds.has(line.kind) && matches(line)) rows.push({ row: { line, answers: [] }, keep: true });
  }
  const out: ConsoleRow[] = [];
  for (const entry of rows) if (entry.keep) out.push(entry.row);
  return out;
}

/** A stable React key / virtualiser key for a row. */
export function rowKey(row: ConsoleRow): number {
  return row.line.seq;
}
