/**
 * Player records at scale: 200,000 players and 1,000,000 stays (defaults) with their identities
 * (names with colour codes, accents, clan tags and shared common names; addresses; SteamIDs and
 * BattlEye GUIDs), seeded in chunks, then search p50/p95 (name prefix, name substring, identifier,
 * recently seen, a server-limited Moderator), profile load p95 through the data layer, and the
 * extra cost per join of linking a stay to its player.
 * `npm run bench -- players [--players N] [--stays N] [--queries N] [--db sqlite|postgresql|both]`
 * (SQLite in a temp dir by default; PostgreSQL on TEST_POSTGRES_URL like the tests).
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { prng } from "./support/prng.ts";
import { createUnreadableServer } from "../server/testing/hub.ts";
import type { Actor } from "../lib/permissions.ts";
import { nameSearchKey } from "../lib/players/search-key.ts";
import type { DataContext } from "../server/data/context.ts";
import { openPlayerSessions } from "../server/data/history.ts";
import { linkStays } from "../server/data/players/linking.ts";
import { getPlayerProfile } from "../server/data/players/profile.ts";
import { searchPlayers } from "../server/data/players/search.ts";
import type { Db } from "../server/db/client.ts";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  type TestDatabase,
} from "../server/testing/databases.ts";
import { bulkInserter } from "./support/bulk-insert.ts";
import { percentile } from "./support/stats.ts";

const STEAM_BASE = 76561197960265728n;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const BATCH = 2_000;

const COMMON_NAMES = [
  "Player",
  "Unknown Soldier",
  "Survivor",
  "New Player",
  "Noob",
  "Sniper",
  "John",
  "Alex",
  "Max",
  "Ghost",
];
const SYLLABLES = [
  "ka",
  "zo",
  "ri",
  "mor",
  "ën",
  "thal",
  "vex",
  "lu",
  "dra",
  "qui",
  "ø",
  "sen",
  "bar",
  "ix",
  "tor",
  "é",
  "nyx",
  "gal",
  "pha",
  "ur",
];
const TAGS = ["[TAG] ", "[ΩMEGA] ", "{KoS} ", "=ABC= ", "<3 "];

interface Seeded {
  servers: string[];
  players: number;
  /** Names as stored (plain), SteamIDs and addresses to search for. */
  names: string[];
  steamIds: string[];
  addresses: string[];
}

