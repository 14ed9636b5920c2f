/**
 * The native ban sync's steady state against a large ban store, on SQLite and on PostgreSQL:
 * `npm run bench -- ban-sync [--bans 20000] [--passes 20] [--only sqlite|postgresql]`.
 * N bans for every server (a quarter by Minecraft name, which the game can hold, up to its 5,000
 * native entries; the rest by SteamID, enforced on join only), a Minecraft emulator on loopback in
 * this process, one server. After the first pass has written the game's list, it times passes
 * that find nothing to do: full ones (as after a ban change, `soon`) and quiet ones (the list and
 * the bans unchanged), p50/p99 per pass, including the emulator's answers. A sync pass runs on
 * every server once a minute (BAN_SYNC_EVERY_MS), so at 1,000 servers 16.7 passes a second.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { NativeBanSync } from "../server/hub/ban-sync.ts";
import { startEmulator } from "../server/rcon/emulators/registry.ts";
import { loadFamily } from "../server/rcon/registry.ts";
import { whenOnline } from "../server/rcon/testing/when-online.ts";
import type { RconConnection } from "../server/rcon/types.ts";
import { encryptSecret } from "../server/security/crypto.ts";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  type TestDatabase,
} from "../server/testing/databases.ts";
import { percentile } from "./support/stats.ts";

const PASSWORD = "bench-pw";
const STEAM_BASE = 76561197960265728n;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function seed(t: TestDatabase, count: number, now: number): Promise<void> {
  for (let start = 0; start < count; start += 2_000) {
    const bans = [];
    const identifiers = [];
    for (let i = start; i < Math.min(count, start + 2_000); i++) {
      const id = `ban${String(i).padStart(8, "0")}`;
      bans.push({
        id,
        reason: `reason ${i}.`,
        searchText: `reason ${i}.`,
        playerNames: "[]",
        createdAt: new Date(now - i * 1_000),
        scope: "all",
      });
      identifiers.push(
        i % 4 === 0
          ? { banId: id, kind: "mc_name", value: `p${i}` }
          : { banId: id, kind: "steam", value: (STEAM_BASE + BigInt(i)).toString() },
      );
    }
    await t.db.ban.createMany({ data: bans });
    await t.db.banIdentifier.createMany({ data: identifiers });
  }
}

async function run(label: string, make: () => Promise<TestDatabase>, count: number, passes: number) {
  const t = await make();
  const mc = await startEmulator("source", {
    password: PASSWORD,
    port: 0,
    game: "minecraft",
    players: 0,
    activity: 0,
  });
  const connection = (await loadFamily("source")).createConnection({
    host: mc.host,
    port: mc.port,
    password: PASSWORD,
    dialect: "minecraft",
    reconnect: false,
  });
  try {
    connection.start();
    await whenOnline(connection);
    const runCommand = (command: string, options?: Parameters<RconConnection["command"]>[1]) =>
      connection.command(command, options);
    let clock = Date.now();
    await seed(t, count, clock);
    const serverId = (
      await t.db.server.create({
        data: {
          name: "bench",
          game: "minecraft",
          protocol: "source",
          host: mc.host,
          port: mc.port,
          passwordEncrypted: encryptSecret(PASSWORD, Buffer.alloc(32, 1)),
        },
      })
    ).id;
    const sync = new NativeBanSync({
      db: t.db,
      logger: silent,
      now: () => clock,
      batch: count,
      fullEveryMs: Number.MAX_SAFE_INTEGER,
    });
    const firstStart = performance.now();
    const first = await sync.syncOnce(serverId, connection.dialect, runCommand);
    console.log(
      `${label}: ${count.toLocaleString("en")} bans; first pass ${((performance.now() - firstStart) / 1000).toFixed(1)} s: ${first.applied} written to the game's list, ${first.joinOnly} join-only`,
    );
    const time = async (full: boolean) => {
      const samples: number[] = [];
      for (let i = 0; i < passes; i++) {
        clock += 60_000;
        if (full) sync.soon([serverId]);
        const start = performance.now();
        const summary = await sync.syncOnce(serverId, connection.dialect, runCommand);
        samples.push(performance.now() - start);
        if (summary.applied + summary.removed + summary.failed + summary.missing > 0)
          throw new Error(`a steady-state pass did something: ${JSON.stringify(summary)}`);
      }
      samples.sort((a, b) => a - b);
      return `p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms`;
    };
    console.log(`${label}: full pass with nothing to do (after a ban change): ${await time(true)}`);
    console.log(`${label}: quiet pass (nothing changed): ${await time(false)}`);
  } finally {
    await connection.stop();
    await mc.close();
    await t.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      bans: { type: "string", default: "20000" },
      passes: { type: "string", default: "20" },
      only: { type: "string" },
    },
  });
  const count = Number(values.bans);
  const passes = Number(values.passes);
  if (values.only !== "postgresql") await run("sqlite", createSqliteTestDatabase, count, passes);
  if (values.only !== "sqlite") await run("postgresql", createPostgresTestDatabase, count, passes);
}
