/**
 * Rate limiters, one factory for the whole process: in memory for one process (the default, the
 * behaviour of a single instance unchanged), in Redis for several instances so a user's or an
 * address's budget is the same whichever instance a request lands on. A Redis blink falls back to
 * an in-memory limiter of the same shape (insurance): neither everyone locked out nor the gate
 * wide open, only per-instance counting until Redis is back.
 */
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  /** Window in seconds. */
  duration: number;
}

export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

export function redisLimiters(client: Redis, prefix: string): LimiterFactory {
  return (options) =>
    new RateLimiterRedis({
      storeClient: client,
      ...options,
      keyPrefix: `${prefix}limit:${options.keyPrefix}`,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}
