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
import { completeAudit, listAuditPage, recordAudit, type AuditEventDto, type AuditFilter } from "./audit.ts";
import { ExportBudget } from "./ban-export.ts";
import { requirePermission, type DataContext } from "./context.ts";

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
  const slot = budget.take(ctx.actor.id);
  if (!slot.ok)
    throw new AppError(
      "RATE_LIMITED",
      `Too many exports: try again in ${slot.retryAfterSeconds} s.`,
      undefined,
      slot.retryAfterSeconds,
    );
  const pending = await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "audit.export",
    input: { format, actor, ...rest },
    outcome: "pending",
    sourceIp: ctx.ip,
  }).catch((error: unknown) => {
    slot.release();
    throw error;
  });
  const encoder = new TextEncoder();
  let after: AuditFilter["after"];
  let rows = 0;
  let started = false;
  let done = false;
  const finish = async (outcome: "success" | "failure", detail: string) => {
    if (done) return;
    done = true;
    slot.release();
    await completeAudit(ctx.db, pending, outcome, detail).catch(() => undefined);
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(
            encoder.encode(
              format === "csv"
                ? csvRow(AUDIT_CSV_COLUMNS)
                : `{"exportedAt":${JSON.stringify(now.toISOString())},"events":[`,
            ),
          );
          return;
        }
        // The export's own pending row is left out: it is the newest, and not yet finished.
        const page = await listAuditPage(ctx.db, ctx.actor, { ...filter, after });
        let chunk = "";
        for (const event of page.events) {
          if (event.id === pending.id) continue;
          chunk += format === "csv" ? csvLine(event) : `${rows === 0 ? "\n" : ",\n"}${jsonRecord(event)}`;
          rows++;
        }
        if (chunk) controller.enqueue(encoder.encode(chunk));
        const last = page.events.at(-1);
        if (!page.hasOlder || !last) {
          if (format === "json") controller.enqueue(encoder.encode("\n]}\n"));
          // Audited before the download ends, so whoever sees the file complete finds its record.
          await finish("success", `${rows} events exported`);
          controller.close();
        } else after = { createdAt: new Date(last.createdAt), id: last.id };
      } catch (error) {
        await finish("failure", error instanceof Error ? error.message : String(error));
        controller.error(error);
      }
    },
    async cancel() {
      await finish("failure", `cancelled after ${rows} events`);
    },
  });
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return {
    filename: `rcondeck-audit-${stamp}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body,
  };
}
