import { HTTP_COSTS } from "@/server/auth/http-budget";
import { getChargedDataContext } from "@/server/auth/next";
import { exportBans } from "@/server/data/ban-export";
import { downloadResponse, errorResponse } from "../../http";

/** GET /api/bans/export?format=csv|json&state=&serverId=&banListId=&authorId=&search= (Admins). */
export async function GET(request: Request): Promise<Response> {
  try {
    const ctx = await getChargedDataContext(HTTP_COSTS.banExport);
    const params = new URL(request.url).searchParams;
    const get = (key: string) => params.get(key) || undefined;
    const out = await exportBans(ctx, {
      format: get("format") as "csv" | "json",
      state: get("state") as "active" | undefined,
      serverId: get("serverId"),
      banListId: get("banListId"),
      authorId: get("authorId"),
      search: get("search"),
    });
    return downloadResponse(out);
  } catch (error) {
    return errorResponse(error);
  }
}
