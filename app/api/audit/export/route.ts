import { HTTP_COSTS } from "@/server/auth/http-budget";
import { getChargedDataContext } from "@/server/auth/next";
import { exportAudit } from "@/server/data/audit-export";
import { downloadResponse, errorResponse } from "../../http";

/** GET /api/audit/export?format=csv|json&action=&actor=&serverId=&outcome=&from=&to= (audit.read). */
export async function GET(request: Request): Promise<Response> {
  try {
    const ctx = await getChargedDataContext(HTTP_COSTS.auditExport);
    const params = new URL(request.url).searchParams;
    const get = (key: string) => params.get(key) ?? undefined;
    const out = await exportAudit(ctx, {
      format: get("format") as "csv" | "json",
      action: get("action"),
      actor: get("actor"),
      serverId: get("serverId"),
      outcome: get("outcome"),
      from: get("from"),
      to: get("to"),
    });
    return downloadResponse(out);
  } catch (error) {
    return errorResponse(error);
  }
}
