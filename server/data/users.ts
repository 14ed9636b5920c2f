/**
 * Users, sessions-as-actors, first-run setup, invites and team management. Every function that
 * acts for somebody takes a DataContext and checks the permission table itself.
 */
import { AppError } from "../../lib/errors.ts";
import {
  canAssignRoles,
  canGrantServers,
  canManageUser,
  canSeeMember,
  type Actor,
  type ActorRole,
  type ManagedUser,
  type RoleAssignment,
  type RoleId,
  type ServerGrant,
} from "../../lib/permissions.ts";
import type {
  AcceptInviteInput,
  ChangePasswordInput,
  InviteInput,
  SetupInput,
  UpdateMemberInput,
} from "../../lib/schemas/auth.ts";
import { assertStrongPassword } from "../auth/password-strength.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { loadUserActor } from "./actors.ts";
import { resolveRoles, toActorRole } from "./roles.ts";
import { countExistingServers } from "./servers.ts";
import { endAllSessions } from "./sessions.ts";
import {
  consumeToken,
  findUsableToken,
  hashToken,
  INVITE_TOKEN_TTL_MS,
  newToken,
  SETUP_TOKEN_TTL_MS,
} from "./tokens.ts";

export interface TeamMemberDto {
  id: string;
  email: string;
  name: string;
  role: RoleId;
  /** The main role's display name. */
  roleName: string;
  /** Per-server roles that differ from the main role (for "all servers" members: overrides). */
  serverRoles: { serverId: string; roleId: RoleId; roleName: string }[];
  disabled: boolean;
  /** Every server, present and future (stored, explicit); otherwise exactly `serverIds`, possibly none. */
  allServers: boolean;
  serverIds: string[];
  lastLoginAt: string | null;
  createdAt: string;
  /** Enrolled in two-factor sign-in. */
  twoFactor: boolean;
  /** Whether the viewing actor may change this member. */
  manageable: boolean;
}

/**
 * Re-loads the acting user on every request and socket event, so that a disabled user, a lowered
 * role or a removed server grant takes effect at once, whatever the session token still says.
 */
export async function loadActor(db: Db, userId: string, sessionVersion: number): Promise<Actor | null> {
  return loadUserActor(db, userId, sessionVersion);
}

/**
 * The actor of a user who acts without a session (automation acting as its owner): the same
 * resolution as `loadActor`, with no session version to match. Null for a missing or disabled user.
 */
export async function loadOwnerActor(db: Db, userId: string): Promise<Actor | null> {
  return loadUserActor(db, userId, null);
}

// Roles are resolved in roles.ts; loadActor's callers may still import toActorRole from here.
export { toActorRole } from "./roles.ts";

export async function countUsers(db: Db): Promise<number> {
  return db.user.count();
}

// ---------------------------------------------------------------------------------------------
// Sign-in

// Sign-in (limits, credentials, session row) lives in sign-in.ts.
export { authenticate, type AuthenticatedUser } from "./sign-in.ts";

// ---------------------------------------------------------------------------------------------
// First run

/** On a database with no users: replaces any earlier setup link with a new one and returns its token. */
export async function issueSetupToken(db: Db, now = new Date()): Promise<string | null> {
  if ((await db.user.count()) > 0) return null;
  const token = newToken();
  await db.$transaction([
    db.oneTimeToken.deleteMany({ where: { purpose: "setup" } }),
    db.oneTimeToken.create({
      data: {
        tokenHash: hashToken(token),
        purpose: "setup",
        expiresAt: new Date(now.getTime() + SETUP_TOKEN_TTL_MS),
      },
    }),
  ]);
  return token;
}

export async function isSetupTokenUsable(db: Db, token: string): Promise<boolean> {
  return (await findUsableToken(db, token, "setup")) !== null && (await db.user.count()) === 0;
}