async function seed(t: TestDatabase, playerCount: number, stayCount: number, now: number): Promise<Seeded> {
  const db = t.db;
  const bulk = await bulkInserter(t);
  const random = prng(42);
  const int = (n: number) => Math.floor(random() * n);
  const servers: string[] = [];
  for (let i = 0; i < 20; i++)
    servers.push(
      await createUnreadableServer(db, `S${i}`, 2302 + i, { game: "arma3", protocol: "battleye" }),
    );
  const seeded: Seeded = { servers, players: playerCount, names: [], steamIds: [], addresses: [] };
  const makeName = (): { display: string; plain: string } => {
    if (random() < 0.08) {
      const plain = COMMON_NAMES[int(COMMON_NAMES.length)]!;
      return { display: plain, plain };
    }
    const parts = 2 + int(3);
    let plain = "";
    for (let i = 0; i < parts; i++) plain += SYLLABLES[int(SYLLABLES.length)]!;
    plain = plain[0]!.toUpperCase() + plain.slice(1) + (random() < 0.4 ? String(int(1000)) : "");
    if (random() < 0.15) plain = TAGS[int(TAGS.length)]! + plain;
    // A quarter are coloured the Quake way; the plain form is what search sees.
    const display =
      random() < 0.25
        ? plain.replace(/^(.)(.*)$/, (_, a: string, b: string) => `^${1 + int(8)}${a}^7${b}`)
        : plain;
    return { display, plain };
  };

  // Each player's servers, reused when its stays are written.
  const playerServers: number[][] = [];
  const lastSeen: number[] = [];
  for (let start = 0; start < playerCount; start += BATCH) {
    const players = [];
    const identities = [];
    const identityServers = [];
    const summaries = [];
    for (let p = start; p < Math.min(playerCount, start + BATCH); p++) {
      const id = `p${p}`;
      const seenAt = now - Math.floor(random() ** 2 * 60 * DAY);
      const firstAt = seenAt - int(90) * DAY;
      lastSeen[p] = seenAt;
      const count = 1 + (random() < 0.3 ? 1 : 0) + (random() < 0.1 ? 1 : 0);
      const own = new Set<number>();
      while (own.size < count) own.add(int(servers.length));
      playerServers[p] = [...own];
      const names = Array.from({ length: 1 + (random() < 0.4 ? 1 : 0) + (random() < 0.1 ? 1 : 0) }, makeName);
      const last = names[names.length - 1]!;
      players.push({
        id,
        lastName: last.display,
        lastNameKey: nameSearchKey(last.plain),
        firstSeenAt: new Date(firstAt),
        lastSeenAt: new Date(seenAt),
        lastServerId: servers[playerServers[p]![0]!]!,
        staysCount: 5,
        secondsPlayed: 5 * 1800,
        createdAt: new Date(firstAt),
        updatedAt: new Date(seenAt),
      });
      const ids: { kind: string; value: string; display: string | null }[] = [];
      for (const n of names)
        if (!ids.some((i) => i.kind === "name" && i.value === nameSearchKey(n.plain)))
          ids.push({ kind: "name", value: nameSearchKey(n.plain), display: n.display });
      if (random() < 0.6)
        ids.push({ kind: "steam", value: (STEAM_BASE + BigInt(1_000_000 + p)).toString(), display: null });
      else ids.push({ kind: "battleye", value: p.toString(16).padStart(32, "b"), display: null });
      // Addresses: some shared (a household, a NAT), most not.
      const ip =
        random() < 0.05
          ? `100.64.0.${int(200)}`
          : `${11 + (p >> 16)}.${(p >> 8) & 255}.${p & 255}.${1 + int(250)}`;
      ids.push({ kind: "ip", value: ip, display: null });
      if (p % 997 === 0) {
        seeded.names.push(names[0]!.plain);
        if (ids[ids.length - 2]!.kind === "steam") seeded.steamIds.push(ids[ids.length - 2]!.value);
        seeded.addresses.push(ip);
      }
      for (const [k, identity] of ids.entries()) {
        const identityId = `i${p}_${k}`;
        identities.push({
          id: identityId,
          playerId: id,
          originPlayerId: id,
          kind: identity.kind,
          value: identity.value,
          display: identity.display,
          firstSeenAt: new Date(firstAt),
          lastSeenAt: new Date(seenAt),
          timesSeen: 1 + int(20),
        });
        for (const s of playerServers[p]!)
          identityServers.push({
            identityId,
            serverId: servers[s]!,
            firstSeenAt: new Date(firstAt),
            lastSeenAt: new Date(seenAt),
          });
      }
      for (const s of playerServers[p]!)
        summaries.push({
          playerId: id,
          serverId: servers[s]!,
          firstSeenAt: new Date(firstAt),
          lastSeenAt: new Date(seenAt),
          staysCount: 3,
          secondsPlayed: 5400,
        });
    }
    await bulk.insert("Player", players);
    await bulk.insert("PlayerIdentity", identities);
    await bulk.insert("PlayerIdentityServer", identityServers);
    await bulk.insert("PlayerServer", summaries);
  }

  // Stays: a few players play a lot (index skewed towards 0), most come now and then.
  for (let start = 0; start < stayCount; start += BATCH) {
    const stays = [];
    for (let k = start; k < Math.min(stayCount, start + BATCH); k++) {
      const p = Math.floor(random() ** 3 * playerCount);
      const own = playerServers[p]!;
      const joinedAt = lastSeen[p]! - int(30 * DAY);
      const open = k % 2_000 === 0;
      stays.push({
        id: `s${k}`,
        serverId: servers[own[int(own.length)]!]!,
        gameId: String(int(100)),
        name: `Stay ${k}`,
        plainName: `Stay ${k}`,
        joinedAt: new Date(joinedAt),
        leftAt: open ? null : new Date(joinedAt + (5 + int(120)) * MINUTE),
        playerId: `p${p}`,
        originPlayerId: `p${p}`,
        createdAt: new Date(joinedAt),
        updatedAt: new Date(joinedAt),
      });
    }
    await bulk.insert("PlayerSession", stays);
  }
  await bulk.close();
  return seeded;
}

interface Bench {
  label: string;
  db: Db;
  seeded: Seeded;
  queries: number;
  now: Date;
}

function report(label: string, what: string, samples: number[], extra = ""): void {
  samples.sort((a, b) => a - b);
  console.log(
    `${label}: ${what} over ${samples.length}: p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms, max ${samples[samples.length - 1]!.toFixed(2)} ms${extra}`,
  );
}

async function timed<T>(samples: number[], work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await work();
  samples.push(performance.now() - start);
  return out;
}

const OWNER: Actor = {
  id: "bench-owner",
  email: "owner@example.com",
  name: "Bench",
  role: "OWNER",
  serverIds: null,
};

