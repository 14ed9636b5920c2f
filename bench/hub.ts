/**
 * `npm run bench -- hub [--servers 10,100,500] [--clients 50] [--seconds 30] [--target process|build] [--db sqlite|postgresql] [--repeat 1]`:
 * one RconDeck process with N emulated game servers (a child process: BattlEye Arma 3, Source
 * Squad and Quake 3 OpenArena in turn, 64 players each, joining and leaving at the emulators' pace)
 * and M socket.io clients (another child process, one Admin user each), subscribed so that every
 * server has a watcher (so every server is polled every 2 s).
 *
 * Targets (the process measured):
 * - `process` (default): the connection hub, socket.io and the SQLite history in a process of
 *   their own, started with the dashboard's Node options (scripts/server-node-options).
 * - `build`: the production server itself (`dist/server/index.js`, Next included), as `npm start`
 *   runs it; needs `npm run build` first.
 *
 * What is measured, for each N, once the start-up burst (every server's first 64 stays, stored
 * and linked to player records) is written (the line "start-up burst written after" says how long
 * that took: 75-95 s at 1,000 servers, about 64,000 stays in batches of 500):
 * - Event latency, emulator -> client: every emulator has a player say one chat line per second
 *   carrying the emulator's clock; a client receiving it as a console line takes now - that. BattlEye
 *   and Squad push chat over RCON; Quake 3 engines push nothing (their chat never reaches RCON, and
 *   joins/leaves are found by polling), so 1/3 of the servers add load but no chat sample.
 * - Command round trip: each client sends `console:exec` (permission check, dialect, audit row) for
 *   its servers, one per server every COMMAND_EVERY_SECONDS (longer when a client commands more
 *   than 10 servers, to stay under the action limit); from the send to the answer line.
 * - Hub -> client age of every console line; the measured process's CPU and peak RSS.
 * - What the hub sent the clients, by socket.io event: messages and bytes (of their frames) a second.
 * - Commands that failed or were refused in the window, by protocol and error code.
 *
 * --repeat K runs each N K times (each in a fresh process, on a fresh database) and then prints the
 * median and the range of the headline figures: one run's p99 and peak RSS vary by 20-50% at 1,000
 * servers (whether its window catches a minute's samples or a burst of joins), so a change is
 * compared on medians.
 *
 * Diagnosis switches: BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the measured process (of the
 * measured window with --target process, of its whole life with --target build); BENCH_HUB_LOG=1 prints the hub's info, warnings and errors, and BENCH_QUERY_COUNT=1 the
 * 40 most frequent Prisma operations in the measured window, per second (both --target process);
 * BENCH_SERVER_FLAGS="--trace-gc ..." adds Node/V8 flags to the measured server and shows its
 * output (--target build). BENCH_SQL_TIME=1 prints the time spent inside SQLite over the measured
 * window, by SQL text (--target process; support/sql-timing.ts). BENCH_HEAP_PROF=<dir> writes a
 * sampling heap profile of the measured window, every allocation counted (--target process); with
 * BENCH_HEAP_PROF_SURVIVORS=1 only those that survived a scavenge.
 *
 * The header prints the machine's time for a fixed workload (support/machine.ts): figures from
 * machines of different speeds are compared through it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { Session as InspectorSession } from "node:inspector";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { io as connect, type Socket } from "socket.io-client";
import type {
  ClientToServerEvents,
  ServerStatusMessage,
  ServerToClientEvents,
} from "../lib/realtime/contract.ts";
import { createDb, type Db } from "../server/db/client.ts";
import { referenceWorkloadMs } from "./support/machine.ts";
import { migrateDatabase } from "../server/db/migrate.ts";
import { startEmulator } from "../server/rcon/emulators/registry.ts";
import { createPostgresTestDatabase } from "../server/testing/databases.ts";
import { ConnectionHub } from "../server/hub/hub.ts";
import { createRealtime } from "../server/realtime/io.ts";
import type { RunningEmulator } from "../server/rcon/emulators/types.ts";
import type { ProtocolId } from "../server/rcon/types.ts";
import { encryptSecret } from "../server/security/crypto.ts";
import { sessionCookieFor } from "../server/testing/session-cookie.ts";
import { serverEnv, serverNodeOptions } from "../scripts/node-options.ts";
import { medianAndRange, percentile } from "./support/stats.ts";
import { formatSqlTimes, timeSqlStatements } from "./support/sql-timing.ts";

const PASSWORD = "benchpass";
const SECRET = "b".repeat(48);
const KEY = Buffer.alloc(32, 3);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** BENCH_HUB_LOG=1: the measured hub's info, warnings and errors on stderr (debug stays silent). */
const debugLog = {
  debug() {},
  info: (message: string, fields?: object) =>
    console.error(`[hub info] ${message} ${JSON.stringify(fields ?? {})}`),
  warn: (message: string, fields?: object) =>
    console.error(`[hub warn] ${message} ${JSON.stringify(fields ?? {})}`),
  error: (message: string, fields?: object) =>
    console.error(`[hub error] ${message} ${JSON.stringify(fields ?? {})}`),
};
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const KINDS: {
  protocol: ProtocolId;
  game: string;
  say: (text: string) => string;
  extra?: Record<string, string | number>;
}[] = [
  { protocol: "battleye", game: "arma3", say: (t) => `say -1 ${t}` },
  { protocol: "source", game: "squad", say: (t) => `AdminBroadcast ${t}` },
  { protocol: "quake3", game: "openarena", say: (t) => `say ${t}` },
];
/**
 * One command per server every 6 s. Quake 3 engines allow about one rcon packet per second per
 * address (the dialect's pacer mirrors ioq3's leaky bucket) and the 2 s poll takes half of that;
 * each client (one user) stays under the per-user limit of 20 actions per 10 s.
 */
