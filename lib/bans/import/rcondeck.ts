/**
 * RconDeck's own export, CSV and JSON, read back without loss: identifiers, names, reason, staff
 * note, creation and expiry times (ISO 8601, empty/null = permanent) and the revocation. The
 * export's ban ids, author and scope describe the exporting install and are not imported (the
 * import chooses its scope; the importer is the author).
 */
import { IDENTIFIER_KINDS, parseIdentifier, type Identifier, type IdentifierKind } from "../identifiers.ts";
import { parseCsv } from "./csv.ts";
import { arrayEntryLines, parseJson } from "./json-lines.ts";
import {
  candidate,
  type CandidateBan,
  type InvalidLine,
  type ParseOptions,
  type ParsedBanFile,
} from "./types.ts";

export const EXPORT_FORMAT_ID = "rcondeck.bans";
export const CSV_COLUMNS = [
  "id",
  "player_names",
  "identifiers",
  "reason",
  "note",
  "created_at",
  "expires_at",
  "state",
  "revoked_at",
  "revoked_by",
  "revoke_reason",
  "author",
  "scope",
] as const;

/** One exported ban (the fields both formats carry). */
export interface ExportedBan {
  id: string;
  playerNames: string[];
  /** Absent when the exporter may not see identities. */
  identifiers?: Identifier[];
  reason: string;
  note?: string | null;
  createdAt: string;
  expiresAt: string | null;
  state: string;
  revokedAt: string | null;
  revokedByEmail: string | null;
  revokeReason: string | null;
  authorName: string | null;
  scope: string;
}

/** Identifiers in one CSV cell: "kind:value" joined by " | " would break on names, so JSON. */
export function exportedCsvRow(ban: ExportedBan): string[] {
  return [
    ban.id,
    JSON.stringify(ban.playerNames),
    ban.identifiers ? JSON.stringify(ban.identifiers.map((i) => `${i.kind}:${i.value}`)) : "",
    ban.reason,
    ban.note ?? "",
    ban.createdAt,
    ban.expiresAt ?? "",
    ban.state,
    ban.revokedAt ?? "",
    ban.revokedByEmail ?? "",
    ban.revokeReason ?? "",
    ban.authorName ?? "",
    ban.scope,
  ];
}

const CONTROL = /[\u0000-\u001f\u007f]/;
type Fail = { error: string };

function text(value: unknown, field: string, max: number, required: boolean): string | null | Fail {
  if (value === undefined || value === null || value === "")
    return required ? { error: `${field} is empty.` } : null;
  if (typeof value !== "string") return { error: `${field} must be text.` };
  if (value.length > max) return { error: `${field} is longer than ${max} characters.` };
  if (field !== "note" && CONTROL.test(value))
    return { error: `${field} holds a line break or control character.` };
  return value;
}

function date(value: unknown, field: string): Date | null | Fail {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(value))
    return { error: `${field} is not an ISO date.` };
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? { error: `${field} is not a valid date.` } : d;
}

const isFail = (v: unknown): v is Fail => typeof v === "object" && v !== null && "error" in v;

function identifiersFrom(value: unknown): Identifier[] | Fail {
  let list: unknown = value;
  if (typeof value === "string") {
    if (value.trim() === "") return { error: "The ban has no identifiers." };
    try {
      list = JSON.parse(value);
    } catch {
      return { error: "identifiers is not a JSON list." };
    }
  }
  if (!Array.isArray(list) || list.length === 0) return { error: "The ban has no identifiers." };
  const out: Identifier[] = [];
  for (const item of list as unknown[]) {
    let kind: string;
    let raw: string;
    if (typeof item === "string") {
      const colon = item.indexOf(":");
      kind = item.slice(0, colon);
      raw = item.slice(colon + 1);
    } else if (item && typeof item === "object") {
      const o = item as { kind?: unknown; value?: unknown };
      if (typeof o.kind !== "string" || typeof o.value !== "string")
        return { error: 'An identifier is neither "kind:value" nor {kind, value}.' };
      kind = o.kind;
      raw = o.value;
    } else return { error: 'An identifier is neither "kind:value" nor {kind, value}.' };
    if (!(IDENTIFIER_KINDS as readonly string[]).includes(kind))
      return { error: `Unknown identifier kind "${kind.slice(0, 20)}".` };
    const id = parseIdentifier(kind as IdentifierKind, raw);
    if (!id.ok) return { error: `${kind}: ${id.error}` };
    if (!out.some((o) => o.kind === id.identifier.kind && o.value === id.identifier.value))
      out.push(id.identifier);
  }
  return out;
}