async function searchFigures(b: Bench): Promise<void> {
  const ctx: DataContext = { db: b.db, actor: OWNER, ip: null };
  const limited: DataContext = {
    db: b.db,
    actor: { ...OWNER, id: "bench-mod", role: "MODERATOR", serverIds: [b.seeded.servers[0]!] },
    ip: null,
  };
  const random = prng(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const n = b.queries;
  const runs: [string, DataContext, () => string][] = [
    ["name prefix (3-6 characters)", ctx, () => pick(b.seeded.names).slice(0, 3 + Math.floor(random() * 4))],
    // Inner fragments: few prefix matches, so the substring phase runs.
    [
      "name substring (inner 4 characters)",
      ctx,
      () => {
        const name = nameSearchKey(pick(b.seeded.names));
        const at = Math.max(1, Math.floor(name.length / 2) - 2);
        return name.slice(at, at + 4);
      },
    ],
    [
      "identifier (SteamID, address)",
      ctx,
      () => (random() < 0.5 ? pick(b.seeded.steamIds) : pick(b.seeded.addresses)),
    ],
    ["recently seen (empty query)", ctx, () => ""],
    ["name prefix, server-limited Moderator", limited, () => pick(b.seeded.names).slice(0, 4)],
  ];
  for (const [what, context, query] of runs) {
    const samples: number[] = [];
    let results = 0;
    for (let i = 0; i < n; i++) {
      const page = await timed(samples, () => searchPlayers(context, { q: query() }));
      results += page.results.length;
    }
    report(b.label, `search, ${what}`, samples, ` (${(results / n).toFixed(1)} results a page)`);
  }
  const paged: number[] = [];
  let page = await searchPlayers(ctx, { q: "a" });
  for (let i = 0; i < 20 && page.next; i++)
    page = await timed(paged, () => searchPlayers(ctx, { q: "a", after: page.next! }));
  if (paged.length > 0) report(b.label, 'search, next pages of "a"', paged);
}

async function profileFigures(b: Bench): Promise<void> {
  const ctx: DataContext = { db: b.db, actor: OWNER, ip: null };
  const random = prng(11);
  const samples: number[] = [];
  for (let i = 0; i < b.queries; i++) {
    // Half the heavy players (most stays), half anyone.
    const p =
      i % 2 === 0 ? Math.floor(random() ** 3 * b.seeded.players) : Math.floor(random() * b.seeded.players);
    await timed(samples, () => getPlayerProfile(ctx, `p${p}`, b.now));
  }
  report(b.label, "profile load", samples);
}

/**
 * The extra cost per join of linking: stays are opened as the hub opens them (openPlayerSessions),
 * then linked (linkStays), alone (one player joins) and in batches of 64 (a server comes online),
 * for returning players (a known SteamID) and new ones. The opening is timed too, for scale.
 */
async function linkFigures(b: Bench): Promise<void> {
  const random = prng(13);
  const game = { id: "tf2", family: "source", accounts: true };
  let fresh = 0;
  const stayOf = (returning: boolean) => {
    const steamId = returning
      ? b.seeded.steamIds[Math.floor(random() * b.seeded.steamIds.length)]!
      : (STEAM_BASE + 900_000_000n + BigInt(fresh++)).toString();
    const name = returning ? "Returning player" : `Newcomer ${fresh}`;
    return {
      serverId: b.seeded.servers[Math.floor(random() * b.seeded.servers.length)]!,
      gameId: String(Math.floor(random() * 100)),
      name,
      plainName: name,
      guid: null,
      steamId,
      address: `198.51.${Math.floor(random() * 250)}.${1 + Math.floor(random() * 250)}:27005`,
      joinedAt: b.now,
    };
  };
  for (const returning of [true, false])
    for (const size of [1, 64]) {
      const open: number[] = [];
      const link: number[] = [];
      const rounds = Math.max(5, Math.round(b.queries / size));
      for (let r = 0; r < rounds; r++) {
        const inputs = Array.from({ length: size }, () => stayOf(returning));
        const ids = await timed(open, () => openPlayerSessions(b.db, inputs));
        await timed(link, () =>
          linkStays(
            b.db,
            inputs.map((input, i) => ({ ...input, stayId: ids[i]!, game })),
            b.now,
          ),
        );
      }
      const perJoin = (samples: number[]) => samples.map((ms) => ms / size);
      const who = returning ? "returning players" : "new players";
      report(b.label, `linking per join (${who}, batches of ${size})`, perJoin(link));
      report(b.label, `opening the stay per join (${who}, batches of ${size}), for scale`, perJoin(open));
    }
}

/** Each figure is a function of the seeded database. */
const MEASUREMENTS: readonly ((b: Bench) => Promise<void>)[] = [searchFigures, profileFigures, linkFigures];

async function run(
  label: string,
  make: () => Promise<TestDatabase>,
  options: { players: number; stays: number; queries: number },
): Promise<void> {
  const t = await make();
  try {
    const now = Date.now();
    const start = performance.now();
    const seeded = await seed(t, options.players, options.stays, now);
    console.log(
      `${label}: ${options.players.toLocaleString("en")} players, ${options.stays.toLocaleString("en")} stays stored in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
    // Planner statistics, as a database that has been running a while has them.
    await t.db.$executeRawUnsafe("ANALYZE");
    const bench: Bench = { label, db: t.db, seeded, queries: options.queries, now: new Date(now) };
    // Warm-up: the first queries pay for preparing statements and filling caches.
    await searchPlayers({ db: t.db, actor: OWNER, ip: null }, { q: seeded.names[0]!.slice(0, 3) });
    for (const measure of MEASUREMENTS) await measure(bench);
  } finally {
    await t.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      players: { type: "string", default: "200000" },
      stays: { type: "string", default: "1000000" },
      queries: { type: "string", default: "300" },
      db: { type: "string", default: "sqlite" },
    },
  });
  const options = {
    players: Number(values.players),
    stays: Number(values.stays),
    queries: Number(values.queries),
  };
  if (values.db === "sqlite" || values.db === "both") await run("sqlite", createSqliteTestDatabase, options);
  if (values.db === "postgresql" || values.db === "both")
    await run("postgresql", createPostgresTestDatabase, options);
}
