/**
 * Exactly once with several instances (PostgreSQL): two runners, each over its own hub and
 * connection to the same game server, both claiming it (the worst case of a lease hand-over) on one
 * database. Every due time is broadcast once, the rotation moves once per due time, and the run
 * rows say which runner claimed each.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSchedule } from "../../data/automation/schedules.ts";
import { ConnectionHub } from "../../hub/hub.ts";
import { FakeHubClock } from "../../hub/testing/fake-hub-clock.ts";
import { startSourceEmulator, type SourceEmulator } from "../../rcon/emulators/source/emulator.ts";
import { createActor } from "../../testing/actors.ts";
import { createPostgresTestDatabase, type TestDatabase } from "../../testing/databases.ts";
import { createLoopbackServer } from "../../testing/hub.ts";
import { silentLogger } from "../../testing/realtime.ts";
import { ScheduleRunner } from "./runner.ts";

const KEY = Buffer.alloc(32, 3);
const MINUTE = 60_000;

describe("two runners on one PostgreSQL database", () => {
  let t: TestDatabase;
  let emulator: SourceEmulator;
  const hubs: ConnectionHub[] = [];
  let serverId: string;

  beforeAll(async () => {
    t = await createPostgresTestDatabase();
    emulator = await startSourceEmulator({
      password: "pw",
      port: 0,
      game: "cs2",
      players: 1,
      activity: 0,
      seed: 8,
    });
    serverId = await createLoopbackServer(t.db, KEY, {
      port: emulator.port,
      game: "cs2",
      protocol: "source",
      name: "Shared",
    });
    for (let i = 0; i < 2; i++) {
      const hub = new ConnectionHub({
        db: t.db,
        encryptionKey: KEY,
        logger: silentLogger,
        connectionOptions: { connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 },
        history: { intervalMs: 20 },
      });
      await hub.start();
      hubs.push(hub);
    }
    await vi.waitFor(
      () => expect(hubs.map((h) => h.statusOf(serverId).state)).toEqual(["online", "online"]),
      {
        timeout: 5_000,
      },
    );
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.stop();
    await emulator.close();
    await t.drop();
  });

  it("each due time runs once, whichever runner claims it", async () => {
    const owner = await createActor(t.db, "ADMIN", null);
    const clocks = [new FakeHubClock(Date.UTC(2026, 0, 1, 12)), new FakeHubClock(Date.UTC(2026, 0, 1, 12))];
    const runners = hubs.map(
      (hub, i) =>
        new ScheduleRunner({
          db: t.db,
          logger: silentLogger,
          clock: clocks[i] as FakeHubClock,
          hub,
          held: () => hub.held(),
        }),
    );
    const schedule = await createSchedule(
      { db: t.db, actor: owner, ip: null },
      {
        name: "Shared rules",
        servers: [serverId],
        schedule: "every 1 minutes",
        action: "broadcast",
        message: "one\ntwo\nthree",
      },
      Date.UTC(2026, 0, 1, 12),
    );
    const said = () => emulator.world.chat.filter((line) => line.startsWith("Console: "));
    const before = said().length;
    for (let minute = 1; minute <= 3; minute++) {
      for (const clock of clocks) clock.advance(MINUTE);
      // Both at once, as two instances would.
      await Promise.all(runners.map((r) => r.tick()));
      await Promise.all(runners.map((r) => r.idle()));
      // A second pass of each changes nothing.
      await Promise.all(runners.map((r) => r.tick()));
      await Promise.all(runners.map((r) => r.idle()));
    }
    expect(said().slice(before)).toEqual(["Console: one", "Console: two", "Console: three"]);
    // An instance that does not hold the server never claims its runs.
    const elsewhere = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock: new FakeHubClock(Date.UTC(2026, 0, 1, 12, 4)),
      hub: hubs[0] as ConnectionHub,
      held: () => [],
    });
    await elsewhere.tick();
    await elsewhere.idle();
    const runs = await t.db.automationRun.findMany({ where: { scheduleId: schedule.id } });
    expect(runs).toHaveLength(3); // 12:04 was not claimed by the runner that holds nothing
    expect(runs.every((r) => r.state === "done")).toBe(true);
    const row = await t.db.automationSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
    expect(row.rotation).toBe(3);
    for (const r of runners) r.stop();
  });
});
