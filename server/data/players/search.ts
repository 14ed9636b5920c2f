/**
 * Player search (the Players page, GET /api/players) and the "Online now" list.
 *
 * Search reads Player, PlayerIdentity and PlayerServer only, never PlayerSession (a million stays):
 * - empty query: recently seen players (the Player.lastSeenAt index);
 * - an identifier (SteamID in any notation, address, 32-hex GUID, Minecraft UUID, CoD GUID), for
 *   actors with players.identities only: exact PlayerIdentity (kind, value) lookups. If nothing
 *   has it, the query is searched as a name (a name may look like a CoD GUID: "1337").
 *   Others never get identifier matches, so a result cannot tell them whether one exists;
 * - otherwise a name, by its search key (lib/players/search-key.ts) against "name" identities:
 *   prefix matches first (a range on the (kind, value) index), then, while the page is not full,
 *   substring matches. A substring cannot use an index: counting its matches reads every name
 *   identity once per page when it is rare (about 270,000 index entries in the 200,000-player
 *   benchmark); a common one stops counting early. It only runs when prefix matches do not fill
 *   the page. How each phase reads its players (an ordered join, or a newest-first walk) depends on
 *   how many identities match: see ORDERED_MAX.
 * Players are grouped (one row each), merged players are skipped, newest lastSeenAt first, paged by
 * an opaque keyset cursor that also remembers the phase (prefix, then substring).
 */
import { z } from "zod";
import {
  addressOfEndpoint,
  formatAddress,
  parseIdentifier,
  type Identifier,
} from "../../../lib/bans/identifiers.ts";
import { AppError } from "../../../lib/errors.ts";
import { can, limitedServerIds, type Actor } from "../../../lib/permissions.ts";
import { nameSearchKey } from "../../../lib/players/search-key.ts";
import type { PlayerView } from "../../../lib/realtime/contract.ts";
import { playerSearchSchema, type PlayerSearchInput } from "../../../lib/schemas/player-search.ts";
import { Prisma } from "../../../prisma/generated/sqlite/client.ts";
import type { Db } from "../../db/client.ts";
import { requirePermission, type DataContext } from "../context.ts";
import { serverIdInSql, serverIdScope, serverRowScope } from "../scope.ts";
import type { OnlinePlayerRow, PlayerSearchPage, PlayerSearchResult } from "./types.ts";

type PlayerWhere = NonNullable<NonNullable<Parameters<Db["player"]["findMany"]>[0]>["where"]>;
type IdentityWhere = NonNullable<NonNullable<Parameters<Db["playerIdentity"]["findMany"]>[0]>["where"]>;

/** What the hub holds per server (runtime.hub.players): the live list, with `record` once linked. */
export type PlayerLists = (serverId: string) => readonly PlayerView[];

/**
 * The highest code point: `key <= value < key + MAX` is exactly "starts with key" under a
 * code-point (byte) collation (SQLite's BINARY, PostgreSQL "C"), and `startsWith` re-checks it
 * where a database's collation orders differently.
 */
const MAX_CHAR = "\u{10FFFF}";

type Phase = "recent" | "id" | "prefix" | "contains";

/** A position in one phase: after (t = lastSeenAt ms, i = id), or the phase's start when absent. */
const cursorSchema = z
  .object({
    p: z.enum(["recent", "id", "prefix", "contains"]),
    t: z.number().int().optional(),
    i: z.string().min(1).max(64).optional(),
  })
  .refine((c) => (c.t === undefined) === (c.i === undefined));
type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(text: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    throw new AppError("INVALID_INPUT", "That page link is not valid.", {
      after: ["That page link is not valid."],
    });
  }
}

/** Players a limited actor may find: those seen on one of its servers. */
export function playerScopeWhere(actor: Actor): PlayerWhere {
  const limit = limitedServerIds(actor);
  return limit === null ? {} : { servers: { some: serverIdScope(actor) ?? {} } };
}

