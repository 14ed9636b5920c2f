/**
 * Multi-process harness: N real RconDeck instances (server/index.ts as child processes, under
 * `node --import tsx` so that signals reach the server itself, not a wrapper) on one throw-away
 * PostgreSQL database and the machine's Redis (a unique REDIS_PREFIX per run), with emulated game
 * servers in the calling process that record their RCON sessions. Used by the process tests
 * (server/cluster/cluster.process.test.ts) and `npm run bench -- cluster`.
 *
 * The instances run with RCONDECK_NO_NEXT=1 (server/testing/no-next.ts): socket.io, sign-in and
 * /api/health without Next, which would need a build or on-demand compilation per instance.
 *
 * Redis "restart": the machine's redis-server is shared by every test file running in parallel, so
 * it is never restarted. blinkRedis() instead kills the instances' own Redis connections
 * (CLIENT KILL ID), found by name: every instance names its connections
 * `${REDIS_PREFIX}${INSTANCE_ID}` (CLIENT SETNAME, ioredis `connectionName`), optionally with a
 * suffix (`...:sub`). For the instances this is what a restart looks like: connections drop,
 * subscriptions and in-flight publishes are lost, ioredis reconnects.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { io as connect } from "socket.io-client";
import type { ConsoleLineMessage } from "../../lib/realtime/contract.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import { serverEnv, serverNodeOptions } from "../../scripts/node-options.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { Db } from "../db/client.ts";
import { findProjectRoot } from "../project-root.ts";
import type { RunningEmulator } from "../rcon/emulators/types.ts";
import type { ProtocolId } from "../rcon/types.ts";
import { createPostgresTestDatabase, type TestDatabase } from "./databases.ts";
import { createLoopbackServer } from "./hub.ts";
import type { ClientSocket } from "./realtime.ts";
import { sessionCookieFor } from "./session-cookie.ts";

export const CLUSTER_AUTH_SECRET = "k".repeat(48);
export const CLUSTER_ENCRYPTION_KEY = Buffer.alloc(32, 9);
export const CLUSTER_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const RCON_PASSWORD = "cluster-pw";

export type Signal = "SIGKILL" | "SIGSTOP" | "SIGCONT" | "SIGTERM";

export interface InstanceProcess {
  /** INSTANCE_ID ("i1", "i2", ...). */
  readonly id: string;
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  kill(signal: Signal): void;
  /** Not exited (a stopped process is alive). */
  alive(): boolean;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

export interface EmulatedServer {
  serverId: string;
  name: string;
  protocol: ProtocolId;
  game: string;
  emulator: RunningEmulator;
}

export interface ServerSpec {
  protocol: ProtocolId;
  game: string;
  players?: number;
  /** 1 = realistic simulated activity (default 0: only what the test makes happen). */
  activity?: number;
}

export interface Lease {
  ownerId: string;
  epoch: number;
}

export interface Browser {
  socket: ClientSocket;
  instance: InstanceProcess;
  /** Every console line received live, in arrival order. */
  lines: ConsoleLineMessage[];
  close(): void;
}

