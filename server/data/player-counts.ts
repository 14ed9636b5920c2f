/**
 * Player-count charts (server page, overview): the stored samples (PlayerCountSample, written by
 * server/hub/stay-writer.ts) downsampled in the database. Samples are grouped into fixed buckets
 * (lib/schemas/player-counts.ts: 5 min for a day, 30 min for a week, 2 h for a month), each giving its
 * peak, average and sample count, and the map of its latest sample that had one; so a month of
 * 10 s samples is at most a few hundred points per series, never the raw rows.
 */
import { AppError } from "../../lib/errors.ts";
import { can, limitedServerIds } from "../../lib/permissions.ts";
import {
  playerCountRangeSchema,
  RANGE_SPANS,
  type PlayerCountRange,
} from "../../lib/schemas/player-counts.ts";
import { Prisma } from "../../prisma/generated/sqlite/client.ts";
import { providerOf, type Db } from "../db/client.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { serverIdInSql } from "./scope.ts";

/** The overview draws the busiest servers (by peak in the range) only: more lines would be unreadable. */
export const OVERVIEW_SERIES = 8;

export interface PlayerCountPoint {
  /** Start of the bucket (ISO). */
  at: string;
  peak: number;
  average: number;
  samples: number;
  map: string | null;
}

export interface PlayerCountSeries {
  serverId: string;
  name: string;
  points: PlayerCountPoint[];
  /** Over the whole range; null without samples. */
  peak: number | null;
  average: number | null;
}

export interface PlayerCountChart {
  range: PlayerCountRange;
  from: string;
  to: string;
  bucketSeconds: number;
  series: PlayerCountSeries[];
  /** Servers the actor sees that have samples in the range (the overview may draw fewer). */
  serversWithSamples: number;
}

function parseRange(raw: unknown): PlayerCountRange {
  const parsed = playerCountRangeSchema.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "Choose day, week or month.";
    throw new AppError("INVALID_INPUT", message, { range: [message] });
  }
  return parsed.data;
}

/** One server's series for `range` ending at `now`; server.view on that server. */
export async function serverPlayerCounts(
  ctx: DataContext,
  serverId: string,
  rawRange: unknown,
  now: Date,
): Promise<PlayerCountChart> {
  const range = parseRange(rawRange);
  await requirePermission(ctx, "server.view", "server.player_counts", serverId);
  const server = await ctx.db.server.findUnique({ where: { id: serverId }, select: { name: true } });
  if (!server) throw new AppError("NOT_FOUND", "That server does not exist.");
  const window = windowOf(range, now);
  const points = await bucketed(ctx.db, [serverId], window);
  const series = toSeries(serverId, server.name, points.get(serverId) ?? []);
  return chart(range, window, [series], series.points.length > 0 ? 1 : 0);
}

/** The busiest OVERVIEW_SERIES servers the actor sees (server.view on each), one series each. */
export async function overviewPlayerCounts(
  ctx: DataContext,
  rawRange: unknown,
  now: Date,
): Promise<PlayerCountChart> {
  const range = parseRange(rawRange);
  await requirePermission(ctx, "server.view", "server.player_counts");
  const window = windowOf(range, now);
  const limit = limitedServerIds(ctx.actor);
  const scope = limit === null ? Prisma.sql`1 = 1` : serverIdInSql(ctx.actor, Prisma.sql`"serverId"`, limit);
  // One row per server with samples (bounded by servers, not samples); can() per server after,
  // since a per-server role may take server.view away where the main role gives it.
  const ranked = await ctx.db.$queryRaw<{ serverId: string; peak: number | bigint }[]>`
    SELECT "serverId", MAX("count") AS "peak" FROM "PlayerCountSample"
    WHERE ${scope} AND "createdAt" >= ${window.from} AND "createdAt" <= ${window.to}
    GROUP BY "serverId"`;
  const visible = ranked
    .filter((r) => can(ctx.actor, "server.view", r.serverId))
    .map((r) => ({ serverId: r.serverId, peak: Number(r.peak) }));
  // Busiest first; equal peaks by id, so the choice is stable between reloads.
  const top = visible
    .sort((a, b) => b.peak - a.peak || a.serverId.localeCompare(b.serverId))
    .slice(0, OVERVIEW_SERIES);
  const names = new Map(
    (
      await ctx.db.server.findMany({
        where: { id: { in: top.map((r) => r.serverId) } },
        select: { id: true, name: true },
      })
    ).map((s) => [s.id, s.name]),
  );
  const points = await bucketed(
    ctx.db,
    top.map((r) => r.serverId),
    window,
  );
  const series = top.map((r) =>
    toSeries(r.serverId, names.get(r.serverId) ?? "", points.get(r.serverId) ?? []),
  );
  return chart(range, window, series, visible.length);
}

