/**
 * The one permission table. Every check on the server (pages, actions, route handlers, socket
 * events) goes through `can()`; the UI uses the same table only to hide what would be refused.
 */
export const ROLES = ["OWNER", "ADMIN", "MODERATOR", "VIEWER"] as const;
export type RoleName = (typeof ROLES)[number];

export const PERMISSIONS = [
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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ["server.view", "console.read", "players.view"];
const MODERATOR: readonly Permission[] = [...VIEWER, "players.identities", "players.kick", "players.message", "players.ban"];
const ADMIN: readonly Permission[] = [...MODERATOR, "console.execute", "bans.manage", "server.manage", "team.manage", "audit.read"];

export const ROLE_PERMISSIONS = {
  OWNER: PERMISSIONS,
  ADMIN,
  MODERATOR,
  VIEWER,
} as const satisfies Record<RoleName, readonly Permission[]>;

/** Permissions that apply to one game server and so respect a user's server limits. */
const SERVER_SCOPED: ReadonlySet<Permission> = new Set<Permission>([
  "server.view",
  "console.read",
  "console.execute",
  "players.view",
  "players.identities",
  "players.kick",
  "players.message",
  "players.ban",
  "bans.manage",
]);

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  /** null = every server; otherwise the only servers this user may see. Owners are never limited. */
  serverIds: readonly string[] | null;
}

export function can(actor: Actor | null | undefined, permission: Permission, serverId?: string): boolean {
  if (!actor) return false;
  if (!ROLE_PERMISSIONS[actor.role].includes(permission)) return false;
  if (serverId !== undefined && SERVER_SCOPED.has(permission) && actor.role !== "OWNER" && actor.serverIds !== null) {
    return actor.serverIds.includes(serverId);
  }
  return true;
}

const RANK: Record<RoleName, number> = { OWNER: 4, ADMIN: 3, MODERATOR: 2, VIEWER: 1 };

/**
 * Who may give which role, and change whom: only an Owner creates, promotes to, or demotes an
 * Owner or Admin; an Admin manages Moderators and Viewers only. Nobody changes their own role.
 */
export function canAssignRole(actor: Actor, targetCurrentRole: RoleName | null, newRole: RoleName): boolean {
  if (!can(actor, "team.manage")) return false;
  if (actor.role === "OWNER") return true;
  const privileged = (role: RoleName) => RANK[role] >= RANK.ADMIN;
  if (privileged(newRole)) return false;
  if (targetCurrentRole !== null && privileged(targetCurrentRole)) return false;
  return true;
}

/** Whether `actor` may disable, re-enable or limit `target` (same rule as changing its role). */
export function canManageUser(actor: Actor, target: { id: string; role: RoleName }): boolean {
  if (actor.id === target.id) return false;
  return canAssignRole(actor, target.role, target.role);
}
