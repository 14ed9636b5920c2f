/**
 * `npm run bench -- flood-sockets [--events 6000] [--sockets 5] [--lines 20000] [--seconds 120] [--window 0] [--target process|build]`:
 * the read flood of issue 10. One Viewer opens 5 sockets and sends 6,000 events as fast as the
 * sockets take them, alternating `console:history` (1,000 lines) and `server:subscribe`, on a server
 * with 20,000 stored console lines; sockets the server closes are reopened (an attacker would).
 * `--window N` makes a patient attacker instead: at most N events outstanding per socket.
 * Meanwhile `/api/health` is asked every 250 ms. Events not answered within --seconds count as
 * never answered.
 *
 * Printed: answers by kind (ok, RATE_LIMITED, other errors, never answered), handshakes refused,
 * health answers and the slowest one, and the measured process's peak RSS (and peak V8 heap for
 * `process`), or how it died.
 *
 * Targets (the process measured, started with the dashboard's Node options, 1 GB old space):
 * - `process` (default): socket.io, the hub and SQLite in a process of their own (createRealtime),
 *   with a stand-in `/api/health` on the same http.Server.
 * - `build`: the production server (`dist/server/index.js`); needs `npm run build` first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { io as connect, type Socket } from "socket.io-client";
import { createDb, type Db } from "../server/db/client.ts";
import { migrateDatabase } from "../server/db/migrate.ts";
import { ConnectionHub } from "../server/hub/hub.ts";
import { createRealtime } from "../server/realtime/io.ts";
import { sessionCookieFor } from "../server/testing/session-cookie.ts";
import { serverEnv, serverNodeOptions } from "../scripts/node-options.ts";

const SECRET = "f".repeat(48);
const KEY = Buffer.alloc(32, 7);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process in bytes (Linux /proc; NaN elsewhere). */
function rssOf(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;
  } catch {
    return NaN;
  }
}
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / 1024 / 1024)} MB` : "n/a");

/** A database with one server, `lines` console lines on it and one Viewer; returns the Viewer's cookie. */
async function seed(db: Db, lines: number): Promise<{ serverId: string; cookie: string }> {
  const viewer = await db.user.create({
    data: {
      email: "viewer@example.com",
      name: "viewer",
      passwordHash: "x",
      role: "VIEWER",
      allServers: true,
    },
  });
  // Not real ciphertext: the hub reports the password unreadable and never connects; history reads work.
  const server = await db.server.create({
    data: {
      name: "Flooded",
      game: "arma3",
      protocol: "battleye",
      host: "127.0.0.1",
      port: 9,
      passwordEncrypted: "v1.x.y.z",
    },
  });
  for (let from = 0; from < lines; from += 5_000) {
    const count = Math.min(5_000, lines - from);
    await db.consoleLine.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        serverId: server.id,
        seq: from + i + 1,
        kind: "chat",
        text: `(Global) Player ${(from + i) % 64}: ${"a chat line of ordinary length ".repeat(4)}${from + i}`,
      })),
    });
  }
  const { cookie } = await sessionCookieFor(db, SECRET, viewer.id);
  return { serverId: server.id, cookie };
}

// ---------------------------------------------------------------------------------------------
// The measured process for `--target process`

async function runServer(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl);
  const hub = new ConnectionHub({ db, encryptionKey: KEY, logger: silent });
  await hub.start();
  const http = createServer((req, res) => {
    if (req.url === "/api/health")
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    else if (!req.url?.startsWith("/socket.io/")) res.writeHead(404).end();
  });
  createRealtime(http, { db, authSecret: SECRET, logger: silent, hub });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` }));
  // Reports when the parent closes stdin, then exits.
  await new Promise<void>((resolve) => process.stdin.on("close", resolve).resume());
  clearInterval(sampler);
  console.log(JSON.stringify({ peakHeap }));
  process.exit(0);
}