const COMMAND_EVERY_SECONDS = 6;
/** Actions one user may send per 10 s (ACTIONS_PER_10S's default), kept under with some room. */
const ACTIONS_PER_10S = 20;

/** CPU seconds of a process (Linux /proc; NaN elsewhere). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Resident memory of a process in bytes (Linux /proc; NaN elsewhere). */
function rssOf(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return Number(kb) * 1024;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connectClient(url: string, cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    transports: ["websocket"],
    extraHeaders: { cookie },
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
  });
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", reject);
    // A transport closed before the namespace answered ends in "disconnect", not "connect_error"
    // (reconnection is off): without this the promise would never settle.
    socket.on("disconnect", (reason) => reject(new Error(`disconnected before connecting: ${reason}`)));
  });
}

/** Samples per measure and protocol, summarised as p50/p99 at the end. */
class Samples {
  private readonly byKey = new Map<string, number[]>();
  add(key: string, value: number): void {
    const list = this.byKey.get(key);
    if (list) list.push(value);
    else this.byKey.set(key, [value]);
  }
  summary(): Record<string, { p50: number; p99: number; count: number }> {
    return Object.fromEntries(
      [...this.byKey].map(([key, values]) => {
        values.sort((x, y) => x - y);
        return [key, { p50: percentile(values, 50), p99: percentile(values, 99), count: values.length }];
      }),
    );
  }
}

/** "players:update 166/s 2.7 MB/s, ...": the clients' traffic by event, largest first. */
function trafficFigures(traffic: Record<string, [number, number]>, seconds: number): string {
  const entries = Object.entries(traffic);
  if (entries.length === 0) return "none";
  return entries
    .sort((a, b) => b[1][1] - a[1][1])
    .map(
      ([name, [messages, bytes]]) =>
        `${name} ${(messages / seconds).toFixed(0)}/s ${(bytes / seconds / 1048576).toFixed(2)} MB/s`,
    )
    .join(", ");
}

// ---------------------------------------------------------------------------------------------
// Child roles

async function runEmulators(count: number): Promise<void> {
  const running: RunningEmulator[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    if (!kind) continue;
    const emulator = await startEmulator(kind.protocol, {
      host: "127.0.0.1",
      port: 0,
      password: PASSWORD,
      game: kind.game,
      players: 64,
      seed: i + 1,
      activity: 1,
      logger: process.env.BENCH_HUB_LOG
        ? {
            ...silent,
            info: (m: string, f?: object) => {
              if (m.includes("dropped"))
                console.error(`[emulator] ${m} ${JSON.stringify(f ?? {})} at ${new Date().toISOString()}`);
            },
          }
        : silent,
      ...(kind.extra ? { extra: kind.extra } : {}),
    });
    running.push(emulator);
    console.log(JSON.stringify({ index: i, port: emulator.port }));
  }
  console.log(JSON.stringify({ ready: true }));
  // One chat line per second per server, spread over the second, stamped with this clock.
  const chatTimers = running.map((emulator, i) =>
    setTimeout(
      () => {
        chatTimers[i] = setInterval(() => emulator.playerChat(`bench-${Date.now()}`), 1_000);
      },
      (i * 1000) / running.length,
    ),
  );
  await new Promise<void>((resolve) => process.stdin.on("close", resolve).resume());
  for (const timer of chatTimers) clearTimeout(timer);
  await Promise.allSettled(running.map((e) => e.close()));
  process.exit(0);
}

