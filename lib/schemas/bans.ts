/**
 * Ban inputs. Identifiers and durations are checked by lib/bans (one field error per identifier,
 * keyed "identifiers.N"); reasons may not hold control characters (a newline would be a second
 * command on most consoles; quotes and ";" are escaped or refused by each dialect's kick/ban).
 */
import { z } from "zod";
import { IDENTIFIER_KINDS } from "../bans/identifiers.ts";

const CONTROL = /[\u0000-\u001f\u007f]/;
const line = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} is at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), `${label} cannot hold line breaks or control characters`);

export const banReasonSchema = line(200, "The reason").pipe(z.string().min(1, "Enter a reason"));

export const banScopeSchema = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("all") }),
  z.object({
    scope: z.literal("servers"),
    serverIds: z.array(z.string().min(1).max(64)).min(1, "Choose at least one server").max(500),
  }),
  z.object({ scope: z.literal("list"), banListId: z.string().min(1).max(64) }),
]);
export type BanScopeInput = z.infer<typeof banScopeSchema>;

export const banIdentifierInputSchema = z.object({
  kind: z.enum(IDENTIFIER_KINDS),
  value: z.string().max(200),
});

export const createBanSchema = z.object({
  identifiers: z
    .array(banIdentifierInputSchema)
    .min(1, "Add at least one identifier")
    .max(20, "At most 20 identifiers"),
  playerNames: z.array(line(64, "A name")).max(10).default([]),
  reason: banReasonSchema,
  note: line(2000, "The note").optional(),
  /** "30m", "7d", "permanent" (lib/bans/duration.ts). */
  duration: z.string().max(40),
  target: banScopeSchema,
});
export type CreateBanInput = z.input<typeof createBanSchema>;

export const updateBanSchema = z.object({
  id: z.string().min(1).max(64),
  reason: banReasonSchema.optional(),
  note: line(2000, "The note").optional(),
  /** A new duration counted from now. */
  duration: z.string().max(40).optional(),
});
export type UpdateBanInput = z.input<typeof updateBanSchema>;

export const revokeBanSchema = z.object({ id: z.string().min(1).max(64), reason: banReasonSchema });

export const BAN_STATES = ["active", "expired", "revoked"] as const;
export type BanState = (typeof BAN_STATES)[number];

export const listBansSchema = z.object({
  search: z.string().trim().max(200).optional(),
  state: z.enum(BAN_STATES).optional(),
  serverId: z.string().max(64).optional(),
  banListId: z.string().max(64).optional(),
  authorId: z.string().max(64).optional(),
  /** By creation time (the keyset index): newest (default) or oldest first. */
  sort: z.enum(["newest", "oldest"]).optional(),
  /** Keyset cursor: the last row's id of the previous page. */
  after: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListBansInput = z.input<typeof listBansSchema>;

export const banListSchema = z.object({
  name: line(80, "The name").pipe(z.string().min(1, "Enter a name")),
  description: line(500, "The description").default(""),
});

export const banSettingsSchema = z.object({
  moderatorMaxDuration: z.string().max(40),
  kickTemplate: line(200, "The message").pipe(z.string().min(1, "Enter a message")),
});
