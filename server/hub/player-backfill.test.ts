/**
 * The backfill of stays stored before player records, on SQLite and PostgreSQL: unlinked stays
 * become linked with the live rules (the game read from the server's dialect), closed ones count
 * in the totals once, a stop mid-way and a lost bookmark (a crash between a batch and its
 * bookmark) never count a stay twice, bots stay unlinked, and later stays are left to the hub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBackfillCursor, saveBackfillCursor } from "../data/players/backfill.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import { StayBackfill } from "./player-backfill.ts";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const steam = (n: number) => (76561197960265728n + BigInt(n)).toString();

/** A serial queue like the hub's, which can stop the backfill after `stopAfter` batches. */
function queue() {
  let tail: Promise<unknown> = Promise.resolve();
  let tasks = 0;
  const q = {
    stopAfter: Infinity,
    backfill: null as StayBackfill | null,
    enqueue(task: () => Promise<unknown>) {
      tail = tail.then(async () => {
        await task();
        if (++tasks >= q.stopAfter) void q.backfill?.stop();
      });
    },
  };
  return q;
}

describe.each(DATABASE_KINDS)("player record backfill on $kind", ({ create }) => {
  let t: TestDatabase;
  let tf2: string, openarena: string;
  /** What the backfill logged as a failure: it swallows errors (resuming at the next start), so the test reads them here. */
  const failures: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (message: string, fields?: object) => failures.push(`${message} ${JSON.stringify(fields ?? {})}`),
    error: (message: string, fields?: object) => failures.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };

  beforeAll(async () => {
    t = await create();
    tf2 = await createUnreadableServer(t.db, "TF2", 1, { game: "tf2", protocol: "source" });
    openarena = await createUnreadableServer(t.db, "OA", 2, { game: "openarena", protocol: "quake3" });
  });
  afterAll(async () => {
    await t.drop();
  });

  function backfill(q: ReturnType<typeof queue>, batch = 2): StayBackfill {
    const b = new StayBackfill({
      db: t.db,
      logger,
      enqueue: (task) => q.enqueue(task),
      batch,
      pauseMs: 0,
    });
    q.backfill = b;
    return b;
  }

  it("links earlier stays in batches, counts closed ones once across a stop and a lost bookmark, leaves bots and later stays", async () => {
    const stay = (
      serverId: string,
      name: string,
      extra: { steamId?: string; address?: string; start: number; end: number | null },
    ) => ({
      serverId,
      gameId: name,
      name,
      plainName: name,
      guid: null,
      steamId: extra.steamId ?? null,
      address: extra.address ?? null,
      joinedAt: at(extra.start),
      leftAt: extra.end === null ? null : at(extra.end),
      // Stored at its join, long before the backfill starts: a default createdAt could fall in the
      // very millisecond of startedAt, and the backfill takes only stays stored strictly before it.
      createdAt: at(extra.start),
    });
    await t.db.playerSession.createMany({
      data: [
        stay(tf2, "Scout", { steamId: steam(1), address: "203.0.113.1:27005", start: 0, end: 100 }),
        stay(tf2, "Scout", { steamId: steam(1), address: "203.0.113.1:27005", start: 200, end: 260 }),
        stay(tf2, "Heavy", { steamId: steam(2), start: 300, end: 400 }),
        stay(openarena, "Sarge", { address: "198.51.100.2:27960", start: 500, end: 530 }),
        stay(openarena, "Sarge", { address: "198.51.100.2:27960", start: 600, end: 610 }),
        stay(openarena, "Bot", { address: "bot", start: 700, end: 800 }),
      ],
    });
    const startedAt = new Date();

    // Stopped after the first batch (two stays): the rest waits for the next start.
    const q1 = queue();
    q1.stopAfter = 1;
    await backfill(q1).run(startedAt);
    expect(failures).toEqual([]);
    expect(await t.db.playerSession.count({ where: { playerId: { not: null } } })).toBe(2);
    expect(await readBackfillCursor(t.db)).toMatchObject({ joinedAt: at(200) });

    // A crash between a batch and its bookmark: the bookmark is older than the work done.
    await saveBackfillCursor(t.db, { joinedAt: at(-1), id: "" });
    const later = await t.db.playerSession.create({
      // Stored after the backfill started: the hub's own, which it links itself.
      data: {
        ...stay(tf2, "Late", { steamId: steam(3), start: 900, end: null }),
        createdAt: new Date(startedAt.getTime() + 1000),
      },
    });
    await backfill(queue()).run(startedAt);
    expect(await readBackfillCursor(t.db)).toBe("done");

    const scout = await t.db.player.findFirstOrThrow({
      where: { lastName: "Scout" },
      include: { servers: true },
    });
    expect(scout).toMatchObject({
      staysCount: 2,
      secondsPlayed: 160,
      firstSeenAt: at(0),
      lastSeenAt: at(260),
      lastServerId: tf2,
    });
    expect(scout.servers).toMatchObject([{ serverId: tf2, staysCount: 2, secondsPlayed: 160 }]);
    expect(await t.db.player.findFirstOrThrow({ where: { lastName: "Heavy" } })).toMatchObject({
      staysCount: 1,
      secondsPlayed: 100,
    });
    // OpenArena shows no account ids: the same address and name are one player.
    const sarge = await t.db.player.findMany({ where: { lastName: "Sarge" } });
    expect(sarge).toMatchObject([{ staysCount: 2, secondsPlayed: 40 }]);
    expect(await t.db.playerSession.count({ where: { plainName: "Bot", playerId: null } })).toBe(1);
    expect(await t.db.player.count({ where: { lastName: "Bot" } })).toBe(0);
    expect((await t.db.playerSession.findUniqueOrThrow({ where: { id: later.id } })).playerId).toBeNull();

    // Done is done: a later start reads nothing.
    await backfill(queue()).run(new Date());
    expect((await t.db.playerSession.findUniqueOrThrow({ where: { id: later.id } })).playerId).toBeNull();
    expect(await t.db.player.findFirstOrThrow({ where: { lastName: "Scout" } })).toMatchObject({
      staysCount: 2,
    });
  });
});