async function runClients(
  url: string,
  cookiesFile: string,
  serverIds: string[],
  seconds: number,
): Promise<void> {
  const cookies = JSON.parse(readFileSync(cookiesFile, "utf8")) as string[];
  const indexOf = new Map(serverIds.map((id, i) => [id, i]));
  const kindOf = (serverId: string) => KINDS[(indexOf.get(serverId) ?? 0) % KINDS.length];
  const samples = new Samples();
  const sentAt = new Map<string, number>(); // serverId:client:seq of a bench command -> its send time
  let lines = 0;
  let measuring = false;
  let execErrors = 0;
  /** "protocol CODE" -> count, to tell which family and which refusal failed. */
  const execErrorKinds: Record<string, number> = {};
  const sockets: ClientSocket[] = [];
  /** What the hub sent the clients in the window: event name -> [messages, bytes of their frames]. */
  const traffic: Record<string, [number, number]> = {};
  for (const cookie of cookies) {
    const socket = await connectClient(url, cookie);
    // Frames as they came (engine.io packets), named by their socket.io event: no re-encoding here.
    socket.io.engine.on("packet", (packet) => {
      if (!measuring || packet.type !== "message" || typeof packet.data !== "string") return;
      const name = /^\d+\["([^"]+)"/.exec(packet.data.slice(0, 80))?.[1] ?? "(acks)";
      const entry = (traffic[name] ??= [0, 0]);
      entry[0]++;
      entry[1] += packet.data.length;
    });
    socket.on("console:line", (line) => {
      const now = Date.now();
      lines++;
      if (!measuring) return;
      const protocol = kindOf(line.serverId)?.protocol ?? "?";
      samples.add("age", now - Date.parse(line.at));
      const stamp = /bench-(\d+)/.exec(line.text)?.[1];
      if (line.kind === "chat" && stamp) {
        samples.add("event", now - Number(stamp));
        samples.add(`event ${protocol}`, now - Number(stamp));
      } else if (line.kind === "command" && stamp) {
        sentAt.set(`${line.serverId}:${line.seq}`, Number(stamp));
      } else if (line.kind === "answer" && line.replyTo !== null) {
        const key = `${line.serverId}:${line.replyTo}`;
        const sent = sentAt.get(key);
        if (sent === undefined) return;
        sentAt.delete(key);
        samples.add("command", now - sent);
        samples.add(`command ${protocol}`, now - sent);
      }
    });
    sockets.push(socket);
  }
  // Every server watched; each client watches about N/M servers (at least 3). A server's first
  // watcher is the one who sends it commands.
  const perClient = Math.max(3, Math.ceil(serverIds.length / sockets.length));
  const commander = new Map<string, ClientSocket>();
  let cursor = 0;
  for (const socket of sockets) {
    for (let k = 0; k < perClient; k++) {
      const serverId = serverIds[cursor++ % serverIds.length] ?? "";
      if (!commander.has(serverId)) commander.set(serverId, socket);
      // A socket dropped under load (or an ack that never comes) fails the run instead of hanging it.
      await new Promise((resolve, reject) =>
        socket
          .timeout(120_000)
          .emit("server:subscribe", { serverId }, (error: Error | null) =>
            error
              ? reject(
                  new Error(
                    `server:subscribe ${serverId}: ${error.message} (connected: ${socket.connected})`,
                  ),
                )
              : resolve(null),
          ),
      );
    }
  }
  console.log(JSON.stringify({ subscribed: true }));

  // Commands: a server's turn comes every `period` seconds, turns spread over each second. Past
  // 10 servers per client (1,000 servers, 50 clients) the period grows so that each user stays
  // under the action limit: refused commands would measure the limiter, not the round trip.
  const servers = [...commander].map(([serverId, socket]) => ({ serverId, socket }));
  const mostPerClient = Math.max(
    ...sockets.map((socket) => servers.filter((s) => s.socket === socket).length),
  );
  const period = Math.max(COMMAND_EVERY_SECONDS, Math.ceil((mostPerClient * 10) / (ACTIONS_PER_10S - 2)));
  let tick = 0;
  const driver = setInterval(() => {
    servers.forEach(({ socket, serverId }, i) => {
      if (i % period !== tick % period) return;
      const say = kindOf(serverId)?.say;
      if (!say) return;
      setTimeout(
        () =>
          socket.emit("console:exec", { serverId, command: say(`bench-${Date.now()}`) }, (result) => {
            if (result.ok || !measuring) return;
            execErrors++;
            const key = `${kindOf(serverId)?.protocol ?? "?"} ${result.error.code}`;
            execErrorKinds[key] = (execErrorKinds[key] ?? 0) + 1;
          }),
        ((i * 1000) / servers.length) | 0,
      );
    });
    tick++;
  }, 1_000);

  await sleep(3_000);
  measuring = true;
  await sleep(seconds * 1000);
  measuring = false;
  clearInterval(driver);
  console.log(JSON.stringify({ traffic }));
  console.log(JSON.stringify({ result: { lines, execErrors, execErrorKinds, ...samples.summary() } }));
  for (const s of sockets) s.disconnect();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The process under test

