/**
 * The OpenAPI 3.1 document of /api/v1, generated from the route table and the very zod schemas the
 * routes validate with (zod 4's `z.toJSONSchema`, input side: what a caller sends). Public: it holds
 * no data. The reference page (app/docs/api) renders it.
 */
import { z } from "zod";
import { APP_ERROR_CODES, HTTP_STATUS_BY_CODE } from "../../lib/errors.ts";
import { apiErrorSchema } from "../../lib/schemas/api-v1.ts";
import { API_ROUTES, type ApiRoute } from "./routes.ts";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

/** Path or query parameters from an object schema's properties. */
function parameters(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema);
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: property,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function operation(route: ApiRoute): JsonSchema {
  const refusals: Record<string, JsonSchema> = {
    "400": errorResponse(
      "INVALID_INPUT: the path, query or body failed validation (fieldErrors says where).",
    ),
    "401": errorResponse("UNAUTHENTICATED: no token, or an invalid, expired or revoked one."),
    "403": errorResponse(`FORBIDDEN: the token or its user lacks \`${route.permission}\` (on this server).`),
    "404": errorResponse("NOT_FOUND"),
    "429": errorResponse("RATE_LIMITED: the token's budget is spent; see Retry-After."),
  };
  if (route.operationId === "runConsoleCommand")
    refusals["428"] = errorResponse(
      "CONFIRMATION_REQUIRED: a dangerous command sent without `confirm: true`.",
    );
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `Needs the permission \`${route.permission}\`. Costs ${route.cost} budget point(s).`,
    "x-permission": route.permission,
    parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.body) } },
          },
        }
      : {}),
    responses: {
      [String(route.status ?? 200)]: { description: "OK", content: { "application/json": { schema: {} } } },
      ...refusals,
    },
  };
}

export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  paths["/openapi.json"] = {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This document (no token needed).",
      security: [],
      responses: {
        "200": { description: "The OpenAPI document", content: { "application/json": { schema: {} } } },
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "RconDeck API",
      version: "1",
      description:
        "Personal access tokens (Account page → API tokens) as `Authorization: Bearer rcd_…`. Cookies are not accepted. " +
        `Error codes: ${APP_ERROR_CODES.map((c) => `${c} (${HTTP_STATUS_BY_CODE[c]})`).join(", ")}.`,
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A personal access token (rcd_…)." },
      },
      schemas: { Error: jsonSchema(apiErrorSchema) },
    },
    paths,
  };
}
