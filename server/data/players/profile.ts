/**
 * PLACEHOLDER written by H4 (UI) so the profile page compiles before H2's profile lands.
 * H2 owns this file: at merge, take H2's version whole.
 */
import { AppError } from "../../../lib/errors.ts";
import type { DataContext } from "../context.ts";
import type { PlayerProfile } from "./types.ts";

export async function getPlayerProfile(
  _ctx: DataContext,
  _playerId: string,
  _now: Date,
): Promise<PlayerProfile> {
  return Promise.reject(new AppError("NOT_FOUND", "No such player."));
}