/** The identifiers a typed query stands for (several kinds share shapes: 32 hex digits). */
export function identifierCandidates(q: string): Identifier[] {
  const out: Identifier[] = [];
  const add = (id: Identifier) => {
    if (!out.some((o) => o.kind === id.kind && o.value === id.value)) out.push(id);
  };
  for (const kind of ["steam", "ip", "battleye", "eos", "mc_uuid", "cod_guid"] as const) {
    const result = parseIdentifier(kind, q);
    // An address range is no player's identity.
    if (result.ok && result.identifier.kind !== "cidr") add(result.identifier);
  }
  const endpoint = addressOfEndpoint(q); // "203.0.113.7:27005" as a status line shows it
  if (endpoint) add({ kind: "ip", value: formatAddress(endpoint) });
  return out;
}

/**
 * LIKE wildcards and PostgreSQL's escape character in a key: Prisma's startsWith/contains pass
 * them through unescaped, so the walk matches such keys by their plain fragments (a superset) and
 * checks them exactly here. The ordered join escapes them in SQL.
 */
const LIKE_SPECIAL = /[%_\\]/;

function prefixWhere(key: string): IdentityWhere {
  const range = { gte: key, lt: key + MAX_CHAR };
  return { kind: "name", value: LIKE_SPECIAL.test(key) ? range : { ...range, startsWith: key } };
}

function containsWhere(key: string): IdentityWhere {
  if (!LIKE_SPECIAL.test(key)) return { kind: "name", value: { contains: key } };
  const fragments = key.split(/[%_\\]+/).filter((f) => f.length > 0);
  return { kind: "name", AND: fragments.map((f) => ({ value: { contains: f } })) };
}

function afterWhere(cursor: Cursor | null): PlayerWhere {
  if (!cursor || cursor.t === undefined || cursor.i === undefined) return {};
  const at = new Date(cursor.t);
  // The bare `lte` bound lets the lastSeenAt index start at the cursor (an OR alone does not).
  return { lastSeenAt: { lte: at }, OR: [{ lastSeenAt: { lt: at } }, { id: { lt: cursor.i } }] };
}

const resultSelect = {
  id: true,
  lastName: true,
  lastNameKey: true,
  firstSeenAt: true,
  lastSeenAt: true,
  watchReason: true,
} as const;

const checkedSelect = {
  ...resultSelect,
  identities: { where: { kind: "name" }, select: { value: true } },
} as const;

/** Rows read per query while a phase's rows need an exact check (keys with LIKE wildcards). */
const CHECKED_BATCH = 200;

interface PhasePlan {
  phase: Phase;
  /** Prisma filter on players beyond the identities (the walk). */
  where: PlayerWhere;
  /** The identities that make a player match, for the walk (none: every player). */
  identities?: IdentityWhere;
  /** The same identities as SQL on `i` (PlayerIdentity), exact, for the ordered join. */
  sql?: Prisma.Sql;
  /** SQL on `p` (Player) beyond the identities. */
  sqlPlayer?: Prisma.Sql;
  /** The exact test for rows the walk matched as a superset. */
  check?: (names: readonly string[]) => boolean;
}

/**
 * How a phase's players are found, by how many identities match (counted on the (kind, value)
 * index, up to ORDERED_MAX). Up to ORDERED_MAX: one join from those identities to their players,
 * sorted newest first (the database sorts at most that many rows). More: walk the players newest
 * first (the lastSeenAt index) testing each, which fills a page quickly exactly because matches
 * are that common. So no query grows with the table for a name, except the substring count, which
 * reads the name identities once when the substring is rare (see the top of this file).
 */
export const ORDERED_MAX = 2_000;

/** Tests and the benchmark set the threshold to exercise both strategies. */
export interface SearchTuning {
  orderedMax?: number;
}

type Strategy = { kind: "none" } | { kind: "ordered" } | { kind: "walk" };