export interface TestCluster {
  readonly database: TestDatabase;
  readonly db: Db;
  readonly redisPrefix: string;
  /** Every instance started so far (also the killed ones), in start order. */
  readonly instances: InstanceProcess[];
  readonly servers: EmulatedServer[];
  /** Starts one more instance (id "i<n+1>" unless told) and waits until it listens. */
  startInstance(id?: string, env?: Record<string, string>): Promise<InstanceProcess>;
  /** Starts emulators in this process and stores them as enabled servers. */
  addServers(specs: readonly ServerSpec[]): Promise<EmulatedServer[]>;
  /** Unexpired leases by the database's clock: serverId -> owner. */
  owners(): Promise<Map<string, Lease>>;
  /** A user who may sign in with `password` (and sees every server). */
  createUser(
    name: string,
    role: "OWNER" | "ADMIN" | "MODERATOR" | "VIEWER",
    password?: string,
  ): Promise<{ id: string; email: string; password: string }>;
  /** A session cookie of `userId`, as a sign-in would set it. */
  cookieFor(userId: string): Promise<string>;
  /** A socket.io client on `instance` carrying `cookie` and the instance's Origin, recording console lines. */
  browser(instance: InstanceProcess, cookie: string): Promise<Browser>;
  /** Kills every Redis connection of the instances (see the header); resolves the number killed. */
  blinkRedis(): Promise<number>;
  /** [server, overlapping sessions] for every emulator that saw two live sessions at once. */
  overlaps(): { server: EmulatedServer; overlaps: ReturnType<RunningEmulator["overlaps"]> }[];
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** Instances started at once (more with startInstance). Default 3. */
  instances?: number;
  /** Servers added before the instances start. */
  servers?: readonly ServerSpec[];
  /** LEASE_SECONDS; default 5 (failover within 15 s needs renewals about every 1.7 s). */
  leaseSeconds?: number;
  /** Further environment of every instance. */
  env?: Record<string, string>;
  /** Echo the instances' output (also CLUSTER_LOG=1). */
  log?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns something other than undefined/false/null, or fails after
 * `timeoutMs` with `what` and the last value or error.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<Exclude<T, undefined | false | null>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false && value !== null)
        return value as Exclude<T, undefined | false | null>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await sleep(intervalMs);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const database = await createPostgresTestDatabase();
  const db = database.db;
  const redisPrefix = `rcondeck-test-${randomBytes(4).toString("hex")}:`;
  const dataRoot = mkdtempSync(path.join(tmpdir(), "rcondeck-cluster-"));
  const log = options.log ?? process.env.CLUSTER_LOG === "1";
  const instances: InstanceProcess[] = [];
  const servers: EmulatedServer[] = [];
  const browsers: Browser[] = [];
  const root = findProjectRoot();
  // A test run or benchmark that dies without close() must not leave instances running.
  const killAll = () => {
    for (const instance of instances) if (instance.alive()) instance.child.kill("SIGKILL");
  };
  process.once("exit", killAll);

  async function startInstance(
    id = `i${instances.length + 1}`,
    env: Record<string, string> = {},
  ): Promise<InstanceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [...serverNodeOptions(), "--import", "tsx", "server/index.ts"], {
      cwd: root,
      env: {
        ...process.env,
        ...serverEnv(),
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        PUBLIC_URL: "",
        ALLOWED_ORIGINS: "",
        DATA_DIR: path.join(dataRoot, id),
        DATABASE_URL: database.url,
        REDIS_URL: CLUSTER_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        INSTANCE_ID: id,
        LEASE_SECONDS: String(options.leaseSeconds ?? 5),
        AUTH_SECRET: CLUSTER_AUTH_SECRET,
        RCON_ENCRYPTION_KEY: CLUSTER_ENCRYPTION_KEY.toString("base64"),
        RCONDECK_OWNER_EMAIL: "",
        RCONDECK_OWNER_PASSWORD: "",
        DEMO: "0",
        LOG_LEVEL: log ? "debug" : "warn",
        RCONDECK_NO_NEXT: "1",
        NEXT_TELEMETRY_DISABLED: "1",
        ...options.env,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        exitCode = code;
        resolve(code);
      }),
    );
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 2_000_000) output = output.slice(-1_000_000);
      if (log) process.stderr.write(`[${id}] ${chunk.toString()}`);
    };
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    const instance: InstanceProcess = {
      id,
      port,
      url: `http://127.0.0.1:${port}`,
      pid: child.pid ?? 0,
      child,
      output: () => output,
      kill: (signal) => {
        if (exitCode === undefined) child.kill(signal);
      },
      alive: () => exitCode === undefined,
      exited,
    };
    instances.push(instance);
    await Promise.race([
      waitFor(() => output.includes("listening on"), 60_000, `instance ${id} to listen`, 50),
      exited.then((code) => {
        throw new Error(`instance ${id} exited with ${code} before listening:\n${output}`);
      }),
    ]);
    return instance;
  }

  async function addServers(specs: readonly ServerSpec[]): Promise<EmulatedServer[]> {
    const added: EmulatedServer[] = [];
    for (const spec of specs) {
      const emulator = await startEmulator(spec.protocol, {
        host: "127.0.0.1",
        port: 0,
        password: RCON_PASSWORD,
        game: spec.game,
        players: spec.players ?? 4,
        seed: servers.length + 1,
        activity: spec.activity ?? 0,
      });
      const name = `${spec.game}-${servers.length + 1}`;
      const serverId = await createLoopbackServer(db, CLUSTER_ENCRYPTION_KEY, {
        port: emulator.port,
        name,
        game: spec.game,
        protocol: spec.protocol,
        password: RCON_PASSWORD,
      });
      const server = { serverId, name, protocol: spec.protocol, game: spec.game, emulator };
      servers.push(server);
      added.push(server);
    }
    return added;
  }

  async function owners(): Promise<Map<string, Lease>> {
    // Prisma stores DateTime as UTC in "timestamp without time zone".
    const rows = await db.$queryRawUnsafe<{ serverId: string; ownerId: string; epoch: number }[]>(
      `SELECT "serverId", "ownerId", "epoch" FROM "ServerLease" WHERE "expiresAt" > (now() AT TIME ZONE 'UTC')`,
    );
    return new Map(rows.map((r) => [r.serverId, { ownerId: r.ownerId, epoch: Number(r.epoch) }]));
  }

  async function createUser(
    name: string,
    role: "OWNER" | "ADMIN" | "MODERATOR" | "VIEWER",
    password = "cluster horse battery staple",
  ) {
    const email = `${name}@example.com`;
    const user = await db.user.create({
      data: { email, name, passwordHash: await hashPassword(password), role, allServers: true },
    });
    return { id: user.id, email, password };
  }

  async function browser(instance: InstanceProcess, cookie: string): Promise<Browser> {
    const socket: ClientSocket = connect(instance.url, {
      transports: ["websocket"],
      extraHeaders: { cookie, origin: instance.url },
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    const lines: ConsoleLineMessage[] = [];
    socket.on("console:line", (line) => lines.push(line));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const opened: Browser = { socket, instance, lines, close: () => socket.disconnect() };
    browsers.push(opened);
    return opened;
  }

  async function blinkRedis(): Promise<number> {
    const admin = new Redis(CLUSTER_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
    try {
      const list = (await admin.call("CLIENT", "LIST")) as string;
      const ids = list
        .split("\n")
        .map((line) => ({
          id: /(?:^| )id=(\d+)/.exec(line)?.[1],
          name: /(?:^| )name=(\S*)/.exec(line)?.[1] ?? "",
        }))
        .filter(
          (c) =>
            c.id &&
            instances.some(
              (i) => c.name === `${redisPrefix}${i.id}` || c.name.startsWith(`${redisPrefix}${i.id}:`),
            ),
        );
      for (const { id } of ids) await admin.call("CLIENT", "KILL", "ID", id as string);
      return ids.length;
    } finally {
      admin.disconnect();
    }
  }

  async function cleanRedis(): Promise<void> {
    const admin = new Redis(CLUSTER_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await admin.connect();
      let cursor = "0";
      do {
        const [next, keys] = await admin.scan(cursor, "MATCH", `${redisPrefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await admin.del(...keys);
      } while (cursor !== "0");
    } finally {
      admin.disconnect();
    }
  }

  async function close(): Promise<void> {
    for (const b of browsers) b.close();
    for (const instance of instances) {
      if (!instance.alive()) continue;
      instance.kill("SIGCONT"); // a stopped process cannot act on SIGTERM
      instance.kill("SIGTERM");
    }
    await Promise.all(
      instances.map(async (instance) => {
        const timer = setTimeout(() => instance.kill("SIGKILL"), 8_000);
        await instance.exited;
        clearTimeout(timer);
      }),
    );
    for (const s of servers) await s.emulator.close();
    process.off("exit", killAll);
    await cleanRedis().catch(() => {});
    await database.drop();
    rmSync(dataRoot, { recursive: true, force: true });
  }

  const cluster: TestCluster = {
    database,
    db,
    redisPrefix,
    instances,
    servers,
    startInstance,
    addServers,
    owners,
    createUser,
    cookieFor: async (userId) => (await sessionCookieFor(db, CLUSTER_AUTH_SECRET, userId)).cookie,
    browser,
    blinkRedis,
    overlaps: () =>
      servers
        .map((server) => ({ server, overlaps: server.emulator.overlaps() }))
        .filter((o) => o.overlaps.length > 0),
    close,
  };
  try {
    if (options.servers) await addServers(options.servers);
    await Promise.all(Array.from({ length: options.instances ?? 3 }, (_, i) => startInstance(`i${i + 1}`)));
    instances.sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  } catch (error) {
    await close();
    throw error;
  }
  return cluster;
}
