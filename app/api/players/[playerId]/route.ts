import { HTTP_COSTS } from "@/server/auth/http-budget";
import { getChargedDataContext } from "@/server/auth/next";
import { getPlayerProfile } from "@/server/data/players/profile";
import { getRuntime } from "@/server/runtime";
import { errorResponse } from "../../http";

/**
 * GET /api/players/[playerId] → PlayerProfile (players.view; NOT_FOUND for a player never seen on
 * the actor's servers). A merged player's id answers with the profile it was merged into.
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ playerId: string }> },
): Promise<Response> {
  try {
    const ctx = await getChargedDataContext(HTTP_COSTS.playerRead);
    const { playerId } = await params;
    const profile = await getPlayerProfile(ctx, playerId, new Date(), getRuntime().hub);
    return Response.json(profile, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