/** Creates the Owner through the one-time setup link. */
export async function completeSetup(
  db: Db,
  input: SetupInput,
  ip: string | null,
): Promise<{ id: string; email: string }> {
  const token = await findUsableToken(db, input.token, "setup");
  if (!token)
    throw new AppError(
      "NOT_FOUND",
      "This setup link is invalid, used or expired. Restart RconDeck to print a new one.",
    );
  await assertStrongPassword(input.password, [input.email, input.name]);
  const passwordHash = await hashPassword(input.password);
  const user = await db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0)
      throw new AppError("CONFLICT", "RconDeck is already set up. Sign in instead.");
    if (!(await consumeToken(tx, token.id))) throw new AppError("CONFLICT", "This setup link was just used.");
    return tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "OWNER", allServers: true },
    });
  });
  await recordAudit(db, {
    actor: user,
    action: "setup.owner_created",
    targetType: "user",
    targetId: user.id,
    input: { email: input.email, name: input.name },
    outcome: "success",
    sourceIp: ip,
  });
  return { id: user.id, email: user.email };
}

/**
 * Automated deployments: RCONDECK_OWNER_EMAIL + RCONDECK_OWNER_PASSWORD create the Owner on a
 * database with no users. Ignored (returns false) once any user exists.
 */
export async function bootstrapOwnerFromEnv(db: Db, email: string, password: string): Promise<boolean> {
  if ((await db.user.count()) > 0) return false;
  await assertStrongPassword(password, [email]);
  const passwordHash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) return null;
    return tx.user.create({
      data: { email: email.toLowerCase(), name: "Owner", passwordHash, role: "OWNER", allServers: true },
    });
  });
  if (!user) return false;
  await recordAudit(db, {
    actor: user,
    action: "setup.owner_from_env",
    targetType: "user",
    targetId: user.id,
    input: { email },
    outcome: "success",
    detail: "created from RCONDECK_OWNER_EMAIL/RCONDECK_OWNER_PASSWORD",
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Team

/** A user row with its roles, as loaded for the team rules. */
interface UserWithRoles {
  id: string;
  role: RoleId;
  allServers: boolean;
  roleRef: { id: string; name: string; permissions: string };
  serverAccess: { serverId: string; role: { id: string; name: string; permissions: string } | null }[];
}

const WITH_ROLES = {
  roleRef: true,
  serverAccess: { select: { serverId: true, role: true } },
} as const;

/**
 * A user row as the permission rules see it (lib/permissions.ts ManagedUser). For "all servers"
 * users, ServerAccess rows are only per-server roles; for limited users they are also the limit.
 */
function asManaged(u: UserWithRoles): ManagedUser {
  const allServers = u.role === "OWNER" || u.allServers;
  const serverRoles: Record<string, ActorRole> = {};
  for (const a of u.serverAccess) if (a.role) serverRoles[a.serverId] = toActorRole(a.role);
  return {
    id: u.id,
    role: u.role,
    permissions: toActorRole(u.roleRef).permissions,
    allServers,
    serverIds: allServers ? [] : u.serverAccess.map((a) => a.serverId),
    serverRoles,
  };
}

/** Everyone for unlimited managers; a limited Admin sees itself and the members it may manage. */
export async function listTeam(ctx: DataContext): Promise<TeamMemberDto[]> {
  await requirePermission(ctx, "team.manage", "team.list");
  const users = await ctx.db.user.findMany({ orderBy: { createdAt: "asc" }, include: WITH_ROLES });
  return users
    .map((u) => ({ row: u, managed: asManaged(u) }))
    .filter(({ managed }) => canSeeMember(ctx.actor, managed))
    .map(({ row: u, managed }) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      roleName: u.roleRef.name,
      serverRoles: u.serverAccess.flatMap((a) =>
        a.role ? [{ serverId: a.serverId, roleId: a.role.id, roleName: a.role.name }] : [],
      ),
      disabled: u.disabled,
      allServers: managed.allServers,
      serverIds: [...managed.serverIds],
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
      twoFactor: u.totpEnabledAt !== null,
      manageable: canManageUser(ctx.actor, managed),
    }));
}

