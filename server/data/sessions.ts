/**
 * Signed-in browsers (UserSession rows). The session cookie only points at a row: signing out
 * revokes that row, "sign out everywhere" revokes all of a user's rows, and every request and socket
 * event is refused once its row is missing, revoked or expired. Rows also tell the login limiter
 * which addresses an account has signed in from before.
 */
import { AppError } from "../../lib/errors.ts";
import type { Actor } from "../../lib/permissions.ts";
import { describeUserAgent } from "../auth/user-agent.ts";
import type { Db } from "../db/client.ts";
import { actorOfUser } from "./actors.ts";
import { recordAudit } from "./audit.ts";
import type { DataContext } from "./context.ts";
import { asBoolean, asDate } from "./players/sql.ts";

/** lastSeenAt is written at most this often per session, not on every request. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;
/** A successful sign-in from an address makes it "known" for the account this long (login limits). */
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;
/** Rows ended longer ago than this are deleted when the user signs in again. */
const KEEP_ENDED_MS = KNOWN_ADDRESS_MS;

/** "ended": found dead at use (user disabled, or role/access/password changed). */
export type SessionEndReason = "sign-out" | "sign-out-everywhere" | "revoked" | "password-change" | "ended";

export interface SessionDto {
  id: string;
  /** "Firefox on Linux", from the user agent. */
  device: string;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export async function createSession(
  db: Db,
  input: { userId: string; userAgent: string | null; ip: string | null; maxAgeMs: number },
  now = new Date(),
): Promise<{ id: string; expiresAt: Date }> {
  const cutoff = new Date(now.getTime() - KEEP_ENDED_MS);
  await db.userSession.deleteMany({
    where: { userId: input.userId, OR: [{ expiresAt: { lt: cutoff } }, { revokedAt: { lt: cutoff } }] },
  });
  const row = await db.userSession.create({
    data: {
      userId: input.userId,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      ip: input.ip,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + input.maxAgeMs),
    },
  });
  return { id: row.id, expiresAt: row.expiresAt };
}

/**
 * One row per ServerAccess row of the session's user (one with null access columns when there is
 * none). Raw results differ by database: SQLite may give booleans as 0/1 and integers as bigint.
 */
interface LiveSessionRow {
  userId: string;
  revokedAt: unknown;
  expiresAt: unknown;
  lastSeenAt: unknown;
  email: string;
  name: string;
  role: string;
  disabled: unknown;
  allServers: unknown;
  sessionVersion: number | bigint;
  totpEnabledAt: unknown;
  roleName: string;
  rolePermissions: string;
  roleRequireTwoFactor: unknown;
  accessServerId: string | null;
  accessRoleId: string | null;
  accessRoleName: string | null;
  accessRolePermissions: string | null;
  accessRoleRequireTwoFactor: unknown;
}

/** The joined rows as the session row with its user in the shape `actorOfUser` takes. */
function liveSessionOf(sessionId: string, rows: LiveSessionRow[]) {
  const [first] = rows;
  if (!first) return null;
  const user: Parameters<typeof actorOfUser>[0] = {
    id: first.userId,
    email: first.email,
    name: first.name,
    role: first.role,
    disabled: asBoolean(first.disabled),
    allServers: asBoolean(first.allServers),
    sessionVersion: Number(first.sessionVersion),
    totpEnabledAt: first.totpEnabledAt === null ? null : asDate(first.totpEnabledAt),
    roleRef: {
      id: first.role,
      name: first.roleName,
      permissions: first.rolePermissions,
      requireTwoFactor: asBoolean(first.roleRequireTwoFactor),
    },
    // The joined role's columns are NOT NULL: all set whenever its id is.
    serverAccess: rows
      .filter((row) => row.accessServerId !== null)
      .map((row) => ({
        serverId: row.accessServerId!,
        role:
          row.accessRoleId === null
            ? null
            : {
                id: row.accessRoleId,
                name: row.accessRoleName!,
                permissions: row.accessRolePermissions!,
                requireTwoFactor: asBoolean(row.accessRoleRequireTwoFactor),
              },
      })),
  };
  return {
    id: sessionId,
    userId: first.userId,
    revokedAt: first.revokedAt === null ? null : asDate(first.revokedAt),
    expiresAt: asDate(first.expiresAt),
    lastSeenAt: asDate(first.lastSeenAt),
    user,
  };
}

/**
 * The actor of a live session: the row exists, belongs to the user, is neither revoked nor expired,
 * and the user may still act with the session's version (`actorOfUser`). Checked at every request
 * and socket event, so the row, its user, the user's roles and server access come in one raw SQL
 * statement (the nested Prisma select it replaces made five and cost several times the CPU). A
 * session whose user can no longer act (disabled, or role, access or password changed) is ended, so
 * it stops being listed as active. Marks the session seen (at most once per SESSION_TOUCH_INTERVAL_MS).
 */
