/**
 * Who did what in a process cluster test (server/testing/cluster.ts), seen from outside the
 * instances: which instance process had each loopback socket (Linux /proc), so an emulator's client
 * "127.0.0.1:port" names an instance, and which instance held each server's lease over time
 * (ServerLease, sampled). Both are samples: a socket that lives less than one interval can be
 * missed, but RCON connections live as long as a lease does.
 *
 * A socket is known by both of its ports. Over a run of minutes the kernel hands one local port to
 * connections of different instances to different game servers (a connection is four numbers, not
 * one), so a local port alone can name two instances: CI once saw that ambiguity.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Lease, TestCluster } from "./cluster.ts";

export interface ClusterWitness {
  /**
   * The instance that had the socket from `remote` ("address:port", as the game server saw its
   * client) to the game server's `serverPort`, or undefined when no sample saw it, or two
   * instances had it at different times (ambiguous). An unconnected UDP socket has no peer port: it
   * is found by its local port alone.
   */
  instanceOf(remote: string, serverPort: number): string | undefined;
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

interface SocketPorts {
  local: number;
  /** 0 for a socket with no peer (an unconnected UDP socket, a listener). */
  peer: number;
}

const portOf = (address: string) => Number.parseInt(address.slice(address.lastIndexOf(":") + 1), 16);
const socketKey = (local: number, peer: number) => `${local}>${peer}`;

/** inode -> ports of every TCP and UDP socket in this network namespace. */
function socketPorts(): Map<string, SocketPorts> {
  const ports = new Map<string, SocketPorts>();
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
      const [, local, peer] = fields;
      const inode = fields[9];
      if (!local || !peer || !inode || inode === "0") continue;
      ports.set(inode, { local: portOf(local), peer: portOf(peer) });
    }
  }
  return ports;
}

export function watchCluster(cluster: TestCluster, everyMs = 200): ClusterWitness {
  /** socketKey(local, peer) -> instance id (AMBIGUOUS once seen under two instances). */
  const socketOwners = new Map<string, string>();
  const leases: { at: number; owners: Map<string, Lease> }[] = [];
  let stopped = false;

  const sampleSockets = () => {
    const ports = socketPorts();
    for (const instance of cluster.instances) {
      if (!instance.alive()) continue;
      for (const inode of socketInodes(instance.pid)) {
        const socket = ports.get(inode);
        if (socket === undefined) continue;
        const key = socketKey(socket.local, socket.peer);
        const known = socketOwners.get(key);
        socketOwners.set(key, known === undefined || known === instance.id ? instance.id : AMBIGUOUS);
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
    instanceOf(remote, serverPort) {
      const local = Number(remote.slice(remote.lastIndexOf(":") + 1));
      const owner = socketOwners.get(socketKey(local, serverPort)) ?? socketOwners.get(socketKey(local, 0));
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
