/**
 * Limits shared through a real Redis: two limiter sets with the same prefix (two instances) count
 * together for sign-in attempts, the HTTP budget and the socket action limit; with Redis away, the
 * in-memory insurance counts instead (neither locked out nor unlimited).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBudget } from "../auth/http-budget.ts";
import { LoginLimiter } from "../auth/login-limiter.ts";
import { memoryLimiters, redisLimiters, type LimiterFactory } from "./limits.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `rcondeck-test-${randomBytes(4).toString("hex")}:`;

describe("limits shared through Redis", () => {
  let clientA: Redis;
  let clientB: Redis;
  let a: LimiterFactory;
  let b: LimiterFactory;

  beforeAll(() => {
    clientA = new Redis(REDIS_URL);
    clientB = new Redis(REDIS_URL);
    a = redisLimiters(clientA, prefix);
    b = redisLimiters(clientB, prefix);
  });

  afterAll(async () => {
    const keys = await clientA.keys(`${prefix}*`);
    if (keys.length > 0) await clientA.del(...keys);
    await clientA.quit();
    await clientB.quit();
  });

  it("sign-in attempts count across instances", async () => {
    const limits = {
      perAccountAddress: { attempts: 3, windowSeconds: 300 },
      perAddress: { attempts: 100, windowSeconds: 300 },
      perAccount: { attempts: 100, windowSeconds: 300 },
    };
    const onA = new LoginLimiter(limits, a);
    const onB = new LoginLimiter(limits, b);
    const scope = { email: "owner@example.com", ip: "203.0.113.9", knownAddress: false };
    expect((await onA.begin(scope)).allowed).toBe(true);
    expect((await onB.begin(scope)).allowed).toBe(true);
    expect((await onA.begin(scope)).allowed).toBe(true);
    expect(await onB.begin(scope)).toMatchObject({ allowed: false, limit: "perAccountAddress" });
    // In memory (one process each), the same four attempts would all pass on B.
    const alone = new LoginLimiter(limits, memoryLimiters);
    for (let i = 0; i < 3; i++) expect((await alone.begin(scope)).allowed).toBe(true);
  });

  it("the HTTP budget counts across instances", async () => {
    const onA = new HttpBudget({ userPointsPerMinute: 60, anonymousPointsPerMinute: 10 }, a);
    const onB = new HttpBudget({ userPointsPerMinute: 60, anonymousPointsPerMinute: 10 }, b);
    expect(await onA.charge({ userId: "u1" }, 50)).toMatchObject({ allowed: true, remaining: 10 });
    expect(await onB.charge({ userId: "u1" }, 20)).toMatchObject({ allowed: false });
    expect(await onB.charge({ userId: "u2" }, 20)).toMatchObject({ allowed: true });
  });

  it("the socket action limit counts across instances", async () => {
    const options = { keyPrefix: "socket-actions", points: 4, duration: 10 };
    const onA = a(options);
    const onB = b(options);
    await onA.consume("user-1");
    await onB.consume("user-1");
    await onA.consume("user-1");
    await onB.consume("user-1");
    await expect(onA.consume("user-1")).rejects.toMatchObject({ remainingPoints: 0 });
    await expect(onB.consume("user-2")).resolves.toMatchObject({ remainingPoints: 3 });
  });

  it("with Redis unreachable, the in-memory insurance counts: allowed up to the limit, then refused", async () => {
    const away = new Redis("redis://127.0.0.1:1", {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    away.on("error", () => undefined);
    const limiter = redisLimiters(away, prefix)({ keyPrefix: "blink", points: 2, duration: 10 });
    await expect(limiter.consume("user-1")).resolves.toMatchObject({ remainingPoints: 1 });
    await expect(limiter.consume("user-1")).resolves.toMatchObject({ remainingPoints: 0 });
    await expect(limiter.consume("user-1")).rejects.toMatchObject({ remainingPoints: 0 });
    away.disconnect();
  });
});
