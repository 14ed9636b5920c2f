/**
 * Editing triggers (SQLite and PostgreSQL): who may, on which servers, and that a refused or
 * invalid form never reaches the table; every change and refusal audited; the editor becomes the
 * owner; a dangerous custom command needs the editor's stored confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import { actorFor } from "../../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createTrigger, deleteTrigger, listFirings, listTriggers, updateTrigger } from "./triggers.ts";

describe.each(DATABASE_KINDS)("automation triggers on $kind", ({ create }) => {
  let t: TestDatabase;
  let serverA: string;
  let serverB: string;
  let owner: Actor;
  let adminA: Actor;
  let viewer: Actor;

  const ctx = (actor: Actor) => ({ db: t.db, actor, ip: "127.0.0.9" });
  const form = (over: Record<string, unknown> = {}) => ({
    name: "Anti-spam",
    serverIds: [serverA],
    event: "chat",
    match: { patternKind: "glob", pattern: "*discord.gg*" },
    action: { kind: "kick", text: "No ads" },
    ...over,
  });

  async function user(role: string, servers: string[] | null): Promise<Actor> {
    const row = await t.db.user.create({
      data: {
        email: `${role.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.com`,
        name: role,
        passwordHash: "x",
        role,
        allServers: servers === null,
        serverAccess: servers ? { create: servers.map((serverId) => ({ serverId })) } : undefined,
      },
    });
    return actorFor(t.db, row.id);
  }

  beforeAll(async () => {
    t = await create();
    const server = (name: string) =>
      t.db.server.create({
        data: { name, game: "cs2", protocol: "source", host: "127.0.0.1", port: 1, passwordEncrypted: "x" },
      });
    serverA = (await server("A")).id;
    serverB = (await server("B")).id;
    owner = await user("OWNER", null);
    adminA = await user("ADMIN", [serverA]);
    viewer = await user("VIEWER", null);
  });
  afterAll(() => t.drop());

  const denied = (action: string, actorId: string) =>
    t.db.auditEvent.count({ where: { action, actorId, outcome: "denied" } });

  it("lets an Admin create a trigger on its server; the editor owns it and the change is audited", async () => {
    const created = await createTrigger(ctx(adminA), form());
    expect(created).toMatchObject({
      name: "Anti-spam",
      serverIds: [serverA],
      ownerName: "ADMIN",
      dryRun: false,
    });
    const row = await t.db.automationTrigger.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.ownerId).toBe(adminA.id);
    expect(
      await t.db.auditEvent.findFirst({
        where: { action: "automation.trigger.create", targetId: created.id },
      }),
    ).toMatchObject({ actorId: adminA.id, outcome: "success", sourceIp: "127.0.0.9" });

    // The Owner edits it: the Owner now owns it (it acts with the last editor's rights).
    const updated = await updateTrigger(ctx(owner), created.id, form({ dryRun: true, cooldownSeconds: 5 }));
    expect(updated).toMatchObject({ dryRun: true, cooldownSeconds: 5, ownerName: "OWNER" });
    await deleteTrigger(ctx(owner), created.id);
    expect(await t.db.automationTrigger.count()).toBe(0);
  });

  it("refuses a Viewer everywhere, audited, and writes nothing", async () => {
    await expect(createTrigger(ctx(viewer), form())).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listTriggers(ctx(viewer))).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await denied("automation.trigger.create", viewer.id)).toBe(1);
    expect(await t.db.automationTrigger.count()).toBe(0);
  });

  it("refuses a server-limited Admin another server, or all servers, and hides and guards others' triggers", async () => {
    await expect(createTrigger(ctx(adminA), form({ serverIds: [serverA, serverB] }))).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(createTrigger(ctx(adminA), form({ allServers: true, serverIds: [] }))).rejects.toMatchObject(
      {
        code: "FORBIDDEN",
      },
    );
    expect(await denied("automation.trigger.create", adminA.id)).toBe(2);
    expect(await t.db.automationTrigger.count()).toBe(0);

    const onB = await createTrigger(ctx(owner), form({ name: "On B", serverIds: [serverB] }));
    const everywhere = await createTrigger(ctx(owner), form({ name: "Everywhere", allServers: true }));
    expect((await listTriggers(ctx(adminA))).map((x) => x.name)).toEqual([]);
    expect((await listTriggers(ctx(owner))).map((x) => x.name)).toEqual(["Everywhere", "On B"]);
    await expect(updateTrigger(ctx(adminA), onB.id, form({ name: "On B" }))).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(deleteTrigger(ctx(adminA), everywhere.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await denied("automation.trigger.update", adminA.id)).toBe(1);
    expect(await denied("automation.trigger.delete", adminA.id)).toBe(1);
    await t.db.automationFiring.create({
      data: { triggerId: onB.id, serverId: serverB, outcome: "would", dryRun: true, detail: "would kick x" },
    });
    expect(await listFirings(ctx(adminA))).toEqual([]);
    expect((await listFirings(ctx(owner))).map((f) => [f.triggerName, f.serverName, f.outcome])).toEqual([
      ["On B", "B", "would"],
    ]);
    await t.db.automationTrigger.deleteMany();
  });

  it("refuses an invalid form with field errors before any write", async () => {
    const before = await t.db.auditEvent.count();
    await expect(
      createTrigger(ctx(owner), form({ name: "", match: { patternKind: "regex", pattern: "(x)\\1" } })),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: {
        name: ["Enter a name"],
        "match.pattern": [expect.stringMatching(/^Not a supported regular expression/)],
      },
    });
    await expect(createTrigger(ctx(owner), form({ serverIds: ["no-such-server"] }))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.db.automationTrigger.count()).toBe(0);
    expect(await t.db.auditEvent.count()).toBe(before);
  });

  it("needs the editor's confirmation for a dangerous custom command, and a unique name", async () => {
    const command = await t.db.customCommand.create({
      data: { name: "Restart", templates: JSON.stringify({ cs2: "quit" }), dangerous: true },
    });
    const restart = form({
      name: "Restart when empty",
      event: "player_count",
      match: { threshold: 0, direction: "down" },
    });
    await expect(
      createTrigger(ctx(owner), { ...restart, action: { kind: "command", commandId: command.id } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { "action.confirmed": ["Confirm the dangerous command"] },
    });
    const created = await createTrigger(ctx(owner), {
      ...restart,
      action: { kind: "command", commandId: command.id, confirmed: true },
    });
    expect(created.action).toMatchObject({ kind: "command", confirmed: true });
    await expect(createTrigger(ctx(owner), { ...restart, action: created.action })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });
});
