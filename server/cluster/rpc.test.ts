/**
 * The bus and RPC on a real Redis (127.0.0.1:6379, a fresh key prefix per run): answers come back
 * to the caller, errors keep their code, a target that never answers gives "outcome unknown" once
 * (the handler ran exactly once, nothing re-sent), a gone target gives "nothing was sent", and the
 * number of requests in flight is bounded.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError, NotSentError } from "../../lib/errors.ts";
import { silentLogger } from "../testing/realtime.ts";
import { createBus, type Bus } from "./bus.ts";
import { createRedisClients, systemClusterClock, type RedisClients } from "./redis.ts";
import { createRpc, isOutcomeUnknown, type Rpc } from "./rpc.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `rcondeck-test-${randomBytes(4).toString("hex")}:`;

interface Node {
  clients: RedisClients;
  bus: Bus;
  rpc: Rpc;
}

async function node(instanceId: string, maxPending?: number): Promise<Node> {
  const clients = createRedisClients({ redisUrl: REDIS_URL, redisPrefix: prefix, instanceId }, silentLogger);
  await clients.ready();
  const bus = createBus({
    publisher: clients.command,
    subscriber: clients.subscriber,
    prefix,
    instanceId,
    logger: silentLogger,
  });
  const rpc = createRpc({
    bus,
    clock: systemClusterClock,
    logger: silentLogger,
    ...(maxPending !== undefined ? { maxPending } : {}),
  });
  await rpc.start();
  return { clients, bus, rpc };
}

describe("cluster bus and RPC (real Redis)", () => {
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    a = await node("inst-a", 2);
    b = await node("inst-b");
  });

  afterAll(async () => {
    for (const n of [a, b]) {
      n.rpc.close();
      await n.bus.close();
      await n.clients.close();
    }
    const cleanup = new Redis(REDIS_URL);
    const keys = await cleanup.keys(`${prefix}*`);
    if (keys.length > 0) await cleanup.del(...keys);
    await cleanup.quit();
  });

  it("a topic reaches every instance, the publisher included", async () => {
    const got: string[] = [];
    const offA = a.bus.onTopic("hello", (p) => got.push(`a:${(p as { n: number }).n}`));
    const offB = b.bus.onTopic("hello", (p) => got.push(`b:${(p as { n: number }).n}`));
    await Promise.all([a.bus.ready(), b.bus.ready()]);
    expect(await a.bus.publish("hello", { n: 1 })).toBe(2);
    await vi.waitFor(() => expect(got.sort()).toEqual(["a:1", "b:1"]));
    offA();
    offB();
  });

  it("answers come back to the caller; AppErrors keep code and message; other errors are INTERNAL", async () => {
    b.rpc.serve("echo", (args) => Promise.resolve({ echoed: args }));
    b.rpc.serve("refuse", () => Promise.reject(new AppError("FORBIDDEN", "not you")));
    b.rpc.serve("crash", () => Promise.reject(new Error("secret internals")));
    expect(await a.rpc.request("inst-b", "echo", { x: 1 }, 5_000)).toEqual({ echoed: { x: 1 } });
    await expect(a.rpc.request("inst-b", "refuse", {}, 5_000)).rejects.toMatchObject({
      name: "AppError",
      code: "FORBIDDEN",
      message: "not you",
    });
    const crash = await a.rpc.request("inst-b", "crash", {}, 5_000).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(AppError);
    expect((crash as AppError).code).toBe("INTERNAL");
    expect((crash as AppError).message).not.toContain("secret");
    await expect(a.rpc.request("inst-b", "no-such-method", {}, 5_000)).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    expect(a.rpc.inFlight()).toBe(0);
  });

  it("a refusal that sent nothing stays a NotSentError across the hop; other UNAVAILABLE errors do not", async () => {
    b.rpc.serve("moved", () => Promise.reject(new NotSentError("just moved: nothing was sent")));
    b.rpc.serve("dropped", () => Promise.reject(new AppError("UNAVAILABLE", "dropped before it answered")));
    const moved = await a.rpc.request("inst-b", "moved", {}, 5_000).catch((e: unknown) => e);
    expect(moved).toBeInstanceOf(NotSentError);
    expect(moved).toMatchObject({ code: "UNAVAILABLE", message: "just moved: nothing was sent" });
    const dropped = await a.rpc.request("inst-b", "dropped", {}, 5_000).catch((e: unknown) => e);
    expect(dropped).toMatchObject({ code: "UNAVAILABLE", message: "dropped before it answered" });
    expect(dropped).not.toBeInstanceOf(NotSentError);
    // Refused here before publishing: nothing was sent either.
    expect(await a.rpc.request("inst-gone", "echo", {}, 5_000).catch((e: unknown) => e)).toBeInstanceOf(
      NotSentError,
    );
  });

  it("no answer in time: TIMEOUT with 'outcome unknown', the handler ran exactly once and nothing is re-sent", async () => {
    let runs = 0;
    b.rpc.serve("hang", () => {
      runs++;
      return new Promise(() => undefined);
    });
    const error = await a.rpc.request("inst-b", "hang", {}, 700).catch((e: unknown) => e);
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(error).toMatchObject({
      code: "TIMEOUT",
      message:
        "The RconDeck instance holding this server did not answer within 1 s: the outcome is unknown. Check the console before trying again.",
    });
    expect(a.rpc.inFlight()).toBe(0);
    // Long enough for any re-send to have reached B.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs).toBe(1);
  });

  it("a late answer after the timeout is dropped", async () => {
    let release: (v: unknown) => void = () => undefined;
    b.rpc.serve("slow", () => new Promise((resolve) => (release = resolve)));
    await expect(a.rpc.request("inst-b", "slow", {}, 500)).rejects.toMatchObject({ code: "TIMEOUT" });
    release("late");
    // The reply arrives for an id nobody waits for: nothing breaks, and the next request is fine.
    b.rpc.serve("ping", () => Promise.resolve("pong"));
    expect(await a.rpc.request("inst-b", "ping", {}, 5_000)).toBe("pong");
  });

  it("a target nobody listens for: UNAVAILABLE, nothing was sent", async () => {
    await expect(a.rpc.request("inst-gone", "echo", {}, 5_000)).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringContaining("nothing was sent") as unknown,
    });
    expect(a.rpc.inFlight()).toBe(0);
  });

  it("requests in flight are bounded: past the bound, refused at once", async () => {
    b.rpc.serve("park", () => new Promise(() => undefined));
    const first = a.rpc.request("inst-b", "park", {}, 1_500).catch((e: unknown) => e);
    const second = a.rpc.request("inst-b", "park", {}, 1_500).catch((e: unknown) => e);
    await expect(a.rpc.request("inst-b", "park", {}, 1_500)).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringContaining("Too many requests") as unknown,
    });
    expect(a.rpc.inFlight()).toBe(2);
    expect(isOutcomeUnknown(await first)).toBe(true);
    expect(isOutcomeUnknown(await second)).toBe(true);
    expect(a.rpc.inFlight()).toBe(0);
  });
});
