/**
 * `npm run bench -- quake3 [--skip-real]`: what the Quake 3 answer aggregation and pacing cost,
 * against the emulator (several dialects) and Debian's real OpenArena server.
 * - quiet-period cost: time from the last datagram of an answer to the answer being delivered;
 * - throughput: commands per second for a burst of commands at the pacing each server allows
 *   (and whether any answer was lost to the server's silent rate-limit drops).
 * Figures only: nothing here asserts timings.
 */
import { systemClock } from "../server/rcon/clock.ts";
import { createTextCodec } from "../server/rcon/encoding.ts";
import type { Quake3Event } from "../server/rcon/protocol/quake3/client.ts";
import { findQuake3Dialect } from "../server/rcon/protocol/quake3/dialects/index.ts";
import type { Quake3Dialect } from "../server/rcon/protocol/quake3/dialects/common.ts";
import { createQuake3Core } from "../server/rcon/quake3/core.ts";
import { startEmulator } from "../server/rcon/emulators/registry.ts";
import { startOpenArena } from "../server/rcon/quake3/testing/openarena-server.ts";
import { CorePump } from "../server/rcon/session/pump.ts";
import { udpTransport } from "../server/rcon/session/transport.ts";

type Outcome = Quake3Event | { type: "closed" };

/** The client core over the session driver's pump and a UDP socket: what a connection runs, minus status. */
async function openClient(target: Target) {
  const clock = systemClock;
  const core = createQuake3Core({
    host: target.host,
    port: target.port,
    dialect: target.dialect,
    codec: createTextCodec("latin1"),
    clock,
    loginTimeoutMs: 2000,
  });
  const waiters = new Map<number, (outcome: Outcome) => void>();
  let loggedIn: (ok: boolean) => void = () => {};
  const login = new Promise<boolean>((resolve) => (loggedIn = resolve));
  const pump = new CorePump({
    core,
    clock,
    onEvent: (event) => {
      const e = event as Quake3Event;
      if (e.type === "logged-in") loggedIn(true);
      else if (e.type === "login-refused" || e.type === "dead") loggedIn(false);
      if ("id" in e) {
        waiters.get(e.id)?.(e);
        waiters.delete(e.id);
      }
    },
  });
  const transport = await udpTransport(
    target.host,
    target.port,
  )({
    onUnit: (unit) => pump.receive(unit),
    onClose: () => {},
    onError: () => {},
  });
  pump.attach(transport);
  core.login("secretpass");
  pump.pump();
  if (!(await login)) throw new Error(`${target.label}: login failed`);
  return {
    request(command: string): Promise<Outcome> {
      const id = core.command({ text: command, timeoutMs: 2000 });
      const outcome = new Promise<Outcome>((resolve) => waiters.set(id, resolve));
      pump.afterIntent();
      return outcome;
    },
    async close() {
      pump.stop();
      core.close();
      for (const resolve of waiters.values()) resolve({ type: "closed" });
      await transport.close();
    },
  };
}

interface Target {
  label: string;
  dialect: Quake3Dialect;
  host: string;
  port: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(target: Target): Promise<string[]> {
  const transport = await openClient(target);
  const lines: string[] = [];
  try {
    // 1. Quiet-period cost, on answers of one and of many datagrams.
    const quiet: number[] = [];
    const network: number[] = [];
    let datagrams = 0;
    for (let i = 0; i < 8; i++) {
      const command = i % 2 === 0 ? "status" : "cvarlist";
      const outcome = await transport.request(command);
      if (outcome.type !== "answer") throw new Error(`${target.label}: ${command} got ${outcome.type}`);
      quiet.push(outcome.sentAt + outcome.latencyMs - outcome.lastDatagramAt);
      network.push(outcome.lastDatagramAt - outcome.sentAt);
      datagrams += outcome.datagrams;
    }
    lines.push(
      `${target.label}: quiet period ${target.dialect.quake3.quietMs} ms -> last datagram to delivery median ${percentile(quiet, 50)} ms, p95 ${percentile(quiet, 95)} ms, max ${Math.max(...quiet)} ms` +
        ` (send to last datagram median ${percentile(network, 50)} ms; ${datagrams} datagrams for 8 answers)`,
    );
    // Let the server's bucket refill so the burst starts from a fresh allowance.
    await sleep(target.dialect.quake3.pacing.kind === "bucket" ? 11_000 : 1_000);
    // 2. A burst of commands at the allowed pacing.
    const count = 30;
    const started = Date.now();
    const outcomes: Outcome[] = await Promise.all(
      Array.from({ length: count }, (_, i) => transport.request(`echo bench ${i}`)),
    );
    const seconds = (Date.now() - started) / 1000;
    const answered = outcomes.filter((o, i) => o.type === "answer" && o.text === `bench ${i}\n`).length;
    const pacing = target.dialect.quake3.pacing;
    const rule =
      pacing.kind === "bucket"
        ? `bucket ${pacing.burst} then 1 per ${pacing.periodMs} ms`
        : pacing.kind === "interval"
          ? `1 per ${pacing.minIntervalMs} ms`
          : "none";
    lines.push(
      `${target.label}: burst of ${count} commands (pacing: ${rule}) -> ${answered}/${count} answered in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(2)} commands/s`,
    );
  } finally {
    await transport.close();
  }
  return lines;
}

async function emulatorTarget(game: string): Promise<Target> {
  const dialect = findQuake3Dialect(game);
  if (!dialect) throw new Error(`unknown game ${game}`);
  const emulator = await startEmulator("quake3", {
    game,
    password: "secretpass",
    players: 6,
    seed: 3,
    activity: 0,
    extra: { bots: "Grism,Sarge" },
  });
  return {
    label: `emulator --game ${game}`,
    dialect,
    host: emulator.host,
    port: emulator.port,
    stop: () => emulator.close(),
  };
}

export async function main(args: string[]): Promise<void> {
  const targets: Target[] = await Promise.all(["openarena", "q3", "cod4x"].map(emulatorTarget));
  if (!args.includes("--skip-real")) {
    const real = await startOpenArena({ bots: ["Grism", "Sarge"], password: "secretpass" });
    const dialect = findQuake3Dialect("openarena") as Quake3Dialect;
    targets.push({
      label: "real OpenArena 0.8.8",
      dialect,
      host: real.host,
      port: real.port,
      stop: () => real.stop(),
    });
  }
  try {
    const results = await Promise.all(targets.map(measure));
    for (const line of results.flat()) console.log(line);
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
}
