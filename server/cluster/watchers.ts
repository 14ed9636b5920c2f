/**
 * "Who is watching", across instances: a browser watching a server makes its owner poll the player
 * list faster, wherever the browser and the owner are. Each instance publishes the ids its browsers
 * watch every few seconds (at once when one is new); each instance holds `hub.watch(id)` for the
 * servers it holds that some instance (itself included) reported recently, and lets go after a
 * silence, so a crashed instance's watches fade by themselves. Ownership changes are followed:
 * a server adopted while watched gets its watch at the next heartbeat.
 */
import type { Logger } from "../rcon/types.ts";
import type { TimerHandle } from "../rcon/clock.ts";
import type { Bus } from "./bus.ts";
import type { ClusterClock } from "./redis.ts";

export const WATCHING_TOPIC = "watching";
export const WATCH_HEARTBEAT_MS = 3_000;
export const WATCH_SILENCE_MS = 10_000;

export interface WatchTarget {
  held(): string[];
  watch(serverId: string): () => void;
}

export interface Watchers {
  /** A local browser watches `serverId`; call the result when it stops. */
  add(serverId: string): () => void;
  start(): void;
  close(): void;
}

export function createWatchers(options: {
  bus: Bus;
  hub: WatchTarget;
  clock: ClusterClock;
  logger: Logger;
  heartbeatMs?: number;
  silenceMs?: number;
}): Watchers {
  const { bus, hub, clock, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? WATCH_HEARTBEAT_MS;
  const silenceMs = options.silenceMs ?? WATCH_SILENCE_MS;
  /** Local browsers per server. */
  const local = new Map<string, number>();
  /** When some instance last said it watches a server. */
  const lastHeard = new Map<string, number>();
  /** Watches this instance holds on its local hub, for whoever watches. */
  const holding = new Map<string, () => void>();
  let timer: TimerHandle | null = null;
  let off: (() => void) | null = null;
  let closed = false;

  const publish = () => {
    if (local.size === 0) return;
    void bus
      .publish(WATCHING_TOPIC, { from: bus.instanceId, ids: [...local.keys()] })
      .catch((error: unknown) => {
        logger.debug("watchers: heartbeat not sent", { error: String(error).slice(0, 200) });
      });
  };

  const reconcile = () => {
    const now = clock.now();
    const held = new Set(hub.held());
    for (const [id, at] of lastHeard) {
      if (now - at > silenceMs) lastHeard.delete(id);
    }
    for (const [id, release] of holding) {
      if (!held.has(id) || !lastHeard.has(id)) {
        release();
        holding.delete(id);
      }
    }
    for (const id of lastHeard.keys()) if (held.has(id) && !holding.has(id)) holding.set(id, hub.watch(id));
  };

  const tick = () => {
    timer = null;
    if (closed) return;
    publish();
    reconcile();
    timer = clock.setTimeout(tick, heartbeatMs);
  };

  return {
    add(serverId) {
      const count = local.get(serverId) ?? 0;
      local.set(serverId, count + 1);
      if (count === 0) publish();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (local.get(serverId) ?? 1) - 1;
        if (left > 0) local.set(serverId, left);
        else local.delete(serverId); // the owner lets go after the silence
      };
    },

    start() {
      off = bus.onTopic(WATCHING_TOPIC, (payload) => {
        const ids = (payload as { ids?: unknown } | null)?.ids;
        if (!Array.isArray(ids)) return;
        const now = clock.now();
        for (const id of ids.slice(0, 100_000)) if (typeof id === "string") lastHeard.set(id, now);
        reconcile();
      });
      timer = clock.setTimeout(tick, heartbeatMs);
    },

    close() {
      closed = true;
      clock.clearTimeout(timer);
      off?.();
      for (const release of holding.values()) release();
      holding.clear();
    },
  };
}