interface Measured {
  url: string;
  proc: ChildProcess;
  /** Peak V8 heap reported by the process itself (process target), or null. */
  finish(): Promise<number | null>;
}

async function startProcess(databaseUrl: string): Promise<Measured> {
  const proc = spawn(
    process.execPath,
    [
      ...serverNodeOptions(),
      "--import",
      "tsx",
      "bench/index.ts",
      "flood-sockets",
      "--role",
      "server",
      "--db",
      databaseUrl,
    ],
    { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ...serverEnv() } },
  );
  if (!proc.stdout) throw new Error("no stdout");
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const read = async (key: string): Promise<Record<string, unknown> | null> => {
    for (;;) {
      const step = await lines.next();
      if (step.done) return null;
      const message = JSON.parse(step.value) as Record<string, unknown>;
      if (key in message) return message;
    }
  };
  const ready = await read("url");
  if (!ready) throw new Error("the measured process ended before listening");
  return {
    url: String(ready.url),
    proc,
    async finish() {
      if (proc.exitCode !== null || proc.signalCode !== null) return null;
      proc.stdin?.end();
      const report = await read("peakHeap");
      return report ? Number(report.peakHeap) : null;
    },
  };
}

async function startBuild(dir: string, databaseUrl: string): Promise<Measured> {
  if (!existsSync("dist/server/index.js") || !existsSync(".next/BUILD_ID"))
    throw new Error("--target build needs the production build: run `npm run build` first");
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const proc = spawn(process.execPath, [...serverNodeOptions(), "dist/server/index.js"], {
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
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("listening on")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    async finish() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        await new Promise((resolve) => proc.once("exit", resolve));
      }
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The attacker

function health(url: string): Promise<{ ok: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = get(`${url}/api/health`, { timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ok: res.statusCode === 200, ms: Date.now() - started }));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve({ ok: false, ms: Date.now() - started }));
  });
}

async function flood(
  url: string,
  cookie: string,
  serverId: string,
  options: { events: number; sockets: number; lines: number; seconds: number; window: number },
) {
  const counts = { ok: 0, rateLimited: 0, otherError: 0, unanswered: 0, handshakesRefused: 0, reconnects: 0 };
  let sent = 0;
  let stopped = false;
  const sockets = new Set<Socket>();
  const open = (): Promise<Socket | null> =>
    new Promise((resolve) => {
      const socket = connect(url, {
        transports: ["websocket"],
        extraHeaders: { cookie },
        reconnection: false,
        forceNew: true,
        timeout: 20_000,
      });
      socket.once("connect", () => {
        sockets.add(socket);
        resolve(socket);
      });
      socket.once("connect_error", () => {
        counts.handshakesRefused++;
        resolve(null);
      });
    });

  /** One attacking socket: sends its share as fast as it can, reopening when closed. */
  async function attacker(share: number): Promise<void> {
    let remaining = share;
    let refusedInARow = 0;
    while (remaining > 0 && refusedInARow < 20 && !stopped) {
      const socket = await open();
      if (!socket) {
        refusedInARow++;
        await sleep(500);
        continue;
      }
      refusedInARow = 0;
      const pending: Promise<void>[] = [];
      let outstanding = 0;
      while (remaining > 0 && socket.connected) {
        // A patient attacker keeps --window events outstanding instead of sending all at once.
        if (options.window > 0 && outstanding >= options.window) {
          await sleep(5);
          continue;
        }
        outstanding++;
        const i = sent++;
        remaining--;
        const [event, payload] =
          i % 2 === 0
            ? ["console:history", { serverId, beforeSeq: options.lines + 1, limit: 1000 }]
            : ["server:subscribe", { serverId }];
        pending.push(
          new Promise<void>((resolve) => {
            const onClose = () => {
              counts.unanswered++;
              outstanding--;
              resolve();
            };
            socket.once("disconnect", onClose);
            socket.emit(event, payload, (result: { ok: boolean; error?: { code: string } }) => {
              socket.off("disconnect", onClose);
              outstanding--;
              if (result.ok) counts.ok++;
              else if (result.error?.code === "RATE_LIMITED") counts.rateLimited++;
              else counts.otherError++;
              resolve();
            });
          }),
        );
        // Let the socket write (and notice a disconnect) every few events.
        if (i % 50 === 0) await sleep(0);
      }
      await Promise.all(pending);
      if (remaining > 0 && !stopped) counts.reconnects++;
      socket.disconnect();
      sockets.delete(socket);
    }
    counts.unanswered += remaining; // never sent: every handshake refused
  }

  // Past the deadline, what is still waiting counts as never answered.
  const deadline = setTimeout(() => {
    stopped = true;
    for (const socket of sockets) socket.disconnect();
  }, options.seconds * 1000);
  await Promise.all(
    Array.from({ length: options.sockets }, (_, i) =>
      attacker(Math.floor(options.events / options.sockets) + (i < options.events % options.sockets ? 1 : 0)),
    ),
  );
  clearTimeout(deadline);
  return counts;
}

