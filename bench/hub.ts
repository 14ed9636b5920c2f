/**
 * `npm run bench -- hub [--servers 10,100,500] [--clients 50] [--seconds 20]`: one RconDeck hub
 * process (connection hub + socket.io + SQLite history, this process) with N emulated game servers
 * (a child process: BattlEye Arma 3, Source Squad, Quake 3 OpenArena in turn, 64 players each,
 * joining and leaving at the emulators' realistic pace) and M socket.io clients (another child),
 * subscribed so that every server has a watcher (fast 2 s player polling everywhere).
 *
 * Chat: only BattlEye (and Squad, rarely) push chat on their own, and only from their seeded
 * activity, which carries no timestamp. So the bench drives one `say` per second per server (every
 * 3 s on Quake 3, see KINDS)
 * through the hub (`hub.exec`, as a browser's console:exec would, minus the audit row), with the
 * send time in the text; the emulator answers, and the answer line travels hub -> socket.io ->
 * clients. "exec->client" is that whole loop (hub -> emulator -> hub -> client), an upper bound of
 * the emulator->client latency. "hub->client" is the age of every console line (pushed chat,
 * joins, answers) when a client receives it. CPU and RSS are this process's (the hub), not the
 * emulators' or the clients'.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../lib/realtime/contract.ts";
import { createDb } from "../server/db/client.ts";
import { migrateDatabase } from "../server/db/migrate.ts";
import { ConnectionHub } from "../server/hub/hub.ts";
import { createRealtime } from "../server/realtime/io.ts";
import { loadFamily } from "../server/rcon/registry.ts";
import type { ProtocolId, RunningEmulator } from "../server/rcon/types.ts";
import { encryptSecret } from "../server/security/crypto.ts";

const PASSWORD = "benchpass";
const SECRET = "b".repeat(48);
const KEY = Buffer.alloc(32, 3);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Quake 3 engines allow about one rcon packet per second per address (ioq3's leaky bucket, which
 * the dialect's pacer mirrors); the 2 s player poll already takes half of that, so Quake 3
 * servers get one `say` every 3 s instead of every second (more would only queue in the pacer).
 */
const KINDS: { protocol: ProtocolId; game: string; say: (text: string) => string; everySeconds: number; extra?: Record<string, string | number> }[] = [
  { protocol: "battleye", game: "arma3", say: (t) => `say -1 ${t}`, everySeconds: 1 },
  { protocol: "source", game: "squad", say: (t) => `AdminBroadcast ${t}`, everySeconds: 1 },
  { protocol: "quake3", game: "openarena", say: (t) => `say ${t}`, everySeconds: 3, extra: { "max-clients": 64 } },
];

/** CPU seconds of another process (Linux /proc; NaN elsewhere), to show where the time goes. */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

// ---------------------------------------------------------------------------------------------
// Child roles

async function runEmulators(count: number): Promise<void> {
  const running: RunningEmulator[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    if (!kind) continue;
    const family = await loadFamily(kind.protocol);
    const emulator = await family.startEmulator({ host: "127.0.0.1", port: 0, password: PASSWORD, game: kind.game, players: 64, seed: i + 1, activity: 1, logger: silent, ...(kind.extra ? { extra: kind.extra } : {}) });
    running.push(emulator);
    console.log(JSON.stringify({ index: i, port: emulator.port }));
  }
  console.log(JSON.stringify({ ready: true }));
  await new Promise<void>((resolve) => process.stdin.on("close", resolve).resume());
  await Promise.allSettled(running.map((e) => e.close()));
  process.exit(0);
}

