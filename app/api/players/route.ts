import { HTTP_COSTS } from "@/server/auth/http-budget";
import { getChargedDataContext } from "@/server/auth/next";
import { searchPlayers } from "@/server/data/players/search";
import { getRuntime } from "@/server/runtime";
import { errorResponse } from "../http";

/** GET /api/players?q=&after=&limit= → PlayerSearchPage (players.view; identifiers only for identity readers). */
export async function GET(request: Request): Promise<Response> {
  try {
    const ctx = await getChargedDataContext(HTTP_COSTS.playerRead);
    const params = new URL(request.url).searchParams;
    const hub = getRuntime().hub;
    const page = await searchPlayers(
      ctx,
      {
        q: params.get("q") ?? "",
        after: params.get("after") || undefined,
        limit: params.get("limit") ?? undefined,
      },
      hub ? (serverId) => hub.players(serverId) : undefined,
    );
    // Personal data: never kept by a shared cache.
    return Response.json(page, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
