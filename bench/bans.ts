/**
 * The join check against a large central ban store, on SQLite and on PostgreSQL: N bans (default
 * 100,000; a realistic mix of SteamIDs, BattlEye GUIDs, addresses, CIDR ranges and names; scoped
 * to every server, chosen servers or a ban list; some expired or revoked), then the cost of
 * `findActiveBansFor` per joining player (p50/p99; half of the players banned), and memory.
 * `npm run bench -- bans [--bans N] [--joins N] [--only sqlite|postgresql]` (memory after a full GC
 * with `NODE_OPTIONS=--expose-gc`).
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { prng } from "./support/prng.ts";
import { createUnreadableServer } from "../server/testing/hub.ts";
import { lookupKeys, type PlayerIdentities } from "../lib/bans/identifiers.ts";
import { findActiveBansFor, listBans } from "../server/data/bans.ts";
import type { Db } from "../server/db/client.ts";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  type TestDatabase,
} from "../server/testing/databases.ts";

const STEAM_BASE = 76561197960265728n;
const HOUR = 3_600_000;

interface Seeded {
  servers: string[];
  banned: PlayerIdentities[];
}

async function seed(db: Db, count: number, now: number): Promise<Seeded> {
  const random = prng(42);
  const int = (n: number) => Math.floor(random() * n);
  const servers: string[] = [];
  for (let i = 0; i < 20; i++)
    servers.push(await createUnreadableServer(db, `S${i}`, 27015 + i, { game: "csgo", protocol: "source" }));
  const list = await db.banList.create({ data: { name: "Community" } });
  await db.banListServer.createMany({
    data: servers.slice(0, 10).map((serverId) => ({ banListId: list.id, serverId })),
  });
  const banned: PlayerIdentities[] = [];
  const BATCH = 2_000;
  for (let start = 0; start < count; start += BATCH) {
    const bans = [];
    const identifiers = [];
    const scoped = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const id = `ban${String(i).padStart(8, "0")}`;
      const roll = random();
      const scope = roll < 0.7 ? "all" : roll < 0.95 ? "servers" : "list";
      const fate = random();
      const createdAt = new Date(now - int(365 * 24) * HOUR);
      const expiresAt =
        fate < 0.3
          ? new Date(now - int(1000) * HOUR)
          : fate < 0.6
            ? null
            : new Date(now + (1 + int(1000)) * HOUR);
      const revoked = random() < 0.1;
      bans.push({
        id,
        reason: `reason ${i}`,
        searchText: `reason ${i}\nplayer${i}`,
        playerNames: JSON.stringify([`Player${i}`]),
        createdAt,
        expiresAt,
        revokedAt: revoked ? new Date(now - HOUR) : null,
        scope,
        banListId: scope === "list" ? list.id : null,
      });
      if (scope === "servers") scoped.push({ banId: id, serverId: servers[int(servers.length)]! });
      const player: PlayerIdentities = { guid: null, steamId: null, address: null, name: null };
      const kind = random();
      if (kind < 0.6) {
        player.steamId = (STEAM_BASE + BigInt(1_000_000 + i)).toString();
        identifiers.push({ banId: id, kind: "steam", value: player.steamId });
      } else if (kind < 0.8) {
        player.guid = i.toString(16).padStart(32, "a");
        identifiers.push({ banId: id, kind: "battleye", value: player.guid });
      } else if (kind < 0.95) {
        player.address = `${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.${1 + int(250)}`;
        identifiers.push({ banId: id, kind: "ip", value: player.address });
      } else if (kind < 0.99) {
        identifiers.push({
          banId: id,
          kind: "cidr",
          value: `${100 + (i % 100)}.${(i >> 8) & 255}.${i & 255}.0/24`,
        });
        player.address = `${100 + (i % 100)}.${(i >> 8) & 255}.${i & 255}.77:27005`;
      } else {
        player.name = `evil player ${i}`;
        identifiers.push({ banId: id, kind: "name", value: player.name });
      }
      if (fate >= 0.3 && !revoked && scope === "all" && banned.length < 5_000) banned.push(player);
    }
    await db.ban.createMany({ data: bans });
    await db.banIdentifier.createMany({ data: identifiers });
    if (scoped.length) await db.banServer.createMany({ data: scoped });
  }
  return { servers, banned };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function run(
  label: string,
  make: () => Promise<TestDatabase>,
  count: number,
  joins: number,
): Promise<void> {
  const t = await make();
  try {
    const now = Date.now();
    const seedStart = performance.now();
    const { servers, banned } = await seed(t.db, count, now);
    console.log(
      `${label}: ${count.toLocaleString("en")} bans stored in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    const random = prng(7);
    const players: PlayerIdentities[] = [];
    for (let i = 0; i < joins; i++) {
      if (i % 2 === 0) players.push(banned[Math.floor(random() * banned.length)]!);
      else
        players.push({
          guid: null,
          steamId: (STEAM_BASE + BigInt(900_000_000 + i)).toString(),
          address: `192.0.2.${i % 250}:27005`,
          name: `Clean ${i}`,
        });
    }
    const samples: number[] = [];
    let hits = 0;
    for (let i = 0; i < 50; i++)
      await findActiveBansFor(t.db, servers[0]!, lookupKeys(players[i]!), new Date(now)); // warm-up
    // With NODE_OPTIONS=--expose-gc the figures exclude the seeding's garbage.
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage();
    for (const [i, player] of players.entries()) {
      const keys = lookupKeys(player);
      const start = performance.now();
      const found = await findActiveBansFor(t.db, servers[i % servers.length]!, keys, new Date(now));
      samples.push(performance.now() - start);
      if (found.length > 0) hits++;
    }
    samples.sort((a, b) => a - b);
    (globalThis as { gc?: () => void }).gc?.();
    const after = process.memoryUsage();
    console.log(
      `${label}: join check over ${joins.toLocaleString("en")} joins (${hits} banned): p50 ${percentile(samples, 0.5).toFixed(2)} ms, p99 ${percentile(samples, 0.99).toFixed(2)} ms, max ${samples[samples.length - 1]!.toFixed(2)} ms`,
    );
    console.log(
      `${label}: memory after the checks: RSS ${(after.rss / 2 ** 20).toFixed(0)} MB, heap ${(after.heapUsed / 2 ** 20).toFixed(0)} MB (before them: RSS ${(before.rss / 2 ** 20).toFixed(0)} MB, heap ${(before.heapUsed / 2 ** 20).toFixed(0)} MB)`,
    );
    const actor = {
      id: "bench",
      email: "bench@example.com",
      name: "Bench",
      role: "OWNER" as const,
      serverIds: null,
    };
    for (const [what, input] of [
      ["first page, no filter", {}],
      ["active only", { state: "active" as const }],
      ["search by reason text", { search: "reason 4242" }],
      ["search by SteamID", { search: (STEAM_BASE + 1_000_123n).toString() }],
    ] as const) {
      const start = performance.now();
      await listBans({ db: t.db, actor, ip: null }, input, new Date(now));
      console.log(`${label}: list ${what}: ${(performance.now() - start).toFixed(1)} ms`);
    }
  } finally {
    await t.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      bans: { type: "string", default: "100000" },
      joins: { type: "string", default: "5000" },
      only: { type: "string" },
    },
  });
  const count = Number(values.bans);
  const joins = Number(values.joins);
  if (values.only !== "postgresql") await run("sqlite", createSqliteTestDatabase, count, joins);
  if (values.only !== "sqlite") await run("postgresql", createPostgresTestDatabase, count, joins);
}
