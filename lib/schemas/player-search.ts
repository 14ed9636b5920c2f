/**
 * Player search and profile inputs (GET /api/players, the Players page). The cursor is opaque to
 * callers; server/data/players/search.ts decodes and checks it.
 */
import { z } from "zod";

export const PLAYER_SEARCH_MAX_LIMIT = 100;

export const playerSearchSchema = z.object({
  q: z.string().trim().max(200, "A search is at most 200 characters").default(""),
  after: z.string().max(300, "That page link is not valid").optional(),
  limit: z.coerce.number().int().min(1).max(PLAYER_SEARCH_MAX_LIMIT).default(25),
});
export type PlayerSearchInput = z.input<typeof playerSearchSchema>;

export const playerIdSchema = z.string().trim().min(1, "Choose a player").max(64, "That is not a player id");