interface ProcessUnderTest {
  url: string;
  pid: number;
  /** Resident memory now, and the JS heap when it is this process. */
  memory(): { rss: number; heap: number | null };
  /** Starts the measured window (event-loop delay and query counts are only kept from here). */
  beginWindow(): void;
  /** Ends it (query counts stop here: the shutdown's writes are not the running dashboard's). */
  endWindow(): void;
  /** Event-loop delay (ms) over the window, when it is this process. */
  loopDelay(): { p99: number; max: number } | null;
  close(): Promise<void>;
}

/** Posts to this process's own inspector (the profilers below). */
function inspectorOfThisProcess(): (method: string, params?: object) => Promise<unknown> {
  const session = new InspectorSession();
  session.connect();
  return (method, params) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
}

/**
 * BENCH_CPU_PROF with --target process: a V8 CPU profile of the measured window only (the start-up
 * burst would drown it), through this process's inspector, written as hub-<N>-<time>.cpuprofile.
 */
function windowProfiler(dir: string): { start(): Promise<void>; stop(servers: number): Promise<void> } {
  const post = inspectorOfThisProcess();
  return {
    async start() {
      await post("Profiler.enable");
      await post("Profiler.setSamplingInterval", { interval: 1000 });
      await post("Profiler.start");
    },
    async stop(servers) {
      const { profile } = (await post("Profiler.stop")) as { profile: object };
      const file = path.join(dir, `hub-${servers}-${Date.now()}.cpuprofile`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      console.error(`CPU profile of the measured window: ${file}`);
    },
  };
}

/**
 * BENCH_HEAP_PROF with --target process: a sampling heap profile of the measured window, every
 * allocation counted whether it died young or not (what fills the young generation and so sets how
 * often it is scavenged), written as hub-<N>-<time>.heapprofile (Chrome DevTools opens it).
 */
function windowHeapProfiler(dir: string): { start(): Promise<void>; stop(servers: number): Promise<void> } {
  const post = inspectorOfThisProcess();
  return {
    async start() {
      await post("HeapProfiler.enable");
      await post("HeapProfiler.startSampling", {
        samplingInterval: 64 * 1024,
        // BENCH_HEAP_PROF_SURVIVORS=1: leave out what died young, so the profile shows what
        // survived a scavenge (what gets copied and promoted, and so sets the scavenge pauses).
        includeObjectsCollectedByMinorGC: process.env.BENCH_HEAP_PROF_SURVIVORS !== "1",
        includeObjectsCollectedByMajorGC: true,
      });
    },
    async stop(servers) {
      const { profile } = (await post("HeapProfiler.stopSampling")) as { profile: object };
      const file = path.join(dir, `hub-${servers}-${Date.now()}.heapprofile`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      console.error(`heap allocation profile of the measured window: ${file}`);
    },
  };
}

/** The hub, socket.io and the history in this process (started with the dashboard's Node options). */
async function startInThisProcess(plainDb: Db, servers: number): Promise<ProcessUnderTest> {
  const profiler = process.env.BENCH_CPU_PROF ? windowProfiler(process.env.BENCH_CPU_PROF) : null;
  const heapProfiler = process.env.BENCH_HEAP_PROF ? windowHeapProfiler(process.env.BENCH_HEAP_PROF) : null;
  let counts: Record<string, number> = {};
  let countedSince = performance.now();
  let windowCounts: { counts: Record<string, number>; seconds: number } | null = null;
  const sqlTiming = process.env.BENCH_SQL_TIME ? timeSqlStatements() : null;
  let sqlWindowReport: string | null = null;
  if (sqlTiming)
    process.on("exit", () => {
      console.error(
        sqlWindowReport ??
          formatSqlTimes(sqlTiming.report(), (performance.now() - countedSince) / 1000) + " (the whole run)",
      );
    });
  const db = (
    process.env.BENCH_QUERY_COUNT
      ? plainDb.$extends({
          query: {
            async $allOperations({ model, operation, args, query }) {
              const key = `${model ?? ""}.${operation}`;
              counts[key] = (counts[key] ?? 0) + 1;
              return query(args) as Promise<unknown>;
            },
          },
        })
      : plainDb
  ) as Db;
  if (process.env.BENCH_QUERY_COUNT)
    process.on("exit", () => {
      const { counts: counted, seconds } = windowCounts ?? {
        counts,
        seconds: (performance.now() - countedSince) / 1000,
      };
      console.error(
        `Prisma operations per second over ${windowCounts ? "the measured window" : "the run"} (${seconds.toFixed(0)} s):\n` +
          Object.entries(counted)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 40)
            .map(([k, n]) => `${(n / seconds).toFixed(1).padStart(8)} ${k}`)
            .join("\n"),
      );
    });
  const hub = new ConnectionHub({
    db,
    encryptionKey: KEY,
    logger: process.env.BENCH_HUB_LOG ? debugLog : silent,
    sampleEveryMs: 60_000,
  });
  await hub.start();
  const http = createServer();
  const realtime = createRealtime(http, { db, authSecret: SECRET, logger: silent, hub });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // BENCH_HUB_LOG: the event loop's longest stalls from the start, start-up burst included.
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    pid: process.pid,
    memory: () => ({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed }),
    beginWindow: () => {
      void profiler?.start();
      void heapProfiler?.start();
      delay.reset();
      counts = {};
      sqlTiming?.reset();
      countedSince = performance.now();
    },
    endWindow: () => {
      void profiler?.stop(servers);
      void heapProfiler?.stop(servers);
      windowCounts = { counts: { ...counts }, seconds: (performance.now() - countedSince) / 1000 };
      // Printed at exit, without the statements of the shutdown (every open stay closed).
      if (sqlTiming) sqlWindowReport = formatSqlTimes(sqlTiming.report(), windowCounts.seconds);
    },
    loopDelay: () => ({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 }),
    async close() {
      delay.disable();
      if (process.env.BENCH_HUB_LOG) {
        const states: Record<string, number> = {};
        for (const status of hub.statuses()) {
          const key = `${hub.dialectOf(status.serverId)?.id ?? "?"} ${status.state} ${status.reason ?? ""}`;
          states[key] = (states[key] ?? 0) + 1;
        }
        console.error("[hub] statuses at the end:", states);
        console.error(
          `[hub] event-loop delay since the start: p99 ${(stalls.percentile(99) / 1e6).toFixed(0)} ms, max ${(stalls.max / 1e6).toFixed(0)} ms`,
        );
      }
      await realtime.close();
      await hub.stop();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** BENCH_SERVER_FLAGS: Node and V8 flags added to the measured server's (--target build). */
function serverFlags(): string[] {
  return (process.env.BENCH_SERVER_FLAGS ?? "").split(/\s+/).filter((flag) => flag !== "");
}

/** The production server (`dist/server/index.js`) on the bench's database, as `npm start` runs it. */
async function startBuiltServer(dir: string, databaseUrl: string): Promise<ProcessUnderTest> {
  if (!existsSync("dist/server/index.js") || !existsSync(".next/BUILD_ID"))
    throw new Error("--target build needs the production build: run `npm run build` first");
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the measured server, written when it exits.
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const extraFlags = serverFlags();
  const args = [...serverNodeOptions(), ...extraFlags, ...profile, "dist/server/index.js"];
  const server = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...serverEnv(),
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: SECRET,
      RCON_ENCRYPTION_KEY: KEY.toString("base64"),
      DEMO: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // V8's traces (--trace-gc...) print on stdout: shown when flags were added.
  if (extraFlags.length > 0) server.stdout?.pipe(process.stdout);
  await new Promise<void>((resolve, reject) => {
    let output = "";
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("listening on")) resolve();
    });
    server.once("exit", (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: server.pid ?? 0,
    memory: () => ({ rss: rssOf(server.pid), heap: null }),
    beginWindow: () => undefined,
    endWindow: () => undefined,
    loopDelay: () => null,
    async close() {
      server.kill("SIGTERM");
      if (server.exitCode === null) await new Promise((resolve) => server.once("exit", resolve));
    },
  };
}

/**
 * Until every server is online with its first player list read (seen as a browser sees it), or
 * `limitMs`. At 1,000 servers the start-up burst (64,000 first stays and player records) can keep
 * the event loop busy past socket.io's ping timeout: a dropped watcher connects again, and an
 * unanswered watch is given up after a minute instead of waiting forever.
 */
async function waitUntilOnline(
  url: string,
  cookie: string,
  count: number,
  limitMs = 600_000,
): Promise<number> {
  const statuses = new Map<string, ServerStatusMessage>();
  const ready = () =>
    [...statuses.values()].filter((s) => s.state === "online" && s.playerCount !== null).length;
  const started = Date.now();
  while (ready() < count && Date.now() - started < limitMs) {
    let socket: ClientSocket | null = null;
    try {
      socket = await connectClient(url, cookie);
      const watcher = socket;
      watcher.on("server:status", (status) => statuses.set(status.serverId, status));
      const first = await new Promise<{ ok: boolean; data?: { statuses: ServerStatusMessage[] } }>(
        (resolve, reject) =>
          watcher
            .timeout(60_000)
            .emit(
              "servers:watch",
              {},
              (error: Error | null, result: { ok: boolean; data?: { statuses: ServerStatusMessage[] } }) =>
                error ? reject(error) : resolve(result),
            ),
      );
      for (const status of first.data?.statuses ?? [])
        if (!statuses.has(status.serverId)) statuses.set(status.serverId, status);
      while (watcher.connected && ready() < count && Date.now() - started < limitMs) await sleep(200);
    } catch {
      await sleep(1_000); // refused or timed out under the burst: try again
    } finally {
      socket?.disconnect();
    }
  }
  return ready();
}

/**
 * Milliseconds until the start-up burst (every server's first list: tens of thousands of stays
 * stored and linked to player records, in batches of 500) is behind the hub: the last stay stored
 * of a player who joined after `onlineAt` was stored within 5 s of the join (the hub's write queue
 * has caught up), and fewer than 1% of the open stays lack a record. Counting stays instead would
 * not do: players keep leaving and joining while the burst is written. Fails the run past `limitMs`.
 */
async function waitUntilSettled(db: Db, onlineAt: Date, limitMs = 600_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const [open, unlinked, newest] = await Promise.all([
      db.playerSession.count({ where: { leftAt: null } }),
      db.playerSession.count({ where: { leftAt: null, playerId: null } }),
      db.playerSession.findFirst({
        where: { joinedAt: { gt: onlineAt } },
        orderBy: { createdAt: "desc" },
        select: { joinedAt: true, createdAt: true },
      }),
    ]);
    const caughtUp = newest !== null && newest.createdAt.getTime() - newest.joinedAt.getTime() < 5_000;
    if (caughtUp && unlinked * 100 < open) return Date.now() - started;
    await sleep(1_000);
  }
  throw new Error(`the start-up burst was not written within ${limitMs / 1000} s`);
}

function child(args: string[]): { proc: ChildProcess; next(): Promise<string | null> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "bench/index.ts", "hub", ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  if (!proc.stdout) throw new Error("no stdout");
  const iterator: AsyncIterator<string> = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return {
    proc,
    async next() {
      const step: IteratorResult<string> = await iterator.next();
      return step.done ? null : step.value;
    },
  };
}

/** Reads a child's JSON lines until one has `key`. */
async function until<T>(from: { next(): Promise<string | null> }, key: string): Promise<T> {
  for (;;) {
    const value = await from.next();
    if (value === null) throw new Error(`a child process ended before sending "${key}"`);
    const message = JSON.parse(value) as Record<string, unknown>;
    if (key in message) return message as T;
  }
}

async function runOnce(
  servers: number,
  clients: number,
  seconds: number,
  target: string,
  kind: string,
  summaryFile: string | undefined,
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "rcondeck-bench-hub-"));
  // SQLite (the default) in a file of its own, or a throw-away PostgreSQL database (TEST_POSTGRES_URL).
  const database = kind === "postgresql" ? await createPostgresTestDatabase() : null;
  const databaseUrl = database?.url ?? `file:${path.join(dir, "bench.db")}`;
  if (!database) await migrateDatabase(databaseUrl);
  // With --target process this client is the hub's: checkpoints in a worker, as the dashboard's.
  const db =
    database?.db ??
    createDb(
      databaseUrl,
      target === "process" ? { backgroundCheckpoints: { onProblem: (m) => console.error(m) } } : {},
    );
  const cookies: string[] = [];
  for (let c = 0; c < clients; c++) {
    const user = await db.user.create({
      data: {
        email: `bench${c}@example.com`,
        name: `bench${c}`,
        passwordHash: "x",
        role: "ADMIN",
        allServers: true,
      },
    });
    cookies.push((await sessionCookieFor(db, SECRET, user.id)).cookie);
  }
  const cookiesFile = path.join(dir, "cookies.json");
  writeFileSync(cookiesFile, JSON.stringify(cookies));

  const emulators = child(["--role", "emulators", "--servers", String(servers)]);
  const ports: number[] = [];
  for (;;) {
    const value = await emulators.next();
    if (value === null) throw new Error("emulator process ended");
    const message = JSON.parse(value) as { port?: number; ready?: boolean };
    if (message.ready) break;
    if (message.port) ports.push(message.port);
  }
  const ids: string[] = [];
  for (const [i, port] of ports.entries()) {
    const kind = KINDS[i % KINDS.length];
    if (!kind) continue;
    const row = await db.server.create({
      data: {
        name: `bench ${i}`,
        game: kind.game,
        protocol: kind.protocol,
        host: "127.0.0.1",
        port,
        passwordEncrypted: encryptSecret(PASSWORD, KEY),
      },
    });
    ids.push(row.id);
  }

  const measured =
    target === "build" ? await startBuiltServer(dir, databaseUrl) : await startInThisProcess(db, servers);
  const startedAt = Date.now();
  const online = await waitUntilOnline(measured.url, cookies[0] ?? "", servers);
  const onlineAt = new Date();
  const onlineAfter = ((Date.now() - startedAt) / 1000).toFixed(0);
  // The targets are for a running dashboard, not its start-up burst: wait until the first lists'
  // stays (64 per server) are stored and linked to player records, and the joins since are written.
  const settledAfter = ((await waitUntilSettled(db, onlineAt)) / 1000).toFixed(0);

  const clientProc = child([
    "--role",
    "clients",
    "--url",
    measured.url,
    "--cookies",
    cookiesFile,
    "--ids",
    ids.join(","),
    "--seconds",
    String(seconds),
  ]);
  await until(clientProc, "subscribed");

  // Measure over the same window as the clients (after their 3 s warm-up).
  await sleep(3_000);
  measured.beginWindow();
  const cpu0 = cpuSecondsOf(measured.pid);
  const emulatorCpu0 = cpuSecondsOf(emulators.proc.pid);
  const clientCpu0 = cpuSecondsOf(clientProc.proc.pid);
  const t0 = process.hrtime.bigint();
  let peakRss = 0;
  let peakHeap = 0;
  const memoryTimer = setInterval(() => {
    const m = measured.memory();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heap ?? 0);
  }, 250);
  type Summary = { p50: number; p99: number; count: number };
  const { traffic } = await until<{ traffic: Record<string, [number, number]> }>(clientProc, "traffic");
  const { result } = await until<{ result: Record<string, Summary | number | undefined> }>(
    clientProc,
    "result",
  );
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  measured.endWindow();
  clearInterval(memoryTimer);
  const cores = (pid: number | undefined, before: number) =>
    ((cpuSecondsOf(pid) - before) / wallSeconds).toFixed(2);
  const figure = (key: string) => {
    const r = result[key];
    return typeof r === "object" ? `p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.count})` : "no samples";
  };
  const failedKinds = (kinds: unknown) => {
    const entries = Object.entries((kinds ?? {}) as Record<string, number>);
    return entries.length ? ` (${entries.map(([k, n]) => `${k} ${n}`).join(", ")})` : "";
  };
  const byProtocol = (measure: string) =>
    KINDS.map((k) => `${k.protocol} ${figure(`${measure} ${k.protocol}`).replace(/ {2}\(.*/, "")}`).join(
      ", ",
    );
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
  const delay = measured.loopDelay();
  console.log(
    `N=${String(servers).padStart(3)} M=${clients}  target ${target}  database ${kind}  online ${online}/${servers} after ${onlineAfter} s, start-up burst written after ${settledAfter} s more`,
  );
  console.log(`  event emulator->client (pushed chat): ${figure("event")}   [${byProtocol("event")}]`);
  console.log(
    `  command round trip (console:exec -> answer line): ${figure("command")}   [${byProtocol("command")}]   refused or failed ${typeof result.execErrors === "number" ? result.execErrors : "?"}${failedKinds(result.execErrorKinds)}`,
  );
  console.log(`  hub->client age of every line: ${figure("age")}`);
  console.log(`  socket.io to the clients: ${trafficFigures(traffic, seconds)}`);
  console.log(
    `  measured process: CPU ${cores(measured.pid, cpu0)} cores  peak RSS ${mb(peakRss)}${peakHeap ? `  peak heap used ${mb(peakHeap)}` : ""}${delay ? `  event-loop delay p99 ${delay.p99.toFixed(0)} ms max ${delay.max.toFixed(0)} ms` : ""}`,
  );
  console.log(
    `  other processes: emulators ${cores(emulators.proc.pid, emulatorCpu0)} cores, clients ${cores(clientProc.proc.pid, clientCpu0)} cores`,
  );
  if (summaryFile) {
    const summary = (key: string) => (typeof result[key] === "object" ? result[key] : undefined);
    const headline: RunFigures = {
      eventP50: summary("event")?.p50 ?? NaN,
      eventP99: summary("event")?.p99 ?? NaN,
      commandP50: summary("command")?.p50 ?? NaN,
      commandP99: summary("command")?.p99 ?? NaN,
      cores: Number(cores(measured.pid, cpu0)),
      rssMb: Math.round(peakRss / 1048576),
    };
    appendFileSync(summaryFile, `${JSON.stringify(headline)}\n`);
  }

  clientProc.proc.kill();
  emulators.proc.stdin?.end();
  await measured.close();
  if (database) await database.drop();
  else await db.$disconnect();
  if (emulators.proc.exitCode === null) await new Promise((resolve) => emulators.proc.once("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: "string" },
      target: { type: "string", default: "process" },
      servers: { type: "string", default: "10,100,500" },
      clients: { type: "string", default: "50" },
      seconds: { type: "string", default: "30" },
      db: { type: "string", default: "sqlite" },
      repeat: { type: "string", default: "1" },
      summary: { type: "string" },
      url: { type: "string" },
      cookies: { type: "string" },
      ids: { type: "string" },
    },
  });
  if (values.role === "emulators") return runEmulators(Number(values.servers));
  if (values.role === "clients")
    return runClients(
      values.url ?? "",
      values.cookies ?? "",
      (values.ids ?? "").split(","),
      Number(values.seconds),
    );
  if (values.role === "hub") {
    await runOnce(
      Number(values.servers),
      Number(values.clients),
      Number(values.seconds),
      values.target,
      values.db,
      values.summary,
    );
    process.exit(0);
  }
  if (values.target !== "process" && values.target !== "build")
    throw new Error(`--target is process or build, not "${values.target}"`);
  if (values.db !== "sqlite" && values.db !== "postgresql")
    throw new Error(`--db is sqlite or postgresql, not "${values.db}"`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`--repeat is a whole number of runs, not "${values.repeat}"`);
  const options = [...serverNodeOptions(), ...(values.target === "build" ? serverFlags() : [])];
  console.log(`machine: reference workload ${referenceWorkloadMs()} ms (bench/support/machine.ts)`);
  console.log(
    `hub benchmark: mixed BattlEye/Source(Squad)/Quake 3 emulators, 64 players each, ${values.clients} socket.io clients, ${values.seconds} s per run; measured process: ` +
      (values.target === "build"
        ? `node ${options.join(" ")} dist/server/index.js`
        : `the hub alone, node ${options.join(" ")}`),
  );
  const summaries = mkdtempSync(path.join(tmpdir(), "rcondeck-bench-hub-runs-"));
  for (const n of values.servers.split(",").map(Number)) {
    const summaryFile = path.join(summaries, `${n}.jsonl`);
    for (let r = 1; r <= repeat; r++) {
      if (repeat > 1) console.log(`run ${r} of ${repeat}`);
      await runInFreshProcess(n, values, options, summaryFile);
    }
    if (repeat > 1) printMedians(n, repeat, summaryFile);
  }
  rmSync(summaries, { recursive: true, force: true });
}

