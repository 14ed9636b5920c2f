/**
 * Two-factor sign-in (TOTP + recovery codes): enrolment, disabling, regenerating recovery codes,
 * an admin's reset, and the code check shared with sign-in. The TOTP secret is stored encrypted
 * (server/security/crypto.ts) and never leaves the server once enrolment is confirmed; recovery
 * codes are stored as SHA-256 hashes. Every code check counts against the per-user limiter first.
 */
import { AppError } from "../../lib/errors.ts";
import type { TwoFactorProof } from "../../lib/schemas/two-factor.ts";
import { codeBlockedMessage, type TwoFactorLimiter } from "../auth/two-factor-limiter.ts";
import { verifyPassword } from "../auth/passwords.ts";
import {
  hashRecoveryCode,
  looksLikeTotp,
  newRecoveryCodes,
  newTotpSecret,
  totpQrSvg,
  totpUri,
  verifyTotp,
} from "../auth/totp.ts";
import type { Db } from "../db/client.ts";
import { decryptSecret, encryptSecret } from "../security/crypto.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { getManageableUser } from "./users.ts";

/** What the code checks need: the per-user limiter, the encryption key, the clock. */
export interface TwoFactorDeps {
  limiter: TwoFactorLimiter;
  key: Buffer;
  now?: Date;
}

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  /** A role the user holds (main or on a server) requires two-factor sign-in. */
  required: boolean;
}

export interface TwoFactorSetup {
  /** Base32, for manual entry. Shown only while enrolment is pending. */
  secret: string;
  uri: string;
  /** The URI as an SVG QR code. */
  qrSvg: string;
}

type UserRow = NonNullable<Awaited<ReturnType<Db["user"]["findUnique"]>>>;

/** Whether any of these roles (main role, per-server roles) requires two-factor sign-in. */
export function rolesRequireTwoFactor(roles: readonly ({ requireTwoFactor: boolean } | null)[]): boolean {
  return roles.some((r) => r?.requireTwoFactor === true);
}

async function roleRequiresTwoFactor(db: Db, userId: string): Promise<boolean> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      roleRef: { select: { requireTwoFactor: true } },
      serverAccess: { select: { role: { select: { requireTwoFactor: true } } } },
    },
  });
  return user ? rolesRequireTwoFactor([user.roleRef, ...user.serverAccess.map((a) => a.role)]) : false;
}

async function ownUser(ctx: DataContext): Promise<UserRow> {
  const user = await ctx.db.user.findUnique({ where: { id: ctx.actor.id } });
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in again.");
  return user;
}

export async function getTwoFactorStatus(ctx: DataContext): Promise<TwoFactorStatus> {
  const user = await ownUser(ctx);
  const recoveryCodesLeft = user.totpEnabledAt
    ? await ctx.db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })
    : 0;
  return {
    enabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt?.toISOString() ?? null,
    recoveryCodesLeft,
    required: await roleRequiresTwoFactor(ctx.db, user.id),
  };
}

