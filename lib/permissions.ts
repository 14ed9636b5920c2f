/**
 * The one permission table. Every check on the server (pages, actions, route handlers, socket
 * events) goes through `can()`; the UI uses the same table only to hide what would be refused.
 */
export const ROLES = ["OWNER", "ADMIN", "MODERATOR", "VIEWER"] as const;
/** A built-in role; its id is its name. Custom roles (stored in `Role`) have other ids. */
export type RoleName = (typeof ROLES)[number];
/** The id of a built-in or custom role. */
export type RoleId = RoleName | (string & {});

export function isBuiltInRole(roleId: string): roleId is RoleName {
  return (ROLES as readonly string[]).includes(roleId);
}

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
  /** Add notes to player records (and edit one's own). */
  "players.notes",
  /** Warn a player (in game, recorded on the profile). */
  "players.warn",
  /** Flag and unflag players on the watch list. */
  "players.watch",
  /** Merge two player records and split them again. */
  "players.merge",
  /** Erase a player record ("forget me") and delete notes. */
  "players.erase",
  "bans.manage",
  "team.manage",
  "audit.read",
  /** Run the custom commands a role is allowed (buttons and forms), without raw console access. */
  "commands.run",
  /** Define custom commands. */
  "commands.manage",
  /** Create and edit custom roles and their command policies; require two-factor sign-in per role. */
  "roles.manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ["server.view", "console.read", "players.view"];
const MODERATOR: readonly Permission[] = [
  ...VIEWER,
  "players.identities",
  "players.kick",
  "players.message",
  "players.ban",
  "players.notes",
  "players.warn",
  "players.watch",
  "commands.run",
];
const ADMIN: readonly Permission[] = [
  ...MODERATOR,
  "players.merge",
  "console.execute",
  "bans.manage",
  "server.manage",
  "team.manage",
  "audit.read",
  "commands.manage",
];

export const ROLE_PERMISSIONS = {
  OWNER: PERMISSIONS,
  ADMIN,
  MODERATOR,
  VIEWER,
} as const satisfies Record<RoleName, readonly Permission[]>;

/**
 * Permissions that apply to one game server and so respect a user's server limits. `team.manage`
 * and `audit.read` are global in the table but narrowed for limited users by the scope rules below.
 */
const SERVER_SCOPED: ReadonlySet<Permission> = new Set<Permission>([
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
  "commands.run",
]);

/** Whether a permission applies to one game server (and so follows server limits and per-server roles). */
export function isServerScoped(permission: Permission): boolean {
  return SERVER_SCOPED.has(permission);
}

/** A role as an actor carries it: resolved permissions (built-ins from ROLE_PERMISSIONS). */
export interface ActorRole {
  id: RoleId;
  name: string;
  permissions: readonly Permission[];
}

/** What an API token narrows its user to: never more than the user holds at the time of the call. */
export interface TokenNarrowing {
  id: string;
  name: string;
  permissions: readonly Permission[];
  /** null = every server the user reaches. */
  serverIds: readonly string[] | null;
}

export interface Actor {
  id: string;
  email: string;
  name: string;
  /** The main role's id (built-in roles: their name). */
  role: RoleId;
  /**
   * null = every server (Owners, and users stored with `allServers`); otherwise the only servers
   * this user may see, possibly none. Never inferred from an empty list.
   */
  serverIds: readonly string[] | null;
  /** The main role resolved; required for a custom main role (built-ins resolve from the code). */
  mainRole?: ActorRole;
  /** Per-server roles that differ from the main role, by server id. */
  serverRoles?: Readonly<Record<string, ActorRole>>;
  /**
   * Set when the request came with an API token: the token's narrowing. Whoever builds such an actor
   * also narrows `serverIds` to the token's servers (so every scope query follows it).
   */
  token?: TokenNarrowing;
  /**
   * Signed in with a password, but a role requires two-factor sign-in and the user has not enrolled
   * (or not passed it): every permission is refused until it does.
   */
  twoFactorPending?: boolean;
}

/** What a user or an invite grants: every server (explicitly), or exactly these. */
export interface ServerGrant {
  allServers: boolean;
  serverIds: readonly string[];
}

/**
 * Whether `serverId` is in a server limit. A user may hold thousands of servers and a list page
 * checks each row: past a few ids, a Set made once per (immutable) list.
 */
const limitSets = new WeakMap<readonly string[], ReadonlySet<string>>();
export function inLimit(limit: readonly string[], serverId: string): boolean {
  if (limit.length <= 16) return limit.includes(serverId);
  let set = limitSets.get(limit);
  if (!set) limitSets.set(limit, (set = new Set(limit)));
  return set.has(serverId);
}

/** The servers `actor` is limited to, or null when it reaches every server. */
export function limitedServerIds(actor: Actor): readonly string[] | null {
  // A token's server limit is already folded into serverIds when its actor is built (server/auth/api-token.ts).
  return actor.role === "OWNER" && !actor.token?.serverIds ? null : actor.serverIds;
}

/** The permissions of the actor's main role (what applies where no per-server role says otherwise). */
export function mainPermissions(actor: Actor): readonly Permission[] {
  if (actor.mainRole) return actor.mainRole.permissions;
  return isBuiltInRole(actor.role) ? ROLE_PERMISSIONS[actor.role] : [];
}

/** The role that applies to `actor` on `serverId`: a per-server role, or the main role. */
export function roleOn(actor: Actor, serverId: string): ActorRole {
  return (
    actor.serverRoles?.[serverId] ??
    actor.mainRole ?? { id: actor.role, name: actor.role, permissions: mainPermissions(actor) }
  );
}

