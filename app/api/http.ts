import { HTTP_STATUS_BY_CODE, isAppError } from "@/lib/errors";
import { getRuntime } from "@/server/runtime";

/** Shared by the route handlers (app/api/*): errors as `{ error: { code, message } }`, origin check. */

/** An error as JSON with its HTTP status (429 with retry-after); unexpected errors are logged, never shown. */
export function errorResponse(error: unknown): Response {
  if (isAppError(error)) {
    const headers: Record<string, string> = {};
    if (error.retryAfterSeconds) headers["retry-after"] = String(error.retryAfterSeconds);
    return Response.json(
      { error: { code: error.code, message: error.message, fieldErrors: error.fieldErrors } },
      { status: HTTP_STATUS_BY_CODE[error.code], headers },
    );
  }
  getRuntime().logger.error("route handler failed", {
    error: error instanceof Error ? error.stack : String(error),
  });
  return Response.json({ error: { code: "INTERNAL", message: "Something went wrong." } }, { status: 500 });
}

/**
 * A cookie-authenticated request that changes state must come from the dashboard itself: a
 * browser always sends Origin on a POST, and it must be one of ours (as for socket.io).
 */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return true; // not a browser; the session cookie is still required
  return getRuntime().env.allowedOrigins.includes(origin);
}

/** A streamed download (an export): never cached, never sniffed as something else. */
export function downloadResponse(out: {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  filename: string;
}): Response {
  return new Response(out.body, {
    headers: {
      "content-type": out.contentType,
      "content-disposition": `attachment; filename="${out.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