/** A new pending secret (replacing any earlier pending one); enrolment completes with a valid code. */
export async function startTwoFactorSetup(ctx: DataContext, key: Buffer): Promise<TwoFactorSetup> {
  const user = await ownUser(ctx);
  if (user.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor sign-in is already on.");
  const secret = newTotpSecret();
  await ctx.db.user.update({
    where: { id: user.id },
    data: { totpSecret: encryptSecret(secret, key), totpLastStep: null },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "auth.2fa_setup",
    targetType: "user",
    targetId: user.id,
    outcome: "success",
    detail: "enrolment started",
    sourceIp: ctx.ip,
  });
  const uri = totpUri(secret, user.email);
  return { secret, uri, qrSvg: await totpQrSvg(uri) };
}

/**
 * Checks a TOTP code or a recovery code for `user` and uses it up (the time-step is recorded; a
 * recovery code is marked used), atomically, so two parallel uses of one code cannot both pass.
 */
export async function consumeSecondFactor(
  db: Db,
  user: Pick<UserRow, "id" | "totpSecret" | "totpLastStep">,
  code: string,
  key: Buffer,
  now: Date,
): Promise<"totp" | "recovery" | null> {
  if (!user.totpSecret) return null;
  if (looksLikeTotp(code)) {
    const step = verifyTotp(decryptSecret(user.totpSecret, key), code, user.totpLastStep, now);
    if (step === null) return null;
    const { count } = await db.user.updateMany({
      where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return count === 1 ? "totp" : null;
  }
  const { count } = await db.recoveryCode.updateMany({
    where: { userId: user.id, codeHash: hashRecoveryCode(code), usedAt: null },
    data: { usedAt: now },
  });
  return count === 1 ? "recovery" : null;
}

/** Counts the attempt against the per-user limiter (refusing when locked) before any check. */
async function beginCodeCheck(ctx: DataContext, deps: TwoFactorDeps, action: string): Promise<void> {
  const attempt = await deps.limiter.begin(ctx.actor.id);
  if (attempt.allowed) return;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "user",
    targetId: ctx.actor.id,
    outcome: "denied",
    detail: "rate limited (two-factor codes)",
    sourceIp: ctx.ip,
  });
  throw new AppError(
    "RATE_LIMITED",
    codeBlockedMessage(attempt.retryAfterSeconds),
    undefined,
    attempt.retryAfterSeconds,
  );
}

async function wrongCode(
  ctx: DataContext,
  action: string,
  detail: string,
  field: "code" | "password",
): Promise<never> {
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "user",
    targetId: ctx.actor.id,
    outcome: "failure",
    detail,
    sourceIp: ctx.ip,
  });
  throw new AppError(
    "INVALID_INPUT",
    field === "code" ? "That code is wrong or already used." : "The password is wrong.",
    { [field]: [field === "code" ? "Wrong or used code" : "Wrong password"] },
  );
}

/** Replaces the user's recovery codes with ten new ones; returns them (the only time they are shown). */
async function replaceRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })) }),
  ]);
  return codes;
}

