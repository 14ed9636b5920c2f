/**
 * Editing schedules (SQLite and PostgreSQL): who may target which servers, what the form refuses
 * before anything is stored, the server-computed preview (time zones and daylight saving), and
 * who may cancel a running sequence. Every refusal is audited and leaves no schedule behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import { createActor } from "../../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createUnreadableServer } from "../../testing/hub.ts";
import {
  cancelSequence,
  createSchedule,
  deleteSchedule,
  listSchedules,
  previewSchedule,
  setScheduleEnabled,
  updateSchedule,
} from "./schedules.ts";

const NOW = Date.UTC(2026, 2, 27, 12, 0, 0); // two days before Europe's change to summer time

describe.each(DATABASE_KINDS)("schedules in the data layer on $kind", ({ create }) => {
  let t: TestDatabase;
  let serverA: string;
  let serverB: string;
  let admin: Actor;
  let limited: Actor;
  let viewer: Actor;
  let moderator: Actor;
  const ctx = (actor: Actor) => ({ db: t.db, actor, ip: "203.0.113.9" });
  const form = (extra: Record<string, unknown> = {}) => ({
    name: "Rules",
    servers: [serverA],
    schedule: "every 15 minutes",
    action: "broadcast",
    message: "Be nice",
    ...extra,
  });

  beforeAll(async () => {
    t = await create();
    serverA = await createUnreadableServer(t.db, "Alpha");
    serverB = await createUnreadableServer(t.db, "Bravo");
    admin = await createActor(t.db, "ADMIN", null);
    limited = await createActor(t.db, "ADMIN", [serverA]);
    viewer = await createActor(t.db, "VIEWER", null);
    moderator = await createActor(t.db, "MODERATOR", null);
  });
  afterAll(() => t.drop());

  async function refusedWith(promise: Promise<unknown>, code: string, action: string, actor: Actor) {
    // Its outcome is taken at once: the refusal may come while the count below is read, and a
    // rejection nobody handles yet is an unhandled one.
    const outcome = promise.then(
      () => "stored",
      (error: unknown) => error,
    );
    const schedules = await t.db.automationSchedule.count();
    expect(await outcome).toMatchObject({ code });
    expect(await t.db.automationSchedule.count()).toBe(schedules);
    if (code === "FORBIDDEN") {
      const row = await t.db.auditEvent.findFirst({
        where: { action, actorId: actor.id, outcome: "denied" },
        orderBy: { createdAt: "desc" },
      });
      expect(row).not.toBeNull();
    }
  }

  it("a Viewer and a Moderator are refused (audited), nothing stored", async () => {
    await refusedWith(
      createSchedule(ctx(viewer), form(), NOW),
      "FORBIDDEN",
      "automation.schedule.create",
      viewer,
    );
    await refusedWith(
      createSchedule(ctx(moderator), form(), NOW),
      "FORBIDDEN",
      "automation.schedule.create",
      moderator,
    );
    await refusedWith(listSchedules(ctx(viewer), NOW), "FORBIDDEN", "automation.schedule.list", viewer);
  });

  it("a server-limited Admin may not target another server, nor all servers", async () => {
    await refusedWith(
      createSchedule(ctx(limited), form({ servers: [serverA, serverB] }), NOW),
      "FORBIDDEN",
      "automation.schedule.create",
      limited,
    );
    await refusedWith(
      createSchedule(ctx(limited), form({ servers: [], allServers: "on" }), NOW),
      "FORBIDDEN",
      "automation.schedule.create",
      limited,
    );
  });

  it("invalid forms get clear field errors and never reach the database", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ schedule: "61 * * * *" }, "schedule", /is not a cron expression .*minute/],
      [{ schedule: "* * * * * *" }, "schedule", /runs more often than every 10 seconds/],
      [{ schedule: "every 0 minutes" }, "schedule", /takes 1 to 10080 minutes/],
      [{ timeZone: "Mars/Olympus" }, "timeZone", /Unknown time zone/],
      [{ servers: [] }, "servers", /Choose at least one server/],
      [{ message: "x".repeat(300) }, "message", /at most 250 characters/],
      [{ name: "" }, "name", /Enter a name/],
      [{ action: "restart", command: "_restart", warnings: "soon" }, "warnings", /10m, 5m, 1m, 30s/],
      [{ action: "console", command: "" }, "command", /Enter a command/],
    ];
    for (const [extra, field, message] of cases) {
      const before = await t.db.automationSchedule.count();
      const error = await createSchedule(ctx(admin), form(extra), NOW).then(
        () => null,
        (e: unknown) => e as { code: string; fieldErrors?: Record<string, string[]> },
      );
      expect(error?.code, JSON.stringify(extra)).toBe("INVALID_INPUT");
      expect(error?.fieldErrors?.[field]?.join(" "), JSON.stringify(extra)).toMatch(message);
      expect(await t.db.automationSchedule.count()).toBe(before);
    }
    await expect(createSchedule(ctx(admin), form({ servers: ["nope"] }), NOW)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { servers: ["Unknown server"] },
    });
  });

  it("creates, lists with the next runs, edits, disables and deletes, audited", async () => {
    const created = await createSchedule(
      ctx(admin),
      form({ name: "Morning", schedule: "30 2 * * *", timeZone: "Europe/Berlin" }),
      NOW,
    );
    // 02:30 does not exist in Berlin on 29 March 2026 (clocks go 02:00 → 03:00): croner runs it once at 03:30.
    expect(created.nextRuns).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:30:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
    const page = await listSchedules(ctx(admin), NOW);
    expect(page.schedules.map((s) => s.name)).toContain("Morning");
    expect(page.servers.map((s) => s.name)).toEqual(["Alpha", "Bravo"]);
    // The limited Admin sees only schedules wholly on its servers, and may not edit others.
    const other = await createSchedule(ctx(admin), form({ name: "Both", servers: [serverA, serverB] }), NOW);
    const limitedPage = await listSchedules(ctx(limited), NOW);
    expect(limitedPage.schedules.map((s) => s.name)).toEqual(["Morning"]);
    expect(limitedPage.servers.map((s) => s.name)).toEqual(["Alpha"]);
    await expect(
      updateSchedule(ctx(limited), other.id, form({ name: "Mine now" }), NOW),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(deleteSchedule(ctx(limited), other.id)).rejects.toMatchObject({ code: "FORBIDDEN" });

    const edited = await updateSchedule(
      ctx(limited),
      created.id,
      form({ name: "Morning", schedule: "every 30 minutes", message: "a\nb" }),
      NOW,
    );
    expect(edited).toMatchObject({ schedule: "every 30 minutes", ownerName: limited.name });
    expect(edited.nextRuns[0]).toBe("2026-03-27T12:30:00.000Z");
    const disabled = await setScheduleEnabled(ctx(admin), created.id, false, NOW);
    expect(disabled.nextRuns).toEqual([]);
    await deleteSchedule(ctx(admin), created.id);
    await deleteSchedule(ctx(admin), other.id);
    const actions = (
      await t.db.auditEvent.findMany({
        where: { action: { startsWith: "automation.schedule." }, outcome: "success" },
        orderBy: { createdAt: "asc" },
      })
    ).map((a) => a.action);
    expect(actions).toEqual([
      "automation.schedule.create",
      "automation.schedule.create",
      "automation.schedule.update",
      "automation.schedule.disable",
      "automation.schedule.delete",
      "automation.schedule.delete",
    ]);
  });

  it("previews the next runs on the server, and says why a schedule cannot run", async () => {
    const preview = await previewSchedule(
      ctx(admin),
      { schedule: "0 6 * * 1-5", timeZone: "America/New_York" },
      NOW,
    );
    expect(preview.nextRuns.slice(0, 2)).toEqual(["2026-03-30T10:00:00.000Z", "2026-03-31T10:00:00.000Z"]);
    await expect(previewSchedule(ctx(admin), { schedule: "nonsense" }, NOW)).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(previewSchedule(ctx(viewer), { schedule: "every 5 minutes" }, NOW)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("cancelling a running sequence needs automation.manage on its servers", async () => {
    const schedule = await createSchedule(
      ctx(admin),
      form({
        name: "Restart B",
        servers: [serverB],
        action: "restart",
        command: "_restart",
        warnings: "5m",
        message: "Restart in {time}",
        confirmed: "on",
      }),
      NOW,
    );
    const dueAt = new Date(NOW + 300_000);
    await t.db.automationRun.create({
      data: { scheduleId: schedule.id, serverId: serverB, dueAt, state: "running" },
    });
    const page = await listSchedules(ctx(admin), NOW);
    expect(page.running).toEqual([
      { scheduleId: schedule.id, scheduleName: "Restart B", dueAt: dueAt.toISOString(), servers: ["Bravo"] },
    ]);
    await expect(
      cancelSequence(ctx(limited), { scheduleId: schedule.id, dueAt: dueAt.toISOString() }, NOW),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      cancelSequence(ctx(viewer), { scheduleId: schedule.id, dueAt: dueAt.toISOString() }, NOW),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await t.db.automationRun.findFirstOrThrow({ where: { scheduleId: schedule.id } })).state).toBe(
      "running",
    );
    await expect(
      cancelSequence(ctx(admin), { scheduleId: schedule.id, dueAt: dueAt.toISOString() }, NOW),
    ).resolves.toEqual({ cancelled: 1 });
    await expect(
      cancelSequence(ctx(admin), { scheduleId: schedule.id, dueAt: dueAt.toISOString() }, NOW),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("enabling makes the enabler the owner, so it must be able to do the action itself", async () => {
    const schedule = await createSchedule(ctx(admin), form({ name: "Owned by admin" }), NOW);
    await setScheduleEnabled(ctx(admin), schedule.id, false, NOW);
    const automator: Actor = {
      ...admin,
      id: (await createActor(t.db, "ADMIN", null)).id,
      role: "custom-automator",
      mainRole: { id: "custom-automator", name: "Automator", permissions: ["automation.manage"] },
    };
    await expect(setScheduleEnabled(ctx(automator), schedule.id, true, NOW)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "You need players.message on every server of this schedule.",
    });
    const row = await t.db.automationSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
    expect(row).toMatchObject({ enabled: false, ownerId: admin.id });
    await expect(setScheduleEnabled(ctx(admin), schedule.id, true, NOW)).resolves.toMatchObject({
      enabled: true,
    });
    await deleteSchedule(ctx(admin), schedule.id);
  });
});
