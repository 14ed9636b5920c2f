/**
 * The REST API's inputs (/api/v1). The route handlers validate with these and the OpenAPI document
 * (server/api/openapi.ts) is generated from the same objects, so the two cannot drift.
 */
import { z } from "zod";
import { APP_ERROR_CODES } from "../errors.ts";
import { auditQuerySchema } from "./audit.ts";
import { BAN_STATES, banReasonSchema, createBanSchema } from "./bans.ts";
import { consoleCommandSchema, kickReasonSchema, playerMessageSchema } from "./console.ts";

const id = z.string().min(1).max(64);

export const serverParams = z.object({ serverId: id });
export const playerParams = z.object({ serverId: id, playerId: id });
export const banParams = z.object({ banId: id });

export const consoleBody = z
  .object({
    command: consoleCommandSchema,
    /** Required (true) for a command the game's dialect marks dangerous; otherwise 428 CONFIRMATION_REQUIRED. */
    confirm: z.boolean().optional(),
  })
  .strict();
export const kickBody = z.object({ reason: kickReasonSchema.default("") }).strict();
export const messageBody = z.object({ message: playerMessageSchema }).strict();

export const listBansQuery = z
  .object({
    search: z.string().trim().max(200).optional(),
    state: z.enum(BAN_STATES).optional(),
    serverId: z.string().max(64).optional(),
    banListId: z.string().max(64).optional(),
    authorId: z.string().max(64).optional(),
    sort: z.enum(["newest", "oldest"]).optional(),
    /** The `next` of the previous page. */
    after: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export const createBanBody = createBanSchema;
export const revokeBanBody = z.object({ reason: banReasonSchema }).strict();

/** The audit page's own query (filters, `after`/`before` cursors, `size`). */
export const auditQuery = auditQuerySchema;

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum(APP_ERROR_CODES),
    message: z.string(),
    fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
  }),
});
