/**
 * Schedules on a controlled clock against a real hub and the CS2 emulator on loopback (SQLite):
 * due times fire when the clock says so, a rotating broadcast moves once per due time across
 * servers, both missed-run policies, a restart sequence cancelled mid-way, and a run with an owner
 * whose permissions were lowered is refused and recorded.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { NotSentError } from "../../../lib/errors.ts";
import type { Actor } from "../../../lib/permissions.ts";
import { cancelSequence, createSchedule } from "../../data/automation/schedules.ts";
import { ConnectionHub } from "../../hub/hub.ts";
import { FakeHubClock } from "../../hub/testing/fake-hub-clock.ts";
import { startSourceEmulator, type SourceEmulator } from "../../rcon/emulators/source/emulator.ts";
import { createActor } from "../../testing/actors.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../../testing/databases.ts";
import { freePort } from "../../testing/cluster.ts";
import { createLoopbackServer } from "../../testing/hub.ts";
import { silentLogger } from "../../testing/realtime.ts";
import { ScheduleRunner } from "./runner.ts";

const KEY = Buffer.alloc(32, 9);
const MINUTE = 60_000;

describe("the schedule runner on a controlled clock", () => {
  let t: TestDatabase;
  let emulator: SourceEmulator;
  let hub: ConnectionHub;
  let serverA: string;
  let serverB: string;
  let owner: Actor;
  let clock: FakeHubClock;
  let runner: ScheduleRunner;

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    emulator = await startSourceEmulator({
      password: "pw",
      port: 0,
      game: "cs2",
      players: 2,
      activity: 0,
      seed: 5,
    });
    const server = { port: emulator.port, game: "cs2", protocol: "source" };
    serverA = await createLoopbackServer(t.db, KEY, { ...server, name: "Alpha" });
    serverB = await createLoopbackServer(t.db, KEY, { ...server, name: "Bravo" });
    hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silentLogger,
      connectionOptions: { connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 },
      history: { intervalMs: 20 },
    });
    await hub.start();
    await vi.waitFor(
      () => expect([hub.statusOf(serverA).state, hub.statusOf(serverB).state]).toEqual(["online", "online"]),
      { timeout: 5_000 },
    );
    owner = await createActor(t.db, "ADMIN", null);
  });
  afterAll(async () => {
    await hub.stop();
    await emulator.close();
    await t.drop();
  });

  beforeEach(async () => {
    await t.db.automationSchedule.deleteMany();
    clock = new FakeHubClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    runner = new ScheduleRunner({ db: t.db, logger: silentLogger, clock, hub, held: () => hub.held() });
  });
  afterEach(() => runner.stop());

  const ctx = () => ({ db: t.db, actor: owner, ip: null });
  /** Moves the clock, runs one pass and waits for everything it started. */
  async function at(ms: number): Promise<void> {
    clock.advance(ms);
    await runner.tick();
    await runner.idle();
  }
  const said = () => emulator.world.chat.filter((line) => line.startsWith("Console: "));
  /** What a runner uses of the real hub, as plain functions (a runner of another "instance" replaces some). */
  const realHub = () => ({
    exec: hub.exec.bind(hub),
    kick: hub.kick.bind(hub),
    message: hub.message.bind(hub),
    dialectOf: hub.dialectOf.bind(hub),
    players: hub.players.bind(hub),
    recordOf: hub.recordOf.bind(hub),
    refreshRecords: hub.refreshRecords.bind(hub),
    broadcast: hub.broadcast.bind(hub),
    statusOf: hub.statusOf.bind(hub),
  });

  it("broadcasts at each due time, rotating the messages once per due time across servers", async () => {
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Rules",
        servers: [serverA, serverB],
        schedule: "every 1 minutes",
        action: "broadcast",
        message: "Be nice\nNo cheating",
      },
      clock.wall(),
    );
    await at(30_000); // 12:00:30: nothing due yet
    expect(said().length).toBe(before);
    await at(30_000); // 12:01:00
    expect(said().slice(before)).toEqual(["Console: Be nice", "Console: Be nice"]);
    await at(MINUTE); // 12:02:00
    expect(said().slice(before + 2)).toEqual(["Console: No cheating", "Console: No cheating"]);
    await at(0); // the same due time again: nothing more
    expect(said().length).toBe(before + 4);

    const runs = await t.db.automationRun.findMany({
      where: { scheduleId: schedule.id },
      orderBy: { dueAt: "asc" },
    });
    expect(runs.map((r) => [r.dueAt.toISOString(), r.state])).toEqual([
      ["2026-01-01T12:01:00.000Z", "done"],
      ["2026-01-01T12:01:00.000Z", "done"],
      ["2026-01-01T12:02:00.000Z", "done"],
      ["2026-01-01T12:02:00.000Z", "done"],
    ]);
    // Audited as the owner, stamped with the schedule's name; the console line names it too.
    const audit = await t.db.auditEvent.findMany({ where: { action: "server.broadcast" } });
    expect(audit).toHaveLength(4);
    expect(
      audit.every((a) => a.actorId === owner.id && a.automation === "Rules" && a.outcome === "success"),
    ).toBe(true);
    const lines = await hub.lines(serverA, { limit: 20 });
    expect(lines.some((l) => l.text === `automation: Rules (${owner.name}) to everyone: Be nice`)).toBe(true);
  });

  it('missed runs with "skip": nothing is sent for them, one skipped run is recorded, the next runs', async () => {
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      { name: "Skipper", servers: [serverA], schedule: "*/5 * * * *", action: "broadcast", message: "hello" },
      clock.wall(),
    );
    clock.advance(27 * MINUTE); // 12:05 ... 12:25 passed while down: the latest is 2 minutes late
    await runner.tick();
    await runner.idle();
    expect(said().length).toBe(before);
    await at(3 * MINUTE); // 12:30: on time again
    expect(said().slice(before)).toEqual(["Console: hello"]);
    const runs = await t.db.automationRun.findMany({
      where: { scheduleId: schedule.id },
      orderBy: { dueAt: "asc" },
    });
    expect(runs.map((r) => [r.dueAt.toISOString(), r.state])).toEqual([
      ["2026-01-01T12:25:00.000Z", "skipped"],
      ["2026-01-01T12:30:00.000Z", "done"],
    ]);
  });

  it('missed runs with "run once": one run for all of them, now', async () => {
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Once",
        servers: [serverA],
        schedule: "*/5 * * * *",
        action: "broadcast",
        message: "catch up",
        missedRuns: "run-once",
      },
      clock.wall(),
    );
    clock.advance(27 * MINUTE); // 12:05 ... 12:25 passed while down
    await runner.tick();
    await runner.idle();
    await at(1_000);
    expect(said().slice(before)).toEqual(["Console: catch up"]);
    const runs = await t.db.automationRun.findMany({ where: { scheduleId: schedule.id } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ state: "done", dueAt: new Date("2026-01-01T12:25:00.000Z") });
    expect(runs[0]?.detail).toContain("Missed while RconDeck was not running it: run once now.");
  });

  it("a restart sequence cancelled mid-way: the warnings before were sent, nothing after", async () => {
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Nightly restart",
        servers: [serverA],
        schedule: "0 13 * * *",
        action: "restart",
        warnings: "10m, 5m, 1m",
        message: "Restart in {time}",
        command: "say restarting now",
      },
      clock.wall(),
    );
    await at(49 * MINUTE); // 12:49: not yet
    expect(said().length).toBe(before);
    await at(MINUTE); // 12:50: first warning
    expect(said().slice(before)).toEqual(["Console: Restart in 10 minutes"]);
    await at(5 * MINUTE); // 12:55: second
    expect(said().slice(before)).toEqual(["Console: Restart in 10 minutes", "Console: Restart in 5 minutes"]);

    const cancelled = await cancelSequence(
      ctx(),
      { scheduleId: schedule.id, dueAt: "2026-01-01T13:00:00.000Z" },
      clock.wall(),
    );
    expect(cancelled).toEqual({ cancelled: 1 });
    await at(5 * MINUTE); // 13:00: the 1-minute warning and the command would have gone
    await at(MINUTE);
    expect(said().slice(before)).toEqual(["Console: Restart in 10 minutes", "Console: Restart in 5 minutes"]);
    const run = await t.db.automationRun.findFirstOrThrow({ where: { scheduleId: schedule.id } });
    expect(run).toMatchObject({ state: "cancelled", cancelledById: owner.id });
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "automation.schedule.cancel" } });
    expect(audit).toMatchObject({ outcome: "success", targetId: schedule.id });
    expect(audit.detail).toBe("restart sequence cancelled on 1 server");
  });

  it("a restart sequence left alone sends every warning, then the command", async () => {
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Quick restart",
        servers: [serverB],
        schedule: "5 12 * * *",
        action: "restart",
        warnings: "2m, 30s",
        message: "Restart in {time}",
        command: "say restarting now",
      },
      clock.wall(),
    );
    await at(3 * MINUTE); // 12:03: the 2-minute warning
    await at(90_000); // 12:04:30: the 30-second one
    await at(30_000); // 12:05: the command
    expect(said().slice(before)).toEqual([
      "Console: Restart in 2 minutes",
      "Console: Restart in 30 seconds",
      "Console: restarting now",
    ]);
    const run = await t.db.automationRun.findFirstOrThrow({ where: { scheduleId: schedule.id } });
    expect(run.state).toBe("done");
  });

  it("an owner lowered to Viewer: the run is refused and recorded, nothing is sent", async () => {
    const lowered = await createActor(t.db, "ADMIN", null);
    const before = said().length;
    const schedule = await createSchedule(
      { db: t.db, actor: lowered, ip: null },
      {
        name: "Lowered",
        servers: [serverA],
        schedule: "every 1 minutes",
        action: "broadcast",
        message: "hi",
      },
      clock.wall(),
    );
    await t.db.user.update({ where: { id: lowered.id }, data: { role: "VIEWER" } });
    await at(MINUTE);
    expect(said().length).toBe(before);
    const run = await t.db.automationRun.findFirstOrThrow({ where: { scheduleId: schedule.id } });
    expect(run.state).toBe("refused");
    expect(run.detail).toBe("Refused: its owner may no longer manage automation on this server.");
    const denied = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "automation.schedule.run", actorId: lowered.id },
    });
    expect(denied).toMatchObject({ outcome: "denied", automation: "Lowered", serverId: serverA });
  });

  it("a dangerous command its editor did not confirm is refused at run time", async () => {
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Unconfirmed",
        servers: [serverA],
        schedule: "every 1 minutes",
        action: "console",
        command: "_restart",
      },
      clock.wall(),
    );
    await at(MINUTE);
    const run = await t.db.automationRun.findFirstOrThrow({ where: { scheduleId: schedule.id } });
    expect(run.state).toBe("refused");
    expect(run.detail).toContain("restarts the game server process");
  });

  it("a custom command runs as the owner, with the command's own argument rules", async () => {
    const command = await t.db.customCommand.create({
      data: {
        name: "Announce",
        description: "",
        arguments: JSON.stringify([{ name: "text", type: "text", label: "Text", maxLength: 100 }]),
        templates: JSON.stringify({ cs2: "say {text}" }),
        dangerous: false,
      },
    });
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Announcer",
        servers: [serverA],
        schedule: "every 1 minutes",
        action: "custom",
        customCommand: command.id,
        arguments: "text=Server event tonight",
      },
      clock.wall(),
    );
    expect(schedule.actionText).toBe('Custom command "Announce" (text=Server event tonight)');
    await at(MINUTE);
    expect(said().slice(before)).toEqual(["Console: Server event tonight"]);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "command.custom" } });
    expect(audit).toMatchObject({ outcome: "success", automation: "Announcer", actorId: owner.id });
  });

  it("an owner who may manage automation but not message players: the broadcast is refused by the operation, audited", async () => {
    const role = await t.db.role.create({
      data: { name: "Automator", permissions: JSON.stringify(["automation.manage", "players.message"]) },
    });
    const automator = await createActor(t.db, "ADMIN", null);
    await t.db.user.update({ where: { id: automator.id }, data: { role: role.id } });
    const asAutomator = {
      ...automator,
      role: role.id,
      mainRole: {
        id: role.id,
        name: "Automator",
        permissions: ["automation.manage", "players.message"] as const,
      },
    };
    const schedule = await createSchedule(
      { db: t.db, actor: asAutomator, ip: null },
      {
        name: "Narrowed",
        servers: [serverA],
        schedule: "every 1 minutes",
        action: "broadcast",
        message: "x",
      },
      clock.wall(),
    );
    // The role loses players.message after the schedule was saved.
    await t.db.role.update({
      where: { id: role.id },
      data: { permissions: JSON.stringify(["automation.manage"]) },
    });
    const before = said().length;
    await at(MINUTE);
    expect(said().length).toBe(before);
    const run = await t.db.automationRun.findFirstOrThrow({ where: { scheduleId: schedule.id } });
    expect(run).toMatchObject({ state: "refused", detail: "You do not have permission to do that." });
    const denied = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "server.broadcast", actorId: automator.id },
    });
    expect(denied).toMatchObject({
      outcome: "denied",
      automation: "Narrowed",
      detail: "missing permission players.message",
    });
  });

  it("a server that moves between the claim and the send: nothing is sent, the run is handed over and its new holder runs it once", async () => {
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      { name: "Moving", servers: [serverA], schedule: "every 1 minutes", action: "broadcast", message: "Hi" },
      clock.wall(),
    );
    // Two instances on one database and one connection (the real hub): "here" holds Alpha until the
    // send, when it moves to "there". Here, the cluster hub then refuses as it does for a server that
    // has just moved (cluster-hub.ts): a NotSentError, with nothing sent.
    let heldHere = [serverA];
    let heldThere: string[] = [];
    const real = realHub();
    const here = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock,
      held: () => heldHere,
      hub: {
        ...real,
        broadcast: () => {
          heldHere = [];
          heldThere = [serverA];
          return Promise.reject(new NotSentError("That server just moved to another RconDeck instance."));
        },
      },
    });
    const there = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock,
      hub: real,
      held: () => heldThere,
    });
    const pass = async (runner: ScheduleRunner) => {
      await runner.tick();
      await runner.idle();
    };
    const runs = async () =>
      (await t.db.automationRun.findMany({ where: { scheduleId: schedule.id } })).map((r) => [
        r.state,
        r.detail,
      ]);
    try {
      clock.advance(MINUTE); // 12:01:00 is due
      await pass(here);
      expect(said().length).toBe(before);
      expect(await runs()).toEqual([
        ["handed-over", "Handed over: the server moved or dropped before anything was sent."],
      ]);
      // The attempt is on record, as a failure that sent nothing.
      expect(
        await t.db.auditEvent.findMany({
          where: { action: "server.broadcast", automation: "Moving" },
          select: { outcome: true, detail: true },
        }),
      ).toEqual([{ outcome: "failure", detail: "That server just moved to another RconDeck instance." }]);

      clock.advance(1_000);
      await pass(there); // its first pass reads the schedule, advanced to 12:01 by "here"
      await pass(here); // holds nothing now
      await pass(there);
      expect(said().slice(before)).toEqual(["Console: Hi"]);
      expect(await runs()).toEqual([["done", "Message sent to everyone on the server."]]);
    } finally {
      here.stop();
      there.stop();
    }
  });

  it("a claimer that stalls while its server moves: the new holder waits for the hand-over, then runs it once", async () => {
    const before = said().length;
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Stalled",
        servers: [serverA],
        schedule: "every 1 minutes",
        action: "broadcast",
        message: "Yo",
      },
      clock.wall(),
    );
    // "here" claims 12:01 for Alpha and its send hangs (a paused process); Alpha moves to "there",
    // which finds the run still running. Then "here" resumes and its send is refused: handed over.
    let heldHere = [serverA];
    let heldThere: string[] = [];
    let resume = () => {};
    const stalled = new Promise<void>((resolve) => (resume = resolve));
    const here = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock,
      held: () => heldHere,
      hub: {
        ...realHub(),
        broadcast: async () => {
          heldHere = [];
          heldThere = [serverA];
          await stalled;
          throw new NotSentError("That server just moved to another RconDeck instance.");
        },
      },
    });
    const there = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock,
      held: () => heldThere,
      hub: realHub(),
    });
    const pass = async (runner: ScheduleRunner) => {
      await runner.tick();
      await runner.idle();
    };
    const states = async () =>
      (await t.db.automationRun.findMany({ where: { scheduleId: schedule.id } })).map((r) => r.state);
    try {
      clock.advance(MINUTE); // 12:01:00 is due
      const hung = here.tick(); // claims, then hangs in the send (its pass with it)
      await vi.waitFor(() => expect(heldThere).toEqual([serverA]));
      clock.advance(1_000);
      await pass(there); // the run is still "running" on "here"
      expect(await states()).toEqual(["running"]);
      expect(said().length).toBe(before);

      resume();
      await hung;
      await here.idle();
      expect(await states()).toEqual(["handed-over"]);
      clock.advance(1_000);
      await pass(there);
      expect(said().slice(before)).toEqual(["Console: Yo"]);
      expect(await states()).toEqual(["done"]);
    } finally {
      here.stop();
      there.stop();
    }
  });

  it("at shutdown, settle waits for a step in flight to store its outcome, up to its bound", async () => {
    const schedule = await createSchedule(
      ctx(),
      {
        name: "Shutdown",
        servers: [serverA],
        schedule: "every 1 minutes",
        action: "broadcast",
        message: "Bye",
      },
      clock.wall(),
    );
    const gates: (() => void)[] = [];
    const stopping = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock,
      held: () => [serverA],
      hub: {
        ...realHub(),
        // The send waits in the queue; the connections close: nothing was sent.
        broadcast: async () => {
          await new Promise<void>((resolve) => gates.push(resolve));
          throw new NotSentError("The connection closed: RconDeck is stopping.");
        },
      },
    });
    const states = async () =>
      (
        await t.db.automationRun.findMany({ where: { scheduleId: schedule.id }, orderBy: { dueAt: "asc" } })
      ).map((r) => r.state);
    clock.advance(MINUTE);
    void stopping.tick();
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    stopping.stop();
    let settled = false;
    const settling = stopping.settle(1_000).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false); // still waiting for the step
    gates[0]!();
    await settling;
    expect(await states()).toEqual(["handed-over"]); // stored before settle resolved

    // A step that never ends holds the shutdown no longer than the bound.
    const hanging = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock,
      held: () => [serverA],
      hub: { ...realHub(), broadcast: () => new Promise<never>(() => {}) },
    });
    clock.advance(MINUTE);
    void hanging.tick();
    await vi.waitFor(async () => expect(await states()).toEqual(["handed-over", "running"]));
    hanging.stop();
    const bounded = hanging.settle(1_000);
    clock.advance(1_000);
    await bounded;
  });

  it("a sequence left counting down by a stopped process is marked interrupted, not shown running for ever", async () => {
    const schedule = await createSchedule(
      ctx(),
      { name: "Orphan", servers: [serverA], schedule: "0 3 * * *", action: "console", command: "status" },
      clock.wall(),
    );
    const run = await t.db.automationRun.create({
      data: {
        scheduleId: schedule.id,
        serverId: serverA,
        dueAt: new Date(clock.wall() - 5 * MINUTE),
        state: "running",
      },
    });
    await at(0);
    expect(await t.db.automationRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      state: "failed",
      detail: "Interrupted: RconDeck stopped during the sequence.",
    });
  });
});

