/**
 * Statuses and player lists of the servers other instances hold (each list with the owner's revision
 * of it, for players:delta). The owner writes each change into
 * two Redis hashes (`${prefix}status`, `${prefix}players`, field = serverId) and publishes it;
 * every instance loads the hashes at start and applies what is published. The owner re-writes the
 * statuses of what it holds every refresh (about once per lease), so an entry not refreshed for
 * ~3 leases belongs to an instance that died: it is shown idle until the next owner connects.
 *
 * Age is measured on the local monotonic clock from when an entry arrived; entries loaded from the
 * hashes at start are aged by their wall time (a few seconds of clock skew between hosts only
 * shifts when a dead owner's servers show idle).
 */
import type { Redis } from "ioredis";
import type { PlayerView, ServerStatusMessage } from "../../lib/realtime/contract.ts";
import type { PlayersRevision } from "../../lib/realtime/player-delta.ts";
import type { Logger } from "../rcon/types.ts";
import type { Bus } from "./bus.ts";
import type { ClusterClock } from "./redis.ts";

export const MIRROR_TOPIC = "mirror";
export const WAITING_REASON = "Waiting for an RconDeck instance to connect it";

interface StatusEntry {
  owner: string;
  /** The owner's wall time when written. */
  at: number;
  status: ServerStatusMessage;
}

interface PlayersEntry {
  owner: string;
  players: PlayerView[];
  /** The owner's revision of the list (the next players:delta starts from it); null: unknown. */
  revision?: PlayersRevision | null;
}

type MirrorMessage =
  | { type: "status"; entries: StatusEntry[] }
  | { type: "players"; serverId: string; entry: PlayersEntry }
  | { type: "clear"; serverId: string; owner: string | null };

interface Held<T> {
  value: T;
  /** Local monotonic time the entry counts from. */
  seenAt: number;
}

/** Deletes a field only while it still names `owner` (a new owner may have written it already). */
const CLEAR_OWN = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw and cjson.decode(raw).owner == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

export interface Mirror {
  /** Loads the hashes and starts applying published changes. */
  start(): Promise<void>;
  /** The mirrored status of a server held elsewhere; null when none or stale. */
  statusOf(serverId: string): ServerStatusMessage | null;
  /** The mirrored player list (empty when the status is unknown or stale). */
  players(serverId: string): PlayerView[];
  /** The revision of that list, as its owner wrote it; null with an empty list or none written. */
  playersRevision(serverId: string): PlayersRevision | null;
  /** Owner side: a status of a server this instance holds changed. */
  writeStatuses(statuses: readonly ServerStatusMessage[]): Promise<void>;
  writePlayers(serverId: string, players: PlayerView[], revision: PlayersRevision | null): Promise<void>;
  /** Owner side (released) or anyone (removed: `owner` null clears whoever wrote it). */
  clear(serverId: string, owner: string | null): Promise<void>;
  close(): void;
}

export function createMirror(options: {
  redis: Redis;
  bus: Bus;
  clock: ClusterClock;
  staleMs: number;
  logger: Logger;
}): Mirror {
  const { redis, bus, clock, logger } = options;
  const statusKey = `${bus.prefix}status`;
  const playersKey = `${bus.prefix}players`;
  const statuses = new Map<string, Held<StatusEntry>>();
  const playerLists = new Map<string, PlayersEntry>();
  let off: (() => void) | null = null;

  const fresh = (serverId: string): StatusEntry | null => {
    const held = statuses.get(serverId);
    if (!held || clock.now() - held.seenAt > options.staleMs) return null;
    return held.value;
  };

  /** The list written by the owner of the fresh status; none when that status is unknown or stale. */
  const currentList = (serverId: string): PlayersEntry | null => {
    const status = fresh(serverId);
    const list = playerLists.get(serverId);
    return status && list && list.owner === status.owner ? list : null;
  };

  const applyStatus = (entry: StatusEntry, seenAt: number) =>
    statuses.set(entry.status.serverId, { value: entry, seenAt });

  const onMessage = (payload: unknown) => {
    const message = payload as MirrorMessage;
    switch (message?.type) {
      case "status":
        for (const entry of message.entries) applyStatus(entry, clock.now());
        break;
      case "players":
        playerLists.set(message.serverId, message.entry);
        break;
      case "clear": {
        const mine = (owner: string) => message.owner === null || owner === message.owner;
        const status = statuses.get(message.serverId);
        if (status && mine(status.value.owner)) statuses.delete(message.serverId);
        const list = playerLists.get(message.serverId);
        if (list && mine(list.owner)) playerLists.delete(message.serverId);
        break;
      }
    }
  };

  // Logged once per outage, not once per status change.
  let failing = false;
  const warn = (what: string) => (error: unknown) => {
    if (failing) return;
    failing = true;
    logger.warn(`mirror: ${what} failed (Redis): other instances show older states until it is back`, {
      error: String(error).slice(0, 200),
    });
  };
  const done = () => {
    failing = false;
  };

  return {
    async start() {
      off = bus.onTopic(MIRROR_TOPIC, onMessage);
      await bus.ready();
      const [rawStatuses, rawPlayers] = await Promise.all([
        redis.hgetall(statusKey),
        redis.hgetall(playersKey),
      ]);
      const now = clock.now();
      const wall = clock.wall();
      for (const raw of Object.values(rawStatuses)) {
        const entry = parse<StatusEntry>(raw);
        // Published meanwhile: the message is newer than the hash read.
        if (entry && !statuses.has(entry.status.serverId))
          applyStatus(entry, now - Math.max(0, wall - entry.at));
      }
      for (const [serverId, raw] of Object.entries(rawPlayers)) {
        const entry = parse<PlayersEntry>(raw);
        if (entry && !playerLists.has(serverId)) playerLists.set(serverId, entry);
      }
    },

    statusOf: (serverId) => fresh(serverId)?.status ?? null,

    players: (serverId) => currentList(serverId)?.players ?? [],

    playersRevision: (serverId) => currentList(serverId)?.revision ?? null,

    async writeStatuses(list) {
      if (list.length === 0) return;
      const at = clock.wall();
      const entries = list.map((status) => ({ owner: bus.instanceId, at, status }));
      await redis
        .hset(statusKey, Object.fromEntries(entries.map((e) => [e.status.serverId, JSON.stringify(e)])))
        .then(() => bus.publish(MIRROR_TOPIC, { type: "status", entries } satisfies MirrorMessage))
        .then(done)
        .catch(warn("status write"));
    },

    async writePlayers(serverId, players, revision) {
      const entry: PlayersEntry = { owner: bus.instanceId, players, revision };
      await redis
        .hset(playersKey, serverId, JSON.stringify(entry))
        .then(() => bus.publish(MIRROR_TOPIC, { type: "players", serverId, entry } satisfies MirrorMessage))
        .then(done)
        .catch(warn("players write"));
    },

    async clear(serverId, owner) {
      const removal =
        owner === null
          ? redis.hdel(statusKey, serverId).then(() => redis.hdel(playersKey, serverId))
          : redis
              .eval(CLEAR_OWN, 1, statusKey, serverId, owner)
              .then(() => redis.eval(CLEAR_OWN, 1, playersKey, serverId, owner));
      await removal
        .then(() => bus.publish(MIRROR_TOPIC, { type: "clear", serverId, owner } satisfies MirrorMessage))
        .catch(warn("clear"));
    },

    close() {
      off?.();
      off = null;
    },
  };
}

function parse<T>(raw: string): T | null {
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
