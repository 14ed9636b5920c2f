/**
 * The last player list this process sent (or gave in a snapshot) for each watched server, and its
 * revision, so the next list can go as a delta (lib/realtime/player-delta.ts). The subscribe
 * handler hands out the revision with the snapshot; on one process the hub's current list is that
 * list (a join, leave or badge is sent as soon as it happens; pings and scores are not compared).
 *
 * Only watched servers are kept: an unwatched server's state is dropped at its next list, and a
 * snapshot or a list after that starts it again. Revisions come from one counter for all servers, so a number
 * is never used twice in this stream, even after a server's state was dropped and made again.
 *
 * With several instances the owner of a server keeps its lists whether or not a browser of its own
 * watches (browsers on other instances may), and its mirror entry carries the revision, so a
 * snapshot taken on another instance names the list the owner's next delta starts from
 * (server/cluster/cluster-hub.ts).
 */
import { randomBytes } from "node:crypto";
import type { PlayerView } from "../../lib/realtime/contract.ts";
import { playerListChanges, type PlayersRevision } from "../../lib/realtime/player-delta.ts";

export type PlayerListStep =
  | { kind: "whole"; revision: PlayersRevision }
  | { kind: "delta"; revision: PlayersRevision; base: number; ids: string[]; rows: PlayerView[] };

/** Where snapshots read the revision of the list they hand out, and the bridge its deltas. */
export interface PlayerLists {
  streams: PlayerListStreams;
  /** The revision of `players`, the list just read from the hub for a snapshot (null: whole lists follow). */
  snapshotRevision(serverId: string, players: readonly PlayerView[]): PlayersRevision | null;
}

/** One process: the lists this process sent are the ones its snapshots hand out. */
export function localPlayerLists(streams = new PlayerListStreams()): PlayerLists {
  return { streams, snapshotRevision: (serverId, players) => streams.snapshotRevision(serverId, players) };
}

export class PlayerListStreams {
  readonly stream = randomBytes(8).toString("hex");
  private counter = 0;
  private readonly lists = new Map<
    string,
    { n: number; players: readonly PlayerView[]; step?: PlayerListStep }
  >();

  /**
   * A server's new list; null when nobody watches it (its state is dropped). The same list again
   * (the same array: a second listener of one hub event, as the cluster's mirror writer is) gets
   * the same step, not a new revision.
   */
  next(serverId: string, players: readonly PlayerView[], watched: boolean): PlayerListStep | null {
    const held = this.lists.get(serverId);
    if (!watched) {
      this.lists.delete(serverId);
      return null;
    }
    if (held?.players === players && held.step) return held.step;
    const revision = { stream: this.stream, n: ++this.counter };
    const step: PlayerListStep = held
      ? { kind: "delta", revision, base: held.n, ...playerListChanges(held.players, players) }
      : { kind: "whole", revision };
    this.lists.set(serverId, { n: revision.n, players, step });
    return step;
  }

  /**
   * The revision of a snapshot's list: the list last sent for this server, or, when none is held,
   * this one from now on (so the next list after a subscribe is a delta too). On one process the
   * hub's current list is the last one sent, pings and scores aside.
   */
  snapshotRevision(serverId: string, players: readonly PlayerView[]): PlayersRevision {
    const held = this.lists.get(serverId);
    if (held) return { stream: this.stream, n: held.n };
    const n = ++this.counter;
    this.lists.set(serverId, { n, players });
    return { stream: this.stream, n };
  }

  /** A removed server. */
  forget(serverId: string): void {
    this.lists.delete(serverId);
  }
}
