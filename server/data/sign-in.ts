/**
 * Sign-in: login limits (counted before the password is checked), credentials, the second factor
 * for accounts that enrolled, and the new session row whose id goes into the cookie. Every outcome
 * is audited.
 */
import { AppError } from "../../lib/errors.ts";
import { TWO_FACTOR_PROMPT } from "../../lib/schemas/two-factor.ts";
import { blockedMessage, type LoginLimiter } from "../auth/login-limiter.ts";
import { codeBlockedMessage, type TwoFactorLimiter } from "../auth/two-factor-limiter.ts";
import { verifyAgainstDummy, verifyPassword } from "../auth/passwords.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";
import { createSession, isKnownSignInAddress } from "./sessions.ts";
import { auditRecoveryUsed, consumeSecondFactor } from "./two-factor.ts";

/** What checking a second factor at sign-in needs: the per-user code limiter and the encryption key. */
export interface SignInSecondFactor {
  limiter: TwoFactorLimiter;
  key: Buffer;
}

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  sessionVersion: number;
  /** The UserSession row created for this sign-in. */
  sessionId: string;
}

/** How long a sign-in lasts at most (the cookie's life; the row's expiresAt matches it). */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export async function authenticate(
  db: Db,
  limiter: LoginLimiter,
  input: {
    email: string;
    password: string;
    code?: string | undefined;
    ip: string;
    userAgent?: string | null;
  },
  secondFactor: SignInSecondFactor,
  now = new Date(),
): Promise<AuthenticatedUser> {
  const user = await db.user.findUnique({ where: { email: input.email } });
  // Queried for unknown emails too, so the timing does not tell which emails exist.
  const knownAddress = await isKnownSignInAddress(db, user?.id ?? "", input.ip, now);
  const attempt = await limiter.begin({ email: input.email, ip: input.ip, knownAddress });
  if (!attempt.allowed) {
    await recordAudit(db, {
      actor: null,
      actorEmail: input.email,
      action: "auth.login",
      targetType: user ? "user" : null,
      targetId: user?.id ?? null,
      outcome: "denied",
      detail: `rate limited (${attempt.limit})`,
      sourceIp: input.ip,
    });
    throw new AppError(
      "RATE_LIMITED",
      blockedMessage(attempt.retryAfterSeconds),
      undefined,
      attempt.retryAfterSeconds,
    );
  }
  const passwordOk = user
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyAgainstDummy(input.password), false);
  if (!user || !passwordOk || user.disabled) {
    const reason = !user ? "unknown email" : !passwordOk ? "wrong password" : "account disabled";
    await recordAudit(db, {
      actor: null,
      actorEmail: input.email,
      action: "auth.login",
      targetType: "user",
      targetId: user?.id ?? null,
      outcome: "failure",
      detail: reason,
      sourceIp: input.ip,
    });
    throw new AppError(
      "UNAUTHENTICATED",
      user && passwordOk ? "This account is disabled." : "Wrong email or password.",
    );
  }
  if (user.totpEnabledAt) {
    const refusal = async (outcome: "failure" | "denied", detail: string) =>
      recordAudit(db, {
        actor: null,
        actorEmail: input.email,
        action: "auth.login",
        targetType: "user",
        targetId: user.id,
        outcome,
        detail,
        sourceIp: input.ip,
      });
    // The password was right, but no session without the code. The attempt stays counted (a right
    // password alone must not reset the limiter between code guesses).
    if (!input.code) {
      await refusal("denied", "two-factor code required");
      throw new AppError("TWO_FACTOR_REQUIRED", TWO_FACTOR_PROMPT);
    }
    const codeAttempt = await secondFactor.limiter.begin(user.id);
    if (!codeAttempt.allowed) {
      await refusal("denied", "rate limited (two-factor codes)");
      throw new AppError(
        "RATE_LIMITED",
        codeBlockedMessage(codeAttempt.retryAfterSeconds),
        undefined,
        codeAttempt.retryAfterSeconds,
      );
    }
    const used = await consumeSecondFactor(db, user, input.code, secondFactor.key, now);
    if (!used) {
      await refusal("failure", "wrong two-factor code");
      throw new AppError("UNAUTHENTICATED", "Wrong or already used authentication code.");
    }
    await secondFactor.limiter.succeeded(user.id);
    if (used === "recovery") await auditRecoveryUsed(db, user, input.ip, "sign-in");
  }
  await limiter.succeeded(attempt);
  const session = await createSession(
    db,
    {
      userId: user.id,
      userAgent: input.userAgent ?? null,
      ip: input.ip === "unknown" ? null : input.ip,
      maxAgeMs: SESSION_MAX_AGE_SECONDS * 1000,
    },
    now,
  );
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  await recordAudit(db, {
    actor: user,
    action: "auth.login",
    targetType: "user",
    targetId: user.id,
    input: { session: session.id, twoFactor: user.totpEnabledAt !== null },
    outcome: "success",
    sourceIp: input.ip,
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    sessionVersion: user.sessionVersion,
    sessionId: session.id,
  };
}
