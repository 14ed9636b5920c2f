import { AppError } from "@/lib/errors";
import { HTTP_COSTS } from "@/server/auth/http-budget";
import { getChargedDataContext } from "@/server/auth/next";
import { serversOfScope } from "@/server/data/ban-page";
import {
  IMPORT_MAX_CHARS,
  commitBanImport,
  previewBanImport,
  type ImportBansInput,
} from "@/server/data/ban-import";
import { getRuntime } from "@/server/runtime";
import { errorResponse, sameOrigin } from "../../http";

/**
 * POST /api/bans/import, JSON `{ mode: "preview" | "commit", text, format, target }` (Admins). A
 * route handler rather than a server action: a 100,000-line file is far above the actions' body limit.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    if (!sameOrigin(request)) throw new AppError("FORBIDDEN", "Requests from other sites are refused.");
    const ctx = await getChargedDataContext(HTTP_COSTS.banImport);
    if (!(request.headers.get("content-type") ?? "").startsWith("application/json"))
      throw new AppError("INVALID_INPUT", "Send JSON.");
    const length = Number(request.headers.get("content-length") ?? "0");
    if (length > IMPORT_MAX_CHARS * 2) throw new AppError("INVALID_INPUT", "The file is larger than 20 MB.");
    const body = (await request.json().catch(() => null)) as (ImportBansInput & { mode?: unknown }) | null;
    if (!body || typeof body !== "object") throw new AppError("INVALID_INPUT", "Send JSON.");
    const { mode, ...input } = body;
    if (mode === "preview") return Response.json(await previewBanImport(ctx, input));
    if (mode === "commit") {
      const result = await commitBanImport(ctx, input);
      // Like every ban action: players online now are checked against the new bans, and the
      // servers' native sync runs a full pass soon.
      const hub = getRuntime().hub;
      if (hub && result.created > 0) hub.recheckBans(await serversOfScope(ctx.db, result.scope));
      return Response.json(result);
    }
    throw new AppError("INVALID_INPUT", 'mode must be "preview" or "commit".');
  } catch (error) {
    return errorResponse(error);
  }
}