export async function actorOfLiveSession(
  db: Db,
  session: { sessionId: string; userId: string; sessionVersion: number },
  now = new Date(),
): Promise<Actor | null> {
  // Same text on SQLite and PostgreSQL; ordered so that serverIds come in one order on both.
  const rows = await db.$queryRaw<LiveSessionRow[]>`
    SELECT s."userId" AS "userId", s."revokedAt" AS "revokedAt", s."expiresAt" AS "expiresAt",
      s."lastSeenAt" AS "lastSeenAt", u."email" AS "email", u."name" AS "name", u."role" AS "role",
      u."disabled" AS "disabled", u."allServers" AS "allServers", u."sessionVersion" AS "sessionVersion",
      u."totpEnabledAt" AS "totpEnabledAt", r."name" AS "roleName", r."permissions" AS "rolePermissions",
      r."requireTwoFactor" AS "roleRequireTwoFactor", a."serverId" AS "accessServerId",
      ar."id" AS "accessRoleId", ar."name" AS "accessRoleName", ar."permissions" AS "accessRolePermissions",
      ar."requireTwoFactor" AS "accessRoleRequireTwoFactor"
    FROM "UserSession" s
    JOIN "User" u ON u."id" = s."userId"
    JOIN "Role" r ON r."id" = u."role"
    LEFT JOIN "ServerAccess" a ON a."userId" = u."id"
    LEFT JOIN "Role" ar ON ar."id" = a."roleId"
    WHERE s."id" = ${session.sessionId}
    ORDER BY a."serverId"`;
  const row = liveSessionOf(session.sessionId, rows);
  if (!row || row.userId !== session.userId || row.revokedAt !== null || row.expiresAt <= now) return null;
  const actor = actorOfUser(row.user, session.sessionVersion);
  if (!actor) {
    await endSession(db, row.id, row.userId, "ended", now);
    return null;
  }
  const stale = new Date(now.getTime() - SESSION_TOUCH_INTERVAL_MS);
  if (row.lastSeenAt < stale) {
    // Conditional: concurrent requests of one session write once.
    await db.userSession.updateMany({
      where: { id: row.id, lastSeenAt: { lt: stale } },
      data: { lastSeenAt: now },
    });
  }
  return actor;
}

/** Sign-out: ends the session the cookie points at (a no-op if it already ended). */
export async function endSession(
  db: Db,
  sessionId: string,
  userId: string,
  reason: SessionEndReason,
  now = new Date(),
): Promise<boolean> {
  const { count } = await db.userSession.updateMany({
    where: { id: sessionId, userId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count > 0;
}

/** Ends every live session of a user (their cookies already die with a session-version bump; this keeps the list true). */
export async function endAllSessions(
  db: Db,
  userId: string,
  reason: SessionEndReason,
  now = new Date(),
): Promise<number> {
  const { count } = await db.userSession.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

/** Whether this account signed in successfully from this address recently (login limits). */
export async function isKnownSignInAddress(
  db: Db,
  userId: string,
  ip: string,
  now = new Date(),
): Promise<boolean> {
  if (ip === "unknown") return false;
  const row = await db.userSession.findFirst({
    where: { userId, ip, createdAt: { gte: new Date(now.getTime() - KNOWN_ADDRESS_MS) } },
    select: { id: true },
  });
  return row !== null;
}

/** The actor's own live sessions, newest activity first. Nobody can list another user's sessions. */
export async function listOwnSessions(
  ctx: DataContext,
  currentSessionId: string | null,
  now = new Date(),
): Promise<SessionDto[]> {
  const rows = await ctx.db.userSession.findMany({
    where: { userId: ctx.actor.id, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { lastSeenAt: "desc" },
  });
  return rows.map((row) => ({
    id: row.id,
    device: describeUserAgent(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    current: row.id === currentSessionId,
  }));
}

/** Signs out one of the actor's own sessions. Another user's session id is refused and audited. */
export async function revokeOwnSession(ctx: DataContext, sessionId: string, now = new Date()): Promise<void> {
  const row = await ctx.db.userSession.findUnique({ where: { id: sessionId }, select: { userId: true } });
  if (!row || row.userId !== ctx.actor.id) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "account.session_revoke",
      targetType: "session",
      targetId: sessionId,
      outcome: "denied",
      detail: row ? "session of another user" : "no such session",
      sourceIp: ctx.ip,
    });
    throw new AppError("NOT_FOUND", "That session no longer exists.");
  }
  await endSession(ctx.db, sessionId, ctx.actor.id, "revoked", now);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "account.session_revoke",
    targetType: "session",
    targetId: sessionId,
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** "Sign out everywhere": ends every session of the actor, this one included. */
export async function revokeAllOwnSessions(ctx: DataContext, now = new Date()): Promise<number> {
  const count = await endAllSessions(ctx.db, ctx.actor.id, "sign-out-everywhere", now);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "account.sign_out_everywhere",
    targetType: "user",
    targetId: ctx.actor.id,
    input: { sessions: count },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return count;
}
