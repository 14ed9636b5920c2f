/**
 * `npm run bench -- flood [--normal 10] [--flooders 3] [--seconds 20] [--purge 500000]`: hostile game servers against
 * the connection hub. In a process of its own (the dashboard's Node options), the hub holds
 * `--normal` well-behaved Source (CS2) emulators, `--flooders` raw Source servers that push console
 * lines as fast as the socket takes them, and one that answers a command with an answer that never
 * ends (packets of the same id, forever). Each normal server runs `echo` commands back to back.
 *
 * Printed: the normal servers' command round trip (p50/p99), the hub's event-loop delay and peak
 * RSS, console lines handed out and stored (per kind of server), lines dropped by the budget, and
 * the database size. The servers live in child processes so their CPU is not the hub's. With
 * `--purge N`, a server holding N stored lines is then deleted while the normal servers keep
 * running commands: how long the background purge takes and what the others see meanwhile.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createDb } from "../server/db/client.ts";
import { insertConsoleLines } from "../server/data/history.ts";
import { migrateDatabase } from "../server/db/migrate.ts";
import { ConnectionHub } from "../server/hub/hub.ts";
import { startHostileSource } from "../server/hub/testing/hostile-source.ts";
import { startEmulator } from "../server/rcon/emulators/registry.ts";
import { encryptSecret } from "../server/security/crypto.ts";
import { serverEnv, serverNodeOptions } from "../scripts/node-options.ts";
import { percentile } from "./support/stats.ts";

const PASSWORD = "benchpass";
const KEY = Buffer.alloc(32, 3);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const actor = { id: "bench", name: "bench" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Hostile servers (child process)

/** A raw Source server that logs anyone in; `flood` pushes lines without end, otherwise "endless" never stops answering. */
async function hostileServer(kind: "flood" | "endless"): Promise<number> {
  const server = await startHostileSource(
    (client, id, text) => {
      if (kind === "endless" && text === "endless")
        client.pump(id, (n) => `continuation ${n} ${"y".repeat(60)}`);
      else client.send(id, `ok: ${text}`);
    },
    (client) => {
      if (kind === "flood")
        client.pump(0, (n) => `L 11/29/2026 - 18:00:00: "flood<${n}>" say "line ${n} ${"x".repeat(60)}"`);
    },
  );
  return server.port;
}

