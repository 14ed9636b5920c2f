/**
 * The Redis connections of one instance (multi-instance mode): a command client (hashes, rate
 * limits, PUBLISH), a subscriber (the bus and RPC channels) and the pair the socket.io adapter
 * needs. All reconnect forever with a capped backoff; an outage is logged once when it starts and
 * once when it ends, and never crashes the process. Every key and channel starts with `prefix`.
 */
import { Redis, type RedisOptions } from "ioredis";
import type { ClusterEnv } from "../env.ts";
import { systemHubClock, type HubClock } from "../hub/clock.ts";
import type { Logger } from "../rcon/types.ts";

/** The cluster's time is the hub's clock (monotonic `now()` plus `wall()`), one definition for both. */
export type ClusterClock = HubClock;
export const systemClusterClock: ClusterClock = systemHubClock;

/** Reconnect delays: 100 ms, 200 ms ... at most 3 s, forever. */
export const reconnectDelay = (attempt: number): number => Math.min(100 * attempt, 3_000);

export interface RedisClients {
  readonly prefix: string;
  /** Commands that must fail fast while Redis is away (no offline queue): limits fall back to memory, RPC says "nothing was sent". */
  readonly command: Redis;
  /** Subscribe-mode connection for the bus and RPC (resubscribes by itself after a reconnect). */
  readonly subscriber: Redis;
  /** The socket.io adapter's pair (createAdapter(pub, sub)). */
  readonly adapterPub: Redis;
  readonly adapterSub: Redis;
  /** Resolves once every connection is ready (the first time). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function createRedisClients(
  cluster: Pick<ClusterEnv, "redisUrl" | "redisPrefix" | "instanceId">,
  logger: Logger,
): RedisClients {
  const base: RedisOptions = {
    retryStrategy: reconnectDelay,
    // Named after prefix and instance, so a test can find (and CLIENT KILL) one instance's connections.
    connectionName: `${cluster.redisPrefix}${cluster.instanceId}`.slice(0, 120),
    // A command waits for at most one reconnect attempt; then it fails and the caller decides.
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  };
  const make = (role: string, options: RedisOptions = {}) => {
    const client = new Redis(cluster.redisUrl, { ...base, ...options });
    let down = false;
    client.on("error", (error: Error) => {
      if (down) return;
      down = true;
      // The URL may carry a password: only the error's code and message go to the log.
      logger.error("Redis connection lost: retrying", {
        role,
        error: (error as { code?: string }).code ?? error.message.slice(0, 200),
      });
    });
    client.on("ready", () => {
      if (!down) return;
      down = false;
      logger.info("Redis connection back", { role });
    });
    return client;
  };
  const command = make("command", { enableOfflineQueue: false });
  const subscriber = make("subscriber", { maxRetriesPerRequest: null });
  const adapterPub = make("adapter-pub");
  const adapterSub = make("adapter-sub", { maxRetriesPerRequest: null });
  const all = [command, subscriber, adapterPub, adapterSub];
  const readyOnce = (client: Redis) =>
    client.status === "ready"
      ? Promise.resolve()
      : new Promise<void>((resolve) => client.once("ready", () => resolve()));

  return {
    prefix: cluster.redisPrefix,
    command,
    subscriber,
    adapterPub,
    adapterSub,
    ready: async () => {
      await Promise.all(all.map(readyOnce));
    },
    async close() {
      await Promise.allSettled(all.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
