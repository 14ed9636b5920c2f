/**
 * Sign-in attempt limits (rate-limiter-flexible: in memory for one process, in Redis for several
 * instances, through the limiter factory of server/cluster/limits.ts).
 *
 * An attempt is counted BEFORE its password is checked (each consume is atomic), so parallel
 * guesses cannot slip past the limit; a successful attempt gets its points back. Three counters:
 * - per (account, address): strict, always applies;
 * - per address: across accounts, except for accounts that signed in from that address before
 *   (so one person guessing behind a shared address cannot lock out the people who work there);
 * - per account: across addresses, except addresses this account signed in from before (so a
 *   distributed attack is slowed, but nobody elsewhere can lock the Owner out of their usual place).
 * Which addresses are "known" comes from the caller (UserSession rows), not from this class.
 */
import type { RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { memoryLimiters, type LimiterFactory } from "../cluster/limits.ts";

export interface Limit {
  attempts: number;
  windowSeconds: number;
}

export interface LoginLimits {
  perAccountAddress: Limit;
  perAddress: Limit;
  perAccount: Limit;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccountAddress: { attempts: 5, windowSeconds: 300 },
  perAddress: { attempts: 25, windowSeconds: 300 },
  perAccount: { attempts: 10, windowSeconds: 900 },
};

export type LimitName = keyof LoginLimits;

export interface AttemptScope {
  email: string;
  ip: string;
  /** This account signed in successfully from this address recently. */
  knownAddress: boolean;
}

/** Plain data (not a class): it crosses from the custom server's module graph into Next's. */
export type Attempt =
  | { allowed: true; consumed: { limit: LimitName; key: string }[] }
  | { allowed: false; limit: LimitName; retryAfterSeconds: number };

export function blockedMessage(retryAfterSeconds: number): string {
  return `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} s.`;
}

export class LoginLimiter {
  private readonly limiters: Record<LimitName, RateLimiterAbstract>;

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS, limiters: LimiterFactory = memoryLimiters) {
    const make = (name: LimitName) =>
      limiters({
        keyPrefix: `login-${name}`,
        points: limits[name].attempts,
        duration: limits[name].windowSeconds,
      });
    this.limiters = {
      perAccountAddress: make("perAccountAddress"),
      perAddress: make("perAddress"),
      perAccount: make("perAccount"),
    };
  }

  /**
   * Counts an attempt against every limit that applies, or refuses it (then it counts against
   * none but the limit that refused). Returns instead of throwing: the limiter lives in the custom
   * server's module graph and is called from Next's, where `instanceof` on its errors would fail.
   */
  async begin(scope: AttemptScope): Promise<Attempt> {
    const keys: { limit: LimitName; key: string }[] = [
      { limit: "perAccountAddress", key: `${scope.email}\n${scope.ip}` },
    ];
    if (!scope.knownAddress)
      keys.push({ limit: "perAddress", key: scope.ip }, { limit: "perAccount", key: scope.email });
    const consumed: { limit: LimitName; key: string }[] = [];
    for (const entry of keys) {
      const refusal = await this.limiters[entry.limit].consume(entry.key).then(
        () => null,
        (res: unknown) => res,
      );
      if (refusal !== null) {
        await this.refund(consumed);
        if (!isLimiterRes(refusal))
          throw refusal instanceof Error ? refusal : new Error("login limiter failed");
        return {
          allowed: false,
          limit: entry.limit,
          retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        };
      }
      consumed.push(entry);
    }
    return { allowed: true, consumed };
  }

  /** The password was right: the attempt does not count, and this account's counter at this address starts over. */
  async succeeded(attempt: Attempt): Promise<void> {
    if (!attempt.allowed) return;
    await this.refund(attempt.consumed.filter((c) => c.limit !== "perAccountAddress"));
    const pair = attempt.consumed.find((c) => c.limit === "perAccountAddress");
    if (pair) await this.limiters.perAccountAddress.delete(pair.key);
  }

  private async refund(consumed: readonly { limit: LimitName; key: string }[]): Promise<void> {
    await Promise.all(consumed.map((c) => this.limiters[c.limit].reward(c.key, 1)));
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
