/**
 * Multi-instance wiring of the routing side, for the composition root: Redis connections, the
 * socket.io adapter, the bus and RPC, the status mirror, "who is watching", the ClusterHub over the
 * local (leased) hub, and the Redis-backed limiter factory. One `close()` undoes it all.
 */
import { createAdapter } from "@socket.io/redis-adapter";
import type { Db } from "../db/client.ts";
import type { ClusterEnv } from "../env.ts";
import type { Logger } from "../rcon/types.ts";
import { createBus, type Bus } from "./bus.ts";
import { ClusterHub, type LeasedHub } from "./cluster-hub.ts";
import { redisLimiters, type LimiterFactory } from "./limits.ts";
import { createMirror, type Mirror } from "./mirror.ts";
import { createRedisClients, systemClusterClock, type ClusterClock, type RedisClients } from "./redis.ts";
import { createRpc, type Rpc } from "./rpc.ts";
import { createWatchers } from "./watchers.ts";

export interface ClusterRuntime {
  redis: RedisClients;
  /** For createRealtime({ adapter, cluster: true, playerLists: hub }). */
  adapter: ReturnType<typeof createAdapter>;
  bus: Bus;
  rpc: Rpc;
  mirror: Mirror;
  /** The HubPort for createRealtime and the runtime's HubControl; also its playerLists (the revisions deltas start from). */
  hub: ClusterHub;
  /** For LoginLimiter, HttpBudget and createRealtime({ limiters }). */
  limiters: LimiterFactory;
  /** Stops routing and closes every Redis connection (after the realtime layer closed). */
  close(): Promise<void>;
}

export interface ClusterRuntimeOptions {
  cluster: ClusterEnv;
  db: Db;
  logger: Logger;
  /** The local ConnectionHub in leased mode (it need not be started yet). */
  local: LeasedHub;
  clock?: ClusterClock;
  /** Tests: faster "who is watching" heartbeats. */
  watch?: { heartbeatMs?: number; silenceMs?: number };
}

export async function createClusterRuntime(options: ClusterRuntimeOptions): Promise<ClusterRuntime> {
  const { cluster, db, logger, local } = options;
  const clock = options.clock ?? systemClusterClock;
  const redis = createRedisClients(cluster, logger);
  await redis.ready();
  const adapter = createAdapter(redis.adapterPub, redis.adapterSub, {
    key: `${cluster.redisPrefix}socket.io`,
  });
  const bus = createBus({
    publisher: redis.command,
    subscriber: redis.subscriber,
    prefix: cluster.redisPrefix,
    instanceId: cluster.instanceId,
    logger,
  });
  const rpc = createRpc({ bus, clock, logger });
  const mirror = createMirror({ redis: redis.command, bus, clock, staleMs: 3 * cluster.leaseMs, logger });
  const watchers = createWatchers({ bus, hub: local, clock, logger, ...options.watch });
  const hub = new ClusterHub({
    local,
    db,
    bus,
    rpc,
    mirror,
    watchers,
    clock,
    logger,
    commandTimeoutMs: cluster.commandTimeoutMs,
    refreshMs: cluster.leaseMs,
  });
  await hub.start();
  return {
    redis,
    adapter,
    bus,
    rpc,
    mirror,
    hub,
    limiters: redisLimiters(redis.command, cluster.redisPrefix),
    async close() {
      hub.close();
      await bus.close();
      await redis.close();
    },
  };
}