async function strategyOf(ctx: DataContext, plan: PhasePlan, orderedMax: number): Promise<Strategy> {
  if (!plan.sql) return { kind: "walk" };
  const [row] = await ctx.db.$queryRaw<{ n: number | bigint }[]>`
    SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "PlayerIdentity" i WHERE ${plan.sql} LIMIT ${orderedMax + 1}) c`;
  const n = Number(row?.n ?? 0);
  return n === 0 ? { kind: "none" } : n <= orderedMax ? { kind: "ordered" } : { kind: "walk" };
}

function scopeSql(actor: Actor): Prisma.Sql {
  const limit = limitedServerIds(actor);
  if (limit === null) return Prisma.empty;
  if (limit.length === 0) return Prisma.sql`AND 1 = 0`;
  return Prisma.sql`AND EXISTS (SELECT 1 FROM "PlayerServer" s WHERE s."playerId" = p."id" AND ${serverIdInSql(actor, Prisma.sql`s."serverId"`, limit)})`;
}

function afterSql(cursor: Cursor | null): Prisma.Sql {
  if (!cursor || cursor.t === undefined || cursor.i === undefined) return Prisma.empty;
  const at = new Date(cursor.t);
  return Prisma.sql`AND p."lastSeenAt" <= ${at} AND (p."lastSeenAt" < ${at} OR p."id" < ${cursor.i})`;
}

/** One page of a phase's players, newest first, after `position`. */
async function readPhase(
  ctx: DataContext,
  plan: PhasePlan,
  strategy: Strategy,
  base: PlayerWhere[],
  position: Cursor | null,
  take: number,
): Promise<(SearchRow & { identities?: { value: string }[] })[]> {
  if (strategy.kind === "ordered") {
    // CROSS JOIN keeps SQLite from walking every player instead; GROUP BY: one row per player.
    const ids = await ctx.db.$queryRaw<{ id: string }[]>`
      SELECT p."id" AS "id" FROM "PlayerIdentity" i CROSS JOIN "Player" p
      WHERE p."id" = i."playerId" AND (${plan.sql!}) AND p."mergedIntoId" IS NULL AND p."erasedAt" IS NULL
        ${scopeSql(ctx.actor)} ${plan.sqlPlayer ?? Prisma.empty} ${afterSql(position)}
      GROUP BY p."id", p."lastSeenAt"
      ORDER BY p."lastSeenAt" DESC, p."id" DESC
      LIMIT ${take}`;
    if (ids.length === 0) return [];
    const rows = await ctx.db.player.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      select: resultSelect,
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((r) => byId.get(r.id)).filter((r) => r !== undefined);
  }
  const identities = plan.identities ? { identities: { some: plan.identities } } : {};
  const query = {
    where: { AND: [...base, plan.where, identities, afterWhere(position)] },
    orderBy: [{ lastSeenAt: "desc" as const }, { id: "desc" as const }],
    take,
  };
  return plan.check
    ? await ctx.db.player.findMany({ ...query, select: checkedSelect })
    : await ctx.db.player.findMany({ ...query, select: resultSelect });
}

