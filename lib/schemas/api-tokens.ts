import { z } from "zod";
import { PERMISSIONS } from "../permissions.ts";

/**
 * Expiry choices for a personal access token, in days. No "never": a token copied into a script
 * outlives the reason it was made, so every token dies within a year and must be re-issued.
 */
export const TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const MAX_TOKENS_PER_USER = 50;

export const createApiTokenSchema = z.object({
  name: z.string().trim().min(1, "Enter a name").max(80, "Use at most 80 characters"),
  permissions: z.array(z.enum(PERMISSIONS)).min(1, "Choose at least one permission").max(PERMISSIONS.length),
  /** "all": every server the user reaches (now and later); "chosen": exactly `serverIds`. */
  servers: z.enum(["all", "chosen"]),
  serverIds: z.array(z.string().min(1).max(64)).max(1000),
  expiresInDays: z.coerce
    .number()
    .int()
    .refine((d) => (TOKEN_EXPIRY_DAYS as readonly number[]).includes(d), "Choose an expiry"),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

export const revokeApiTokenSchema = z.object({ tokenId: z.string().min(1).max(64) });
