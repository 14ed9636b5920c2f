import { z } from "zod";

/** "unknown": sent to another RconDeck instance that did not answer in time (it may or may not have happened). */
export const AUDIT_OUTCOMES = ["success", "failure", "denied", "pending", "unknown"] as const;
export const AUDIT_PAGE_SIZES = [50, 100, 200] as const;

const empty = (value: unknown) => (value === "" ? undefined : value);
const optionalText = (max: number, message: string) =>
  z.preprocess(empty, z.string().trim().min(1).max(max, message).optional());

/** `2026-11-29T10:00` (a datetime-local field, read as UTC) or a full ISO time. */
const time = z.preprocess(
  empty,
  z
    .string()
    .max(40)
    .regex(
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/,
      "Use a date and time such as 2026-11-29T10:00",
    )
    .transform((s) => new Date(/T/.test(s) && !/(Z|[+-]\d{2}:\d{2})$/.test(s) ? `${s}Z` : s))
    .refine((d) => !Number.isNaN(d.getTime()), "Not a valid date")
    .optional(),
);

/** A position in the newest-first order: the createdAt and id of the last event shown. */
const cursor = z.preprocess(
  empty,
  z
    .string()
    .max(120)
    .regex(/^\d{1,15}_[A-Za-z0-9_-]{1,64}$/, "Invalid page link")
    .transform((s) => {
      const [ms, ...id] = s.split("_");
      return { createdAt: new Date(Number(ms)), id: id.join("_") };
    })
    .optional(),
);

/**
 * The audit page's URL search params. Every field is optional; an unknown value is an error shown
 * to the user, never silently widened to "everything".
 */
/** The filters (the audit page's and the export's). */
export const auditFilterFields = z.object({
  action: optionalText(100, "Use at most 100 characters"),
  actor: z.preprocess(
    empty,
    z.string().trim().toLowerCase().max(254, "Use at most 254 characters").optional(),
  ),
  serverId: optionalText(64, "Unknown server"),
  outcome: z.preprocess(empty, z.enum(AUDIT_OUTCOMES, { error: "Choose an outcome" }).optional()),
  from: time,
  to: time,
});

const timeOrder = (q: { from?: Date | undefined; to?: Date | undefined }) =>
  !(q.from && q.to && q.from > q.to);

export const auditQuerySchema = auditFilterFields
  .extend({
    /** Older than this position (next page). */
    after: cursor,
    /** Newer than this position (previous page). */
    before: cursor,
    size: z.preprocess(
      empty,
      z.coerce
        .number()
        .pipe(
          z.union(
            AUDIT_PAGE_SIZES.map((n) => z.literal(n)),
            { error: "Choose 50, 100 or 200" },
          ),
        )
        .optional(),
    ),
  })
  .refine((q) => !(q.after && q.before), { message: "Use one page link at a time", path: ["before"] })
  .refine(timeOrder, { message: "The start is after the end", path: ["to"] });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** An export: the filters and a format. */
export const auditExportSchema = auditFilterFields
  .extend({ format: z.enum(["csv", "json"], { error: "Choose csv or json" }) })
  .refine(timeOrder, { message: "The start is after the end", path: ["to"] });

export function encodeAuditCursor(event: { createdAt: string; id: string }): string {
  return `${new Date(event.createdAt).getTime()}_${event.id}`;
}