async function runClients(url: string, cookie: string, serverIds: string[], clients: number, seconds: number): Promise<void> {
  const execLatency: number[] = [];
  const byProtocol = new Map<string, number[]>();
  const protocolOf = new Map(serverIds.map((id, i) => [id, KINDS[i % KINDS.length]?.protocol ?? "?"]));
  const lineAge: number[] = [];
  const sentAt = new Map<string, number>(); // serverId:seq -> send time of the bench command
  let lines = 0;
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  let measuring = false;
  for (let c = 0; c < clients; c++) {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true, timeout: 60_000 });
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", resolve);
      socket.on("connect_error", reject);
    });
    socket.on("console:line", (line) => {
      const now = Date.now();
      lines++;
      if (!measuring) return;
      lineAge.push(now - Date.parse(line.at));
      const key = `${line.serverId}:${c}`;
      if (line.kind === "command") {
        const m = /bench-(\d+)/.exec(line.text);
        if (m) sentAt.set(`${key}:${line.seq}`, Number(m[1]));
      } else if (line.kind === "answer" && line.replyTo !== null) {
        const sent = sentAt.get(`${key}:${line.replyTo}`);
        if (sent !== undefined) {
          execLatency.push(now - sent);
          const protocol = protocolOf.get(line.serverId) ?? "?";
          byProtocol.set(protocol, [...(byProtocol.get(protocol) ?? []), now - sent]);
          sentAt.delete(`${key}:${line.replyTo}`);
        }
      }
    });
    sockets.push(socket);
  }
  // Every server watched; each client watches about N/M servers (at least 3).
  const perClient = Math.max(3, Math.ceil(serverIds.length / clients));
  let cursor = 0;
  for (const socket of sockets) {
    for (let k = 0; k < perClient; k++) {
      const serverId = serverIds[cursor++ % serverIds.length] ?? "";
      await new Promise((resolve) => socket.emit("server:subscribe", { serverId }, resolve));
    }
  }
  console.log(JSON.stringify({ subscribed: true }));
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  measuring = false;
  execLatency.sort((a, b) => a - b);
  lineAge.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      result: {
        execP50: percentile(execLatency, 50),
        execP99: percentile(execLatency, 99),
        execCount: execLatency.length,
        ageP50: percentile(lineAge, 50),
        ageP99: percentile(lineAge, 99),
        lines,
        ...Object.fromEntries(
          [...byProtocol].flatMap(([protocol, values]) => {
            values.sort((a, b) => a - b);
            return [
              [`${protocol}P50`, percentile(values, 50)],
              [`${protocol}P99`, percentile(values, 99)],
            ];
          }),
        ),
      },
    }),
  );
  for (const s of sockets) s.disconnect();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The hub process

function child(args: string[]): { proc: ChildProcess; next(): Promise<string | null> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "bench/index.ts", "hub", ...args], { stdio: ["pipe", "pipe", "inherit"] });
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

