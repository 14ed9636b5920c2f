/**
 * Player-count charts on SQLite and PostgreSQL, with real sample rows: samples on both sides of
 * bucket edges land in the right bucket (peak, average, the latest map), the range's own edges,
 * a month of 10 s samples comes back as a few hundred points, and the refusals: a Viewer limited
 * to server A gets neither B's series nor B in the overview, an unknown range is refused before any
 * query with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { MAX_POINTS } from "../../lib/schemas/player-counts.ts";
import { createActor } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import type { DataContext } from "./context.ts";
import { recordPlayerCountSample } from "./history.ts";
import { OVERVIEW_SERIES, overviewPlayerCounts, serverPlayerCounts } from "./player-counts.ts";

// A whole day since the epoch: day buckets (5 min) start at NOW - k * 300 s.
const NOW = new Date(Date.UTC(2031, 4, 10, 12, 0, 0));
const at = (secondsBeforeNow: number, ms = 0) => new Date(NOW.getTime() - secondsBeforeNow * 1000 + ms);

describe.each(DATABASE_KINDS)("player-count charts on $kind", ({ create }) => {
  let t: TestDatabase;
  let a: string, b: string;
  let owner: Actor, viewerA: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const denied = (actor: Actor) =>
    t.db.auditEvent.count({
      where: { actorId: actor.id, action: "server.player_counts", outcome: "denied" },
    });

  beforeAll(async () => {
    t = await create();
    a = await createUnreadableServer(t.db, "Alpha");
    b = await createUnreadableServer(t.db, "Bravo");
    owner = await createActor(t.db, "OWNER", null);
    viewerA = await createActor(t.db, "VIEWER", [a]);
    // Server A, the bucket [NOW-600 s, NOW-300 s) and its neighbours:
    await recordPlayerCountSample(t.db, a, 4, at(600), "de_dust2"); // first instant of the bucket
    await recordPlayerCountSample(t.db, a, 10, at(450), "de_nuke");
    await recordPlayerCountSample(t.db, a, 7, at(300, -1), null); // last millisecond: same bucket, no map
    await recordPlayerCountSample(t.db, a, 1, at(300)); // first instant of the next bucket
    await recordPlayerCountSample(t.db, a, 2, at(600, -1), "cs_office"); // last instant of the one before
    // The range's own edges (a day): exactly 24 h old is in, older is out, later than now is out.
    await recordPlayerCountSample(t.db, a, 30, at(86_400));
    await recordPlayerCountSample(t.db, a, 99, at(86_400, -1));
    await recordPlayerCountSample(t.db, a, 98, at(0, 1));
    await recordPlayerCountSample(t.db, b, 50, at(900), "ctf_2fort");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("buckets samples at the edges: peak, average, sample count and the bucket's latest known map", async () => {
    const chart = await serverPlayerCounts(ctx(viewerA), a, "day", NOW);
    expect(chart).toMatchObject({ range: "day", bucketSeconds: 300, serversWithSamples: 1 });
    const [series] = chart.series;
    const byAt = new Map(series?.points.map((p) => [p.at, p]));
    expect(byAt.get(at(600).toISOString())).toEqual({
      at: at(600).toISOString(),
      peak: 10,
      average: 7,
      samples: 3,
      map: "de_nuke", // the 7 at the bucket's end had no map: the latest known one is shown
    });
    expect(byAt.get(at(300).toISOString())).toMatchObject({ peak: 1, samples: 1, map: null });
    expect(byAt.get(at(900).toISOString())).toMatchObject({ peak: 2, samples: 1, map: "cs_office" });
    // 24 h old is the first bucket; 99 (older) and 98 (after now) are not in the range.
    expect(series?.points[0]).toMatchObject({ at: at(86_400).toISOString(), peak: 30 });
    expect(series?.points).toHaveLength(4);
    expect(series).toMatchObject({ serverId: a, name: "Alpha", peak: 30 });
    expect(series?.average).toBe(Math.round(((4 + 10 + 7 + 1 + 2 + 30) / 6) * 10) / 10);
  });

  it("a Viewer limited to A cannot read B's series (refused, audited), nor see B in the overview", async () => {
    const before = await denied(viewerA);
    await expect(serverPlayerCounts(ctx(viewerA), b, "day", NOW)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await denied(viewerA)).toBe(before + 1);
    const overview = await overviewPlayerCounts(ctx(viewerA), "day", NOW);
    expect(overview.series.map((s) => s.serverId)).toEqual([a]);
    expect(overview.serversWithSamples).toBe(1);
    // The Owner sees both, busiest (by peak in the range) first.
    const all = await overviewPlayerCounts(ctx(owner), "day", NOW);
    expect(all.series.map((s) => s.name)).toEqual(["Bravo", "Alpha"]);
  });

  it("a per-server role without server.view takes that server out of the overview", async () => {
    const noViewOnB: Actor = {
      ...(await createActor(t.db, "VIEWER", null)),
      serverRoles: { [b]: { id: "no-view", name: "No view", permissions: [] } },
    };
    const overview = await overviewPlayerCounts(ctx(noViewOnB), "week", NOW);
    expect(overview.series.map((s) => s.serverId)).toEqual([a]);
    await expect(serverPlayerCounts(ctx(noViewOnB), b, "week", NOW)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("refuses an unknown range with a clear message before touching the data", async () => {
    const before = await denied(viewerA);
    await expect(serverPlayerCounts(ctx(viewerA), b, "year", NOW)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: 'Unknown range "year": choose day, week or month.',
    });
    await expect(overviewPlayerCounts(ctx(owner), undefined, NOW)).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await denied(viewerA)).toBe(before); // refused as input, not probed as a permission
  });

  it("an unknown server is NOT_FOUND for the Owner", async () => {
    await expect(serverPlayerCounts(ctx(owner), "nope", "day", NOW)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it(
    "a month of 10 s samples comes back as at most MAX_POINTS buckets per series",
    { timeout: 120_000 },
    async () => {
      const c = await createUnreadableServer(t.db, "Charlie");
      // Generated by the database itself (259,201 rows through the client would take minutes).
      const from = (NOW.getTime() - 30 * 86_400_000) / 1000;
      const to = NOW.getTime() / 1000;
      if (t.kind === "postgresql")
        await t.db.$executeRaw`INSERT INTO "PlayerCountSample" ("serverId", "count", "map", "createdAt")
        SELECT ${c}, (extract(epoch from g)::bigint / 10) % 13, 'de_inferno', g
        FROM generate_series(to_timestamp(${from}) AT TIME ZONE 'UTC', to_timestamp(${to}) AT TIME ZONE 'UTC',
          interval '10 seconds') g`;
      else
        await t.db
          .$executeRaw`WITH RECURSIVE g(s) AS (SELECT ${from} UNION ALL SELECT s + 10 FROM g WHERE s + 10 <= ${to})
        INSERT INTO "PlayerCountSample" ("serverId", "count", "map", "createdAt")
        SELECT ${c}, (s / 10) % 13, 'de_inferno', strftime('%Y-%m-%dT%H:%M:%f', s, 'unixepoch') || '+00:00' FROM g`;
      const rows = await t.db.playerCountSample.count({ where: { serverId: c } });
      expect(rows).toBe(30 * 8_640 + 1);
      const month = await serverPlayerCounts(ctx(owner), c, "month", NOW);
      const points = month.series[0]?.points ?? [];
      expect(points.length).toBeLessThanOrEqual(MAX_POINTS);
      expect(points.length).toBe(361); // 360 two-hour buckets, plus the one NOW itself opens
      expect(points.reduce((n, p) => n + p.samples, 0)).toBe(rows);
      expect(month.series[0]?.peak).toBe(12);
      const week = await serverPlayerCounts(ctx(owner), c, "week", NOW);
      expect(week.series[0]?.points.length).toBe(337);
      const overview = await overviewPlayerCounts(ctx(owner), "month", NOW);
      expect(overview.series.length).toBeLessThanOrEqual(OVERVIEW_SERIES);
      expect(overview.series.every((s) => s.points.length <= MAX_POINTS)).toBe(true);
    },
  );
});
