/**
 * The grant rule with custom and per-server roles: nobody gives more than they hold where it
 * applies, nobody changes someone more powerful, limited managers stay within their servers.
 */
import { describe, expect, it } from "vitest";
import {
  can,
  canAssignRoles,
  canDefineRole,
  canManageUser,
  canOfferRole,
  ROLE_PERMISSIONS,
  type Actor,
  type ActorRole,
  type Permission,
  type RoleAssignment,
  type RoleName,
} from "./permissions.ts";

const builtIn = (id: RoleName): ActorRole => ({ id, name: id, permissions: ROLE_PERMISSIONS[id] });
const custom = (id: string, permissions: Permission[]): ActorRole => ({ id, name: id, permissions });

const actor = (
  role: RoleName | ActorRole,
  serverIds: string[] | null = null,
  serverRoles?: Record<string, ActorRole>,
): Actor => {
  const main = typeof role === "string" ? builtIn(role) : role;
  return {
    id: `actor-${main.id}`,
    email: "a@x",
    name: "a",
    role: main.id,
    serverIds,
    mainRole: main,
    ...(serverRoles ? { serverRoles } : {}),
  };
};

const grant = (
  role: ActorRole,
  serverIds: string[] | null,
  serverRoles: Record<string, ActorRole> = {},
): RoleAssignment => ({
  role: role.id,
  permissions: role.permissions,
  allServers: serverIds === null,
  serverIds: serverIds ?? [],
  serverRoles,
});

const kicker = custom("kicker", ["server.view", "players.view", "players.kick"]);
const eraser = custom("eraser", ["server.view", "players.erase"]);
const auditor = custom("auditor", ["audit.read"]);
const lead = custom("lead", ["server.view", "team.manage"]);

describe("canAssignRoles: custom roles", () => {
  it("an Admin gives a custom role within its own permissions, not one holding more", () => {
    const admin = actor("ADMIN");
    expect(canAssignRoles(admin, null, grant(kicker, null))).toBe(true);
    expect(canAssignRoles(admin, null, grant(auditor, ["s1"]))).toBe(true);
    // players.erase is Owner-only: an Admin cannot hand it out, on any server.
    expect(canAssignRoles(admin, null, grant(eraser, ["s1"]))).toBe(false);
    expect(canAssignRoles(actor("OWNER"), null, grant(eraser, null))).toBe(true);
  });

  it("a role with team.manage or roles.manage counts as privileged: Owners only", () => {
    expect(canAssignRoles(actor("ADMIN"), null, grant(lead, ["s1"]))).toBe(false);
    expect(canAssignRoles(actor("OWNER"), null, grant(lead, ["s1"]))).toBe(true);
    // Nor may an Admin take it away from someone.
    expect(canAssignRoles(actor("ADMIN"), grant(lead, ["s1"]), grant(builtIn("VIEWER"), ["s1"]))).toBe(false);
  });

  it("a user whose current role holds more than the actor cannot be changed by it", () => {
    const admin = actor("ADMIN");
    expect(canAssignRoles(admin, grant(eraser, ["s1"]), grant(builtIn("VIEWER"), ["s1"]))).toBe(false);
    expect(canManageUser(admin, { id: "m", ...grant(eraser, ["s1"]) })).toBe(false);
    expect(canManageUser(admin, { id: "m", ...grant(kicker, ["s1"]) })).toBe(true);
  });

  it("a custom manager role gives only what it holds", () => {
    // A custom role with team.manage (given by an Owner): it can hand out a role within it, no wider.
    const manager = actor(custom("mgr", ["team.manage", "server.view", "players.view", "players.kick"]));
    expect(canAssignRoles(manager, null, grant(kicker, null))).toBe(true);
    expect(canAssignRoles(manager, null, grant(builtIn("MODERATOR"), null))).toBe(false);
    expect(canAssignRoles(manager, null, grant(builtIn("VIEWER"), null))).toBe(false); // console.read
  });
});

