/**
 * `npm run bench -- hub [--servers 10,100,500] [--clients 50] [--seconds 30]`: one RconDeck hub
 * process (connection hub + socket.io + SQLite history, started with the dashboard's own Node
 * options from scripts/server-node-options) with N emulated game servers (a child process:
 * BattlEye Arma 3, Source Squad and Quake 3 OpenArena in turn, 64 players each, joining and leaving
 * at the emulators' pace) and M socket.io clients (another child process), subscribed so that every
 * server has a watcher (so every server is polled every 2 s).
 *
 * What is measured, for each N:
 * - Event latency, emulator -> client: every emulator has a player say one chat line per second
 *   carrying the emulator's clock; a client receiving it as a console line takes now - that. BattlEye
 *   and Squad push chat over RCON; Quake 3 engines push nothing (their chat never reaches RCON, and
 *   joins/leaves are found by polling), so 1/3 of the servers add load but no chat sample.
 * - Command round trip: one command per server every 5 s through `hub.exec` (what console:exec runs,
 *   minus the audit row), from the send to a client seeing the answer line.
 * - Hub -> client age of every console line, the hub's CPU, peak RSS and heap, event-loop delay.
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
import { serverNodeOptions } from "../scripts/node-options.ts";

const PASSWORD = "benchpass";
const SECRET = "b".repeat(48);
const KEY = Buffer.alloc(32, 3);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const KINDS: { protocol: ProtocolId; game: string; say: (text: string) => string; extra?: Record<string, string | number> }[] = [
  { protocol: "battleye", game: "arma3", say: (t) => `say -1 ${t}` },
  { protocol: "source", game: "squad", say: (t) => `AdminBroadcast ${t}` },
  { protocol: "quake3", game: "openarena", say: (t) => `say ${t}`, extra: { "max-clients": 64 } },
];
/**
 * One command per server every 5 s. Quake 3 engines allow about one rcon packet per second per
 * address (the dialect's pacer mirrors ioq3's leaky bucket) and the 2 s poll takes half of that.
 */
const COMMAND_EVERY_SECONDS = 5;

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
  // One chat line per second per server, spread over the second, stamped with this clock.
  const chatTimers = running.map((emulator, i) =>
    setTimeout(() => {
      const interval = setInterval(() => emulator.playerChat(`bench-${Date.now()}`), 1_000);
      chatTimers[i] = interval;
    }, (i * 1000) / running.length),
  );
  await new Promise<void>((resolve) => process.stdin.on("close", resolve).resume());
  for (const timer of chatTimers) clearTimeout(timer);
  await Promise.allSettled(running.map((e) => e.close()));
  process.exit(0);
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

