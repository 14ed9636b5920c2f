/**
 * Who did what in a process cluster test (server/testing/cluster.ts), seen from outside the
 * instances: which instance process had each loopback socket (Linux /proc), so an emulator's client
 * "127.0.0.1:port" names an instance, and which instance held each server's lease over time
 * (ServerLease, sampled). Both are samples: a socket that lives less than one interval can be
 * missed, but RCON connections live as long as a lease does.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Lease, TestCluster } from "./cluster.ts";

export interface ClusterWitness {
  /**
   * The instance that had the local socket of `remote` ("address:port"), or undefined when no
   * sample saw it, or two instances had that port at different times (ambiguous).
   */
  instanceOf(remote: string): string | undefined;
  /**
   * The instances that held `serverId` around `at` (ms): the owner in the last sample at or before
   * it and in every sample up to `slackMs` either side (a hand-over between two samples).
   */
  ownersAround(serverId: string, at: number, slackMs: number): Set<string>;
  stop(): Promise<void>;
}

const AMBIGUOUS = "";

function socketInodes(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  const inodes: string[] = [];
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return inodes; // exited meanwhile
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${fd}`));
      if (match?.[1]) inodes.push(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** inode -> local port of every TCP and UDP socket in this network namespace. */
function localPorts(): Map<string, number> {
  const ports = new Map<string, number>();
  for (const table of ["tcp", "tcp6", "udp", "udp6"]) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const inode = fields[9];
      if (!local || !inode || inode === "0") continue;
      ports.set(inode, Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16));
    }
  }
  return ports;
}

export function watchCluster(cluster: TestCluster, everyMs = 200): ClusterWitness {
  /** Local port -> instance id (AMBIGUOUS once seen under two instances). */
  const portOwners = new Map<number, string>();
  const leases: { at: number; owners: Map<string, Lease> }[] = [];
  let stopped = false;

  const sampleSockets = () => {
    const ports = localPorts();
    for (const instance of cluster.instances) {
      if (!instance.alive()) continue;
      for (const inode of socketInodes(instance.pid)) {
        const port = ports.get(inode);
        if (port === undefined) continue;
        const known = portOwners.get(port);
        portOwners.set(port, known === undefined || known === instance.id ? instance.id : AMBIGUOUS);
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      sampleSockets();
      const at = Date.now();
      try {
        leases.push({ at, owners: await cluster.owners() });
      } catch {
        // the database is being dropped at the end: the samples so far stand
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();

  return {
    instanceOf(remote) {
      const owner = portOwners.get(Number(remote.slice(remote.lastIndexOf(":") + 1)));
      return owner === AMBIGUOUS ? undefined : owner;
    },
    ownersAround(serverId, at, slackMs) {
      const found = new Set<string>();
      const before = leases.filter((s) => s.at <= at).at(-1);
      const near = leases.filter((s) => Math.abs(s.at - at) <= slackMs);
      for (const sample of before ? [before, ...near] : near) {
        const owner = sample.owners.get(serverId)?.ownerId;
        if (owner) found.add(owner);
      }
      return found;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