describe("canAssignRoles: per-server roles", () => {
  it("a limited Admin gives roles only on its own servers, per-server roles included", () => {
    const admin = actor("ADMIN", ["s1", "s2"]);
    expect(canAssignRoles(admin, null, grant(builtIn("MODERATOR"), ["s1"]))).toBe(true);
    expect(canAssignRoles(admin, null, grant(builtIn("MODERATOR"), ["s1", "s3"]))).toBe(false);
    expect(canAssignRoles(admin, null, grant(builtIn("MODERATOR"), null))).toBe(false);
    expect(canAssignRoles(admin, null, grant(builtIn("VIEWER"), ["s1"], { s3: builtIn("MODERATOR") }))).toBe(
      false,
    );
    // Even a role of global permissions only may not be pinned to a server outside its own.
    expect(canAssignRoles(admin, null, grant(builtIn("VIEWER"), ["s1"], { s3: auditor }))).toBe(false);
    expect(canAssignRoles(admin, null, grant(builtIn("VIEWER"), ["s1", "s2"], { s2: kicker }))).toBe(true);
  });

  it("an actor that is Admin on A and B and Moderator on C gives console.execute on A, never on C", () => {
    const mixed = actor("ADMIN", null, { C: builtIn("MODERATOR") });
    expect(can(mixed, "console.execute", "A")).toBe(true);
    expect(can(mixed, "console.execute", "C")).toBe(false);
    const executor = custom("exec", ["server.view", "console.read", "console.execute"]);
    expect(canAssignRoles(mixed, null, grant(executor, ["A", "B"]))).toBe(true);
    expect(canAssignRoles(mixed, null, grant(executor, ["A", "C"]))).toBe(false);
    // "All servers" includes C (and servers added later): refused...
    expect(canAssignRoles(mixed, null, grant(executor, null))).toBe(false);
    // ...unless the new member gets a role on C that the actor holds there.
    expect(canAssignRoles(mixed, null, grant(executor, null, { C: builtIn("VIEWER") }))).toBe(true);
    expect(canAssignRoles(mixed, null, grant(builtIn("VIEWER"), ["C"], { C: executor }))).toBe(false);
    expect(canAssignRoles(mixed, null, grant(builtIn("VIEWER"), ["A", "C"], { A: executor }))).toBe(true);
  });

  it("the target's current per-server roles count: no demoting someone stronger on one server", () => {
    const admin = actor("ADMIN");
    const current = grant(builtIn("VIEWER"), ["s1", "s2"], { s2: eraser });
    expect(canAssignRoles(admin, current, grant(builtIn("VIEWER"), ["s1"]))).toBe(false);
    expect(canManageUser(admin, { id: "m", ...current })).toBe(false);
    expect(canAssignRoles(actor("OWNER"), current, grant(builtIn("VIEWER"), ["s1"]))).toBe(true);
    // A per-server Admin role is privileged like a main one.
    expect(canAssignRoles(admin, null, grant(builtIn("VIEWER"), ["s1"], { s1: builtIn("ADMIN") }))).toBe(
      false,
    );
  });

  it("needs team.manage, whatever else the actor holds", () => {
    const moderator = actor("MODERATOR", null, { A: builtIn("ADMIN") });
    // team.manage is global: a per-server Admin role does not make a team manager.
    expect(canAssignRoles(moderator, null, grant(builtIn("VIEWER"), ["A"]))).toBe(false);
  });
});

describe("canOfferRole and canDefineRole", () => {
  it("offers roles the actor could give somewhere; privileged ones only to Owners", () => {
    const admin = actor("ADMIN");
    expect(canOfferRole(admin, kicker)).toBe(true);
    expect(canOfferRole(admin, eraser)).toBe(false);
    expect(canOfferRole(admin, builtIn("ADMIN"))).toBe(false);
    expect(canOfferRole(actor("OWNER"), lead)).toBe(true);
    expect(canOfferRole(actor("MODERATOR"), builtIn("VIEWER"))).toBe(false);
  });

  it("only role managers define roles, and never wider than they hold everywhere", () => {
    expect(canDefineRole(actor("OWNER"), ["players.erase", "roles.manage"])).toBe(true);
    expect(canDefineRole(actor("ADMIN"), ["players.view"])).toBe(false);
    const roleManager = actor(custom("rm", ["roles.manage", "players.view", "server.view"]));
    expect(canDefineRole(roleManager, ["players.view"])).toBe(true);
    expect(canDefineRole(roleManager, ["players.kick"])).toBe(false);
    const limited = actor(custom("rm", ["roles.manage", "players.view"]), ["s1"]);
    expect(canDefineRole(limited, ["players.view"])).toBe(false);
  });
});