/** The roles behind a grant, resolved; refuses an unknown (deleted meanwhile) role id. */
async function resolveAssignment(
  db: Db,
  grant: ServerGrant & { role: RoleId; serverRoles?: Readonly<Record<string, RoleId>> },
): Promise<RoleAssignment> {
  const overrides = grant.serverRoles ?? {};
  const roles = await resolveRoles(db, [grant.role, ...Object.values(overrides)]);
  const main = roles.get(grant.role);
  if (!main) throw unknownRole("role");
  const serverRoles: Record<string, ActorRole> = {};
  for (const [serverId, roleId] of Object.entries(overrides)) {
    const role = roles.get(roleId);
    if (!role) throw unknownRole("serverRoles");
    // Owner is a main role only (it reaches every server anyway).
    if (role.id === "OWNER")
      throw new AppError("INVALID_INPUT", "Owner is a main role only.", {
        serverRoles: ["Choose another role"],
      });
    serverRoles[serverId] = role;
  }
  return {
    role: main.id,
    permissions: main.permissions,
    allServers: grant.allServers,
    serverIds: grant.serverIds,
    serverRoles,
  };
}

const unknownRole = (field: string) =>
  new AppError("INVALID_INPUT", "That role no longer exists.", { [field]: ["Reload and choose again"] });

async function assertServersExist(db: Db, serverIds: readonly string[]): Promise<void> {
  if (serverIds.length === 0) return;
  const found = await countExistingServers(db, serverIds);
  if (found !== new Set(serverIds).size)
    throw new AppError("INVALID_INPUT", "One of the selected servers no longer exists.", {
      serverIds: ["Reload and choose again"],
    });
}

/** Refuses (and audits) a grant wider than the actor's own servers. */
async function assertMayGrant(
  ctx: DataContext,
  grant: ServerGrant,
  action: string,
  audit: { targetType?: string; targetId?: string; input: unknown },
): Promise<void> {
  if (canGrantServers(ctx.actor, grant)) return;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    ...audit,
    outcome: "denied",
    detail: grant.allServers ? "may not grant every server" : "may not grant servers outside its own",
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", "You may only give access to your own servers.", {
    serverIds: ["Choose among your servers"],
  });
}

const ROLE_REFUSED =
  "You may only give roles within your own permissions on those servers; Owner, Admin and team or role managers are given by an Owner.";

