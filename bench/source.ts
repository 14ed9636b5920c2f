/**
 * `npm run bench -- source [--seconds S] [--game G]`: commands per second against one emulated Source
 * server (a child process, on loopback) for
 *   - our client (server/rcon/source), sequential and with 64 commands in flight,
 *   - the npm `rcon-client` (which reads one packet per command and truncates answers > 4096 bytes),
 *   - a hand-written minimal request/response loop on a raw socket (the floor: no framing checks,
 *     no ids bookkeeping, no multi-packet handling),
 * and the ratios. Runs both a CS2 server (answers are single packets) and a TF2 server (our client
 * also sends and receives the end marker: three packets back per command instead of one).
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Rcon } from "rcon-client";
import { family } from "../server/rcon/source/index.ts";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/rcondeck");
const PASSWORD = "bench";
const COMMAND = "echo ping";
const IN_FLIGHT = 64;
const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function startEmulator(game: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      BIN,
      [
        "emulate",
        "source",
        "--game",
        game,
        "--port",
        "0",
        "--password",
        PASSWORD,
        "--players",
        "8",
        "--activity",
        "0",
        "--quiet",
        "--ban-after",
        "0",
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /listening source [\d.]+:(\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`emulator exited (${code})`)));
  });
}

/**
 * CPU time (user + system) this process spent per command in the last measured run: next to the
 * rates, it shows what each client itself costs, whatever the emulator's latency.
 */
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

async function ours(port: number, game: string, inFlight: number, ms: number): Promise<number> {
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    password: PASSWORD,
    dialect: game,
    reconnect: false,
  });
  connection.start();
  while (connection.status.state !== "online") {
    if (connection.status.state === "unreachable" || connection.status.state === "auth_failed")
      throw new Error(connection.status.reason ?? "");
    await new Promise((r) => setTimeout(r, 5));
  }
  await measure(() => connection.command(COMMAND), inFlight, 200); // warm-up
  const rate = await measure(() => connection.command(COMMAND), inFlight, ms);
  await connection.stop();
  return rate;
}

async function rconClient(port: number, inFlight: number, ms: number): Promise<number> {
  const rcon = await Rcon.connect({ host: "127.0.0.1", port, password: PASSWORD, maxPending: inFlight });
  await measure(() => rcon.send(COMMAND), inFlight, 200);
  const rate = await measure(() => rcon.send(COMMAND), inFlight, ms);
  await rcon.end();
  return rate;
}

function packet(id: number, type: number, body: string): Buffer {
  const bytes = Buffer.from(body, "utf8");
  const out = Buffer.alloc(14 + bytes.length);
  out.writeInt32LE(10 + bytes.length, 0);
  out.writeInt32LE(id, 4);
  out.writeInt32LE(type, 8);
  bytes.copy(out, 12);
  return out;
}

/** The floor: raw socket, one EXEC out, one packet back, nothing else. */
async function floor(port: number, inFlight: number, ms: number): Promise<number> {
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  let pending: Buffer = Buffer.alloc(0);
  let onPacket: (id: number, type: number) => void = () => {};
  socket.on("data", (data: Buffer) => {
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
    let offset = 0;
    while (pending.length - offset >= 4) {
      const size = pending.readInt32LE(offset);
      if (pending.length - offset < size + 4) break;
      onPacket(pending.readInt32LE(offset + 4), pending.readInt32LE(offset + 8));
      offset += size + 4;
    }
    pending = pending.subarray(offset);
  });
  await new Promise<void>((resolve) => {
    onPacket = (_id, type) => {
      if (type === 2) resolve();
    };
    socket.write(packet(1, 3, PASSWORD));
  });
  const run = (duration: number) =>
    new Promise<number>((resolve) => {
      let done = 0;
      let sent = 0;
      let running = true;
      const cpu = process.cpuUsage();
      const started = performance.now();
      setTimeout(() => (running = false), duration);
      onPacket = () => {
        done++;
        if (running) socket.write(packet(++sent + 10, 2, COMMAND));
        else if (done === sent) {
          const used = process.cpuUsage(cpu);
          lastCpuMicros = (used.user + used.system) / done;
          resolve(done / ((performance.now() - started) / 1000));
        }
      };
      for (let i = 0; i < inFlight; i++) socket.write(packet(++sent + 10, 2, COMMAND));
    });
  await run(200);
  const rate = await run(ms);
  socket.destroy();
  return rate;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(9);
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`.padStart(6);

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: "string" }, game: { type: "string", multiple: true } },
  });
  const ms = Number(values.seconds ?? "5") * 1000;
  const games = values.game ?? ["cs2", "tf2"];
  console.log(
    `Source RCON: "${COMMAND}" round trips per second against one emulator (child process) on loopback; median of ${ROUNDS} interleaved rounds, ${ms / 1000} s per figure\n`,
  );
  for (const game of games) {
    const { child, port } = await startEmulator(game);
    try {
      console.log(`game ${game}`);
      console.log(`  mode            ours  rcon-client      floor  ours/rcon-client  ours/floor`);
      for (const [label, inFlight] of [
        ["sequential", 1],
        [`${IN_FLIGHT} in flight`, IN_FLIGHT],
      ] as const) {
        // Interleaved rounds, median of each: background load on a shared machine hits all three alike.
        const runs: [number[], number[], number[]] = [[], [], []];
        const cpu: [number[], number[], number[]] = [[], [], []];
        for (let round = 0; round < ROUNDS; round++) {
          runs[0].push(await ours(port, game, inFlight, ms / ROUNDS));
          cpu[0].push(lastCpuMicros);
          runs[1].push(await rconClient(port, inFlight, ms / ROUNDS));
          cpu[1].push(lastCpuMicros);
          runs[2].push(await floor(port, inFlight, ms / ROUNDS));
          cpu[2].push(lastCpuMicros);
        }
        const [a, b, c] = runs.map(median) as [number, number, number];
        const [ca, cb, cc] = cpu.map(median) as [number, number, number];
        console.log(
          `  ${label.padEnd(12)} ${fmt(a)}  ${fmt(b)}  ${fmt(c)}  ${pct(a, b).padStart(16)}  ${pct(a, c).padStart(10)}`,
        );
        console.log(
          `  ${"".padEnd(12)} client CPU per command: ours ${ca.toFixed(1)} µs, rcon-client ${cb.toFixed(1)} µs, floor ${cc.toFixed(1)} µs`,
        );
      }
      console.log("");
    } finally {
      child.removeAllListeners("exit");
      child.kill("SIGTERM");
    }
  }
}
