/**
 * The audit log's write side on SQLite and PostgreSQL: identical denied events folded into one row
 * with a count (race-free when they arrive at once), pending actions completed with their outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { completeAudit, onAuditEvent, recordAudit, REPEAT_WINDOW_MS, type AuditEventDto } from "./audit.ts";

describe.each(DATABASE_KINDS)("audit log writes on $kind", ({ create }) => {
  let t: TestDatabase;
  let actor: { id: string; email: string };
  const seen: AuditEventDto[] = [];
  let unsubscribe: () => void;

  beforeAll(async () => {
    t = await create();
    actor = await t.db.user.create({
      data: { email: "viewer@example.com", name: "viewer", passwordHash: "x", role: "VIEWER" },
    });
    unsubscribe = onAuditEvent((e) => seen.push(e));
  });
  afterAll(async () => {
    unsubscribe();
    await t.drop();
  });

  const denied = (targetId: string) => ({
    actor,
    action: "socket.console:exec",
    targetType: "server",
    targetId,
    outcome: "denied" as const,
    detail: "missing permission console.execute",
    sourceIp: "10.0.0.9",
  });

  it("stores 500 identical denied events arriving at once as one row counting 500", async () => {
    const now = Date.UTC(2026, 10, 29, 12);
    await Promise.all(Array.from({ length: 500 }, (_, i) => recordAudit(t.db, denied("srv-1"), now + i)));
    const rows = await t.db.auditEvent.findMany({ where: { actorId: actor.id, targetId: "srv-1" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "denied", repeats: 500, lastAt: new Date(now + 499) });
    // Live viewers got the row, then its growing count (same id), not 500 events.
    const live = seen.filter((e) => e.targetId === "srv-1");
    expect(new Set(live.map((e) => e.id))).toEqual(new Set([rows[0]?.id]));
    expect(live.at(-1)?.repeats).toBe(500);
    expect(live.length).toBeLessThan(500);
  });

  it("keeps different targets, and events after the window, apart", async () => {
    const now = Date.UTC(2026, 10, 29, 13);
    await recordAudit(t.db, denied("srv-2"), now);
    await recordAudit(t.db, denied("srv-3"), now + 1);
    await recordAudit(t.db, denied("srv-2"), now + 2);
    await recordAudit(t.db, denied("srv-2"), now + REPEAT_WINDOW_MS + 5);
    const rows = await t.db.auditEvent.findMany({
      where: { actorId: actor.id, targetId: { in: ["srv-2", "srv-3"] } },
    });
    expect(rows.map((r) => `${r.targetId} x${r.repeats}`).sort()).toEqual([
      "srv-2 x1",
      "srv-2 x2",
      "srv-3 x1",
    ]);
    // Successes and failures are never folded.
    await recordAudit(t.db, { actor, action: "test.same", outcome: "success" });
    await recordAudit(t.db, { actor, action: "test.same", outcome: "success" });
    expect(await t.db.auditEvent.count({ where: { action: "test.same" } })).toBe(2);
  });

  it("a pending action is stored at once and announced only when completed", async () => {
    const before = seen.length;
    const pending = await recordAudit(t.db, {
      actor,
      action: "console.command",
      serverId: null,
      targetType: "server",
      targetId: "srv-4",
      input: { command: "status" },
      outcome: "pending",
    });
    expect(await t.db.auditEvent.findUnique({ where: { id: pending.id } })).toMatchObject({
      outcome: "pending",
    });
    expect(seen.length).toBe(before);
    await completeAudit(t.db, pending, "success", "ok");
    expect(await t.db.auditEvent.findUnique({ where: { id: pending.id } })).toMatchObject({
      outcome: "success",
      detail: "ok",
    });
    expect(seen.slice(before)).toEqual([expect.objectContaining({ id: pending.id, outcome: "success" })]);
  });
});
