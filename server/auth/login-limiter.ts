/**
 * Failed-login limits per account and per source address (rate-limiter-flexible). Only failures
 * count; a success clears the account's counter. In-memory: one process holds the limits.
 */
import { RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";

export interface LoginLimits {
  perAccount: { failures: number; windowSeconds: number };
  perAddress: { failures: number; windowSeconds: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccount: { failures: 5, windowSeconds: 300 },
  perAddress: { failures: 25, windowSeconds: 300 },
};

export class LoginBlockedError extends Error {
  override readonly name = "LoginBlockedError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-in attempts. Try again in ${retryAfterSeconds} s.`);
  }
}

export class LoginLimiter {
  private readonly account: RateLimiterMemory;
  private readonly address: RateLimiterMemory;

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.account = new RateLimiterMemory({ keyPrefix: "login-account", points: limits.perAccount.failures, duration: limits.perAccount.windowSeconds });
    this.address = new RateLimiterMemory({ keyPrefix: "login-address", points: limits.perAddress.failures, duration: limits.perAddress.windowSeconds });
  }

  /** Throws LoginBlockedError when either limit is used up. */
  async check(email: string, address: string): Promise<void> {
    const [byAccount, byAddress] = await Promise.all([this.account.get(email), this.address.get(address)]);
    const waits = [
      blockedFor(byAccount, this.limits.perAccount.failures),
      blockedFor(byAddress, this.limits.perAddress.failures),
    ].filter((s): s is number => s !== null);
    if (waits.length > 0) throw new LoginBlockedError(Math.max(...waits));
  }

  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.all([this.account.penalty(email, 1), this.address.penalty(address, 1)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.account.delete(email);
  }
}

function blockedFor(result: RateLimiterRes | null, limit: number): number | null {
  if (!result || result.consumedPoints < limit) return null;
  return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
}
