/**
 * The HTTP budget: points per minute per signed-in user (per client address for requests without
 * a session), charged by the players and bans route handlers and by every `authedAction` before
 * any database work. Each request costs by the work it causes (an import far more than a search).
 * Refusals count too, so hammering past the budget keeps it shut.
 *
 * One instance per process (in memory, or in Redis with several instances: server/cluster/limits.ts), created by server/index.ts and reached through
 * server/runtime.ts (Next's bundle and the custom server would otherwise count apart). It returns
 * values rather than throwing, as the login limiter does: `instanceof` fails across the two graphs.
 */
import type { RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { memoryLimiters, type LimiterFactory } from "../cluster/limits.ts";

/** What a request costs, in points. */
export const HTTP_COSTS = {
  /** A server action (a note, a revoke). */
  action: 1,
  /** A player search page or a profile. */
  playerRead: 2,
  /** A ban export (streams the whole table). */
  banExport: 20,
  /** An audit log export (streams the readable log). */
  auditExport: 20,
  /** A ban import preview or commit (parses and checks up to 100,000 lines). */
  banImport: 50,
  // REST API calls (/api/v1) cost by route (server/api/routes.ts: a read 1-2, an action 5), per token.
} as const;

export interface HttpBudgetLimits {
  /** Points per minute for one signed-in user. */
  userPointsPerMinute: number;
  /** Points per minute for one client address without a session (each such request costs 1). */
  anonymousPointsPerMinute: number;
  /** Points per minute for one API token (/api/v1), apart from its user's browser budget. */
  apiTokenPointsPerMinute?: number;
}

export const DEFAULT_HTTP_BUDGET: HttpBudgetLimits = {
  userPointsPerMinute: 600,
  anonymousPointsPerMinute: 60,
  apiTokenPointsPerMinute: 300,
};

/**
 * Who pays: the signed-in user, the address of a request without a session, or an API token (by
 * its hash: charged before the database is asked whether the token is any good).
 */
export type BudgetKey = { userId: string } | { address: string } | { apiToken: string };

export type Charge = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export class HttpBudget {
  private readonly users: RateLimiterAbstract;
  private readonly addresses: RateLimiterAbstract;
  private readonly apiTokens: RateLimiterAbstract;

  constructor(limits: HttpBudgetLimits = DEFAULT_HTTP_BUDGET, limiters: LimiterFactory = memoryLimiters) {
    this.users = limiters({
      keyPrefix: "http-user",
      points: limits.userPointsPerMinute,
      duration: 60,
    });
    this.addresses = limiters({
      keyPrefix: "http-address",
      points: limits.anonymousPointsPerMinute,
      duration: 60,
    });
    this.apiTokens = limiters({
      keyPrefix: "http-api-token",
      points: limits.apiTokenPointsPerMinute ?? DEFAULT_HTTP_BUDGET.apiTokenPointsPerMinute ?? 300,
      duration: 60,
    });
  }

  async charge(key: BudgetKey, cost: number): Promise<Charge> {
    const [limiter, id] =
      "userId" in key
        ? [this.users, key.userId]
        : "apiToken" in key
          ? [this.apiTokens, key.apiToken]
          : [this.addresses, key.address];
    try {
      const res = await limiter.consume(id, cost);
      return { allowed: true, remaining: res.remainingPoints };
    } catch (refusal) {
      if (!isLimiterRes(refusal)) throw refusal instanceof Error ? refusal : new Error("http budget failed");
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
  }
}

export function budgetMessage(retryAfterSeconds: number): string {
  return `Too many requests. Try again in ${retryAfterSeconds} s.`;
}

function isLimiterRes(value: unknown): value is RateLimiterRes {
  return (
    typeof value === "object" &&
    value !== null &&
    "msBeforeNext" in value &&
    typeof (value as RateLimiterRes).msBeforeNext === "number"
  );
}
