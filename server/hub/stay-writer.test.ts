/**
 * The stay writer's queue: batched closes and updates never wait for an open queued behind them
 * (a player who joins and leaves while the queue is busy), samples queued meanwhile go out in one
 * write, and what they write is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlayerSessionInput } from "../data/history.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import { silentLogger } from "../testing/realtime.ts";
import { systemHubClock } from "./clock.ts";
import { unfenced } from "./fence.ts";
import { StayWriter } from "./stay-writer.ts";

const AT = new Date(Date.UTC(2026, 0, 1));

function stay(serverId: string, gameId: string): PlayerSessionInput {
  const name = `P${gameId}`;
  return { serverId, gameId, name, plainName: name, guid: null, steamId: null, address: null, joinedAt: AT };
}

describe("stay writer queue", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("stores a stay that joins and leaves while a close is waiting in the queue, with its update", async () => {
    const serverId = await createUnreadableServer(t.db, "busy");
    const writer = new StayWriter<string>({
      db: t.db,
      logger: silentLogger,
      clock: systemHubClock,
      fence: unfenced(t.db),
      epochOf: () => 1,
      gatherMs: 1,
    });
    const early = writer.open(stay(serverId, "1"), "early");
    await writer.idle();
    // A long write holds the queue; a close is queued behind it.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    writer.enqueue(() => gate);
    writer.close(serverId, [early], new Date(AT.getTime() + 1_000));
    // A player joins (an open queued behind that close), learns a GUID and leaves meanwhile.
    const late = writer.open(stay(serverId, "2"), "late");
    const guid = "fedcba9876543210fedcba9876543210";
    writer.update(serverId, late, { name: "P2", plainName: "P2", guid, steamId: null, address: null });
    writer.close(serverId, [late], new Date(AT.getTime() + 2_000));
    release();
    const idle = writer.idle().then(() => "idle");
    const stuck = new Promise((resolve) => setTimeout(() => resolve("stuck"), 5_000));
    expect(await Promise.race([idle, stuck])).toBe("idle");
    const rows = await t.db.playerSession.findMany({ where: { serverId }, orderBy: { gameId: "asc" } });
    expect(rows.map((r) => [r.gameId, r.guid, r.leftAt?.getTime()])).toEqual([
      ["1", null, AT.getTime() + 1_000],
      ["2", guid, AT.getTime() + 2_000],
    ]);
  });

  it("writes the samples queued behind a busy write together, past the parameter limit, and skips servers no longer wanted", async () => {
    const kept = await createUnreadableServer(t.db, "kept");
    const released = await createUnreadableServer(t.db, "released");
    let fencedWrites = 0;
    const writer = new StayWriter({
      db: t.db,
      logger: silentLogger,
      clock: systemHubClock,
      fence: { run: (epochs, write) => ((fencedWrites += 1), unfenced(t.db).run(epochs, write)) },
      epochOf: (serverId) => (serverId === released ? null : 1),
    });
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    writer.enqueue(() => gate);
    // 400 rows of 4 values: more bind values than SQLite's 999 for one model query.
    for (let i = 0; i < 400; i++) {
      writer.sample(kept, i, new Date(AT.getTime() + i * 60_000), i === 0 ? "m".repeat(500) : null);
      if (i % 100 === 0) writer.sample(released, i, new Date(AT.getTime() + i * 60_000));
    }
    release();
    await writer.idle();
    expect(fencedWrites).toBe(1);
    const rows = await t.db.playerCountSample.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows).toHaveLength(400);
    expect(rows.every((r) => r.serverId === kept)).toBe(true);
    expect(rows.map((r) => r.count)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(rows[0]?.map).toBe("m".repeat(100));
    expect(rows[1]?.map).toBeNull();
  });
});
