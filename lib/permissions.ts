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
  /** Edit schedules, triggers and webhooks on one's servers (they then act with the editor's permissions). */
  "automation.manage",
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
  "automation.manage",
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
  "automation.manage",
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
   * Set when a schedule or trigger acts as this user (its owner): the automation's name, stamped on
   * the audit rows it causes. The actor is otherwise the owner's own, loaded at run time.
   */
  automation?: string;
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

/** A role as the grant rules compare it: its id and its permissions. */
export interface AssignedRole {
  id: RoleId;
  permissions: readonly Permission[];
}

/** What a user holds or is about to be given: a main role on a server grant, and per-server roles. */
export interface RoleAssignment extends ServerGrant {
  /** The main role's id. */
  role: RoleId;
  /** The main role's permissions; built-in roles resolve from the table when absent. */
  permissions?: readonly Permission[];
  /** Per-server roles (server id -> role) that replace the main role on those servers. */
  serverRoles?: Readonly<Record<string, AssignedRole>>;
}

/** Owner, Admin, or any role that manages the team or roles: only Owners hand these out or take them away. */
export function isPrivilegedRole(role: AssignedRole): boolean {
  return (
    role.id === "OWNER" ||
    role.id === "ADMIN" ||
    role.permissions.includes("team.manage") ||
    role.permissions.includes("roles.manage")
  );
}

function mainRoleOf(assignment: RoleAssignment): AssignedRole {
  const permissions =
    assignment.permissions ?? (isBuiltInRole(assignment.role) ? ROLE_PERMISSIONS[assignment.role] : []);
  return { id: assignment.role, permissions };
}

/**
 * Whether `actor` holds every one of `permissions` wherever `grant` reaches, except on the servers in
 * `except` (where another role applies). Global permissions are held or not; server-scoped ones on
 * each granted server, and for "every server" also on servers added later: unlimited, through the
 * actor's main role and through each of its own per-server roles.
 */
function holdsWherever(
  actor: Actor,
  permissions: readonly Permission[],
  grant: ServerGrant,
  except: ReadonlySet<string> = new Set(),
): boolean {
  return permissions.every((p) => {
    if (!SERVER_SCOPED.has(p)) return can(actor, p);
    if (!grant.allServers) return grant.serverIds.every((s) => except.has(s) || can(actor, p, s));
    return (
      can(actor, p) &&
      limitedServerIds(actor) === null &&
      mainPermissions(actor).includes(p) &&
      Object.keys(actor.serverRoles ?? {}).every((s) => except.has(s) || can(actor, p, s))
    );
  });
}

/** Whether every role of `assignment` stays within what `actor` holds where it applies. */
function assignmentWithin(actor: Actor, assignment: RoleAssignment): boolean {
  const overrides = assignment.serverRoles ?? {};
  const main = mainRoleOf(assignment);
  const roles = [main, ...Object.values(overrides)];
  if (actor.role !== "OWNER" && roles.some(isPrivilegedRole)) return false;
  if (!holdsWherever(actor, main.permissions, assignment, new Set(Object.keys(overrides)))) return false;
  return Object.entries(overrides).every(([serverId, role]) =>
    holdsWherever(actor, role.permissions, { allServers: false, serverIds: [serverId] }),
  );
}

/** The servers an assignment touches: its grant, plus the servers of its per-server roles. */
function touchedServers(assignment: RoleAssignment): ServerGrant {
  return {
    allServers: assignment.allServers,
    serverIds: [...assignment.serverIds, ...Object.keys(assignment.serverRoles ?? {})],
  };
}

/**
 * The grant rule. `actor` may give `next` (main role and per-server roles on a server grant) to a
 * user who holds `current` (null for an invite) only if it manages the team, the grant stays within
 * its own servers, every role given holds no more than the actor holds on each server where it
 * applies (every server for "all"), and the user's current roles are also within the actor's (nobody
 * demotes someone more powerful). Owner, Admin and roles with team.manage or roles.manage are for
 * Owners to give and take.
 */
export function canAssignRoles(actor: Actor, current: RoleAssignment | null, next: RoleAssignment): boolean {
  if (!can(actor, "team.manage")) return false;
  if (!canGrantServers(actor, touchedServers(next))) return false;
  if (current !== null && !assignmentWithin(actor, current)) return false;
  return assignmentWithin(actor, next);
}

/**
 * Whether to offer `role` in the actor's role pickers: the actor holds each of its permissions
 * somewhere, and privileged roles only to Owners. The server still applies canAssignRoles.
 */
export function canOfferRole(actor: Actor, role: AssignedRole): boolean {
  if (!can(actor, "team.manage")) return false;
  if (actor.role !== "OWNER" && isPrivilegedRole(role)) return false;
  return role.permissions.every((p) => can(actor, p));
}

/**
 * Whether `actor` may define (create or edit) a role with `permissions`: it manages roles and
 * holds each of them on every server, so that a role manager never writes itself a wider role.
 */
export function canDefineRole(actor: Actor, permissions: readonly Permission[]): boolean {
  return can(actor, "roles.manage") && holdsWherever(actor, permissions, { allServers: true, serverIds: [] });
}

export interface ManagedUser extends RoleAssignment {
  id: string;
}

/**
 * Whether `actor` may disable, re-enable or limit `target`: the role rule, and for a limited
 * actor a target confined to at least one of its servers and to nothing else (a user with no
 * servers left is for unlimited managers: it is nobody's to claim).
 */
export function canManageUser(actor: Actor, target: ManagedUser): boolean {
  if (actor.id === target.id) return false;
  if (!canAssignRoles(actor, null, target)) return false;
  if (limitedServerIds(actor) === null) return true;
  return target.role !== "OWNER" && target.serverIds.length > 0;
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