async function runOnce(servers: number, clients: number, seconds: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "rcondeck-bench-hub-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  await migrateDatabase(url);
  const db = createDb(url);
  const owner = await db.user.create({ data: { email: "bench@example.com", name: "bench", passwordHash: "x", role: "OWNER" } });

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
    const row = await db.server.create({ data: { name: `bench ${i}`, game: kind.game, protocol: kind.protocol, host: "127.0.0.1", port, passwordEncrypted: encryptSecret(PASSWORD, KEY) } });
    ids.push(row.id);
  }

  const hub = new ConnectionHub({ db, encryptionKey: KEY, logger: silent, sampleEveryMs: 60_000 });
  await hub.start();
  const http = createServer();
  const realtime = createRealtime(http, { db, authSecret: SECRET, logger: silent, hub });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const started = Date.now();
  while (hub.statuses().some((s) => s.state !== "online") && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 200));
  const online = hub.statuses().filter((s) => s.state === "online").length;
  // Let the first player lists (64 stays per server) be read and stored before measuring.
  while (ids.some((id) => hub.players(id).length === 0) && Date.now() - started < 90_000) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2_000));

  const cookie = `next-auth.session-token=${await encode({ token: { uid: owner.id, sv: 1 }, secret: SECRET })}`;
  const clientProc = child(["--role", "clients", "--url", `http://127.0.0.1:${(http.address() as AddressInfo).port}`, "--cookie", cookie, "--ids", ids.join(","), "--clients", String(clients), "--seconds", String(seconds)]);
  for (;;) {
    const value = await clientProc.next();
    if (value === null) throw new Error("client process ended");
    if ((JSON.parse(value) as { subscribed?: boolean }).subscribed) break;
  }

  // One `say` per second per server, spread over the second.
  const actor = { id: owner.id, name: "bench" };
  let execErrors = 0;
  let measuring = false;
  const inHub: number[] = [];
  let tick = 0;
  const driver = setInterval(() => {
    tick++;
    ids.forEach((id, i) => {
      const kind = KINDS[i % KINDS.length];
      if (!kind || tick % kind.everySeconds !== 0) return;
      setTimeout(() => {
        const sent = Date.now();
        hub.exec(id, actor, kind.say(`bench-${sent}`)).then(
          () => measuring && inHub.push(Date.now() - sent),
          () => execErrors++,
        );
      }, ((i * 1000) / ids.length) | 0);
    });
  }, 1_000);

  // Measure the hub process over the same window as the clients (after their 3 s warm-up).
  await new Promise((r) => setTimeout(r, 3_000));
  measuring = true;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const emulatorCpu0 = cpuSecondsOf(emulators.proc.pid);
  const clientCpu0 = cpuSecondsOf(clientProc.proc.pid);
  const t0 = process.hrtime.bigint();
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  let result: Record<string, number> | null = null;
  for (;;) {
    const value = await clientProc.next();
    if (value === null) break;
    const message = JSON.parse(value) as { result?: Record<string, number> };
    if (message.result) {
      result = message.result;
      break;
    }
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  measuring = false;
  loopDelay.disable();
  inHub.sort((a, b) => a - b);
  const cpu = process.cpuUsage(cpu0);
  const emulatorCores = (cpuSecondsOf(emulators.proc.pid) - emulatorCpu0) / (wallMs / 1000);
  const clientCores = (cpuSecondsOf(clientProc.proc.pid) - clientCpu0) / (wallMs / 1000);
  clearInterval(rssTimer);
  clearInterval(driver);
  const cores = (cpu.user + cpu.system) / 1000 / wallMs;
  const r = result ?? {};
  console.log(
    `N=${String(servers).padStart(3)} M=${clients}  online ${online}/${servers}  exec->client p50 ${r.execP50} ms  p99 ${r.execP99} ms (${r.execCount} answers)  ` +
      `hub->client age p50 ${r.ageP50} ms  p99 ${r.ageP99} ms  (${r.lines} lines)  hub CPU ${cores.toFixed(2)} cores  peak RSS ${(peakRss / 1048576).toFixed(0)} MB  exec errors ${execErrors}`,
  );
  console.log(`        inside the hub: exec->answer p50 ${percentile(inHub, 50)} ms p99 ${percentile(inHub, 99)} ms; event-loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)} ms p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
  console.log(`        other processes: emulators ${emulatorCores.toFixed(2)} cores, clients ${clientCores.toFixed(2)} cores`);
  console.log(`        exec->client by protocol (p50/p99 ms): ${KINDS.map((k) => `${k.protocol} ${r[`${k.protocol}P50`]}/${r[`${k.protocol}P99`]}`).join(", ")}`);

  clientProc.proc.kill();
  emulators.proc.stdin?.end();
  await realtime.close();
  await hub.stop();
  await new Promise((resolve) => http.close(resolve));
  await db.$disconnect();
  if (emulators.proc.exitCode === null) await new Promise((resolve) => emulators.proc.once("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: "string" },
      servers: { type: "string", default: "10,100,500" },
      clients: { type: "string", default: "50" },
      seconds: { type: "string", default: "20" },
      url: { type: "string" },
      cookie: { type: "string" },
      ids: { type: "string" },
    },
  });
  if (values.role === "emulators") return runEmulators(Number(values.servers));
  if (values.role === "clients") return runClients(values.url ?? "", values.cookie ?? "", (values.ids ?? "").split(","), Number(values.clients), Number(values.seconds));
  console.log(`hub benchmark: mixed BattlEye/Source(Squad)/Quake 3 emulators, 64 players each, ${values.clients} socket.io clients, ${values.seconds} s per run`);
  for (const n of values.servers.split(",").map(Number)) await runOnce(n, Number(values.clients), Number(values.seconds));
  process.exit(0);
}
