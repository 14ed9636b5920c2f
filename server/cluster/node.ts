/**
 * One instance of a cluster, for the composition root (server/index.ts): the leased hub's options
 * (lease fence, write gate, leader-only jobs), then the routing runtime (Redis, adapter, ClusterHub)
 * and the lease manager that tells the hub which game servers it holds.
 *
 * The hub and the lease manager refer to each other (the manager adopts servers into the hub; the
 * hub's connections ask the manager's write gate before every send), hence the late binding here.
 *
 * Instances tell each other when leases move ("cluster" topic): a release or a new instance makes
 * the others run their lease tick at once instead of at the next period, so a SIGTERM hands its
 * servers over in about a second and a new instance takes its share within a few ticks.
 */
import type { Db } from "../db/client.ts";
import type { ClusterEnv } from "../env.ts";
import type { HubOptions } from "../hub/hub.ts";
import type { Logger } from "../rcon/types.ts";
import { createClusterRuntime, type ClusterRuntime } from "./index.ts";
import type { LeasedHub } from "./cluster-hub.ts";
import { LeaseFence } from "./lease-fence.ts";
import { LeaseManager, type LeaseHolder } from "./lease-manager.ts";

const MEMBERSHIP_TOPIC = "cluster";

interface MembershipMessage {
  from: string;
  type: "joined" | "released";
}

export interface ClusterNode {
  runtime: ClusterRuntime;
  leases: LeaseManager;
  /** SIGTERM: close this instance's connections, give its leases back and tell the others. */
  handOver(): Promise<void>;
  /** After the realtime layer closed: Redis connections. */
  close(): Promise<void>;
}

/** The part of the hub's options that makes it a leased hub of this instance. */
export function leasedHubOptions(
  db: Db,
  cluster: ClusterEnv,
  leases: () => LeaseManager | null,
): Partial<HubOptions> {
  return {
    ownership: "leased",
    fence: new LeaseFence({ db, instanceId: cluster.instanceId }),
    // No manager yet, or no lease: nothing may be sent to any game server.
    writeGate: (serverId) => leases()?.writeGate(serverId) ?? false,
    globalJobs: () => leases()?.isLeader() ?? false,
  };
}

export async function joinCluster(options: {
  cluster: ClusterEnv;
  db: Db;
  logger: Logger;
  hub: LeasedHub & LeaseHolder;
  bind(leases: LeaseManager): void;
}): Promise<ClusterNode> {
  const { cluster, db, logger, hub } = options;
  const runtime = await createClusterRuntime({ cluster, db, logger, local: hub });
  const me = cluster.instanceId;
  const leases = new LeaseManager({
    db,
    instanceId: me,
    leaseMs: cluster.leaseMs,
    logger,
    holder: hub,
    // Owner caches everywhere are re-read; the mirror follows from the new owner's statuses.
    onChange: () => void runtime.hub.leasesChanged().catch(() => undefined),
  });
  options.bind(leases);
  const announce = (type: MembershipMessage["type"]) =>
    runtime.bus
      .publish(MEMBERSHIP_TOPIC, { from: me, type } satisfies MembershipMessage)
      .catch((error: unknown) => {
        logger.warn("cluster announcement not sent (Redis)", { type, error: String(error).slice(0, 200) });
      });
  const off = runtime.bus.onTopic(MEMBERSHIP_TOPIC, (payload) => {
    const message = payload as MembershipMessage | null;
    if (message && message.from !== me) leases.nudge();
  });
  await leases.start();
  logger.info("joined the cluster", {
    instance: me,
    held: leases.held().size,
    instances: leases.instances(),
  });
  await announce("joined");
  return {
    runtime,
    leases,
    async handOver() {
      await leases.stop();
      await announce("released");
    },
    async close() {
      off();
      await runtime.close();
    },
  };
}
