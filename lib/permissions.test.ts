import { describe, expect, it } from "vitest";
import {
  auditScope,
  can,
  canAssignRoles,
  canCreateServer,
  canGrantServers,
  canManageUser,
  canReadAuditEvent,
  canSeeMember,
  PERMISSIONS,
  canOnPlayer,
  ROLE_PERMISSIONS,
  ROLES,
  type Actor,
  type ManagedUser,
  type RoleName,
} from "./permissions.ts";

const actor = (role: RoleName, serverIds: string[] | null = null, id = `u-${role}`): Actor => ({
  id,
  email: `${role}@x`,
  name: role,
  role,
  serverIds,
});

describe("permission table", () => {
  it("matches the agreed role x permission matrix", () => {
    const matrix = Object.fromEntries(
      ROLES.map((role) => [role, PERMISSIONS.filter((p) => can(actor(role), p))]),
    );
    expect(matrix).toMatchInlineSnapshot(`
      {
        "ADMIN": [
          "server.view",
          "server.manage",
          "console.read",
          "console.execute",
          "players.view",
          "players.identities",
          "players.kick",
          "players.message",
          "players.ban",
          "players.notes",
          "players.warn",
          "players.watch",
          "players.merge",
          "bans.manage",
          "team.manage",
          "audit.read",
          "commands.run",
          "commands.manage",
          "automation.manage",
        ],
        "MODERATOR": [
          "server.view",
          "console.read",
          "players.view",
          "players.identities",
          "players.kick",
          "players.message",
          "players.ban",
          "players.notes",
          "players.warn",
          "players.watch",
          "commands.run",
        ],
        "OWNER": [
          "server.view",
          "server.manage",
          "console.read",
          "console.execute",
          "players.view",
          "players.identities",
          "players.kick",
          "players.message",
          "players.ban",
          "players.notes",
          "players.warn",
          "players.watch",
          "players.merge",
          "players.erase",
          "bans.manage",
          "team.manage",
          "audit.read",
          "commands.run",
          "commands.manage",
          "roles.manage",
          "automation.manage",
        ],
        "VIEWER": [
          "server.view",
          "console.read",
          "players.view",
        ],
      }
    `);
  });

  it("refuses anonymous actors everything", () => {
    for (const p of PERMISSIONS) expect(can(null, p)).toBe(false);
  });

  it("limits server-scoped permissions to granted servers, except for Owners", () => {
    const mod = actor("MODERATOR", ["s1"]);
    expect(can(mod, "players.kick", "s1")).toBe(true);
    expect(can(mod, "players.kick", "s2")).toBe(false);
    expect(can(mod, "server.view", "s2")).toBe(false);
    expect(can(actor("OWNER", ["s1"]), "console.execute", "s2")).toBe(true);
    expect(can(actor("ADMIN", null), "console.execute", "anything")).toBe(true);
  });

  it("lets only Owners create, promote to or demote Owners and Admins", () => {
    const owner = actor("OWNER");
    const admin = actor("ADMIN");
    const give = (role: RoleName) => ({ role, allServers: true, serverIds: [] });
    expect(canAssignRoles(owner, null, give("ADMIN"))).toBe(true);
    expect(canAssignRoles(owner, give("ADMIN"), give("VIEWER"))).toBe(true);
    expect(canAssignRoles(admin, null, give("MODERATOR"))).toBe(true);
    expect(canAssignRoles(admin, null, give("ADMIN"))).toBe(false);
    expect(canAssignRoles(admin, null, give("OWNER"))).toBe(false);
    expect(canAssignRoles(admin, give("ADMIN"), give("VIEWER"))).toBe(false);
    expect(canAssignRoles(admin, give("VIEWER"), give("MODERATOR"))).toBe(true);
    expect(canAssignRoles(actor("MODERATOR"), null, give("VIEWER"))).toBe(false);
  });

  it("never lets a user manage themselves", () => {
    const owner = actor("OWNER");
    expect(canManageUser(owner, member("OWNER", null, owner.id))).toBe(false);
    expect(canManageUser(owner, member("OWNER", null, "other"))).toBe(true);
    expect(canManageUser(actor("ADMIN"), member("ADMIN", null, "other"))).toBe(false);
  });
});

const member = (
  role: RoleName,
  serverIds: string[] | null,
  id = `m-${role}-${serverIds?.join("+") ?? "all"}`,
): ManagedUser => ({
  id,
  role,
  allServers: serverIds === null,
  serverIds: serverIds ?? [],
});