async function runOnce(values: {
  events: string;
  sockets: string;
  lines: string;
  target: string;
  seconds: string;
  window: string;
}): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "rcondeck-bench-flood-"));
  const databaseUrl = `file:${path.join(dir, "bench.db")}`;
  await migrateDatabase(databaseUrl);
  const db = createDb(databaseUrl);
  const options = {
    events: Number(values.events),
    sockets: Number(values.sockets),
    lines: Number(values.lines),
    seconds: Number(values.seconds),
    window: Number(values.window),
  };
  const { serverId, cookie } = await seed(db, options.lines);
  await db.$disconnect();

  const measured =
    values.target === "build" ? await startBuild(dir, databaseUrl) : await startProcess(databaseUrl);
  let peakRss = rssOf(measured.proc.pid);
  const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(measured.proc.pid) || 0)), 50);
  const probes: { ok: boolean; ms: number }[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      probes.push(await health(measured.url));
      await sleep(250);
    }
  })();
  let died: string | null = null;
  measured.proc.once("exit", (code, signal) => (died = `exited (${signal ?? `code ${code}`})`));

  const started = Date.now();
  const counts = await flood(measured.url, cookie, serverId, options);
  const seconds = (Date.now() - started) / 1000;
  // The server is asked once more after the flood.
  await sleep(500);
  probing = false;
  await prober;
  const after = await health(measured.url);
  clearInterval(rssSampler);
  const state = died ?? "alive"; // before finish() stops it
  const peakHeap = died ? null : await measured.finish();
  rmSync(dir, { recursive: true, force: true });

  const healthOk = probes.filter((p) => p.ok).length;
  console.log(
    JSON.stringify(
      {
        target: values.target,
        ...options,
        seconds,
        answers: {
          ok: counts.ok,
          rateLimited: counts.rateLimited,
          otherError: counts.otherError,
          unanswered: counts.unanswered,
        },
        handshakesRefused: counts.handshakesRefused,
        reconnects: counts.reconnects,
        health: {
          answered: `${healthOk}/${probes.length}`,
          slowestMs: Math.max(0, ...probes.map((p) => p.ms)),
          afterFlood: after.ok ? "ok" : "no answer",
        },
        peakRss: mb(peakRss),
        peakHeap: peakHeap === null ? "n/a" : mb(peakHeap),
        process: state,
      },
      null,
      2,
    ),
  );
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: "string", default: "main" },
      db: { type: "string", default: "" },
      events: { type: "string", default: "6000" },
      sockets: { type: "string", default: "5" },
      lines: { type: "string", default: "20000" },
      target: { type: "string", default: "process" },
      seconds: { type: "string", default: "120" },
      window: { type: "string", default: "0" },
    },
  });
  if (values.role === "server") return runServer(values.db);
  if (values.target !== "process" && values.target !== "build")
    throw new Error("--target is process or build");
  await runOnce(values);
}