async function runClients(url: string, cookie: string, serverIds: string[], clients: number, seconds: number): Promise<void> {
  const protocolOf = new Map(serverIds.map((id, i) => [id, KINDS[i % KINDS.length]?.protocol ?? "?"]));
  const samples = new Samples();
  const sentAt = new Map<string, number>(); // serverId:client:seq of a bench command -> its send time
  let lines = 0;
  let measuring = false;
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
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
      const protocol = protocolOf.get(line.serverId) ?? "?";
      samples.add("age", now - Date.parse(line.at));
      const stamp = /bench-(\d+)/.exec(line.text)?.[1];
      if (line.kind === "chat" && stamp) {
        samples.add("event", now - Number(stamp));
        samples.add(`event ${protocol}`, now - Number(stamp));
      } else if (line.kind === "command" && stamp) {
        sentAt.set(`${line.serverId}:${c}:${line.seq}`, Number(stamp));
      } else if (line.kind === "answer" && line.replyTo !== null) {
        const key = `${line.serverId}:${c}:${line.replyTo}`;
        const sent = sentAt.get(key);
        if (sent === undefined) return;
        sentAt.delete(key);
        samples.add("command", now - sent);
        samples.add(`command ${protocol}`, now - sent);
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
  console.log(JSON.stringify({ result: { lines, ...samples.summary() } }));
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

  // One command per server every COMMAND_EVERY_SECONDS, spread evenly, the send time in the text.
  const actor = { id: owner.id, name: "bench" };
  let execErrors = 0;
  let tick = 0;
  const driver = setInterval(() => {
    ids.forEach((id, i) => {
      const kind = KINDS[i % KINDS.length];
      if (!kind || i % COMMAND_EVERY_SECONDS !== tick % COMMAND_EVERY_SECONDS) return;
      setTimeout(() => void hub.exec(id, actor, kind.say(`bench-${Date.now()}`)).catch(() => execErrors++), ((i * 1000) / ids.length) | 0);
    });
    tick++;
  }, 1_000);

  // Measure the hub process over the same window as the clients (after their 3 s warm-up).
  await new Promise((r) => setTimeout(r, 3_000));
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const emulatorCpu0 = cpuSecondsOf(emulators.proc.pid);
  const clientCpu0 = cpuSecondsOf(clientProc.proc.pid);
  const t0 = process.hrtime.bigint();
  let peakRss = 0;
  let peakHeap = 0;
  const memoryTimer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 250);
  type Summary = { p50: number; p99: number; count: number };
  let result: Record<string, Summary> & { lines?: number } = {};
  for (;;) {
    const value = await clientProc.next();
    if (value === null) break;
    const message = JSON.parse(value) as { result?: typeof result };
    if (message.result) {
      result = message.result;
      break;
    }
  }
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  loopDelay.disable();
  const cpu = process.cpuUsage(cpu0);
  const emulatorCores = (cpuSecondsOf(emulators.proc.pid) - emulatorCpu0) / wallSeconds;
  const clientCores = (cpuSecondsOf(clientProc.proc.pid) - clientCpu0) / wallSeconds;
  clearInterval(memoryTimer);
  clearInterval(driver);
  const cores = (cpu.user + cpu.system) / 1e6 / wallSeconds;
  const figure = (key: string) => {
    const r = (result as Record<string, Summary | undefined>)[key];
    return r ? `p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.count})` : "no samples";
  };
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
  console.log(`N=${String(servers).padStart(3)} M=${clients}  online ${online}/${servers}`);
  console.log(`  event emulator->client (pushed chat): ${figure("event")}   [${KINDS.map((k) => `${k.protocol} ${figure(`event ${k.protocol}`).replace(/  \(.*/, "")}`).join(", ")}]`);
  console.log(`  command round trip (exec -> answer at the client): ${figure("command")}   [${KINDS.map((k) => `${k.protocol} ${figure(`command ${k.protocol}`).replace(/  \(.*/, "")}`).join(", ")}]`);
  console.log(`  hub->client age of every line: ${figure("age")}   exec errors ${execErrors}`);
  console.log(
    `  hub process: CPU ${cores.toFixed(2)} cores  peak RSS ${mb(peakRss)}  peak heap used ${mb(peakHeap)}  event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms max ${(loopDelay.max / 1e6).toFixed(0)} ms`,
  );
  console.log(`  other processes: emulators ${emulatorCores.toFixed(2)} cores, clients ${clientCores.toFixed(2)} cores`);

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
      seconds: { type: "string", default: "30" },
      url: { type: "string" },
      cookie: { type: "string" },
      ids: { type: "string" },
    },
  });
  if (values.role === "emulators") return runEmulators(Number(values.servers));
  if (values.role === "clients") return runClients(values.url ?? "", values.cookie ?? "", (values.ids ?? "").split(","), Number(values.clients), Number(values.seconds));
  if (values.role === "hub") {
    await runOnce(Number(values.servers), Number(values.clients), Number(values.seconds));
    process.exit(0);
  }
  const options = serverNodeOptions();
  console.log(`hub benchmark: mixed BattlEye/Source(Squad)/Quake 3 emulators, 64 players each, ${values.clients} socket.io clients, ${values.seconds} s per run; hub process: node ${options.join(" ")}`);
  for (const n of values.servers.split(",").map(Number)) {
    // Each N in a fresh hub process with the dashboard's Node options, so runs do not share a heap.
    const hub = spawn(process.execPath, [...options, "--import", "tsx", "bench/index.ts", "hub", "--role", "hub", "--servers", String(n), "--clients", values.clients, "--seconds", values.seconds], { stdio: "inherit" });
    const code = await new Promise<number | null>((resolve) => hub.once("exit", resolve));
    if (code !== 0) throw new Error(`the hub run for N=${n} failed (exit ${code})`);
  }
}
