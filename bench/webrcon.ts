/**
 * `npm run bench -- webrcon [--seconds S]`: Rust WebRCON against one emulated Rust server (a child
 * process, on loopback):
 *   - "echo ping" round trips per second for our client (server/rcon/webrcon), sequential and with
 *     64 commands in flight, next to a floor: a bare `ws` client that sends the JSON and counts the
 *     frames back (no Identifier matching, no caps, no timers);
 *   - the dialect's player list (`playerlist` JSON, 100 players) per second, sequential;
 *   - the time from start() to online (socket, upgrade, login probe), median of 20.
 * Figures only: nothing here asserts timings.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { family } from "../server/rcon/webrcon/index.ts";
import type { RconConnection } from "../server/rcon/types.ts";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/rcondeck");
const PASSWORD = "bench";
const COMMAND = "echo ping";
const IN_FLIGHT = 64;
const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function startEmulator(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      BIN,
      [
        "emulate",
        "webrcon",
        "--port",
        "0",
        "--password",
        PASSWORD,
        "--players",
        "100",
        "--activity",
        "0",
        "--quiet",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /listening webrcon [\d.]+:(\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`emulator exited (${code})`)));
  });
}

let lastCpuMicros = 0;

/** Keeps `inFlight` commands outstanding for `ms` milliseconds; returns commands per second. */
async function measure(send: () => Promise<unknown>, inFlight: number, ms: number): Promise<number> {
  let done = 0;
  let running = true;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const stop = setTimeout(() => (running = false), ms);
  const worker = async () => {
    while (running) {
      await send();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  clearTimeout(stop);
  const used = process.cpuUsage(cpu);
  lastCpuMicros = (used.user + used.system) / done;
  return done / ((performance.now() - started) / 1000);
}

async function connect(port: number): Promise<{ connection: RconConnection; loginMs: number }> {
  const started = performance.now();
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    password: PASSWORD,
    reconnect: false,
  });
  connection.start();
  while (connection.status.state !== "online") {
    if (connection.status.state === "unreachable" || connection.status.state === "auth_failed")
      throw new Error(connection.status.reason ?? "");
    await new Promise((r) => setImmediate(r));
  }
  return { connection, loginMs: performance.now() - started };
}

async function ours(port: number, inFlight: number, ms: number): Promise<number> {
  const { connection } = await connect(port);
  await measure(() => connection.command(COMMAND), inFlight, 200); // warm-up
  const rate = await measure(() => connection.command(COMMAND), inFlight, ms);
  await connection.stop();
  return rate;
}

/** The floor: a bare ws client, one JSON out per frame back, nothing checked. */
async function floor(port: number, inFlight: number, ms: number): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/${PASSWORD}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let id = 1;
  const send = () => socket.send(JSON.stringify({ Identifier: ++id, Message: COMMAND, Name: "WebRcon" }));
  const run = (duration: number) =>
    new Promise<number>((resolve) => {
      let done = 0;
      let sent = 0;
      let running = true;
      const cpu = process.cpuUsage();
      const started = performance.now();
      setTimeout(() => (running = false), duration);
      socket.removeAllListeners("message");
      socket.on("message", () => {
        done++;
        if (running) {
          sent++;
          send();
        } else if (done === sent) {
          const used = process.cpuUsage(cpu);
          lastCpuMicros = (used.user + used.system) / done;
          resolve(done / ((performance.now() - started) / 1000));
        }
      });
      for (let i = 0; i < inFlight; i++) {
        sent++;
        send();
      }
    });
  await run(200);
  const rate = await run(ms);
  socket.terminate();
  return rate;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(9);
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`.padStart(6);

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { seconds: { type: "string" } } });
  const ms = Number(values.seconds ?? "5") * 1000;
  const { child, port } = await startEmulator();
  try {
    console.log(
      `Rust WebRCON: "${COMMAND}" round trips per second against one emulator (child process) on loopback; median of ${ROUNDS} interleaved rounds, ${ms / 1000} s per figure\n`,
    );
    console.log(`  mode                ours      floor  ours/floor`);
    for (const [label, inFlight] of [
      ["sequential", 1],
      [`${IN_FLIGHT} in flight`, IN_FLIGHT],
    ] as const) {
      const runs: [number[], number[]] = [[], []];
      const cpu: [number[], number[]] = [[], []];
      for (let round = 0; round < ROUNDS; round++) {
        runs[0].push(await ours(port, inFlight, ms / ROUNDS));
        cpu[0].push(lastCpuMicros);
        runs[1].push(await floor(port, inFlight, ms / ROUNDS));
        cpu[1].push(lastCpuMicros);
      }
      const [a, b] = runs.map(median) as [number, number];
      const [ca, cb] = cpu.map(median) as [number, number];
      console.log(`  ${label.padEnd(12)} ${fmt(a)}  ${fmt(b)}  ${pct(a, b).padStart(10)}`);
      console.log(
        `  ${"".padEnd(12)} client CPU per command: ours ${ca.toFixed(1)} µs, floor ${cb.toFixed(1)} µs`,
      );
    }
    const { connection } = await connect(port);
    const run = (text: string) => connection.command(text);
    await measure(() => connection.dialect.operations.listPlayers(run), 1, 200);
    const lists = await measure(() => connection.dialect.operations.listPlayers(run), 1, ms / ROUNDS);
    console.log(
      `\n  playerlist (100 players, JSON parsed into Player rows): ${fmt(lists).trim()} lists/s sequential, ${lastCpuMicros.toFixed(0)} µs client CPU each`,
    );
    await connection.stop();
    const logins: number[] = [];
    for (let i = 0; i < 20; i++) {
      const opened = await connect(port);
      logins.push(opened.loginMs);
      await opened.connection.stop();
    }
    console.log(
      `  start() to online (TCP, WebSocket upgrade, serverinfo probe): median ${median(logins).toFixed(1)} ms, max ${Math.max(...logins).toFixed(1)} ms (20 logins)`,
    );
  } finally {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
  }
}