describe("the schedule runner and a held server that is not connected", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let emulator: SourceEmulator | null = null;
  afterAll(async () => {
    await hub?.stop();
    await emulator?.close();
    await t?.drop();
  });

  it("its run waits for the connection, up to settleMs; one never connected is then recorded failed", async () => {
    t = await createSqliteTestDatabase();
    // Nothing listens on these ports yet: the hub holds both servers and keeps trying to connect.
    const latePort = await freePort();
    const deadPort = await freePort();
    const server = { game: "cs2", protocol: "source" };
    const late = await createLoopbackServer(t.db, KEY, { ...server, port: latePort, name: "Late" });
    const dead = await createLoopbackServer(t.db, KEY, { ...server, port: deadPort, name: "Dead" });
    hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silentLogger,
      connectionOptions: {
        connectTimeoutMs: 2_000,
        commandTimeoutMs: 2_000,
        backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
      },
    });
    await hub.start();
    const clock = new FakeHubClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const runner = new ScheduleRunner({
      db: t.db,
      logger: silentLogger,
      clock,
      hub,
      held: () => hub.held(),
      settleMs: 15_000,
    });
    const owner = await createActor(t.db, "ADMIN", null);
    const schedule = await createSchedule(
      { db: t.db, actor: owner, ip: null },
      {
        name: "Welcome",
        servers: [late, dead],
        schedule: "every 1 minutes",
        action: "broadcast",
        message: "Welcome",
      },
      clock.wall(),
    );
    const runs = async () =>
      (await t.db.automationRun.findMany({ where: { scheduleId: schedule.id } })).map((r) => ({
        server: r.serverId,
        state: r.state,
        detail: r.detail,
      }));
    const at = async (ms: number) => {
      clock.advance(ms);
      await runner.tick();
      await runner.idle();
    };

    await at(MINUTE); // 12:01:00 is due; neither server is connected
    expect(await runs()).toEqual([]);

    // "Late" comes up a moment after its due time: its run happens then, once.
    emulator = await startSourceEmulator({
      password: "pw",
      port: latePort,
      game: "cs2",
      players: 1,
      activity: 0,
      seed: 6,
    });
    await vi.waitFor(() => expect(hub.statusOf(late).state).toBe("online"), { timeout: 10_000 });
    await at(5_000); // 12:01:05
    expect(await runs()).toEqual([
      { server: late, state: "done", detail: "Message sent to everyone on the server." },
    ]);
    const chat = emulator.world.chat;
    expect(chat.filter((line) => line === "Console: Welcome")).toHaveLength(1);

    // "Dead" has waited 15 s since first seen unconnected: its run is claimed and fails, as it did before.
    await at(9_000); // 12:01:14
    expect(await runs()).toHaveLength(1);
    await at(1_000); // 12:01:15
    expect((await runs()).find((r) => r.server === dead)).toMatchObject({
      state: "failed",
      detail: expect.stringMatching(/^The game server is not connected/) as unknown,
    });
    await at(0);
    expect(chat.filter((line) => line === "Console: Welcome")).toHaveLength(1);
    runner.stop();
  });
});
