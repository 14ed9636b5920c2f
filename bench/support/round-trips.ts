/**
 * The round-trip benchmarks' driver (bench/source.ts, bench/webrcon.ts): commands per second with a
 * number of commands kept in flight, several clients ("contenders") against one emulator in
 * interleaved rounds, sequential and with many in flight, printed as one table of medians.
 */
import type { RconConnection } from "../../server/rcon/types.ts";

/** Commands per second, and the CPU time (user + system) this process spent per command. */
export interface Run {
  rate: number;
  cpuMicros: number;
}

/** Measures `body`, which resolves with the number of commands it completed. */
async function timed(body: () => Promise<number>): Promise<Run> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const done = await body();
  const used = process.cpuUsage(cpu);
  return { rate: done / ((performance.now() - started) / 1000), cpuMicros: (used.user + used.system) / done };
}

/** Keeps `inFlight` commands outstanding for `ms` milliseconds. */
function keepInFlight(send: () => Promise<unknown>, inFlight: number, ms: number): Promise<Run> {
  return timed(async () => {
    let done = 0;
    let running = true;
    const stop = setTimeout(() => (running = false), ms);
    const worker = async () => {
      while (running) {
        await send();
        done++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    clearTimeout(stop);
    return done;
  });
}

/**
 * A floor's loop (a bare client on a raw socket, nothing checked): `send()` writes one command,
 * `attach` makes every answer call back; `inFlight` stay outstanding for a 200 ms warm-up, then `ms`.
 */
export async function floorRate(
  attach: (onAnswer: () => void) => void,
  send: () => void,
  inFlight: number,
  ms: number,
): Promise<Run> {
  const run = (duration: number) =>
    timed(
      () =>
        new Promise<number>((resolve) => {
          let done = 0;
          let sent = 0;
          let running = true;
          setTimeout(() => (running = false), duration);
          attach(() => {
            done++;
            if (running) {
              sent++;
              send();
            } else if (done === sent) resolve(done);
          });
          for (; sent < inFlight; sent++) send();
        }),
    );
  await run(200);
  return run(ms);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Runs each contender once per round, in turn, and gives each one's median rate and CPU: background
 * load on a shared machine then hits all of them alike.
 */
async function interleavedMedians(
  contenders: readonly (() => Promise<Run>)[],
  rounds: number,
): Promise<Run[]> {
  const runs: Run[][] = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, contender] of contenders.entries()) runs[i]?.push(await contender());
  }
  return runs.map((r) => ({
    rate: median(r.map((x) => x.rate)),
    cpuMicros: median(r.map((x) => x.cpuMicros)),
  }));
}

/** Resolves when the connection is online; throws its reason when it fails for good. */
export async function waitOnline(connection: RconConnection): Promise<void> {
  while (connection.status.state !== "online") {
    if (connection.status.state === "unreachable" || connection.status.state === "auth_failed")
      throw new Error(connection.status.reason ?? connection.status.state);
    await new Promise((r) => setImmediate(r));
  }
}

export const rate = (n: number) => Math.round(n).toLocaleString("en-US").padStart(9);
const percent = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;

/** One client's loop: `inFlight` commands outstanding for `ms` milliseconds (after its own warm-up). */
export type Contender = (inFlight: number, ms: number) => Promise<Run>;

/** Keeps `inFlight` of `send` outstanding for 200 ms to warm up, then measures `ms` milliseconds. */
export async function warmedRate(send: () => Promise<unknown>, inFlight: number, ms: number): Promise<Run> {
  await keepInFlight(send, inFlight, 200);
  return keepInFlight(send, inFlight, ms);
}

/**
 * Prints, sequential and with `inFlight` commands in flight, each contender's median rate over
 * `rounds` interleaved rounds of `ms / rounds`, the first one's ratio to each other, and each one's
 * CPU per command. The first contender is ours.
 */
export async function compareContenders(
  contenders: Readonly<Record<string, Contender>>,
  options: { ms: number; rounds: number; inFlight: number },
): Promise<void> {
  const names = Object.keys(contenders);
  const [first = "", ...others] = names;
  const ratios = others.map((other) => `${first}/${other}`);
  const header = [
    ...names.map((n) => n.padStart(9)),
    ...ratios.map((r) => r.padStart(Math.max(10, r.length))),
  ];
  console.log(`  ${"mode".padEnd(12)}  ${header.join("  ")}`);
  for (const [label, inFlight] of [
    ["sequential", 1],
    [`${options.inFlight} in flight`, options.inFlight],
  ] as const) {
    const slice = options.ms / options.rounds;
    const runs = await interleavedMedians(
      Object.values(contenders).map((contender) => () => contender(inFlight, slice)),
      options.rounds,
    );
    const ours = runs[0] as Run;
    const cells = [
      ...runs.map((r) => rate(r.rate)),
      ...runs
        .slice(1)
        .map((r, i) => percent(ours.rate, r.rate).padStart(Math.max(10, ratios[i]?.length ?? 0))),
    ];
    console.log(`  ${label.padEnd(12)}  ${cells.join("  ")}`);
    const cpu = runs.map((r, i) => `${names[i]} ${r.cpuMicros.toFixed(1)} µs`).join(", ");
    console.log(`  ${"".padEnd(12)}  client CPU per command: ${cpu}`);
  }
}
