import { AppError } from "@/lib/errors";
import { HTTP_COSTS } from "@/server/auth/http-budget";
import { getChargedDataContext } from "@/server/auth/next";
import {
  IMPORT_MAX_CHARS,
  commitBanImport,
  previewBanImport,
  type ImportBansInput,
} from "@/server/data/ban-import";
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
    if (mode === "commit") return Response.json(await commitBanImport(ctx, input));
    throw new AppError("INVALID_INPUT", 'mode must be "preview" or "commit".');
  } catch (error) {
    return errorResponse(error);
  }
}
