/**
 * `npm run bench -- cluster [--servers 1500] [--clients 150] [--instances 3] [--seconds 30] [--lease 10]`:
 * several real RconDeck instances (server/testing/cluster.ts: child processes on a throw-away
 * PostgreSQL database and the local Redis) holding N emulated game servers (BattlEye Arma 3, Source
 * Squad and Quake 3 OpenArena in turn, in this process) and M socket.io clients (one Admin user
 * each) spread over the instances round robin, every server watched by at least one client.
 *
 * Printed (it asserts nothing):
 * - Event latency emulator -> browser, p50/p99: every BattlEye and Squad server has a player say a
 *   line stamped with this process's clock every CHAT_EVERY_SECONDS; split by whether the client
 *   sits on the instance that holds the server ("same") or another one ("cross": through Redis).
 * - Command round trip (console:exec to its ack), same/cross instance.
 * - CPU (percent of one core over the measured window) and peak RSS per instance.
 * - Rebalance: after SIGKILL of one instance, the time until every server is leased to a live
 *   instance, and until the shares are fair; after adding an instance, the time from its start
 *   until it holds its fair share.
 * Emulators and clients share this process: on a small machine they compete with the instances.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ConsoleLineMessage } from "../lib/realtime/contract.ts";
import {
  startCluster,
  waitFor,
  type Browser,
  type Lease,
  type ServerSpec,
  type TestCluster,
} from "../server/testing/cluster.ts";
import { percentile } from "./support/stats.ts";

const CHAT_EVERY_SECONDS = 5;
const COMMAND_EVERY_SECONDS = 10;
const KINDS: (ServerSpec & { command: string })[] = [
  { protocol: "battleye", game: "arma3", command: "players" },
  { protocol: "source", game: "squad", command: "ListPlayers" },
  { protocol: "quake3", game: "openarena", command: "status" },
];

function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function rssOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;
  } catch {
    return NaN;
  }
}

class Samples {
  private readonly byKey = new Map<string, number[]>();
  add(key: string, value: number): void {
    const list = this.byKey.get(key) ?? [];
    list.push(value);
    this.byKey.set(key, list);
  }
  print(): void {
    for (const [key, values] of [...this.byKey].sort(([a], [b]) => a.localeCompare(b))) {
      values.sort((x, y) => x - y);
      console.log(
        `  ${key.padEnd(22)} p50 ${String(percentile(values, 50)).padStart(6)} ms   p99 ${String(percentile(values, 99)).padStart(6)} ms   (${values.length} samples)`,
      );
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every server leased to one of `ids`; with `fair`, shares within floor..ceil. */
function held(owners: Map<string, Lease>, servers: number, ids: string[], fair: boolean): boolean {
  if (owners.size !== servers || [...owners.values()].some((l) => !ids.includes(l.ownerId))) return false;
  if (!fair) return true;
  const counts = ids.map((id) => [...owners.values()].filter((l) => l.ownerId === id).length);
  return counts.every((n) => n >= Math.floor(servers / ids.length) && n <= Math.ceil(servers / ids.length));
}

