/**
 * The OpenAPI document and the route files agree: every method exported by a route.ts under
 * app/api/v1 is a documented operation and every documented operation has its route file; and the
 * document has the structure OpenAPI 3.1 requires (the fields a client generator reads).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectRoot } from "../project-root.ts";
import { buildOpenApiDocument } from "./openapi.ts";

const root = join(findProjectRoot(), "app", "api", "v1");

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? routeFiles(join(dir, entry.name))
      : entry.name === "route.ts"
        ? [join(dir, entry.name)]
        : [],
  );
}

/** "GET /servers/{serverId}" for each exported method of each route file. */
function fileOperations(): string[] {
  return routeFiles(root).flatMap((file) => {
    const folder = relative(root, join(file, "..")).split(sep).filter(Boolean);
    const path = `/${folder.map((part) => part.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}`;
    const methods = [
      ...readFileSync(file, "utf8").matchAll(/^export const (GET|POST|PUT|PATCH|DELETE) =/gm),
    ].map((m) => m[1]);
    return methods.map((method) => `${method} ${path}`);
  });
}

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        responses: Record<string, { description: string }>;
        parameters?: { name: string; in: string; required: boolean }[];
      }
    >
  >;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
  security: Record<string, string[]>[];
};

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument() as unknown as Doc;
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );

  it("documents exactly the routes under app/api/v1", () => {
    expect(documented.sort()).toEqual(fileOperations().sort());
    expect(documented).toContain("POST /servers/{serverId}/players/{playerId}/kick");
  });

  it("is structurally OpenAPI 3.1: version, info, unique operation ids, responses, path parameters declared", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.components.securitySchemes.bearer).toEqual(
      expect.objectContaining({ type: "http", scheme: "bearer" }),
    );
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, ops] of Object.entries(doc.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const response of Object.values(op.responses)) expect(response.description).toBeTruthy();
        const declared = (op.parameters ?? []).filter((p) => p.in === "path");
        expect(declared.map((p) => p.name).sort()).toEqual(templated.sort());
        expect(declared.every((p) => p.required)).toBe(true);
      }
    }
  });

  it("comes from the validating schemas: the console body's `confirm` and the kick's reason limit", () => {
    const consoleOp = doc.paths["/servers/{serverId}/console"]?.post as unknown as {
      requestBody: {
        content: {
          "application/json": {
            schema: { properties: Record<string, { type?: string; maxLength?: number }>; required: string[] };
          };
        };
      };
    };
    const schema = consoleOp.requestBody.content["application/json"].schema;
    expect(schema.properties.confirm?.type).toBe("boolean");
    expect(schema.properties.command?.maxLength).toBe(2000);
    expect(schema.required).toEqual(["command"]);
    expect(doc.paths["/servers/{serverId}/console"]?.post?.responses["428"]).toBeDefined();
  });
});
