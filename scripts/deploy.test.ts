/**
 * The deployment example and the configuration docs agree with the code: compose.yaml parses and
 * has PostgreSQL, Redis, three instances and a proxy; every ${VAR} it uses is in .env.example;
 * .env.example documents exactly what server/env.ts reads (plus a few marked compose/test-only
 * variables, each checked to be used where it says); the README's Configuration table lists the
 * same set; every launcher of the dashboard process applies its Node options and environment
 * (scripts/server-node-options, scripts/server-env). Docker itself is not run here (no images
 * offline).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENV_KEYS } from "../server/env.ts";
import { findProjectRoot } from "../server/project-root.ts";
import { serverEnv } from "./node-options.ts";

const root = findProjectRoot();
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** Variables .env.example documents that server/env.ts does not read, and the file that does. */
const NOT_IN_ENV_TS: Record<string, string> = {
  POSTGRES_PASSWORD: "compose.yaml",
  TEST_POSTGRES_URL: "server/testing/databases.ts",
  RCONDECK_TEST_DATABASES: "server/testing/databases.ts",
  E2E_PORT: "playwright.config.ts",
  RCONDECK_NO_NEXT: "server/index.ts",
};

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] | string };
}

const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, ComposeService> };
const envExample = read(".env.example");

function exampleKeys(): string[] {
  return [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string);
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:?error}`... ($$ is an escaped dollar). */
function composeVariables(text: string): string[] {
  return [
    ...new Set(
      [...text.replaceAll("$$", "").matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string),
    ),
  ].sort();
}

function readmeTableKeys(): string[] {
  const readme = read("README.md");
  const start = readme.indexOf("## Configuration");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return rows.flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string),
  );
}

describe("compose.yaml", () => {
  it("has PostgreSQL, Redis, three RconDeck instances with distinct ids and a reverse proxy", () => {
    const services = compose.services;
    expect(services.postgres?.image).toMatch(/^postgres:16/);
    expect(services.redis?.image).toMatch(/^redis:7/);
    const instances = Object.entries(services).filter(([, s]) => s.environment?.INSTANCE_ID !== undefined);
    expect(instances).toHaveLength(3);
    expect(new Set(instances.map(([, s]) => s.environment?.INSTANCE_ID)).size).toBe(3);
    for (const [, s] of instances) {
      const env = s.environment ?? {};
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(env.REDIS_URL).toBe("redis://redis:6379");
      expect(env.TRUST_PROXY).toBe("1");
      expect(env.AUTH_SECRET).toBe("${AUTH_SECRET:?set AUTH_SECRET in .env (at least 32 characters)}");
      expect(env.RCON_ENCRYPTION_KEY).toMatch(/^\$\{RCON_ENCRYPTION_KEY:\?/);
      expect(env.PUBLIC_URL).toMatch(/^\$\{PUBLIC_URL/);
      expect(JSON.stringify(s.healthcheck?.test)).toContain("/api/health");
    }
    // The proxy mounts the committed config, which balances over exactly those instances.
    const proxy = services.proxy;
    expect(proxy?.image).toMatch(/^caddy:2/);
    expect(proxy?.volumes).toContain("./deploy/Caddyfile:/etc/caddy/Caddyfile:ro");
    const caddyfile = read("deploy/Caddyfile");
    const upstreams = /reverse_proxy ([^{]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/);
    expect(upstreams).toEqual(instances.map(([name]) => `${name}:3000`));
    expect(caddyfile).toMatch(/^\s*lb_policy cookie\b/m); // socket.io long-polling needs stickiness
    expect(caddyfile).toMatch(/^\s*health_uri \/api\/health$/m);
  });

  it("uses only variables .env.example documents", () => {
    const used = composeVariables(read("compose.yaml"));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((v) => !exampleKeys().includes(v))).toEqual([]);
  });

  it("every instance's environment is a variable server/env.ts reads", () => {
    for (const service of Object.values(compose.services).filter((s) => s.environment?.INSTANCE_ID)) {
      expect(Object.keys(service.environment ?? {}).filter((k) => !ENV_KEYS.includes(k))).toEqual([]);
    }
  });
});

describe(".env.example and the README", () => {
  it(".env.example documents exactly the variables server/env.ts reads, plus marked ones that are used where stated", () => {
    const keys = exampleKeys();
    expect(new Set(keys).size).toBe(keys.length); // none twice
    expect(ENV_KEYS.filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.filter((k) => !ENV_KEYS.includes(k)).sort()).toEqual(Object.keys(NOT_IN_ENV_TS).sort());
    for (const [key, file] of Object.entries(NOT_IN_ENV_TS)) expect(read(file)).toContain(key);
  });

  it("every variable has a comment right above it", () => {
    const lines = envExample.split("\n");
    const undocumented = lines.flatMap((line, i) => {
      const key = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
      if (!key) return [];
      // The nearest line above that is not another variable must be a comment.
      let j = i - 1;
      while (j >= 0 && /^[A-Z][A-Z0-9_]*=/.test(lines[j] ?? "")) j--;
      return (lines[j] ?? "").startsWith("# ") ? [] : [key];
    });
    expect(undocumented).toEqual([]);
  });

  it("the README's Configuration table lists the same set", () => {
    expect(readmeTableKeys().sort()).toEqual(exampleKeys().sort());
  });

  it("every launcher of the dashboard process applies scripts/server-node-options and scripts/server-env", () => {
    const shellLaunchers = {
      "scripts/start.sh": read("scripts/start.sh"),
      "npm run serve": (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts
        .serve!,
      Dockerfile: read("Dockerfile"),
    };
    for (const [name, text] of Object.entries(shellLaunchers))
      expect({ name, both: /server-env\).*server-node-options\)/.test(text) }).toEqual({ name, both: true });
    expect(read("Dockerfile")).toMatch(/COPY .*scripts\/server-node-options.*scripts\/server-env/);
    // Processes started from TypeScript take both through scripts/node-options.ts.
    for (const file of [
      "e2e/server-process.ts",
      "server/testing/cluster.ts",
      "bench/hub.ts",
      "bench/flood.ts",
      "bench/flood-sockets.ts",
    ]) {
      const text = read(file);
      expect({
        file,
        env: text.includes("serverEnv()"),
        options: text.includes("serverNodeOptions()"),
      }).toEqual({
        file,
        env: true,
        options: true,
      });
    }
    expect(serverEnv()).toEqual({ MALLOC_ARENA_MAX: "2" });
  });
});
