/**
 * Process environment, validated once with zod. Both the custom server and Next-bundled code read
 * configuration through `getEnv()`; nothing else touches process.env for configuration.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import { z } from "zod";

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const IPV4_PART = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const PORT_PART = String.raw`(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})`;
const IPV4_PORT = new RegExp(String.raw`^${IPV4_PART}(?:\.${IPV4_PART}){3}:${PORT_PART}$`);
/** ip:port to listen on: IPv4 or [IPv6]. */
const HOST_PORT = new RegExp(
  String.raw`^(?:${IPV4_PART}(?:\.${IPV4_PART}){3}|\[[0-9A-Fa-f:.]+\]):${PORT_PART}$`,
);

const envSchema = z.object({
  // Empty like every variable here (.env.example lists it empty): the default.
  NODE_ENV: z.preprocess(
    emptyAsUndefined,
    z.enum(["development", "production", "test"]).default("development"),
  ),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("127.0.0.1")),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./data")),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, "DATABASE_URL must start with file: or postgres://")
      .optional(),
  ),
  /** Public base URL used in printed links (setup, invites). Defaults to http://HOST:PORT. */
  PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  AUTH_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, "AUTH_SECRET needs at least 32 characters").optional(),
  ),
  RCON_ENCRYPTION_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "RCON_ENCRYPTION_KEY must be 32 bytes in base64")
      .optional(),
  ),
  RCONDECK_OWNER_EMAIL: z.preprocess(emptyAsUndefined, z.email().optional()),
  RCONDECK_OWNER_PASSWORD: optionalString,
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(["debug", "info", "warn", "error"]).default("info")),
  /** Trust X-Forwarded-For for the client address (only behind your own reverse proxy). */
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).default("0")),
  /** 1 = webhooks may use http:// to a loopback host (local receivers, tests); never in production. */
  WEBHOOKS_ALLOW_LOOPBACK: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).default("0")),
  /** 1 = on a database with no servers, add three emulated demo servers; 0 = never. */
  DEMO: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).default("1")),
  /** Days of console lines, player sessions and player-count samples kept. */
  CONSOLE_RETENTION_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(3650).default(30),
  ),
  /** Milliseconds between two native ban sync passes on one server (lower only for tests). */
  BAN_SYNC_EVERY_MS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  ),
  /** Console commands, kicks and messages one user may send per 10 seconds (more are refused). */
  ACTIONS_PER_10S: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(10_000).default(20)),
  /** Socket budget per user per 10 s, in points (a ping costs 1, a 1,000-line history page 11). */
  SOCKET_POINTS_PER_10S: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(50).max(100_000).default(600),
  ),
  /** HTTP budget per signed-in user per minute, in points (a player search or profile costs 2, an action 1, a ban export 20, an import 50). */
  HTTP_POINTS_PER_MINUTE: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(60).max(1_000_000).default(600),
  ),
  /** HTTP budget per client address per minute for requests without a session, in points. */
  HTTP_ANON_POINTS_PER_MINUTE: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(10).max(1_000_000).default(60),
  ),
  /** Sockets (tabs) one user may hold open at once. */
  SOCKETS_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1_000).default(12)),
  /** socket.io handshakes one client address may start per minute. */
  HANDSHAKES_PER_MINUTE: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(100_000).default(120),
  ),
  /** Further origins (comma-separated) browsers reach the dashboard at, besides PUBLIC_URL's. */
  /**
   * Multi-instance mode: with a postgres:// DATABASE_URL, several RconDeck instances share the
   * game servers (each held by one instance) and the browsers (events through Redis).
   */
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://")
      .optional(),
  ),
  /** Prefix of every Redis key and channel (several deployments, or test runs, on one Redis). */
  REDIS_PREFIX: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,64}$/, "REDIS_PREFIX: letters, digits, ':', '_' or '-'")
      .default("rcondeck:"),
  ),
  /** This instance's name in the cluster (leases, logs); generated when unset. Must be unique. */
  INSTANCE_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "INSTANCE_ID: letters, digits, '.', '_' or '-'")
      .optional(),
  ),
  /** Seconds a game-server lease lasts without renewal: a dead instance's servers move after about this. */
  LEASE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(3).max(120).default(10)),
  /** Milliseconds a command waits for the instance that holds the game server (then: outcome unknown). */
  CLUSTER_COMMAND_TIMEOUT_MS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(500).max(120_000).default(10_000),
  ),
  /** Game log streams over UDP (SRCDS logaddress_add): the address to listen on, "0.0.0.0:27500". Unset: off (demo mode: loopback). */
  GAME_LOGS_UDP_LISTEN: z.preprocess(
    emptyAsUndefined,
    z.string().regex(HOST_PORT, "GAME_LOGS_UDP_LISTEN must be ip:port, such as 0.0.0.0:27500").optional(),
  ),
  /** The IPv4 ip:port game servers send UDP logs to (this instance as they reach it); defaults to GAME_LOGS_UDP_LISTEN when that names one address. */
  GAME_LOGS_UDP_ADDRESS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(IPV4_PORT, "GAME_LOGS_UDP_ADDRESS must be an IPv4 address and port, such as 203.0.113.5:27500")
      .optional(),
  ),
  /** The base URL game servers POST HTTP logs to (CS2 logaddress_add_http): this instance's dashboard as they reach it. Unset: off (demo mode: loopback). */
  GAME_LOGS_HTTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .url()
      .refine(
        (v) => /^https?:\/\/[^/?#]+\/?$/.test(v),
        "GAME_LOGS_HTTP_URL must be a base URL such as http://203.0.113.5:3000 (scheme, host and port only)",
      )
      .optional(),
  ),
  ALLOWED_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((o) => o.trim())
          .filter((o) => o.length > 0),
      )
      .refine(
        (list) => list.every(isOrigin),
        "ALLOWED_ORIGINS must be origins such as https://rcon.example.com (scheme, host and port only), separated by commas",
      )
      .optional(),
  ),
});