function roleAllows(actor: Actor, permission: Permission, serverId: string | undefined): boolean {
  if (serverId !== undefined && SERVER_SCOPED.has(permission))
    return roleOn(actor, serverId).permissions.includes(permission);
  if (mainPermissions(actor).includes(permission)) return true;
  // Without a server, a server-scoped permission held through a per-server role counts ("anywhere").
  if (serverId === undefined && SERVER_SCOPED.has(permission) && actor.serverRoles)
    return Object.values(actor.serverRoles).some((r) => r.permissions.includes(permission));
  return false;
}

function tokenAllows(
  token: TokenNarrowing | undefined,
  permission: Permission,
  serverId: string | undefined,
): boolean {
  if (!token) return true;
  if (!token.permissions.includes(permission)) return false;
  if (serverId !== undefined && SERVER_SCOPED.has(permission) && token.serverIds !== null)
    return inLimit(token.serverIds, serverId);
  return true;
}

export function can(actor: Actor | null | undefined, permission: Permission, serverId?: string): boolean {
  if (!actor || actor.twoFactorPending) return false;
  if (!roleAllows(actor, permission, serverId)) return false;
  if (!tokenAllows(actor.token, permission, serverId)) return false;
  const limit = limitedServerIds(actor);
  if (serverId !== undefined && SERVER_SCOPED.has(permission) && limit !== null)
    return inLimit(limit, serverId);
  return true;
}

/**
 * A player record belongs to no one server: `actor` may use `permission` on it when it holds that
 * permission on at least one server where the player was seen (`seenOn`), or reaches every server.
 * A player seen nowhere (all its servers deleted) is reachable only by unlimited users.
 */
export function canOnPlayer(
  actor: Actor | null | undefined,
  permission: Permission,
  seenOn: readonly string[],
): boolean {
  if (!actor || !can(actor, permission)) return false;
  if (limitedServerIds(actor) === null) return true;
  return seenOn.some((serverId) => can(actor, permission, serverId));
}

/**
 * Adding a server needs server.manage on every server: a limited Admin would otherwise widen its
 * own reach (and point RconDeck's connections anywhere). It may still manage the servers it has.
 */
export function canCreateServer(actor: Actor): boolean {
  return can(actor, "server.manage") && limitedServerIds(actor) === null;
}

/** Whether `actor` may hand out `grant`: never wider than its own servers, never "all" when limited. */
export function canGrantServers(actor: Actor, grant: ServerGrant): boolean {
  if (!can(actor, "team.manage")) return false;
  const limit = limitedServerIds(actor);
  if (limit === null) return true;
  return !grant.allServers && grant.serverIds.every((id) => inLimit(limit, id));
}

const RANK: Record<RoleName, number> = { OWNER: 4, ADMIN: 3, MODERATOR: 2, VIEWER: 1 };

/**
 * Who may give which role, and change whom: only an Owner creates, promotes to, or demotes an
 * Owner or Admin; an Admin manages Moderators and Viewers only. Nobody changes their own role.
 */
export function canAssignRole(actor: Actor, targetCurrentRole: RoleId | null, newRole: RoleId): boolean {
  if (!can(actor, "team.manage")) return false;
  if (actor.role === "OWNER") return true;
  // Until custom roles are compared by their permissions, only Owners hand them out.
  const privileged = (role: RoleId) => !isBuiltInRole(role) || RANK[role] >= RANK.ADMIN;
  if (privileged(newRole)) return false;
  if (targetCurrentRole !== null && privileged(targetCurrentRole)) return false;
  return true;
}

export interface ManagedUser extends ServerGrant {
  id: string;
  role: RoleId;
}

/**
 * Whether `actor` may disable, re-enable or limit `target`: the role rule, and for a limited
 * actor a target confined to at least one of its servers and to nothing else (a user with no
 * servers left is for unlimited managers: it is nobody's to claim).
 */
export function canManageUser(actor: Actor, target: ManagedUser): boolean {
  if (actor.id === target.id) return false;
  if (!canAssignRole(actor, target.role, target.role)) return false;
  if (limitedServerIds(actor) === null) return true;
  return target.role !== "OWNER" && target.serverIds.length > 0 && canGrantServers(actor, target);
}

/** The team list: unlimited managers see everyone; a limited one sees itself and whom it may manage. */
export function canSeeMember(actor: Actor, target: ManagedUser): boolean {
  if (!can(actor, "team.manage")) return false;
  return actor.id === target.id || limitedServerIds(actor) === null || canManageUser(actor, target);
}

/**
 * Which audit events `actor` may read: all (null), or those of its servers plus its own actions.
 * `serverIds` may be empty (a limited user whose servers were all deleted).
 */
export function auditScope(actor: Actor): { actorId: string; serverIds: readonly string[] } | null {
  const limit = limitedServerIds(actor);
  return limit === null ? null : { actorId: actor.id, serverIds: limit };
}

export type AuditScope = NonNullable<ReturnType<typeof auditScope>>;

export function auditScopeIncludes(
  scope: AuditScope | null,
  event: { actorId: string | null; serverId: string | null },
): boolean {
  if (scope === null) return true;
  return (
    event.actorId === scope.actorId || (event.serverId !== null && inLimit(scope.serverIds, event.serverId))
  );
}

export function canReadAuditEvent(
  actor: Actor,
  event: { actorId: string | null; serverId: string | null },
): boolean {
  return can(actor, "audit.read") && auditScopeIncludes(auditScope(actor), event);
}