function likeContains(key: string): string {
  return `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function namePhases(key: string): PhasePlan[] {
  const upper = key + MAX_CHAR;
  return [
    {
      phase: "prefix",
      where: {},
      identities: prefixWhere(key),
      sql: Prisma.sql`i."kind" = 'name' AND i."value" >= ${key} AND i."value" < ${upper}`,
    },
    {
      phase: "contains",
      where: { NOT: { identities: { some: prefixWhere(key) } } },
      identities: containsWhere(key),
      sql: Prisma.sql`i."kind" = 'name' AND i."value" LIKE ${likeContains(key)} ESCAPE '\\'`,
      sqlPlayer: Prisma.sql`AND NOT EXISTS (SELECT 1 FROM "PlayerIdentity" x WHERE x."playerId" = p."id" AND x."kind" = 'name' AND x."value" >= ${key} AND x."value" < ${upper})`,
      ...(LIKE_SPECIAL.test(key)
        ? { check: (names: readonly string[]) => names.some((n) => n.includes(key)) }
        : {}),
    },
  ];
}

export async function searchPlayers(
  ctx: DataContext,
  raw: PlayerSearchInput,
  lists?: PlayerLists,
  tuning: SearchTuning = {},
): Promise<PlayerSearchPage> {
  await requirePermission(ctx, "players.view", "player.search");
  const parsed = playerSearchSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError("INVALID_INPUT", "Check the search.", z.flattenError(parsed.error).fieldErrors);
  const { q, limit } = parsed.data;
  const cursor = parsed.data.after ? decodeCursor(parsed.data.after) : null;
  const key = nameSearchKey(q);
  const base: PlayerWhere[] = [{ mergedIntoId: null, erasedAt: null }, playerScopeWhere(ctx.actor)];

  const run = async (phases: PhasePlan[], from: Cursor | null) => {
    const start = from ? phases.findIndex((p) => p.phase === from.p) : 0;
    if (start < 0)
      throw new AppError("INVALID_INPUT", "That page link is not valid.", {
        after: ["That page link is not valid."],
      });
    const found: { phase: Phase; row: SearchRow }[] = [];
    let next: string | null = null;
    for (let i = start; i < phases.length && next === null; i++) {
      const plan = phases[i]!;
      const strategy = await strategyOf(ctx, plan, tuning.orderedMax ?? ORDERED_MAX);
      if (strategy.kind === "none") continue;
      const check = strategy.kind === "walk" ? plan.check : undefined;
      let position = i === start ? from : null;
      let lastOfPhase: SearchRow | null = null;
      for (;;) {
        const take = check ? CHECKED_BATCH : limit - found.length + 1;
        const rows = await readPhase(ctx, plan, strategy, base, position, take);
        for (const row of rows) {
          position = { p: plan.phase, t: row.lastSeenAt.getTime(), i: row.id };
          if (check && !check((row.identities ?? []).map((n) => n.value))) continue;
          if (found.length === limit) {
            // One more row exists: the next page starts after the last one shown (or at this phase's start).
            next = encodeCursor(
              lastOfPhase
                ? { p: plan.phase, t: lastOfPhase.lastSeenAt.getTime(), i: lastOfPhase.id }
                : { p: plan.phase },
            );
            break;
          }
          found.push({ phase: plan.phase, row });
          lastOfPhase = row;
        }
        if (next !== null || rows.length < take) break;
      }
    }
    return { found, next };
  };

  let page: Awaited<ReturnType<typeof run>>;
  if (key === "") {
    page = await run([{ phase: "recent", where: {} }], cursor);
  } else {
    const ids = can(ctx.actor, "players.identities") ? identifierCandidates(q) : [];
    // The identifier phase wins when it finds anyone; else (and for everyone else) it is a name.
    page = { found: [], next: null };
    if (ids.length > 0 && (cursor === null || cursor.p === "id"))
      page = await run(
        [
          {
            phase: "id",
            where: {},
            identities: { OR: ids.map((id) => ({ kind: id.kind, value: id.value })) },
            sql: Prisma.join(
              ids.map((id) => Prisma.sql`(i."kind" = ${id.kind} AND i."value" = ${id.value})`),
              " OR ",
            ),
          },
        ],
        cursor,
      );
    if (page.found.length === 0 && (cursor === null || cursor.p !== "id"))
      page = await run(namePhases(key), cursor);
  }
  return { results: await toResults(ctx, page.found, key, lists), next: page.next };
}

type SearchRow = {
  id: string;
  lastName: string;
  lastNameKey: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  watchReason: string | null;
};

async function toResults(
  ctx: DataContext,
  found: { phase: Phase; row: SearchRow }[],
  key: string,
  lists: PlayerLists | undefined,
): Promise<PlayerSearchResult[]> {
  if (found.length === 0) return [];
  const ids = found.map((f) => f.row.id);
  const limit = limitedServerIds(ctx.actor);
  // The last server the actor may see (a limited actor never learns another server's name).
  const seen = await ctx.db.playerServer.findMany({
    where: { playerId: { in: ids }, ...(limit === null ? {} : serverIdScope(ctx.actor)) },
    select: { playerId: true, lastSeenAt: true, server: { select: { id: true, name: true } } },
  });
  const lastServer = new Map<string, { at: number; name: string }>();
  for (const s of seen) {
    const current = lastServer.get(s.playerId);
    if (!current || s.lastSeenAt.getTime() > current.at)
      lastServer.set(s.playerId, { at: s.lastSeenAt.getTime(), name: s.server.name });
  }
  const nameMatched = found.filter(
    (f) =>
      (f.phase === "prefix" && !f.row.lastNameKey.startsWith(key)) ||
      (f.phase === "contains" && !f.row.lastNameKey.includes(key)),
  );
  const matchedNames = new Map<string, string>();
  if (nameMatched.length > 0) {
    const names = await ctx.db.playerIdentity.findMany({
      where: { playerId: { in: nameMatched.map((f) => f.row.id) }, kind: "name" },
      select: { playerId: true, value: true, display: true },
      orderBy: { lastSeenAt: "desc" },
    });
    const prefixOnly = new Set(nameMatched.filter((f) => f.phase === "prefix").map((f) => f.row.id));
    for (const n of names) {
      const matches = prefixOnly.has(n.playerId) ? n.value.startsWith(key) : n.value.includes(key);
      if (matchedNames.has(n.playerId) || !matches) continue;
      matchedNames.set(n.playerId, n.display ?? n.value);
    }
  }
  const online = lists ? await onlineRecordIds(ctx, lists) : new Set<string>();
  // Counted for this page only (a relation count would group the whole notes table).
  const noteCounts = await ctx.db.playerNote.groupBy({
    by: ["playerId"],
    where: { playerId: { in: ids } },
    _count: { _all: true },
  });
  const notes = new Map(noteCounts.map((n) => [n.playerId, n._count._all]));
  return found.map(({ phase, row }) => ({
    playerId: row.id,
    name: row.lastName,
    matchedName: matchedNames.get(row.id) ?? null,
    matchedBy: phase === "id" ? "identifier" : "name",
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    lastServerName: lastServer.get(row.id)?.name ?? null,
    online: online.has(row.id),
    watch: row.watchReason,
    notes: notes.get(row.id) ?? 0,
  }));
}

/** The servers whose live players `actor` may see, with their names. */
async function visibleServers(ctx: DataContext): Promise<{ id: string; name: string }[]> {
  const limit = limitedServerIds(ctx.actor);
  const servers = await ctx.db.server.findMany({
    where: limit === null ? {} : (serverRowScope(ctx.actor) ?? {}),
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  return servers.filter((s) => can(ctx.actor, "players.view", s.id));
}

async function onlineRecordIds(ctx: DataContext, lists: PlayerLists): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const server of await visibleServers(ctx))
    for (const p of lists(server.id)) if (p.record) ids.add(p.record.playerId);
  return ids;
}

/**
 * "Online now" across every server the actor may see: names and record badges only (never an
 * identity, whatever the lists hold), bots left out, by server name then player name.
 */
export async function listOnlinePlayers(ctx: DataContext, lists: PlayerLists): Promise<OnlinePlayerRow[]> {
  await requirePermission(ctx, "players.view", "player.online");
  const rows: OnlinePlayerRow[] = [];
  for (const server of await visibleServers(ctx)) {
    const players = lists(server.id)
      .filter((p) => !p.isBot)
      .sort((a, b) => a.plainName.localeCompare(b.plainName, undefined, { sensitivity: "base" }));
    for (const p of players)
      rows.push({
        playerId: p.record?.playerId ?? null,
        serverId: server.id,
        serverName: server.name,
        name: p.name,
        connectedSince: p.connectedSince,
        watch: p.record?.watch ?? null,
        notes: p.record?.notes ?? 0,
      });
  }
  return rows;
}