interface Window {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

function windowOf(range: PlayerCountRange, now: Date): Window {
  const span = RANGE_SPANS[range];
  return { from: new Date(now.getTime() - span.spanMs), to: now, bucketSeconds: span.bucketSeconds };
}

function chart(
  range: PlayerCountRange,
  window: Window,
  series: PlayerCountSeries[],
  serversWithSamples: number,
): PlayerCountChart {
  return {
    range,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    bucketSeconds: window.bucketSeconds,
    series,
    serversWithSamples,
  };
}

function toSeries(serverId: string, name: string, points: PlayerCountPoint[]): PlayerCountSeries {
  let peak: number | null = null;
  let sum = 0;
  let samples = 0;
  for (const p of points) {
    peak = Math.max(peak ?? 0, p.peak);
    sum += p.average * p.samples;
    samples += p.samples;
  }
  return {
    serverId,
    name,
    points,
    peak,
    average: samples > 0 ? Math.round((sum / samples) * 10) / 10 : null,
  };
}

/**
 * The bucket of a sample: whole seconds since the epoch divided by the bucket width. Buckets
 * start on whole seconds, so the milliseconds never move a sample across an edge.
 */
function bucketOf(db: Db, bucketSeconds: number): Prisma.Sql {
  // A literal from RANGE_SPANS (never user input): a bound number could arrive as a REAL and
  // turn SQLite's integer division into a float one.
  const width = Prisma.raw(String(Math.trunc(bucketSeconds)));
  return providerOf(db) === "postgresql"
    ? Prisma.sql`(floor(extract(epoch from "createdAt") / ${width}))::bigint`
    : Prisma.sql`(CAST(strftime('%s', "createdAt") AS INTEGER) / ${width})`;
}

interface BucketRow {
  serverId: string;
  bucket: number | bigint;
  peak: number | bigint;
  average: number | string;
  samples: number | bigint;
  map: string | null;
}

/** Per server, its buckets in order; servers is a short list (one server, or the overview's few). */
async function bucketed(
  db: Db,
  serverIds: readonly string[],
  window: Window,
): Promise<Map<string, PlayerCountPoint[]>> {
  const out = new Map<string, PlayerCountPoint[]>();
  if (serverIds.length === 0) return out;
  const bucket = bucketOf(db, window.bucketSeconds);
  const avg = providerOf(db) === "postgresql" ? Prisma.sql`AVG("count")::float8` : Prisma.sql`AVG("count")`;
  // One pass over the index range; the map is then one index lookup per bucket (its latest sample
  // with a map). A window function joined back cost SQLite a scan per bucket (seconds for a month).
  const rows = await db.$queryRaw<BucketRow[]>`
    SELECT agg."serverId", agg."bucket", agg."peak", agg."average", agg."samples",
      (SELECT MAX(p."map") FROM "PlayerCountSample" p
        WHERE p."serverId" = agg."serverId" AND p."createdAt" = agg."mapAt" AND p."map" IS NOT NULL) AS "map"
    FROM (
      SELECT "serverId", ${bucket} AS "bucket", MAX("count") AS "peak", ${avg} AS "average",
        COUNT(*) AS "samples", MAX(CASE WHEN "map" IS NOT NULL THEN "createdAt" END) AS "mapAt"
      FROM "PlayerCountSample"
      WHERE "serverId" IN (${Prisma.join([...serverIds])})
        AND "createdAt" >= ${window.from} AND "createdAt" <= ${window.to}
      GROUP BY "serverId", "bucket"
    ) agg
    ORDER BY agg."serverId", agg."bucket"`;
  const widthMs = window.bucketSeconds * 1000;
  for (const r of rows) {
    const list = out.get(r.serverId) ?? [];
    list.push({
      at: new Date(Number(r.bucket) * widthMs).toISOString(),
      peak: Number(r.peak),
      average: Math.round(Number(r.average) * 10) / 10,
      samples: Number(r.samples),
      map: r.map,
    });
    out.set(r.serverId, list);
  }
  return out;
}
