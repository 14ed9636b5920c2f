/**
 * What every download of a table shares (bans, the audit log): a per-user budget slot, an audit row
 * written pending before the first byte and completed with the row count (before the body ends, so
 * whoever sees the file complete finds its record), and a body produced page by page as the client
 * reads it, so a large table is never in memory at once.
 */
import { AppError } from "../../lib/errors.ts";
import { completeAudit, recordAudit } from "./audit.ts";
import type { ExportBudget } from "./ban-export.ts";
import type { DataContext } from "./context.ts";

export interface ExportPage {
  /** The page's encoded rows. */
  text: string;
  rows: number;
  /** No page follows. */
  last: boolean;
}

export interface ExportStreamOptions {
  /** Audit action ("ban.export") and what the export was asked for (filters, format). */
  action: string;
  targetType?: string;
  input: unknown;
  budget: ExportBudget;
  /** Counted thing in the audit detail ("bans", "events"). */
  noun: string;
  head: string;
  tail: string;
  /** The next page; `rowsSoFar` lets a JSON writer place its separators. Gets the export's own audit row id. */
  nextPage(rowsSoFar: number, ownAuditId: string): Promise<ExportPage>;
}

export async function auditedExportStream(
  ctx: DataContext,
  options: ExportStreamOptions,
): Promise<ReadableStream<Uint8Array>> {
  const slot = options.budget.take(ctx.actor.id);
  if (!slot.ok)
    throw new AppError(
      "RATE_LIMITED",
      `Too many exports: try again in ${slot.retryAfterSeconds} s.`,
      undefined,
      slot.retryAfterSeconds,
    );
  const pending = await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: options.action,
    targetType: options.targetType ?? null,
    input: options.input,
    outcome: "pending",
    sourceIp: ctx.ip,
  }).catch((error: unknown) => {
    slot.release();
    throw error;
  });
  const encoder = new TextEncoder();
  let rows = 0;
  let started = false;
  let done = false;
  const finish = async (outcome: "success" | "failure", detail: string) => {
    if (done) return;
    done = true;
    slot.release();
    await completeAudit(ctx.db, pending, outcome, detail).catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(options.head));
          return;
        }
        const page = await options.nextPage(rows, pending.id);
        rows += page.rows;
        if (page.text) controller.enqueue(encoder.encode(page.text));
        if (page.last) {
          if (options.tail) controller.enqueue(encoder.encode(options.tail));
          await finish("success", `${rows} ${options.noun} exported`);
          controller.close();
        }
      } catch (error) {
        await finish("failure", error instanceof Error ? error.message : String(error));
        controller.error(error);
      }
    },
    async cancel() {
      await finish("failure", `cancelled after ${rows} ${options.noun}`);
    },
  });
}
