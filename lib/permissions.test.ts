import { describe, expect, it } from "vitest";
import { can, canAssignRole, canManageUser, PERMISSIONS, ROLES, type Actor, type RoleName } from "./permissions.ts";

const actor = (role: RoleName, serverIds: string[] | null = null, id = `u-${role}`): Actor => ({ id, email: `${role}@x`, name: role, role, serverIds });

describe("permission table", () => {
  it("matches the agreed role x permission matrix", () => {
    const matrix = Object.fromEntries(ROLES.map((role) => [role, PERMISSIONS.filter((p) => can(actor(role), p))]));
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
          "bans.manage",
          "team.manage",
          "audit.read",
        ],
        "MODERATOR": [
          "server.view",
          "console.read",
          "players.view",
          "players.identities",
          "players.kick",
          "players.message",
          "players.ban",
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
          "bans.manage",
          "team.manage",
          "audit.read",
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
    expect(canAssignRole(owner, null, "ADMIN")).toBe(true);
    expect(canAssignRole(owner, "ADMIN", "VIEWER")).toBe(true);
    expect(canAssignRole(admin, null, "MODERATOR")).toBe(true);
    expect(canAssignRole(admin, null, "ADMIN")).toBe(false);
    expect(canAssignRole(admin, null, "OWNER")).toBe(false);
    expect(canAssignRole(admin, "ADMIN", "VIEWER")).toBe(false);
    expect(canAssignRole(admin, "VIEWER", "MODERATOR")).toBe(true);
    expect(canAssignRole(actor("MODERATOR"), null, "VIEWER")).toBe(false);
  });

  it("never lets a user manage themselves", () => {
    const owner = actor("OWNER");
    expect(canManageUser(owner, { id: owner.id, role: "OWNER" })).toBe(false);
    expect(canManageUser(owner, { id: "other", role: "OWNER" })).toBe(true);
    expect(canManageUser(actor("ADMIN"), { id: "other", role: "ADMIN" })).toBe(false);
  });
});