async function timeUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  await waitFor(probe, timeoutMs, what, 100);
  return Date.now() - started;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      servers: { type: "string", default: "1500" },
      clients: { type: "string", default: "150" },
      instances: { type: "string", default: "3" },
      seconds: { type: "string", default: "30" },
      lease: { type: "string", default: "10" },
    },
  });
  const serverCount = Number(values.servers);
  const clientCount = Number(values.clients);
  const instanceCount = Number(values.instances);
  const seconds = Number(values.seconds);
  console.log(
    `cluster bench: ${instanceCount} instances, ${serverCount} servers, ${clientCount} clients, ${seconds} s, LEASE_SECONDS=${values.lease}`,
  );

  const specs = Array.from({ length: serverCount }, (_, i) => ({
    ...(KINDS[i % KINDS.length] as ServerSpec),
    players: 16,
  }));
  let cluster: TestCluster | undefined;
  const timers: NodeJS.Timeout[] = [];
  // Ctrl-C: exit (the harness kills the instances on exit).
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  try {
    const started = Date.now();
    cluster = await startCluster({
      instances: instanceCount,
      servers: specs,
      leaseSeconds: Number(values.lease),
      // Every client connects from 127.0.0.1; the per-address handshake limit is for the Internet.
      env: { HANDSHAKES_PER_MINUTE: "100000", ACTIONS_PER_10S: "1000" },
    });
    const c = cluster;
    const ids = () => c.instances.filter((i) => i.alive()).map((i) => i.id);
    console.log(
      `started in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for every server to be held`,
    );
    const settle = await timeUntil(
      async () => held(await c.owners(), serverCount, ids(), true),
      300_000,
      "every server held fairly",
    );
    console.log(
      `every server held in fair shares ${(settle / 1000).toFixed(1)} s after the last instance listened`,
    );

    // Clients, one Admin user each, round robin over the instances; every server watched.
    const browsers: Browser[] = [];
    for (let i = 0; i < clientCount; i++) {
      const user = await c.createUser(`bench${i}`, "ADMIN");
      const instance = c.instances[i % c.instances.length];
      if (instance) browsers.push(await c.browser(instance, await c.cookieFor(user.id)));
    }
    const watcher = new Map<string, Browser>();
    for (const [i, server] of c.servers.entries()) {
      const browser = browsers[i % browsers.length] as Browser;
      watcher.set(server.serverId, browser);
      await new Promise((resolve) =>
        browser.socket.emit("server:subscribe", { serverId: server.serverId }, resolve),
      );
    }
    console.log(`${browsers.length} clients subscribed`);

    let owners = await c.owners();
    const samples = new Samples();
    let measuring = false;
    const placement = (serverId: string, browser: Browser) =>
      owners.get(serverId)?.ownerId === browser.instance.id ? "same" : "cross";
    for (const browser of browsers) {
      browser.socket.on("console:line", (line: ConsoleLineMessage) => {
        const stamp = /bench-(\d+)/.exec(line.text)?.[1];
        if (!measuring || line.kind !== "chat" || !stamp) return;
        samples.add(`event ${placement(line.serverId, browser)}`, Date.now() - Number(stamp));
      });
    }

    // Chat from the emulators, spread over each period; commands from each server's watcher.
    const chatty = c.servers.filter((s) => s.protocol !== "quake3");
    chatty.forEach((server, i) => {
      timers.push(
        setTimeout(
          () =>
            timers.push(
              setInterval(() => server.emulator.playerChat(`bench-${Date.now()}`), CHAT_EVERY_SECONDS * 1000),
            ),
          (i * CHAT_EVERY_SECONDS * 1000) / chatty.length,
        ),
      );
    });
    let execErrors = 0;
    const errorKinds = new Map<string, number>();
    c.servers.forEach((server, i) => {
      const browser = watcher.get(server.serverId) as Browser;
      const command = KINDS.find((k) => k.protocol === server.protocol)?.command ?? "status";
      const send = () => {
        const sentAt = Date.now();
        browser.socket.emit(
          "console:exec",
          { serverId: server.serverId, command },
          (result: { ok: boolean; error?: { code?: string; message?: string } }) => {
            if (!measuring) return;
            if (result.ok) samples.add(`command ${placement(server.serverId, browser)}`, Date.now() - sentAt);
            else {
              execErrors++;
              const why = `${result.error?.code ?? "?"}: ${(result.error?.message ?? "").replace(/\d+/g, "N").slice(0, 90)}`;
              errorKinds.set(why, (errorKinds.get(why) ?? 0) + 1);
            }
          },
        );
      };
      timers.push(
        setTimeout(
          () => timers.push(setInterval(send, COMMAND_EVERY_SECONDS * 1000)),
          (i * COMMAND_EVERY_SECONDS * 1000) / c.servers.length,
        ),
      );
    });

    await sleep(5_000); // warm-up
    owners = await c.owners();
    const cpuBefore = new Map(c.instances.map((i) => [i.id, cpuSecondsOf(i.pid)]));
    const peakRss = new Map<string, number>();
    const rssTimer = setInterval(() => {
      for (const i of c.instances) peakRss.set(i.id, Math.max(peakRss.get(i.id) ?? 0, rssOf(i.pid)));
    }, 500);
    measuring = true;
    const windowStart = Date.now();
    await sleep(seconds * 1000);
    measuring = false;
    clearInterval(rssTimer);
    const window = (Date.now() - windowStart) / 1000;

    console.log("\nlatency (same = client on the holding instance, cross = through Redis):");
    samples.print();
    console.log(`  command errors: ${execErrors}`);
    for (const [why, count] of [...errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 5))
      console.log(`    ${count} x ${why}`);
    console.log("\nper instance:");
    for (const i of c.instances) {
      const cpu = ((cpuSecondsOf(i.pid) - (cpuBefore.get(i.id) ?? 0)) / window) * 100;
      const servers = [...owners.values()].filter((l) => l.ownerId === i.id).length;
      console.log(
        `  ${i.id}: ${servers} servers, CPU ${cpu.toFixed(0)} %, peak RSS ${((peakRss.get(i.id) ?? NaN) / 1024 / 1024).toFixed(0)} MB`,
      );
    }
    for (const t of timers) clearTimeout(t);

    // Rebalance after a SIGKILL: the leases of the dead instance expire, the others take them.
    const victim = c.instances[c.instances.length - 1];
    if (victim && c.instances.length > 1) {
      victim.kill("SIGKILL");
      await victim.exited;
      const killedAt = Date.now();
      await waitFor(
        async () => held(await c.owners(), serverCount, ids(), false),
        120_000,
        "every server held after the kill",
        100,
      );
      const allHeld = Date.now() - killedAt;
      await waitFor(
        async () => held(await c.owners(), serverCount, ids(), true),
        120_000,
        "fair shares after the kill",
        100,
      );
      console.log(
        `\nafter SIGKILL of ${victim.id}: every server held again in ${(allHeld / 1000).toFixed(1)} s, fair shares in ${((Date.now() - killedAt) / 1000).toFixed(1)} s`,
      );
    }

    // Rebalance after adding an instance: from its spawn until it holds its fair share.
    const addedAt = Date.now();
    const added = await c.startInstance(`i${c.instances.length + 1}`);
    const listening = Date.now() - addedAt;
    await waitFor(
      async () => held(await c.owners(), serverCount, ids(), true),
      120_000,
      "fair shares after adding an instance",
      100,
    );
    console.log(
      `after adding ${added.id}: listening in ${(listening / 1000).toFixed(1)} s, fair shares ${((Date.now() - addedAt) / 1000).toFixed(1)} s after its start`,
    );
    console.log(`\nsessions overlapping on a game server: ${c.overlaps().length}`);
  } finally {
    for (const t of timers) clearTimeout(t);
    await cluster?.close();
  }
  process.exit(0);
}