/** Confirms enrolment with a code from the app; returns the ten recovery codes (shown once). */
export async function confirmTwoFactorSetup(
  ctx: DataContext,
  code: string,
  deps: TwoFactorDeps & { currentSessionId?: string | null },
): Promise<{ recoveryCodes: string[]; endedSessionIds: string[] }> {
  const now = deps.now ?? new Date();
  const user = await ownUser(ctx);
  if (user.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor sign-in is already on.");
  if (!user.totpSecret) throw new AppError("CONFLICT", "Start the set-up again.");
  await beginCodeCheck(ctx, deps, "auth.2fa_enable");
  // Only an app code proves the app has the secret: a recovery code cannot confirm enrolment.
  const used = looksLikeTotp(code) ? await consumeSecondFactor(ctx.db, user, code, deps.key, now) : null;
  if (used !== "totp") return wrongCode(ctx, "auth.2fa_enable", "wrong code", "code");
  await deps.limiter.succeeded(user.id);
  const { count } = await ctx.db.user.updateMany({
    where: { id: user.id, totpEnabledAt: null, totpSecret: user.totpSecret },
    data: { totpEnabledAt: now },
  });
  if (count !== 1) throw new AppError("CONFLICT", "The set-up changed meanwhile. Start again.");
  const recoveryCodes = await replaceRecoveryCodes(ctx.db, user.id);
  // Sessions signed in elsewhere with the password alone end: only this one has shown the factor.
  const others = await ctx.db.userSession.findMany({
    where: {
      userId: user.id,
      revokedAt: null,
      ...(deps.currentSessionId ? { id: { not: deps.currentSessionId } } : {}),
    },
    select: { id: true },
  });
  const endedSessionIds = others.map((o) => o.id);
  if (endedSessionIds.length > 0)
    await ctx.db.userSession.updateMany({
      where: { id: { in: endedSessionIds }, revokedAt: null },
      data: { revokedAt: now, revokedReason: "ended" },
    });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "auth.2fa_enable",
    targetType: "user",
    targetId: user.id,
    input: { otherSessionsEnded: endedSessionIds.length },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { recoveryCodes, endedSessionIds };
}

/** Checks a proof of the account (a code, a recovery code or the password) for a 2FA change. */
async function proveAccount(
  ctx: DataContext,
  user: UserRow,
  proof: TwoFactorProof,
  deps: TwoFactorDeps,
  action: string,
): Promise<void> {
  await beginCodeCheck(ctx, deps, action);
  if (proof.code !== undefined) {
    const used = await consumeSecondFactor(ctx.db, user, proof.code, deps.key, deps.now ?? new Date());
    if (!used) return wrongCode(ctx, action, "wrong code", "code");
    if (used === "recovery") await auditRecoveryUsed(ctx.db, user, ctx.ip, action);
  } else if (!(await verifyPassword(user.passwordHash, proof.password ?? ""))) {
    return wrongCode(ctx, action, "wrong password", "password");
  }
  await deps.limiter.succeeded(user.id);
}

export async function auditRecoveryUsed(
  db: Db,
  user: { id: string; email: string; name: string },
  ip: string | null,
  purpose: string,
): Promise<void> {
  const left = await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
  await recordAudit(db, {
    actor: user,
    action: "auth.2fa_recovery_used",
    targetType: "user",
    targetId: user.id,
    input: { purpose, left },
    outcome: "success",
    sourceIp: ip,
  });
}

/** Turns two-factor sign-in off, unless a role of the user requires it. */
export async function disableTwoFactor(
  ctx: DataContext,
  proof: TwoFactorProof,
  deps: TwoFactorDeps,
): Promise<void> {
  const user = await ownUser(ctx);
  if (!user.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor sign-in is already off.");
  if (await roleRequiresTwoFactor(ctx.db, user.id)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "auth.2fa_disable",
      targetType: "user",
      targetId: user.id,
      outcome: "denied",
      detail: "required by role",
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Your role requires two-factor sign-in: it cannot be turned off.");
  }
  await proveAccount(ctx, user, proof, deps, "auth.2fa_disable");
  await clearTwoFactor(ctx.db, user.id);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "auth.2fa_disable",
    targetType: "user",
    targetId: user.id,
    input: { with: proof.code !== undefined ? "code" : "password" },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** Ten new recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(
  ctx: DataContext,
  proof: TwoFactorProof,
  deps: TwoFactorDeps,
): Promise<{ recoveryCodes: string[] }> {
  const user = await ownUser(ctx);
  if (!user.totpEnabledAt) throw new AppError("CONFLICT", "Turn on two-factor sign-in first.");
  await proveAccount(ctx, user, proof, deps, "auth.2fa_recovery_regenerate");
  const recoveryCodes = await replaceRecoveryCodes(ctx.db, user.id);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "auth.2fa_recovery_regenerate",
    targetType: "user",
    targetId: user.id,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { recoveryCodes };
}

async function clearTwoFactor(db: Db, userId: string): Promise<void> {
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.user.update({
      where: { id: userId },
      data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null },
    }),
  ]);
}

/**
 * An Owner (or whoever may manage the member, canManageUser) resets a member's two-factor sign-in
 * (a lost phone): the member signs in with the password alone, and enrols again if a role requires it.
 */
export async function resetMemberTwoFactor(ctx: DataContext, userId: string): Promise<void> {
  await requirePermission(ctx, "team.manage", "auth.2fa_reset");
  const { row: target } = await getManageableUser(ctx, userId, "auth.2fa_reset");
  const hadIt = target.totpSecret !== null;
  await clearTwoFactor(ctx.db, target.id);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "auth.2fa_reset",
    targetType: "user",
    targetId: target.id,
    input: { email: target.email },
    outcome: "success",
    detail: hadIt ? null : "was not enrolled",
    sourceIp: ctx.ip,
  });
}