export async function createInvite(
  ctx: DataContext,
  input: InviteInput,
  now = new Date(),
): Promise<{ token: string; expiresAt: string }> {
  await requirePermission(ctx, "team.manage", "team.invite");
  const assignment = await resolveAssignment(ctx.db, input);
  await assertMayGrant(ctx, input, "team.invite", { input });
  if (!canAssignRoles(ctx.actor, null, assignment)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "team.invite",
      input,
      outcome: "denied",
      detail: `may not invite ${input.role}`,
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", ROLE_REFUSED, { role: ["Choose a role within your own"] });
  }
  if (await ctx.db.user.findUnique({ where: { email: input.email } })) {
    throw new AppError("CONFLICT", "A user with this email already exists.", { email: ["Already a member"] });
  }
  await assertServersExist(ctx.db, input.serverIds);
  const token = newToken();
  const expiresAt = new Date(now.getTime() + INVITE_TOKEN_TTL_MS);
  const row = await ctx.db.oneTimeToken.create({
    data: {
      tokenHash: hashToken(token),
      purpose: "invite",
      email: input.email,
      role: input.role,
      allServers: input.allServers,
      serverIds: JSON.stringify(input.allServers ? [] : input.serverIds),
      invitedById: ctx.actor.id,
      expiresAt,
    },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "team.invite",
    targetType: "invite",
    targetId: row.id,
    input,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { token, expiresAt: expiresAt.toISOString() };
}

/** The invite behind a link, or null when it cannot be accepted (used, expired, or its servers all gone). */
export async function describeInvite(
  db: Db,
  token: string,
): Promise<{ email: string; role: RoleId; roleName: string } | null> {
  const row = await findUsableToken(db, token, "invite");
  if (!row?.email || !row.role) return null;
  const role = (await resolveRoles(db, [row.role])).get(row.role);
  if (!role) return null;
  if (row.role !== "OWNER" && !row.allServers) {
    const ids = parseServerIds(row.serverIds);
    if (ids.length === 0 || (await countExistingServers(db, ids)) === 0) return null;
  }
  return { email: row.email, role: row.role, roleName: role.name };
}

export async function acceptInvite(
  db: Db,
  input: AcceptInviteInput,
  ip: string | null,
): Promise<{ email: string }> {
  const token = await findUsableToken(db, input.token, "invite");
  if (!token?.email || !token.role)
    throw new AppError("NOT_FOUND", "This invite link is invalid, used or expired. Ask for a new one.");
  const { email, role } = token;
  await assertStrongPassword(input.password, [email, input.name]);
  const allServers = role === "OWNER" || token.allServers;
  const serverIds = allServers ? [] : parseServerIds(token.serverIds);
  const passwordHash = await hashPassword(input.password);
  const user = await db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email } }))
      throw new AppError("CONFLICT", "A user with this email already exists. Sign in instead.");
    const existing = serverIds.length
      ? await tx.server.findMany({ where: { id: { in: serverIds } }, select: { id: true } })
      : [];
    // Its servers were all deleted meanwhile: the invite grants nothing, and never widens to "all".
    if (!allServers && existing.length === 0)
      throw new AppError("CONFLICT", "The servers of this invite no longer exist. Ask for a new invite.");
    if (!(await consumeToken(tx, token.id)))
      throw new AppError("CONFLICT", "This invite link was just used.");
    return tx.user.create({
      data: {
        email,
        name: input.name,
        passwordHash,
        role,
        allServers,
        serverAccess: { create: existing.map((s) => ({ serverId: s.id })) },
      },
    });
  });
  await recordAudit(db, {
    actor: user,
    action: "team.invite_accepted",
    targetType: "user",
    targetId: user.id,
    input: { email, role },
    outcome: "success",
    sourceIp: ip,
  });
  return { email };
}

function parseServerIds(json: string | null): string[] {
  const parsed: unknown = JSON.parse(json ?? "[]");
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : [];
}

/** The target user when `ctx.actor` may manage them (canManageUser); refusals are audited. */
export async function getManageableUser(ctx: DataContext, userId: string, action: string) {
  const target = await ctx.db.user.findUnique({
    where: { id: userId },
    include: WITH_ROLES,
  });
  if (!target) throw new AppError("NOT_FOUND", "That user no longer exists.");
  const managed = asManaged(target);
  if (!canManageUser(ctx.actor, managed)) {
    const self = ctx.actor.id === userId;
    // Refused by its roles, or (a limited manager) by servers beyond the actor's.
    const byRole = canAssignRoles(ctx.actor, null, { ...managed, allServers: false, serverIds: [] });
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action,
      targetType: "user",
      targetId: userId,
      outcome: "denied",
      detail:
        byRole && !self ? "member reaches servers outside the actor's" : `may not manage a ${target.role}`,
      sourceIp: ctx.ip,
    });
    throw new AppError(
      "FORBIDDEN",
      self
        ? "You cannot change your own role or access."
        : byRole
          ? "This member has access beyond your servers."
          : "This member holds more than you may give: only an Owner may change them.",
    );
  }
  return { row: target, managed };
}

/**
 * Changes a member's main role, server limits and per-server roles; their sessions end (the
 * version bump) and they sign in again to the new roles.
 */
