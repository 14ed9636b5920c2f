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

export function blockedMessage(retryAfterSeconds: number): string {
  return `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} s.`;
}

export class LoginLimiter {
  private readonly account: RateLimiterMemory;
  private readonly address: RateLimiterMemory;

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.account = new RateLimiterMemory({ keyPrefix: "login-account", points: limits.perAccount.failures, duration: limits.perAccount.windowSeconds });
    this.address = new RateLimiterMemory({ keyPrefix: "login-address", points: limits.perAddress.failures, duration: limits.perAddress.windowSeconds });
  }

  /**
   * Seconds until the next attempt is allowed, or null when it is allowed now. Returns instead of
   * throwing: the limiter lives in the custom server's module graph and is called from Next's, where
   * an `instanceof` check on its error class would fail.
   */
  async retryAfterSeconds(email: string, address: string): Promise<number | null> {
    const [byAccount, byAddress] = await Promise.all([this.account.get(email), this.address.get(address)]);
    const waits = [
      blockedFor(byAccount, this.limits.perAccount.failures),
      blockedFor(byAddress, this.limits.perAddress.failures),
    ].filter((s): s is number => s !== null);
    return waits.length > 0 ? Math.max(...waits) : null;
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