describe("server limits on every permission (limited Admin, limited Moderator)", () => {
  const SERVER_WIDE = new Set(["team.manage", "audit.read", "commands.manage", "roles.manage"]);

  it.each(["ADMIN", "MODERATOR", "VIEWER"] as const)(
    "a %s limited to s1 has its role's permissions on s1 and none of the per-server ones elsewhere",
    (role) => {
      const limited = actor(role, ["s1"]);
      for (const p of PERMISSIONS) {
        const inRole = (ROLE_PERMISSIONS[role] as readonly string[]).includes(p);
        expect(can(limited, p, "s1"), `${p} on s1`).toBe(inRole);
        // team.manage and audit.read take no server: their scoping is canGrantServers/canManageUser/auditScope.
        expect(can(limited, p, "s2"), `${p} on s2`).toBe(inRole && SERVER_WIDE.has(p));
      }
    },
  );

  it("a limited user with no servers left reaches none; only null means every server", () => {
    const orphan = actor("ADMIN", []);
    for (const p of PERMISSIONS) if (!SERVER_WIDE.has(p)) expect(can(orphan, p, "s1"), p).toBe(false);
    expect(can(actor("ADMIN", null), "server.manage", "s9")).toBe(true);
  });

  it("server.manage follows the limit: a limited Admin renames and deletes only its servers", () => {
    expect(can(actor("ADMIN", ["s1"]), "server.manage", "s1")).toBe(true);
    expect(can(actor("ADMIN", ["s1"]), "server.manage", "s2")).toBe(false);
    expect(can(actor("MODERATOR", ["s1"]), "server.manage", "s1")).toBe(false);
  });

  it("only an unlimited Admin or an Owner adds servers", () => {
    expect(canCreateServer(actor("OWNER", ["s1"]))).toBe(true);
    expect(canCreateServer(actor("ADMIN"))).toBe(true);
    expect(canCreateServer(actor("ADMIN", ["s1"]))).toBe(false);
    expect(canCreateServer(actor("ADMIN", []))).toBe(false);
    expect(canCreateServer(actor("MODERATOR"))).toBe(false);
  });

  it("a limited Admin grants only its own servers and never every server", () => {
    const admin = actor("ADMIN", ["s1", "s2"]);
    expect(canGrantServers(admin, { allServers: false, serverIds: ["s1"] })).toBe(true);
    expect(canGrantServers(admin, { allServers: false, serverIds: ["s1", "s2"] })).toBe(true);
    expect(canGrantServers(admin, { allServers: false, serverIds: ["s1", "s3"] })).toBe(false);
    expect(canGrantServers(admin, { allServers: true, serverIds: [] })).toBe(false);
    expect(canGrantServers(actor("ADMIN"), { allServers: true, serverIds: [] })).toBe(true);
    expect(canGrantServers(actor("OWNER", ["s1"]), { allServers: true, serverIds: [] })).toBe(true);
    expect(canGrantServers(actor("MODERATOR"), { allServers: false, serverIds: ["s1"] })).toBe(false);
    expect(canGrantServers(actor("MODERATOR", ["s1"]), { allServers: false, serverIds: ["s1"] })).toBe(false);
  });

  it("a limited Admin manages only members confined to its servers, and sees only them and itself", () => {
    const admin = actor("ADMIN", ["s1", "s2"]);
    const inside = member("VIEWER", ["s1"]);
    const both = member("MODERATOR", ["s1", "s2"]);
    const straddling = member("MODERATOR", ["s1", "s3"]);
    const outside = member("VIEWER", ["s3"]);
    const everywhere = member("VIEWER", null);
    const orphan = member("VIEWER", []);
    const peer = member("ADMIN", ["s1"]);
    expect(
      [inside, both, straddling, outside, everywhere, orphan, peer].map((m) => canManageUser(admin, m)),
    ).toEqual([true, true, false, false, false, false, false]);
    expect(
      [inside, both, straddling, outside, everywhere, orphan, peer].map((m) => canSeeMember(admin, m)),
    ).toEqual([true, true, false, false, false, false, false]);
    expect(canSeeMember(admin, member("ADMIN", ["s1", "s2"], admin.id))).toBe(true);
    // Unlimited managers are unchanged: every Moderator and Viewer, whatever their servers.
    expect([inside, straddling, everywhere, orphan].every((m) => canManageUser(actor("ADMIN"), m))).toBe(
      true,
    );
    expect(canSeeMember(actor("ADMIN"), peer)).toBe(true);
    expect(canSeeMember(actor("MODERATOR"), inside)).toBe(false);
  });

  it("a limited Admin reads the audit events of its servers and its own actions only", () => {
    const admin = actor("ADMIN", ["s1"], "a1");
    expect(auditScope(admin)).toEqual({ actorId: "a1", serverIds: ["s1"] });
    expect(auditScope(actor("ADMIN"))).toBeNull();
    expect(auditScope(actor("OWNER", ["s1"]))).toBeNull();
    expect(canReadAuditEvent(admin, { actorId: "other", serverId: "s1" })).toBe(true);
    expect(canReadAuditEvent(admin, { actorId: "a1", serverId: null })).toBe(true);
    expect(canReadAuditEvent(admin, { actorId: "a1", serverId: "s2" })).toBe(true);
    expect(canReadAuditEvent(admin, { actorId: "other", serverId: "s2" })).toBe(false);
    expect(canReadAuditEvent(admin, { actorId: null, serverId: null })).toBe(false);
    expect(canReadAuditEvent(actor("ADMIN"), { actorId: null, serverId: null })).toBe(true);
    expect(canReadAuditEvent(actor("MODERATOR", ["s1"], "m1"), { actorId: "m1", serverId: "s1" })).toBe(
      false,
    );
  });
});

describe("canOnPlayer (a player record belongs to the servers it was seen on)", () => {
  it("a limited Moderator reaches a player seen on one of its servers, and no other", () => {
    const moderator = actor("MODERATOR", ["s1"]);
    expect(canOnPlayer(moderator, "players.notes", ["s2", "s1"])).toBe(true);
    expect(canOnPlayer(moderator, "players.notes", ["s2"])).toBe(false);
    expect(canOnPlayer(moderator, "players.notes", [])).toBe(false);
  });

  it("an unlimited user reaches players seen nowhere; a role without the permission reaches none", () => {
    expect(canOnPlayer(actor("ADMIN", null), "players.merge", [])).toBe(true);
    expect(canOnPlayer(actor("VIEWER", null), "players.notes", ["s1"])).toBe(false);
    expect(canOnPlayer(actor("ADMIN", null), "players.erase", ["s1"])).toBe(false);
    expect(canOnPlayer(actor("OWNER", []), "players.erase", [])).toBe(true);
    expect(canOnPlayer(null, "players.view", ["s1"])).toBe(false);
  });
});
