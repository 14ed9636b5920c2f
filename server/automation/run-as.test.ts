/**
 * Automation acts as its owner as the owner is now (SQLite and PostgreSQL): a disabled or deleted
 * owner cannot act, a lowered role takes effect at the next run, and the audit rows it causes carry
 * the automation's name inside the tamper-evident chain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can } from "../../lib/permissions.ts";
import { recordAudit } from "../data/audit.ts";
import { verifyAuditChain } from "../data/audit-chain.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { runAs } from "./run-as.ts";

describe.each(DATABASE_KINDS)("automation acting as its owner on $kind", ({ create }) => {
  let t: TestDatabase;
  let ownerId: string;
  let serverId: string;

  beforeAll(async () => {
    t = await create();
    ownerId = (
      await t.db.user.create({
        data: { email: "ada@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
      })
    ).id;
    serverId = (
      await t.db.server.create({
        data: {
          name: "s1",
          game: "cs2",
          protocol: "source",
          host: "127.0.0.1",
          port: 1,
          passwordEncrypted: "x",
        },
      })
    ).id;
  });
  afterAll(() => t.drop());

  it("acts with the owner's current permissions and stamps its name", async () => {
    const ran = await runAs(t.db, { name: "Rules broadcast", ownerId });
    if (!ran.ok) throw new Error(ran.reason);
    expect(ran.caller.actor.name).toBe("automation: Rules broadcast (Ada)");
    expect(can(ran.caller.actor, "console.execute", serverId)).toBe(true);

    await recordAudit(t.db, {
      actor: ran.caller.actor,
      action: "console.command",
      serverId,
      outcome: "success",
    });
    const row = await t.db.auditEvent.findFirstOrThrow({ where: { action: "console.command" } });
    expect(row).toMatchObject({
      actorId: ownerId,
      actorEmail: "ada@example.com",
      automation: "Rules broadcast",
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });

    // The stamp is sealed: clearing it is caught like any other edit.
    await t.db.auditEvent.update({ where: { id: row.id }, data: { automation: null } });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, eventId: row.id });
    await t.db.auditEvent.update({ where: { id: row.id }, data: { automation: "Rules broadcast" } });
  });

  it("follows a lowered role at the next run, and refuses a disabled or deleted owner", async () => {
    await t.db.user.update({ where: { id: ownerId }, data: { role: "VIEWER" } });
    const lowered = await runAs(t.db, { name: "Rules broadcast", ownerId });
    if (!lowered.ok) throw new Error(lowered.reason);
    expect(can(lowered.caller.actor, "console.execute", serverId)).toBe(false);

    await t.db.user.update({ where: { id: ownerId }, data: { disabled: true } });
    expect(await runAs(t.db, { name: "Rules broadcast", ownerId })).toEqual({
      ok: false,
      reason: "its owner is disabled or no longer exists",
    });
    expect(await runAs(t.db, { name: "Orphan", ownerId: null })).toEqual({
      ok: false,
      reason: "its owner no longer exists",
    });
  });
});
