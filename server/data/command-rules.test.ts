/**
 * Console policies on SQLite and PostgreSQL: rule editing (roles.manage, every server, custom roles
 * only, audited, bad input never stored) and authorizeConsoleCommand's refusals (the rule named,
 * audited with the command masked), per-server roles, and dangerous commands without confirmation.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "../../lib/errors.ts";
import type { Actor, Permission } from "../../lib/permissions.ts";
import { addCommandRuleSchema } from "../../lib/schemas/command-rules.ts";
import { actorFor, createActor } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import { srcdsDialect, quake3Dialect } from "../testing/dialects.ts";
import { authorizeConsoleCommand } from "./command-policy.ts";
import { addCommandRule, getRolePolicy, moveCommandRule, removeCommandRule } from "./command-rules.ts";
import type { DataContext } from "./context.ts";

const CONSOLE: Permission[] = ["server.view", "console.read", "console.execute"];

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string } | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
}

describe.each(DATABASE_KINDS)("console policies on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  let serverA: string;
  let serverB: string;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const role = async (name: string, permissions: Permission[] = CONSOLE) =>
    (
      await t.db.role.create({
        data: { name: `${name} ${randomUUID().slice(0, 6)}`, permissions: JSON.stringify(permissions) },
      })
    ).id;
  const user = async (mainRole: string, servers: { id: string; roleId?: string }[] | null) => {
    const row = await t.db.user.create({
      data: {
        email: `${randomUUID()}@example.com`,
        name: "u",
        passwordHash: "x",
        role: mainRole,
        allServers: servers === null,
      },
    });
    for (const s of servers ?? [])
      await t.db.serverAccess.create({ data: { userId: row.id, serverId: s.id, roleId: s.roleId ?? null } });
    return actorFor(t.db, row.id);
  };
  const rule = (roleId: string, effect: "allow" | "deny", command: string, args?: string, note?: string) =>
    addCommandRule(ctx(owner), addCommandRuleSchema.parse({ roleId, effect, command, args, note }));

  beforeAll(async () => {
    t = await create();
    owner = await createActor(t.db, "OWNER", null);
    serverA = await createUnreadableServer(t.db, "A");
    serverB = await createUnreadableServer(t.db, "B", 2);
  });
  afterAll(async () => t.drop());

  it("an Owner adds, reorders and removes rules of a custom role; positions stay gapless; each change is audited", async () => {
    const roleId = await role("Editors");
    const a = await rule(roleId, "deny", "quit", undefined, "never");
    const b = await rule(roleId, "allow", "changelevel", "de_*");
    const c = await rule(roleId, "deny", "rcon_password", "*");
    expect(
      (await getRolePolicy(ctx(owner), roleId)).rules.map((r) => [r.position, r.command, r.args]),
    ).toEqual([
      [0, "quit", null],
      [1, "changelevel", "de_*"],
      [2, "rcon_password", "*"],
    ]);
    await moveCommandRule(ctx(owner), { roleId, ruleId: c.id, direction: "up" });
    await moveCommandRule(ctx(owner), { roleId, ruleId: a.id, direction: "up" }); // already first: nothing
    await removeCommandRule(ctx(owner), { roleId, ruleId: b.id });
    const view = await getRolePolicy(ctx(owner), roleId);
    expect(view).toMatchObject({ editable: true, unrestricted: false });
    expect(view.rules.map((r) => [r.position, r.command, r.note])).toEqual([
      [0, "quit", "never"],
      [1, "rcon_password", ""],
    ]);
    const audit = await t.db.auditEvent.findMany({
      where: { targetId: roleId },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((e) => [e.action, e.outcome])).toEqual([
      ["role.policy.add", "success"],
      ["role.policy.add", "success"],
      ["role.policy.add", "success"],
      ["role.policy.move", "success"],
      ["role.policy.remove", "success"],
    ]);
    // Deleting the role deletes its rules.
    await t.db.role.delete({ where: { id: roleId } });
    expect(await t.db.commandRule.count({ where: { roleId } })).toBe(0);
  });

  it("refuses editors without roles.manage, limited to some servers, and built-in roles; nothing is stored", async () => {
    const roleId = await role("Target");
    const admin = await createActor(t.db, "ADMIN", null);
    const limitedManager = await user(await role("Role managers", ["roles.manage"]), [{ id: serverA }]);
    const input = addCommandRuleSchema.parse({ roleId, effect: "allow", command: "*" });
    expect(await codeOf(addCommandRule(ctx(admin), input))).toMatchObject({ code: "FORBIDDEN" });
    expect(await codeOf(addCommandRule(ctx(limitedManager), input))).toMatchObject({ code: "FORBIDDEN" });
    expect(await codeOf(getRolePolicy(ctx(admin), roleId))).toMatchObject({ code: "FORBIDDEN" });
    expect(await codeOf(addCommandRule(ctx(owner), { ...input, roleId: "ADMIN" }))).toEqual({
      code: "FORBIDDEN",
      message: "Built-in roles have fixed console policies.",
    });
    expect(await codeOf(addCommandRule(ctx(owner), { ...input, roleId: "nope" }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.db.commandRule.count({ where: { roleId: { in: [roleId, "ADMIN"] } } })).toBe(0);
    expect(
      await t.db.auditEvent.count({ where: { action: "role.policy.add", outcome: "denied" } }),
    ).toBeGreaterThanOrEqual(3);
    expect(await getRolePolicy(ctx(owner), "ADMIN")).toMatchObject({
      editable: false,
      unrestricted: true,
      rules: [],
    });
    expect(await getRolePolicy(ctx(owner), "MODERATOR")).toMatchObject({
      editable: false,
      unrestricted: false,
    });
  });

  it("rejects patterns that are not globs before they reach the database", () => {
    for (const command of ["", "a b", "(a+)+", "quit;x", "x".repeat(201)])
      expect(addCommandRuleSchema.safeParse({ roleId: "r", effect: "deny", command }).success, command).toBe(
        false,
      );
    expect(addCommandRuleSchema.safeParse({ roleId: "r", effect: "maybe", command: "quit" }).success).toBe(
      false,
    );
    expect(
      addCommandRuleSchema.safeParse({ roleId: "r", effect: "deny", command: "quit", args: "a\nb" }).success,
    ).toBe(false);
  });

  it("a deny rule refuses with the rule named, audited as denied with the command masked; other commands pass", async () => {
    const roleId = await role("Map helper");
    await rule(roleId, "allow", "changelevel");
    await rule(roleId, "allow", "status");
    await rule(roleId, "deny", "rcon_password", "*");
    const helper = await user(roleId, null);
    const name = (await t.db.role.findUniqueOrThrow({ where: { id: roleId } })).name;
    const send = (command: string, confirmed = false) =>
      codeOf(
        authorizeConsoleCommand(ctx(helper), {
          serverId: serverA,
          command,
          confirmed,
          dialect: srcdsDialect,
        }),
      );
    expect(await send("changelevel de_dust2")).toBe("ok");
    expect(await send("status; rcon_password hunter2")).toEqual({
      code: "FORBIDDEN",
      message: `Refused by rule 3 of role "${name}": deny "rcon_password *" (in "rcon_password hunter2")`,
    });
    const denied = await t.db.auditEvent.findFirstOrThrow({
      where: { actorId: helper.id, outcome: "denied" },
    });
    expect(denied).toMatchObject({
      action: "console.command",
      serverId: serverA,
      detail: expect.stringContaining("rule 3") as string,
    });
    expect(denied.input).not.toContain("hunter2");
  });

  it("a restricted role is refused while the server's game is unknown (fail closed); unrestricted roles are not", async () => {
    const helper = await user(await role("No game"), null);
    const send = (actor: Actor) =>
      codeOf(
        authorizeConsoleCommand(ctx(actor), {
          serverId: serverA,
          command: "status",
          confirmed: false,
          dialect: null,
        }),
      );
    expect(await send(helper)).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("not known yet") as string,
    });
    expect(await send(owner)).toBe("ok");
  });

  it("dangerous commands need the confirmation, for Owners too; confirmed they pass", async () => {
    const send = (actor: Actor, command: string, confirmed: boolean) =>
      codeOf(
        authorizeConsoleCommand(ctx(actor), { serverId: serverA, command, confirmed, dialect: srcdsDialect }),
      );
    expect(await send(owner, "status; quit", false)).toEqual({
      code: "CONFIRMATION_REQUIRED",
      message: "This command is dangerous: quit: stops the game server process.",
    });
    expect(await send(owner, "status; quit", true)).toBe("ok");
  });

  it("the role on the server decides: a per-server role's rules apply there only; limited users are refused elsewhere", async () => {
    const strict = await role("Strict");
    await rule(strict, "deny", "changelevel");
    const loose = await role("Loose");
    const member = await user(loose, [{ id: serverA }, { id: serverB, roleId: strict }]);
    const on = (serverId: string) =>
      codeOf(
        authorizeConsoleCommand(ctx(member), {
          serverId,
          command: "changelevel x",
          confirmed: false,
          dialect: srcdsDialect,
        }),
      );
    expect(await on(serverA)).toBe("ok");
    expect(await on(serverB)).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/^Refused by rule 1 of role "Strict/) as string,
    });
    const other = await createUnreadableServer(t.db, "C", 3);
    expect(await on(other)).toEqual({ code: "FORBIDDEN", message: "You do not have permission to do that." });
  });

  it("custom roles on Quake 3 games get the built-in allowlist unless a rule allows more; Admins do not", async () => {
    const roleId = await role("Q3 helper");
    const helper = await user(roleId, null);
    const admin = await createActor(t.db, "ADMIN", null);
    const send = (actor: Actor, command: string) =>
      codeOf(
        authorizeConsoleCommand(ctx(actor), {
          serverId: serverA,
          command,
          confirmed: false,
          dialect: quake3Dialect,
        }),
      );
    expect(await send(helper, "status")).toBe("ok");
    expect(await send(helper, "map q3dm17")).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("default policy") as string,
    });
    expect(await send(admin, "map q3dm17")).toBe("ok");
    await rule(roleId, "allow", "map", "q3dm*");
    expect(await send(helper, "map q3dm17")).toBe("ok");
  });
});