/** Every variable the schema reads (the deployment test checks .env.example and the README against it). */
export const ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.origin === value.replace(/\/$/, "").toLowerCase()
    );
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof envSchema> & {
  dataDir: string;
  databaseUrl: string;
  databaseKind: "sqlite" | "postgresql";
  publicUrl: string;
  /** PUBLIC_URL's origin and ALLOWED_ORIGINS: the only Origins socket.io accepts from browsers. */
  allowedOrigins: string[];
  /** Multi-instance mode (a postgres:// DATABASE_URL and REDIS_URL), else null: one process holds everything. */
  cluster: ClusterEnv | null;
  /** Game log receivers as configured (demo mode's loopback default is applied by server/index.ts). */
  gameLogs: GameLogsEnv;
};

export interface GameLogsEnv {
  udpListen: { host: string; port: number } | null;
  /** "ip:port" given to `logaddress_add`. */
  udpAddress: string | null;
  httpBase: string | null;
}

export interface ClusterEnv {
  instanceId: string;
  redisUrl: string;
  redisPrefix: string;
  leaseMs: number;
  commandTimeoutMs: number;
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const databaseUrl = env.DATABASE_URL ?? `file:${path.join(dataDir, "rcondeck.db")}`;
  const databaseKind = databaseUrl.startsWith("file:") ? "sqlite" : "postgresql";
  const shownHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  const publicUrl = (
    env.PUBLIC_URL ?? `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${env.PORT}`
  ).replace(/\/$/, "");
  const allowedOrigins = [
    ...new Set([new URL(publicUrl).origin, ...(env.ALLOWED_ORIGINS ?? []).map((o) => new URL(o).origin)]),
  ];
  if (env.REDIS_URL && databaseKind !== "postgresql")
    throw new Error(
      "Invalid environment:\n  REDIS_URL: multi-instance mode needs a postgres:// DATABASE_URL (SQLite is one process only); unset REDIS_URL or use PostgreSQL",
    );
  const cluster: ClusterEnv | null = env.REDIS_URL
    ? {
        instanceId:
          env.INSTANCE_ID ??
          `${hostname()
            .replace(/[^A-Za-z0-9._-]/g, "-")
            .slice(0, 40)}-${randomBytes(4).toString("hex")}`,
        redisUrl: env.REDIS_URL,
        redisPrefix: env.REDIS_PREFIX,
        leaseMs: env.LEASE_SECONDS * 1000,
        commandTimeoutMs: env.CLUSTER_COMMAND_TIMEOUT_MS,
      }
    : null;
  return {
    ...env,
    dataDir,
    databaseUrl,
    databaseKind,
    publicUrl,
    allowedOrigins,
    cluster,
    gameLogs: gameLogsEnv(env),
  };
}

function gameLogsEnv(env: z.infer<typeof envSchema>): GameLogsEnv {
  const listen = env.GAME_LOGS_UDP_LISTEN;
  const colon = listen?.lastIndexOf(":") ?? -1;
  const udpListen = listen
    ? { host: listen.slice(0, colon).replace(/^\[(.*)\]$/, "$1"), port: Number(listen.slice(colon + 1)) }
    : null;
  const udpAddress =
    env.GAME_LOGS_UDP_ADDRESS ??
    (listen && IPV4_PORT.test(listen) && !listen.startsWith("0.0.0.0:") ? listen : null);
  if (udpListen && !udpAddress)
    throw new Error(
      "Invalid environment:\n  GAME_LOGS_UDP_ADDRESS: set the IPv4 ip:port game servers reach GAME_LOGS_UDP_LISTEN at (it listens on every address)",
    );
  if (env.GAME_LOGS_UDP_ADDRESS && !udpListen)
    throw new Error(
      "Invalid environment:\n  GAME_LOGS_UDP_ADDRESS: set GAME_LOGS_UDP_LISTEN too (the address to listen on)",
    );
  return { udpListen, udpAddress, httpBase: env.GAME_LOGS_HTTP_URL?.replace(/\/$/, "") ?? null };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
