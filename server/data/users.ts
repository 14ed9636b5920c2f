/**
 * Users, sessions-as-actors, first-run setup, invites and team management. Every function that
 * acts for somebody takes a DataContext and checks the permission table itself.
 */
import { AppError } from "../../lib/errors.ts";
import {
  canAssignRole,
  canGrantServers,
  canManageUser,
  canSeeMember,
  isBuiltInRole,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  type Actor,
  type ActorRole,
  type Permission,
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
  const user = await db.user.findUnique({
    where: { id: userId },
    include: { roleRef: true, serverAccess: { select: { serverId: true, role: true } } },
  });
  if (!user || user.disabled || user.sessionVersion !== sessionVersion) return null;
  // A role requires a second factor the user has not enrolled: every permission is refused until then
  // (sign-in itself demands the code once enrolled, so an enrolled user's session has passed it).
  const twoFactorPending =
    user.totpEnabledAt === null &&
    (user.roleRef.requireTwoFactor || user.serverAccess.some((a) => a.role?.requireTwoFactor === true));
  const serverRoles: Record<string, ActorRole> = {};
  for (const access of user.serverAccess)
    if (access.role) serverRoles[access.serverId] = toActorRole(access.role);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    // Only the stored flag means "every server": a limited user whose servers were deleted has none.
    serverIds: user.role === "OWNER" || user.allServers ? null : user.serverAccess.map((a) => a.serverId),
    mainRole: toActorRole(user.roleRef),
    ...(Object.keys(serverRoles).length > 0 ? { serverRoles } : {}),
    ...(twoFactorPending ? { twoFactorPending } : {}),
  };
}

/** A stored role as an actor carries it: built-ins take their permissions from the code, never from the row. */
export function toActorRole(role: { id: string; name: string; permissions: string }): ActorRole {
  if (isBuiltInRole(role.id)) return { id: role.id, name: role.name, permissions: ROLE_PERMISSIONS[role.id] };
  return { id: role.id, name: role.name, permissions: parsePermissions(role.permissions) };
}

/** Known permission names from a stored JSON array; anything else (a removed permission, garbage) is dropped. */
function parsePermissions(json: string): Permission[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value)
      ? value.filter((p): p is Permission => (PERMISSIONS as readonly unknown[]).includes(p))
      : [];
  } catch {
    return [];
  }
}

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
  assertStrongPassword(input.password, [input.email, input.name]);
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
  assertStrongPassword(password, [email]);
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

/** A user row as the permission rules see it (lib/permissions.ts ManagedUser). */
function asManaged(u: {
  id: string;
  role: RoleId;
  allServers: boolean;
  serverAccess: { serverId: string }[];
}) {
  return {
    id: u.id,
    role: u.role,
    allServers: u.role === "OWNER" || u.allServers,
    serverIds: u.serverAccess.map((a) => a.serverId),
  };
}

/** Everyone for unlimited managers; a limited Admin sees itself and the members it may manage. */
export async function listTeam(ctx: DataContext): Promise<TeamMemberDto[]> {
  await requirePermission(ctx, "team.manage", "team.list");
  const users = await ctx.db.user.findMany({
    orderBy: { createdAt: "asc" },
    include: { serverAccess: { select: { serverId: true } } },
  });
  return users
    .map((u) => ({ row: u, managed: asManaged(u) }))
    .filter(({ managed }) => canSeeMember(ctx.actor, managed))
    .map(({ row: u, managed }) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      disabled: u.disabled,
      allServers: managed.allServers,
      serverIds: managed.allServers ? [] : managed.serverIds,
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
      twoFactor: u.totpEnabledAt !== null,
      manageable: canManageUser(ctx.actor, managed),
    }));
}

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

export async function createInvite(
  ctx: DataContext,
  input: InviteInput,
  now = new Date(),
): Promise<{ token: string; expiresAt: string }> {
  await requirePermission(ctx, "team.manage", "team.invite");
  if (!canAssignRole(ctx.actor, null, input.role)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "team.invite",
      input,
      outcome: "denied",
      detail: `may not invite ${input.role}`,
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Only an Owner may invite Owners or Admins.", {
      role: ["Choose Moderator or Viewer"],
    });
  }
  if (await ctx.db.user.findUnique({ where: { email: input.email } })) {
    throw new AppError("CONFLICT", "A user with this email already exists.", { email: ["Already a member"] });
  }
  await assertMayGrant(ctx, input, "team.invite", { input });
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
export async function describeInvite(db: Db, token: string): Promise<{ email: string; role: RoleId } | null> {
  const row = await findUsableToken(db, token, "invite");
  if (!row?.email || !row.role) return null;
  if (row.role !== "OWNER" && !row.allServers) {
    const ids = parseServerIds(row.serverIds);
    if (ids.length === 0 || (await countExistingServers(db, ids)) === 0) return null;
  }
  return { email: row.email, role: row.role };
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
  assertStrongPassword(input.password, [email, input.name]);
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
    include: { serverAccess: { select: { serverId: true } } },
  });
  if (!target) throw new AppError("NOT_FOUND", "That user no longer exists.");
  if (!canManageUser(ctx.actor, asManaged(target))) {
    const self = ctx.actor.id === userId;
    const byRole = canAssignRole(ctx.actor, target.role, target.role);
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
          : "Only an Owner may change Owners and Admins.",
    );
  }
  return target;
}

/** Changes a member's role and server limits; their sessions see the change at the next request. */
export async function updateMember(ctx: DataContext, input: UpdateMemberInput): Promise<void> {
  await requirePermission(ctx, "team.manage", "team.update");
  const target = await getManageableUser(ctx, input.userId, "team.update");
  if (!canAssignRole(ctx.actor, target.role, input.role)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "team.update",
      targetType: "user",
      targetId: target.id,
      input,
      outcome: "denied",
      detail: `may not assign ${input.role}`,
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Only an Owner may make someone an Owner or Admin.", {
      role: ["Not allowed"],
    });
  }
  await assertMayGrant(ctx, input, "team.update", { targetType: "user", targetId: target.id, input });
  await assertServersExist(ctx.db, input.serverIds);
  const serverIds = input.allServers ? [] : [...new Set(input.serverIds)];
  await ctx.db.$transaction([
    ctx.db.serverAccess.deleteMany({ where: { userId: target.id } }),
    ctx.db.serverAccess.createMany({ data: serverIds.map((serverId) => ({ userId: target.id, serverId })) }),
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
    input: { from: target.role, to: input.role, allServers: input.allServers, serverIds },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** Disables (or re-enables) a member; a disabled member's sessions end at their next request. */
export async function setUserDisabled(ctx: DataContext, userId: string, disabled: boolean): Promise<void> {
  await requirePermission(ctx, "team.manage", "team.disable");
  const target = await getManageableUser(ctx, userId, disabled ? "team.disable" : "team.enable");
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
  assertStrongPassword(input.password, [user.email, user.name]);
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
