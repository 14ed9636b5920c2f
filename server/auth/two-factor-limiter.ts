/**
 * Wrong second-factor codes, per user, wherever they are typed (sign-in, disabling, regenerating
 * recovery codes): 5 per 15 minutes, then the user is locked out of code checks until the window
 * passes. A code is counted BEFORE it is checked (atomic consume), so parallel guesses cannot slip
 * past; a right code gets its point back. In Redis with several instances (server/cluster/limits.ts).
 */
import type { RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { memoryLimiters, type LimiterFactory } from "../cluster/limits.ts";
import type { Limit } from "./login-limiter.ts";

export const DEFAULT_TWO_FACTOR_LIMIT: Limit = { attempts: 5, windowSeconds: 15 * 60 };

export type CodeAttempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function codeBlockedMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many wrong authentication codes. Two-factor sign-in is locked for ${minutes} min.`;
}

export class TwoFactorLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(limit: Limit = DEFAULT_TWO_FACTOR_LIMIT, limiters: LimiterFactory = memoryLimiters) {
    this.limiter = limiters({
      keyPrefix: "two-factor",
      points: limit.attempts,
      duration: limit.windowSeconds,
    });
  }

  /** Counts one code check for `userId`, or refuses it. Returns plain data (crosses module graphs). */
  async begin(userId: string): Promise<CodeAttempt> {
    const refusal = await this.limiter.consume(userId).then(
      () => null,
      (res: unknown) => res,
    );
    if (refusal === null) return { allowed: true };
    if (!isLimiterRes(refusal)) throw refusal instanceof Error ? refusal : new Error("2FA limiter failed");
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
  }

  /** The code was right: it does not count. */
  async succeeded(userId: string): Promise<void> {
    await this.limiter.reward(userId, 1);
  }
}

function isLimiterRes(value: unknown): value is RateLimiterRes {
  return (
    typeof value === "object" &&
    value !== null &&
    "msBeforeNext" in value &&
    typeof (value as RateLimiterRes).msBeforeNext === "number"
  );
}