function namesFrom(value: unknown): string[] | Fail {
  if (value === undefined || value === null || value === "") return [];
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      return { error: "player_names is not a JSON list." };
    }
  }
  if (!Array.isArray(list) || list.some((n) => typeof n !== "string" || n.length > 64 || CONTROL.test(n)))
    return { error: "player_names must be a list of names (at most 64 characters each)." };
  return list as string[];
}

/** One ban record (fields by name, CSV cells or JSON properties) to a candidate or an error. */
function fromRecord(line: number, r: Record<string, unknown>): CandidateBan | InvalidLine {
  const identifiers = identifiersFrom(r.identifiers);
  const names = namesFrom(r.playerNames ?? r.player_names);
  const reason = text(r.reason, "reason", 200, true);
  const note = text(r.note, "note", 2000, false);
  const createdAt = date(r.createdAt ?? r.created_at, "created_at");
  const expiresAt = date(r.expiresAt ?? r.expires_at, "expires_at");
  const revokedAt = date(r.revokedAt ?? r.revoked_at, "revoked_at");
  const revokedBy = text(r.revokedByEmail ?? r.revoked_by, "revoked_by", 320, false);
  const revokeReason = text(r.revokeReason ?? r.revoke_reason, "revoke_reason", 200, false);
  for (const v of [
    identifiers,
    names,
    reason,
    note,
    createdAt,
    expiresAt,
    revokedAt,
    revokedBy,
    revokeReason,
  ])
    if (isFail(v)) return { line, reason: v.error };
  return candidate(line, {
    identifiers: identifiers as Identifier[],
    playerNames: names as string[],
    reason: reason as string,
    note: note as string | null,
    createdAt: createdAt as Date | null,
    expiresAt: expiresAt as Date | null,
    revokedAt: revokedAt as Date | null,
    revokedByEmail: revokedBy as string | null,
    revokeReason: revokeReason as string | null,
  });
}

function push(out: ParsedBanFile, result: CandidateBan | InvalidLine): void {
  if ("identifiers" in result) out.bans.push(result);
  else out.invalid.push(result);
}

export function parseRcondeckCsv(input: string, _options: ParseOptions): ParsedBanFile {
  const out: ParsedBanFile = { format: "rcondeck-csv", bans: [], invalid: [] };
  const csv = parseCsv(input);
  if (!csv.ok) {
    out.invalid.push({ line: csv.line, reason: csv.reason });
    return out;
  }
  const [header, ...rows] = csv.records;
  const columns = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  if (!columns.includes("identifiers") || !columns.includes("reason")) {
    out.invalid.push({
      line: header?.line ?? 1,
      reason: "The first line must be the header (identifiers, reason, …).",
    });
    return out;
  }
  for (const row of rows) {
    if (row.cells.length !== columns.length) {
      out.invalid.push({
        line: row.line,
        reason: `Expected ${columns.length} cells, found ${row.cells.length}.`,
      });
      continue;
    }
    push(out, fromRecord(row.line, Object.fromEntries(columns.map((c, i) => [c, row.cells[i]]))));
  }
  return out;
}

export function parseRcondeckJson(input: string, _options: ParseOptions): ParsedBanFile {
  const out: ParsedBanFile = { format: "rcondeck-json", bans: [], invalid: [] };
  const parsed = parseJson(input);
  if (!parsed.ok) {
    out.invalid.push({ line: parsed.line, reason: parsed.reason });
    return out;
  }
  const root = parsed.value as { format?: unknown; bans?: unknown } | null;
  if (!root || typeof root !== "object" || root.format !== EXPORT_FORMAT_ID || !Array.isArray(root.bans)) {
    out.invalid.push({
      line: 1,
      reason: `Expected an RconDeck export: {"format": "${EXPORT_FORMAT_ID}", "bans": […]}.`,
    });
    return out;
  }
  const lines = arrayEntryLines(input, 2);
  root.bans.forEach((entry: unknown, i) => {
    const line = lines[i] ?? 1;
    if (!entry || typeof entry !== "object" || Array.isArray(entry))
      out.invalid.push({ line, reason: "Expected a ban object." });
    else push(out, fromRecord(line, entry as Record<string, unknown>));
  });
  return out;
}

/** The JSON export is written in pieces (streamed): head, one ban a line, tail. */
export function jsonExportHead(exportedAt: Date): string {
  return `{"format":"${EXPORT_FORMAT_ID}","version":1,"exportedAt":"${exportedAt.toISOString()}","bans":[\n`;
}
export function jsonExportEntry(ban: ExportedBan, first: boolean): string {
  return (first ? "" : ",\n") + JSON.stringify(ban);
}
export const JSON_EXPORT_TAIL = "\n]}\n";
