/**
 * Audit log export: the events the actor may read (audit.read, narrowed to a limited reader's
 * servers and own actions by listAuditPage) under the Audit page's filters, as CSV or JSON. The
 * body is produced page by page (keyset, 500 rows) as the client reads it, so a large log is never
 * in memory at once. Each export is audited (pending at the start, completed with the row count)
 * and budgeted per user like ban exports: one at a time, a bounded number an hour.
 */
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { csvRow } from "../../lib/bans/import/csv.ts";
import { auditExportSchema } from "../../lib/schemas/audit.ts";
import { listAuditPage, type AuditEventDto, type AuditFilter } from "./audit.ts";
import { ExportBudget } from "./ban-export.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { auditedExportStream } from "./export-stream.ts";

const PAGE = 500;

export type ExportAuditInput = z.input<typeof auditExportSchema>;

export const AUDIT_CSV_COLUMNS = [
  "id",
  "createdAt",
  "actorEmail",
  "action",
  "outcome",
  "serverId",
  "targetType",
  "targetId",
  "detail",
  "input",
  "sourceIp",
  "repeats",
  "lastAt",
  "tokenName",
  "automation",
] as const satisfies readonly (keyof AuditEventDto)[];

const defaultBudget = new ExportBudget();

export interface AuditExport {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

function csvLine(event: AuditEventDto): string {
  return csvRow(AUDIT_CSV_COLUMNS.map((key) => (event[key] === null ? "" : String(event[key]))));
}

/** One JSON record: the stored input is JSON text, given back as the value it encodes. */
function jsonRecord(event: AuditEventDto): string {
  let input: unknown = event.input;
  try {
    input = event.input === null ? null : (JSON.parse(event.input) as unknown);
  } catch {
    // older rows may hold plain text
  }
  return JSON.stringify({ ...Object.fromEntries(AUDIT_CSV_COLUMNS.map((key) => [key, event[key]])), input });
}

export async function exportAudit(
  ctx: DataContext,
  raw: ExportAuditInput,
  now = new Date(),
  budget: ExportBudget = defaultBudget,
): Promise<AuditExport> {
  await requirePermission(ctx, "audit.read", "audit.export");
  const parsed = auditExportSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the export filters.",
      z.flattenError(parsed.error).fieldErrors,
    );
  const { format, actor, ...rest } = parsed.data;
  const filter: AuditFilter = { ...rest, actorEmail: actor, limit: PAGE };
  let after: AuditFilter["after"];
  const body = await auditedExportStream(ctx, {
    action: "audit.export",
    input: { format, actor, ...rest },
    budget,
    noun: "events",
    head:
      format === "csv"
        ? csvRow(AUDIT_CSV_COLUMNS)
        : `{"exportedAt":${JSON.stringify(now.toISOString())},"events":[`,
    tail: format === "json" ? "\n]}\n" : "",
    async nextPage(rowsSoFar, ownAuditId) {
      const page = await listAuditPage(ctx.db, ctx.actor, { ...filter, after });
      // The export's own pending row is left out: it is the newest, and not yet finished.
      const events = page.events.filter((event) => event.id !== ownAuditId);
      const text = events
        .map((event, i) =>
          format === "csv" ? csvLine(event) : `${rowsSoFar + i === 0 ? "\n" : ",\n"}${jsonRecord(event)}`,
        )
        .join("");
      const last = page.events.at(-1);
      if (last) after = { createdAt: new Date(last.createdAt), id: last.id };
      return { text, rows: events.length, last: !page.hasOlder || !last };
    },
  });
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return {
    filename: `rcondeck-audit-${stamp}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body,
  };
}