/** The headline figures of one run (--repeat prints their median and range). */
interface RunFigures {
  eventP50: number;
  eventP99: number;
  commandP50: number;
  commandP99: number;
  cores: number;
  rssMb: number;
}

function printMedians(servers: number, repeat: number, summaryFile: string): void {
  const runs = readFileSync(summaryFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as RunFigures);
  const of = (key: keyof RunFigures, unit: string) => {
    const { median, min, max } = medianAndRange(runs.map((run) => run[key]));
    return `${median}${unit} (${min}-${max})`;
  };
  console.log(
    `N=${servers}: median of ${repeat} runs (range): event p50 ${of("eventP50", " ms")}  p99 ${of("eventP99", " ms")}; command p50 ${of("commandP50", " ms")}  p99 ${of("commandP99", " ms")}; CPU ${of("cores", " cores")}; peak RSS ${of("rssMb", " MB")}`,
  );
}

/**
 * Each run in a fresh process (so runs share no heap); with --target process that process is the
 * hub under test, so it gets the dashboard's Node options.
 */
async function runInFreshProcess(
  n: number,
  values: { target: string; clients: string; seconds: string; db: string },
  options: string[],
  summaryFile: string,
): Promise<void> {
  const run = spawn(
    process.execPath,
    [
      ...(values.target === "process" ? options : []),
      "--import",
      "tsx",
      "bench/index.ts",
      "hub",
      "--role",
      "hub",
      "--target",
      values.target,
      "--servers",
      String(n),
      "--clients",
      values.clients,
      "--seconds",
      values.seconds,
      "--db",
      values.db,
      "--summary",
      summaryFile,
    ],
    {
      stdio: "inherit",
      env: values.target === "process" ? { ...process.env, ...serverEnv() } : process.env,
    },
  );
  const code = await new Promise<number | null>((resolve) => run.once("exit", resolve));
  if (code !== 0) throw new Error(`the run for N=${n} failed (exit ${code})`);
}