async function runServers(role: "normal" | "hostile", count: number): Promise<void> {
  const ports: number[] = [];
  if (role === "normal") {
    for (let i = 0; i < count; i++)
      ports.push(
        (
          await startEmulator("source", {
            password: PASSWORD,
            port: 0,
            game: "cs2",
            players: 16,
            seed: i + 1,
            activity: 1,
            logger: silent,
          })
        ).port,
      );
  } else {
    for (let i = 0; i < count; i++) ports.push(await hostileServer("flood"));
    ports.push(await hostileServer("endless"));
  }
  console.log(JSON.stringify({ ports }));
  await new Promise<void>((resolve) => process.stdin.on("close", resolve).resume());
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The hub under test

function child(args: string[]): { proc: ChildProcess; ports: Promise<number[]> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "bench/index.ts", "flood", ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  if (!proc.stdout) throw new Error("no stdout");
  const lines = createInterface({ input: proc.stdout });
  const ports = new Promise<number[]>((resolve, reject) => {
    lines.once("line", (line) => resolve((JSON.parse(line) as { ports: number[] }).ports));
    proc.once("exit", () => reject(new Error("a server process ended early")));
  });
  return { proc, ports };
}

async function runHub(normal: number, flooders: number, seconds: number, purgeLines: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "rcondeck-bench-flood-"));
  const file = path.join(dir, "bench.db");
  await migrateDatabase(`file:${file}`);
  const db = createDb(`file:${file}`);
  const normalProc = child(["--role", "normal", "--normal", String(normal)]);
  const hostileProc = child(["--role", "hostile", "--flooders", String(flooders)]);
  const add = async (port: number, name: string) =>
    (
      await db.server.create({
        data: {
          name,
          game: "cs2",
          protocol: "source",
          host: "127.0.0.1",
          port,
          passwordEncrypted: encryptSecret(PASSWORD, KEY),
          pollIntervalSeconds: 10,
        },
      })
    ).id;
  const normalIds = await Promise.all((await normalProc.ports).map((port, i) => add(port, `normal ${i}`)));
  const hostilePorts = await hostileProc.ports;
  const endlessPort = hostilePorts.pop() ?? 0;
  const endlessId = await add(endlessPort, "endless");

  const hub = new ConnectionHub({ db, encryptionKey: KEY, logger: silent });
  let handedOut = 0;
  hub.on((event) => void (event.type === "line" && handedOut++));
  await hub.start();
  while (
    normalIds.some((id) => hub.statusOf(id).state !== "online") ||
    hub.statusOf(endlessId).state !== "online"
  )
    await sleep(100);
  // The flooders join once everything else is connected.
  const flooderIds = await Promise.all(hostilePorts.map((port, i) => add(port, `flooder ${i}`)));
  await Promise.all(flooderIds.map((id) => hub.reloadServer(id)));

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let peakRss = 0;
  const memory = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const roundTrips: number[] = [];
  let failures = 0;
  const until = Date.now() + seconds * 1000;
  // The endless answer: one command that never completes (it times out or is cut at the cap).
  const endless = hub.exec(endlessId, actor, "endless").then(
    () => "answered",
    (error: unknown) => `failed: ${String((error as Error).message).slice(0, 80)}`,
  );
  /** Each normal server runs `echo` commands back to back (50 ms apart) until `done`. */
  const commands = (into: number[], done: () => boolean) =>
    Promise.all(
      normalIds.map(async (id, i) => {
        for (let n = 0; !done(); n++) {
          const started = performance.now();
          try {
            await hub.exec(id, actor, `echo bench ${i} ${n}`);
            into.push(performance.now() - started);
          } catch {
            failures++;
          }
          await sleep(50);
        }
      }),
    );
  await commands(roundTrips, () => Date.now() >= until);
  delay.disable();
  clearInterval(memory);
  const purgeFigure = purgeLines > 0 ? await measurePurge(purgeLines) : null;

  /** Deletes a server holding `count` stored lines while the normal servers keep running commands. */
  async function measurePurge(count: number): Promise<string> {
    const victim = (
      await db.server.create({
        data: {
          name: "victim",
          game: "cs2",
          protocol: "source",
          host: "127.0.0.1",
          port: 1,
          enabled: false,
          passwordEncrypted: "x",
        },
      })
    ).id;
    for (let seq = 1; seq <= count; seq += 1_000) {
      const rows = Array.from({ length: Math.min(1_000, count - seq + 1) }, (_, i) => ({
        serverId: victim,
        seq: seq + i,
        kind: "system",
        text: `old line ${seq + i} ${"x".repeat(60)}`,
        actorId: null,
        actorName: null,
        replyTo: null,
        createdAt: new Date(),
      }));
      await insertConsoleLines(db, rows);
    }
    await hub.reloadServer(victim);
    const purger = (hub as unknown as { purger?: { kick(): Promise<void> } }).purger;
    if (!purger) return "  purge: this version has no background purge";
    const during: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    await db.$transaction([
      db.server.delete({ where: { id: victim } }),
      db.serverPurge.create({ data: { serverId: victim } }),
    ]);
    await hub.removeServer(victim);
    let purged = false;
    const waiting = (async () => {
      while ((await db.serverPurge.count()) > 0) await sleep(50);
      purged = true;
    })();
    await commands(during, () => purged);
    await waiting;
    loop.disable();
    during.sort((a, b) => a - b);
    return `  deleting a server with ${count.toLocaleString("en-US")} stored lines: purged in ${((performance.now() - started) / 1000).toFixed(1)} s in the background; meanwhile event-loop delay max ${(loop.max / 1e6).toFixed(0)} ms, normal servers' command p50 ${percentile(during, 50).toFixed(1)} ms p99 ${percentile(during, 99).toFixed(1)} ms (${during.length})`;
  }
  const statuses = flooderIds.map((id) => hub.statusOf(id).degraded ?? "no warning");
  const endlessStatus = hub.statusOf(endlessId).degraded ?? "no warning";
  const endlessOutcome = await endless;
  await hub.stop();
  const count = (ids: string[]) => db.consoleLine.count({ where: { serverId: { in: ids } } });
  const summaries = await db.consoleLine.findMany({
    where: { serverId: { in: flooderIds }, kind: "system", text: { contains: "lines dropped" } },
    select: { text: true },
  });
  const dropped = summaries.reduce(
    (n, s) => n + Number(/^([\d,]+)/.exec(s.text)?.[1]?.replace(/,/g, "") ?? 0),
    0,
  );
  const [storedNormal, storedFlood, storedEndless] = [
    await count(normalIds),
    await count(flooderIds),
    await count([endlessId]),
  ];
  await db.$disconnect();
  const dbBytes = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  roundTrips.sort((a, b) => a - b);
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
  console.log(`flood: ${normal} normal servers, ${flooders} flooders + 1 endless answer, ${seconds} s`);
  console.log(
    `  normal servers' command round trip: p50 ${percentile(roundTrips, 50).toFixed(1)} ms  p99 ${percentile(roundTrips, 99).toFixed(1)} ms  max ${(roundTrips.at(-1) ?? NaN).toFixed(0)} ms  (${roundTrips.length} commands, ${failures} failed)`,
  );
  console.log(
    `  hub event-loop delay: p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms  max ${(delay.max / 1e6).toFixed(0)} ms   peak RSS ${mb(peakRss)}`,
  );
  console.log(
    `  console lines handed out ${handedOut.toLocaleString("en-US")}; stored: flooders ${storedFlood.toLocaleString("en-US")}, endless ${storedEndless.toLocaleString("en-US")}, normal ${storedNormal.toLocaleString("en-US")}; dropped by the budget ${dropped.toLocaleString("en-US")}; database ${mb(dbBytes)}`,
  );
  console.log(
    `  flooders' status: ${statuses[0] ?? "-"}; endless answer: ${endlessOutcome}, status: ${endlessStatus}`,
  );
  if (purgeFigure) console.log(purgeFigure);
  normalProc.proc.stdin?.end();
  hostileProc.proc.stdin?.end();
  rmSync(dir, { recursive: true, force: true });
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: "string" },
      normal: { type: "string", default: "10" },
      flooders: { type: "string", default: "3" },
      seconds: { type: "string", default: "20" },
      purge: { type: "string", default: "0" },
    },
  });
  if (values.role === "normal") return runServers("normal", Number(values.normal));
  if (values.role === "hostile") return runServers("hostile", Number(values.flooders));
  if (values.role === "hub") {
    await runHub(
      Number(values.normal),
      Number(values.flooders),
      Number(values.seconds),
      Number(values.purge),
    );
    process.exit(0);
  }
  const run = spawn(
    process.execPath,
    [
      ...serverNodeOptions(),
      "--import",
      "tsx",
      "bench/index.ts",
      "flood",
      "--role",
      "hub",
      "--normal",
      values.normal,
      "--flooders",
      values.flooders,
      "--seconds",
      values.seconds,
      "--purge",
      values.purge,
    ],
    { stdio: "inherit", env: { ...process.env, ...serverEnv() } },
  );
  const code = await new Promise<number | null>((resolve) => run.once("exit", resolve));
  if (code !== 0) throw new Error(`the flood run failed (exit ${code})`);
}
