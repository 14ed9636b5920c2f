/**
 * Ban export: the ban table under the Bans page's filters, as CSV or JSON (RconDeck's own format,
 * lib/bans/import/rcondeck.ts, which the import reads back without loss). Admins only
 * (bans.manage); a limited Admin exports the bans it can see. Identifiers are written only for
 * actors with players.identities (the DTO already omits them otherwise).
 *
 * The body is produced page by page (keyset, 200 rows) as the client reads it, so 100,000 bans are
 * never in memory at once. Each export is audited (pending at the start, completed with the row
 * count) and budgeted per user: one at a time, at most EXPORTS_PER_HOUR an hour.
 */
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { csvRow } from "../../lib/bans/import/csv.ts";
import {
  CSV_COLUMNS,
  JSON_EXPORT_TAIL,
  exportedCsvRow,
  jsonExportEntry,
  jsonExportHead,
  type ExportedBan,
} from "../../lib/bans/import/rcondeck.ts";
import { listBansSchema } from "../../lib/schemas/bans.ts";
import { listBans, type BanDto } from "./bans.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { auditedExportStream } from "./export-stream.ts";

export const EXPORTS_PER_HOUR = 20;
const PAGE = 200;

export const exportBansSchema = listBansSchema
  .pick({ search: true, state: true, serverId: true, banListId: true, authorId: true })
  .extend({ format: z.enum(["csv", "json"]) });
export type ExportBansInput = z.input<typeof exportBansSchema>;

/** Per-user export budget (in memory, per process): one in flight, a sliding hour of starts. */
export class ExportBudget {
  private readonly starts = new Map<string, number[]>();
  private readonly running = new Set<string>();
  constructor(
    private readonly perHour = EXPORTS_PER_HOUR,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a slot, or returns the seconds to wait. */
  take(userId: string): { ok: true; release: () => void } | { ok: false; retryAfterSeconds: number } {
    const now = this.clock();
    const recent = (this.starts.get(userId) ?? []).filter((t) => t > now - 3_600_000);
    if (this.running.has(userId)) return { ok: false, retryAfterSeconds: 5 };
    if (recent.length >= this.perHour)
      return { ok: false, retryAfterSeconds: Math.ceil((recent[0]! + 3_600_000 - now) / 1000) };
    recent.push(now);
    this.starts.set(userId, recent);
    this.running.add(userId);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (!released) this.running.delete(userId);
        released = true;
      },
    };
  }
}

const defaultBudget = new ExportBudget();

export interface BanExport {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

function exported(ban: BanDto): ExportedBan {
  const out: ExportedBan = {
    id: ban.id,
    playerNames: ban.playerNames,
    reason: ban.reason,
    note: ban.note ?? null,
    createdAt: ban.createdAt,
    expiresAt: ban.expiresAt,
    state: ban.state,
    revokedAt: ban.revokedAt,
    revokedByEmail: ban.revokedByEmail,
    revokeReason: ban.revokeReason,
    authorName: ban.authorName,
    scope: ban.scope,
  };
  if (ban.identifiers) out.identifiers = ban.identifiers;
  return out;
}

export async function exportBans(
  ctx: DataContext,
  raw: ExportBansInput,
  now = new Date(),
  budget: ExportBudget = defaultBudget,
): Promise<BanExport> {
  await requirePermission(ctx, "bans.manage", "ban.export");
  const parsed = exportBansSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the export filters.",
      z.flattenError(parsed.error).fieldErrors,
    );
  const { format, ...filters } = parsed.data;
  let after: string | undefined;
  const body = await auditedExportStream(ctx, {
    action: "ban.export",
    targetType: "ban",
    input: { format, ...filters },
    budget,
    noun: "bans",
    head: format === "csv" ? csvRow(CSV_COLUMNS) : jsonExportHead(now),
    tail: format === "json" ? JSON_EXPORT_TAIL : "",
    async nextPage(rowsSoFar) {
      const page = await listBans(ctx, { ...filters, after, limit: PAGE }, now);
      let text = "";
      page.bans.forEach((ban, i) => {
        text +=
          format === "csv"
            ? csvRow(exportedCsvRow(exported(ban)))
            : jsonExportEntry(exported(ban), rowsSoFar + i === 0);
      });
      after = page.next ?? undefined;
      return { text, rows: page.bans.length, last: page.next === null };
    },
  });
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return {
    filename: `rcondeck-bans-${stamp}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body,
  };
}
