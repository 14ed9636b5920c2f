/**
 * CSV (RFC 4180) both ways. Cells that a spreadsheet would run as a formula (starting with
 * = + - @, a tab or a carriage return) get a leading apostrophe on export, the usual defence
 * against CSV injection; so that a round trip loses nothing, a cell already starting with an
 * apostrophe gets one too, and the reader drops exactly one leading apostrophe.
 */
const FORMULA = /^[=+\-@\t\r']/;

export function csvCell(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: readonly string[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}

export interface CsvRecord {
  /** Line where the record starts (a quoted cell may span lines). */
  line: number;
  cells: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; reason: string };

/** Parses CSV text; an unterminated quote is an error at the line where its record starts. */
export function parseCsv(input: string): CsvResult {
  const text = input.replace(/^\uFEFF/, "");
  const records: CsvRecord[] = [];
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let wasQuoted = false;
  const endCell = () => {
    cells.push(wasQuoted ? cell : cell.trim());
    cell = "";
    wasQuoted = false;
  };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === "")) records.push({ line: start, cells: cells.map(unprefix) });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell.trim() === "") {
      quoted = true;
      wasQuoted = true;
      cell = "";
    } else if (c === ",") endCell();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted) return { ok: false, line: start, reason: "A quoted cell is never closed." };
  endRecord();
  return { ok: true, records };
}

function unprefix(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}