export async function updateMember(ctx: DataContext, input: UpdateMemberInput): Promise<void> {
  await requirePermission(ctx, "team.manage", "team.update");
  const serverRoles = input.serverRoles ?? {};
  const { row: target, managed: current } = await getManageableUser(ctx, input.userId, "team.update");
  const next = await resolveAssignment(ctx.db, input);
  const audit = { targetType: "user", targetId: target.id, input };
  await assertMayGrant(ctx, touched(input), "team.update", audit);
  if (!canAssignRoles(ctx.actor, current, next)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "team.update",
      ...audit,
      outcome: "denied",
      detail: `may not assign ${describeRoles(input)}`,
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", ROLE_REFUSED, { role: ["Not allowed"] });
  }
  await assertServersExist(ctx.db, [...new Set([...input.serverIds, ...Object.keys(serverRoles)])]);
  // Limited: one row per granted server (its role or null). Every server: rows only for per-server roles.
  const rows = input.allServers
    ? Object.entries(serverRoles).map(([serverId, roleId]) => ({ serverId, roleId }))
    : input.serverIds.map((serverId) => ({ serverId, roleId: serverRoles[serverId] ?? null }));
  await ctx.db.$transaction([
    ctx.db.serverAccess.deleteMany({ where: { userId: target.id } }),
    ctx.db.serverAccess.createMany({ data: rows.map((r) => ({ userId: target.id, ...r })) }),
    ctx.db.user.update({
      where: { id: target.id },
      data: { role: input.role, allServers: input.allServers, sessionVersion: { increment: 1 } },
    }),
  ]);
  // The version bump already kills their cookies; ending the rows keeps their session list true.
  await endAllSessions(ctx.db, target.id, "ended");
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: target.role === input.role ? "team.access_change" : "team.role_change",
    targetType: "user",
    targetId: target.id,
    input: {
      from: target.role,
      to: input.role,
      allServers: input.allServers,
      serverIds: input.serverIds,
      serverRoles,
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

const touched = (input: UpdateMemberInput): ServerGrant => ({
  allServers: input.allServers,
  serverIds: [...input.serverIds, ...Object.keys(input.serverRoles ?? {})],
});

function describeRoles(input: UpdateMemberInput): string {
  const perServer = Object.entries(input.serverRoles ?? {}).map(
    ([serverId, roleId]) => `${roleId} on ${serverId}`,
  );
  return [input.role, ...perServer].join(", ");
}

/** Disables (or re-enables) a member; a disabled member's sessions end at their next request. */
export async function setUserDisabled(ctx: DataContext, userId: string, disabled: boolean): Promise<void> {
  await requirePermission(ctx, "team.manage", "team.disable");
  const { row: target } = await getManageableUser(ctx, userId, disabled ? "team.disable" : "team.enable");
  await ctx.db.user.update({
    where: { id: target.id },
    data: { disabled, sessionVersion: { increment: 1 } },
  });
  if (disabled) await endAllSessions(ctx.db, target.id, "ended");
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: disabled ? "team.disable" : "team.enable",
    targetType: "user",
    targetId: target.id,
    input: { email: target.email },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** Changes the actor's own password. All sessions of the user, this one included, end. */
export async function changeOwnPassword(ctx: DataContext, input: ChangePasswordInput): Promise<void> {
  const user = await ctx.db.user.findUnique({ where: { id: ctx.actor.id } });
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in again.");
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "account.password_change",
      targetType: "user",
      targetId: user.id,
      outcome: "failure",
      detail: "wrong current password",
      sourceIp: ctx.ip,
    });
    throw new AppError("INVALID_INPUT", "The current password is wrong.", {
      currentPassword: ["Wrong password"],
    });
  }
  await assertStrongPassword(input.password, [user.email, user.name]);
  await ctx.db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(input.password), sessionVersion: { increment: 1 } },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "account.password_change",
    targetType: "user",
    targetId: user.id,
    outcome: "success",
    sourceIp: ctx.ip,
  });
}
