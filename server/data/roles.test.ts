/**
 * Custom roles and per-server roles in the data layer, on SQLite and PostgreSQL: defining roles
 * (Owners only, audited, unique names, built-ins fixed), deleting only unused ones, and the grant
 * rule when members get a main role and per-server roles.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, type Actor, type RoleId } from "../../lib/permissions.ts";
import { createRoleSchema } from "../../lib/schemas/roles.ts";
import { createServerSchema } from "../../lib/schemas/server.ts";
import { actorFor as actorOf, completeOwnerSetup, TEST_PASSWORD as PASSWORD } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import type { DataContext } from "./context.ts";
import { createRole, deleteRole, getRole, listRoles, setRoleTwoFactor, updateRole } from "./roles.ts";
import { createServer } from "./servers.ts";
import {
  acceptInvite,
  createInvite,
  describeInvite,
  issueSetupToken,
  listTeam,
  updateMember,
} from "./users.ts";

const KEY = randomBytes(32);

describe.each(DATABASE_KINDS)("roles on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  let n = 0;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const actorFor = (id: string) => actorOf(t.db, id);
  const server = async () =>
    (
      await createServer(
        ctx(owner),
        KEY,
        createServerSchema.parse({
          name: `S${n++}`,
          game: "openarena",
          host: "10.1.2.3",
          port: 27960,
          encoding: "",
          enabled: true,
          password: "pw",
        }),
      )
    ).id;
  /** A member invited by the Owner and signed up: `servers` null = every server. */
  const member = async (role: RoleId, servers: string[] | null) => {
    const email = `m${n++}@example.com`;
    const { token } = await createInvite(ctx(owner), {
      email,
      role,
      allServers: servers === null,
      serverIds: servers ?? [],
    });
    await acceptInvite(t.db, { token, name: email, password: PASSWORD, confirmPassword: PASSWORD }, null);
    return actorFor((await t.db.user.findUniqueOrThrow({ where: { email } })).id);
  };
  const role = (name: string, permissions: string[], requireTwoFactor = false) =>
    createRole(ctx(owner), createRoleSchema.parse({ name, permissions, requireTwoFactor }));
  const audits = (action: string, outcome: string) =>
    t.db.auditEvent.findMany({ where: { action, outcome }, orderBy: { createdAt: "asc" } });

  beforeAll(async () => {
    t = await create();
    owner = await completeOwnerSetup(t.db, await issueSetupToken(t.db));
  });
  afterAll(async () => t.drop());

  it("an Owner creates a custom role, audited; names are unique whatever their case", async () => {
    const kicker = await role("Kicker", ["server.view", "players.view", "players.kick"], true);
    expect(kicker).toMatchObject({ name: "Kicker", builtIn: false, requireTwoFactor: true, memberCount: 0 });
    expect((await audits("role.create", "success")).at(-1)).toMatchObject({
      targetId: kicker.id,
      actorId: owner.id,
    });
    await expect(role("kicker", ["server.view"])).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(role("ADMIN", ["server.view"])).rejects.toMatchObject({ code: "CONFLICT" });
    const list = await listRoles(ctx(owner));
    expect(list.slice(0, 4).map((r) => [r.id, r.name, r.builtIn])).toEqual([
      ["OWNER", "Owner", true],
      ["ADMIN", "Admin", true],
      ["MODERATOR", "Moderator", true],
      ["VIEWER", "Viewer", true],
    ]);
    expect(list.find((r) => r.id === kicker.id)?.permissions).toEqual([
      "server.view",
      "players.view",
      "players.kick",
    ]);
  });

  it("refuses unknown permissions before the database", () => {
    const parsed = createRoleSchema.safeParse({ name: "X", permissions: ["server.view", "root.everything"] });
    expect(parsed.success).toBe(false);
  });

  it("only role managers define roles: an Admin and a Moderator are refused, audited, nothing stored", async () => {
    const admin = await member("ADMIN", null);
    const moderator = await member("MODERATOR", null);
    const before = await t.db.role.count();
    for (const who of [admin, moderator]) {
      await expect(
        createRole(
          ctx(who),
          createRoleSchema.parse({ name: `Sneaky ${who.id}`, permissions: ["server.view"] }),
        ),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        setRoleTwoFactor(ctx(who), { roleId: "VIEWER", requireTwoFactor: true }),
      ).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    expect(await t.db.role.count()).toBe(before);
    expect((await audits("role.create", "denied")).map((e) => e.actorId)).toEqual(
      expect.arrayContaining([admin.id, moderator.id]),
    );
    // Team managers read the list (their role pickers); the Roles page itself is for role managers.
    expect((await listRoles(ctx(admin))).length).toBeGreaterThanOrEqual(4);
    await expect(listRoles(ctx(moderator))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getRole(ctx(admin), "VIEWER")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("built-in roles keep their name and permissions; only the two-factor requirement changes", async () => {
    await expect(
      updateRole(ctx(owner), {
        roleId: "MODERATOR",
        name: "Moderator",
        description: "",
        permissions: ["server.view", "players.erase"],
        requireTwoFactor: false,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await setRoleTwoFactor(ctx(owner), { roleId: "ADMIN", requireTwoFactor: true });
    expect(await getRole(ctx(owner), "ADMIN")).toMatchObject({ requireTwoFactor: true, name: "Admin" });
    expect((await getRole(ctx(owner), "MODERATOR")).permissions).not.toContain("players.erase");
    expect((await audits("role.update", "success")).at(-1)).toMatchObject({ targetId: "ADMIN" });
    await setRoleTwoFactor(ctx(owner), { roleId: "ADMIN", requireTwoFactor: false });
    await expect(deleteRole(ctx(owner), "VIEWER")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("an edit applies at the holder's next request, with no new session", async () => {
    const helper = await role("Helper", ["server.view", "players.view"]);
    const s1 = await server();
    const holder = await member(helper.id, [s1]);
    expect(can(holder, "players.kick", s1)).toBe(false);
    await updateRole(ctx(owner), {
      roleId: helper.id,
      name: "Helper",
      description: "kicks too",
      permissions: ["server.view", "players.view", "players.kick"],
      requireTwoFactor: false,
    });
    expect(can(await actorFor(holder.id), "players.kick", s1)).toBe(true);
    expect((await audits("role.update", "success")).at(-1)?.input).toContain("players.kick");
  });

  it("deletes a role only once nobody holds it (main, per-server, open invite)", async () => {
    const temp = await role("Temp", ["server.view"]);
    const s1 = await server();
    const holder = await member(temp.id, [s1]);
    await expect(deleteRole(ctx(owner), temp.id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("1 member") as string,
    });
    // Now only a per-server role.
    await updateMember(ctx(owner), {
      userId: holder.id,
      role: "VIEWER",
      allServers: true,
      serverIds: [],
      serverRoles: { [s1]: temp.id },
    });
    await expect(deleteRole(ctx(owner), temp.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await updateMember(ctx(owner), { userId: holder.id, role: "VIEWER", allServers: true, serverIds: [] });
    // An open invite holds it too.
    await createInvite(ctx(owner), {
      email: `inv${n++}@example.com`,
      role: temp.id,
      allServers: true,
      serverIds: [],
    });
    await expect(deleteRole(ctx(owner), temp.id)).rejects.toMatchObject({
      message: expect.stringContaining("open invite") as string,
    });
    // Once the invite has expired, the role goes (and the dead invite with it).
    await deleteRole(ctx(owner), temp.id, new Date(Date.now() + 365 * 24 * 3600_000));
    expect(await t.db.role.findUnique({ where: { id: temp.id } })).toBeNull();
    expect((await audits("role.delete", "success")).at(-1)).toMatchObject({ targetId: temp.id });
  });

  describe("per-server roles and the grant rule", () => {
    it("'Admin on A and B, Moderator on C': stored per server, shown by name, applied per server", async () => {
      const [a, b, c] = [await server(), await server(), await server()];
      const user = await member("VIEWER", [a]);
      await updateMember(ctx(owner), {
        userId: user.id,
        role: "ADMIN",
        allServers: false,
        serverIds: [a, b, c],
        serverRoles: { [c]: "MODERATOR" },
      });
      const actor = await actorFor(user.id);
      expect(actor.serverIds).toEqual(expect.arrayContaining([a, b, c]));
      expect([a, b, c].map((s) => can(actor, "console.execute", s))).toEqual([true, true, false]);
      expect(can(actor, "players.kick", c)).toBe(true);
      const row = (await listTeam(ctx(owner))).find((m) => m.id === user.id);
      expect(row).toMatchObject({ role: "ADMIN", roleName: "Admin" });
      expect(row?.serverRoles).toEqual([{ serverId: c, roleId: "MODERATOR", roleName: "Moderator" }]);
    });

    it("an 'all servers' member keeps every server; per-server rows are overrides, not limits", async () => {
      const [a, c] = [await server(), await server()];
      const user = await member("MODERATOR", null);
      await updateMember(ctx(owner), {
        userId: user.id,
        role: "MODERATOR",
        allServers: true,
        serverIds: [],
        serverRoles: { [c]: "VIEWER" },
      });
      const actor = await actorFor(user.id);
      expect(actor.serverIds).toBeNull();
      expect(can(actor, "players.kick", a)).toBe(true);
      expect(can(actor, "players.kick", c)).toBe(false);
      expect(can(actor, "server.view", c)).toBe(true);
      expect(await t.db.serverAccess.findMany({ where: { userId: user.id } })).toEqual([
        expect.objectContaining({ serverId: c, roleId: "VIEWER" }),
      ]);
    });

    it("an Admin cannot give a custom role holding more than it has, nor take one away; audited", async () => {
      const eraser = await role("Eraser", ["server.view", "players.view", "players.erase"]);
      const s1 = await server();
      const admin = await member("ADMIN", null);
      const target = await member("VIEWER", [s1]);
      await expect(
        updateMember(ctx(admin), { userId: target.id, role: eraser.id, allServers: false, serverIds: [s1] }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        updateMember(ctx(admin), {
          userId: target.id,
          role: "VIEWER",
          allServers: false,
          serverIds: [s1],
          serverRoles: { [s1]: eraser.id },
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        createInvite(ctx(admin), {
          email: `e${n++}@example.com`,
          role: eraser.id,
          allServers: true,
          serverIds: [],
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await t.db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("VIEWER");
      expect((await audits("team.update", "denied")).at(-1)).toMatchObject({ actorId: admin.id });
      // Given by the Owner, the member is then beyond the Admin's reach.
      await updateMember(ctx(owner), {
        userId: target.id,
        role: eraser.id,
        allServers: false,
        serverIds: [s1],
      });
      await expect(
        updateMember(ctx(admin), { userId: target.id, role: "VIEWER", allServers: false, serverIds: [s1] }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await listTeam(ctx(admin))).find((m) => m.id === target.id)?.manageable).toBe(false);
      // A custom role within the Admin's own permissions is fine.
      const greeter = await role("Greeter", ["server.view", "players.view", "players.message"]);
      const other = await member("VIEWER", [s1]);
      await updateMember(ctx(admin), {
        userId: other.id,
        role: greeter.id,
        allServers: false,
        serverIds: [s1],
      });
      expect((await actorFor(other.id)).mainRole?.name).toBe("Greeter");
    });

    it("a limited Admin never grants outside its servers, per-server roles included", async () => {
      const [mine, theirs] = [await server(), await server()];
      const limitedAdmin = await member("ADMIN", [mine]);
      const target = await member("VIEWER", [mine]);
      await expect(
        updateMember(ctx(limitedAdmin), {
          userId: target.id,
          role: "VIEWER",
          allServers: false,
          serverIds: [mine],
          serverRoles: { [theirs]: "MODERATOR" },
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        updateMember(ctx(limitedAdmin), {
          userId: target.id,
          role: "VIEWER",
          allServers: false,
          serverIds: [mine, theirs],
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await t.db.serverAccess.findMany({ where: { userId: target.id } })).toEqual([
        expect.objectContaining({ serverId: mine, roleId: null }),
      ]);
      await updateMember(ctx(limitedAdmin), {
        userId: target.id,
        role: "VIEWER",
        allServers: false,
        serverIds: [mine],
        serverRoles: { [mine]: "MODERATOR" },
      });
      expect(can(await actorFor(target.id), "players.kick", mine)).toBe(true);
    });

    it("refuses a role id that does not exist, before anything is stored", async () => {
      const s1 = await server();
      const target = await member("VIEWER", [s1]);
      await expect(
        updateMember(ctx(owner), {
          userId: target.id,
          role: "no-such-role",
          allServers: false,
          serverIds: [s1],
        }),
      ).rejects.toMatchObject({ code: "INVALID_INPUT" });
      expect((await t.db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("VIEWER");
      await expect(
        updateMember(ctx(owner), {
          userId: target.id,
          role: "VIEWER",
          allServers: false,
          serverIds: [s1],
          serverRoles: { [s1]: "OWNER" },
        }),
      ).rejects.toMatchObject({ code: "INVALID_INPUT" });
      expect(
        await t.db.serverAccess.findMany({ where: { userId: target.id, roleId: { not: null } } }),
      ).toEqual([]);
    });

    it("an invite carries a custom main role, shown by name", async () => {
      const custom = await role("Watcher", ["server.view", "players.view", "players.watch"]);
      const email = `w${n++}@example.com`;
      const { token } = await createInvite(ctx(owner), {
        email,
        role: custom.id,
        allServers: true,
        serverIds: [],
      });
      expect(await describeInvite(t.db, token)).toEqual({ email, role: custom.id, roleName: "Watcher" });
      await acceptInvite(t.db, { token, name: "W", password: PASSWORD, confirmPassword: PASSWORD }, null);
      const actor = await actorFor((await t.db.user.findUniqueOrThrow({ where: { email } })).id);
      expect(actor.mainRole?.name).toBe("Watcher");
      expect(can(actor, "players.watch", await server())).toBe(true);
      expect(can(actor, "players.kick")).toBe(false);
    });
  });
});
