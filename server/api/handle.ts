/**
 * One REST call (/api/v1): route → Bearer token (cookies are never read here, so another origin
 * can never ride a browser session) → the token's budget (by the token's hash, before any database
 * work) → the token's actor (its user re-loaded, narrowed by the token) → zod input → the route →
 * JSON. Errors are `{ error: { code, message, fieldErrors? } }` with the status of lib/errors.ts.
 */
import { z } from "zod";
import { AppError, HTTP_STATUS_BY_CODE, isAppError } from "../../lib/errors.ts";
import { recordAudit } from "../data/audit.ts";
import { actorForApiToken, bearerToken, hashApiToken } from "../auth/api-token.ts";
import { budgetMessage } from "../auth/http-budget.ts";
import { clientIpFrom } from "../auth/request-ip.ts";
import { getRuntime } from "../runtime.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import { API_ROUTES, type ApiRoute } from "./routes.ts";

export const API_PREFIX = "/api/v1";
/** Request bodies are small JSON objects (a ban with 20 identifiers is a few KiB). */
const MAX_BODY_BYTES = 64 * 1024;

const matchers = API_ROUTES.map((route) => {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { route, names, regex: new RegExp(`^${pattern}/?$`) };
});

function match(
  method: string,
  path: string,
): { route: ApiRoute; params: Record<string, string> } | "wrong-method" | null {
  let pathMatched = false;
  for (const { route, names, regex } of matchers) {
    const found = regex.exec(path);
    if (!found) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(found[i + 1] ?? "");
    });
    return { route, params };
  }
  return pathMatched ? "wrong-method" : null;
}

export function apiError(error: unknown): Response {
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (isAppError(error)) {
    if (error.retryAfterSeconds) headers["retry-after"] = String(error.retryAfterSeconds);
    if (error.code === "UNAUTHENTICATED") headers["www-authenticate"] = 'Bearer realm="rcondeck"';
    return Response.json(
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
        },
      },
      { status: HTTP_STATUS_BY_CODE[error.code], headers },
    );
  }
  getRuntime().logger.error("api call failed", {
    error: error instanceof Error ? error.stack : String(error),
  });
  return Response.json(
    { error: { code: "INTERNAL", message: "Something went wrong." } },
    { status: 500, headers },
  );
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, what: string): T | undefined {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { fieldErrors, formErrors } = z.flattenError(parsed.error as z.ZodError<Record<string, unknown>>);
  const fields: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(fieldErrors as Record<string, string[] | undefined>))
    if (messages) fields[key] = messages;
  if (formErrors.length > 0) fields._ = formErrors;
  throw new AppError("INVALID_INPUT", `Invalid ${what}.`, fields);
}

async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new AppError("INVALID_INPUT", "Send the body as application/json.");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new AppError("INVALID_INPUT", "The body is too large.");
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("INVALID_INPUT", "The body is too large.");
  try {
    return text.length === 0 ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw new AppError("INVALID_INPUT", "The body is not valid JSON.");
  }
}

const limited = (retryAfterSeconds: number) =>
  new AppError("RATE_LIMITED", budgetMessage(retryAfterSeconds), undefined, retryAfterSeconds);

/** Answers one /api/v1 request (route handlers in app/api/v1 call this with their request). */
export async function handleApiV1(request: Request, now = new Date()): Promise<Response> {
  try {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    if (request.method === "GET" && path === "/openapi.json")
      return Response.json(buildOpenApiDocument(), { headers: { "cache-control": "no-cache" } });
    const found = match(request.method, path);
    if (found === null) throw new AppError("NOT_FOUND", "No such API route.");
    if (found === "wrong-method") throw new AppError("NOT_FOUND", `No ${request.method} on this API route.`);
    const { route, params } = found;
    const runtime = getRuntime();
    const ip = clientIpFrom(request.headers);
    const token = bearerToken(request.headers.get("authorization"));
    if (!token) {
      // Cookies are ignored on purpose: only a token a script holds opens the API.
      const charge = await runtime.httpBudget.charge({ address: ip }, 1);
      if (!charge.allowed) throw limited(charge.retryAfterSeconds);
      throw new AppError("UNAUTHENTICATED", "Send an API token: Authorization: Bearer rcd_…");
    }
    const charge = await runtime.httpBudget.charge({ apiToken: hashApiToken(token) }, route.cost);
    if (!charge.allowed) throw limited(charge.retryAfterSeconds);
    const actor = await actorForApiToken(runtime.db, token, now);
    if (!actor) {
      // Guessing tokens costs the address too (a fresh random token is a fresh budget key).
      const guess = await runtime.httpBudget.charge({ address: ip }, 1);
      if (!guess.allowed) throw limited(guess.retryAfterSeconds);
      throw new AppError("UNAUTHENTICATED", "This API token is invalid, expired or revoked.");
    }
    const hub = runtime.hub;
    if (!hub) throw new AppError("UNAVAILABLE", "The connection hub is not running.");
    const input = {
      params: parse(route.params, params, "path"),
      query: parse(route.query, Object.fromEntries(url.searchParams), "query"),
      body: route.body ? parse(route.body, await readBody(request), "body") : undefined,
    };
    const ctx = {
      db: runtime.db,
      actor,
      ip,
      hub,
      now,
      deps: { db: runtime.db, logger: runtime.logger, hub },
    };
    const result = await route.run(ctx, input);
    if (route.audit === "read")
      await recordAudit(runtime.db, {
        actor,
        action: `api.${route.operationId}`,
        serverId: typeof params.serverId === "string" ? params.serverId : null,
        targetType: params.serverId ? "server" : null,
        targetId: params.serverId ?? null,
        input:
          Object.keys(Object.fromEntries(url.searchParams)).length > 0
            ? Object.fromEntries(url.searchParams)
            : undefined,
        outcome: "success",
        sourceIp: ip,
      });
    return Response.json(result, { status: route.status ?? 200, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return apiError(error);
  }
}
