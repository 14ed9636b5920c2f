/**
 * The instances' message bus: plain Redis pub/sub, JSON payloads. `publish(topic)` reaches every
 * instance (this one included) that is connected at that moment: at most once, nothing kept for an
 * instance that is away. What must survive a blink lives elsewhere (hashes, the database) and is
 * re-read; the bus only makes changes arrive sooner. RPC (rpc.ts) rides on the same subscriber.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../rcon/types.ts";

type Handler = (payload: unknown) => void;

export interface Bus {
  readonly instanceId: string;
  readonly prefix: string;
  /** To every instance; resolves with how many subscribers got it (0: none connected). */
  publish(topic: string, payload: unknown): Promise<number>;
  /** Handles every message of `topic` (from any instance, this one included). */
  onTopic(topic: string, handler: Handler): () => void;
  /** Lower level: a raw channel (full name, prefix included), for rpc.ts. */
  publishRaw(channel: string, payload: unknown): Promise<number>;
  onChannel(channel: string, handler: Handler): Promise<() => void>;
  /** Resolves when every subscription asked for so far is live. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Above this, a message is refused rather than sent (a player list of 1,000 players is ~300 KB). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function createBus(options: {
  publisher: Redis;
  subscriber: Redis;
  prefix: string;
  instanceId: string;
  logger: Logger;
}): Bus {
  const { publisher, subscriber, prefix, logger } = options;
  const handlers = new Map<string, Set<Handler>>();
  const subscribing = new Map<string, Promise<unknown>>();
  let closed = false;

  const onMessage = (channel: string, message: string) => {
    const set = handlers.get(channel);
    if (!set) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      logger.warn("bus: unreadable message dropped", { channel });
      return;
    }
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (error) {
        logger.error("bus handler failed", { channel, error: String(error).slice(0, 200) });
      }
    }
  };
  subscriber.on("message", onMessage);

  const subscribe = (channel: string): Promise<unknown> => {
    let pending = subscribing.get(channel);
    if (!pending) {
      pending = subscriber.subscribe(channel).catch((error: unknown) => {
        subscribing.delete(channel);
        throw error;
      });
      subscribing.set(channel, pending);
    }
    return pending;
  };

  const listen = (channel: string, handler: Handler): (() => void) => {
    let set = handlers.get(channel);
    if (!set) handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      // The subscription stays (cheap); messages for nobody are dropped in onMessage.
    };
  };

  const publishRaw = async (channel: string, payload: unknown): Promise<number> => {
    const text = JSON.stringify(payload);
    if (text.length > MAX_MESSAGE_BYTES) throw new Error(`bus message too large for ${channel}`);
    return publisher.publish(channel, text);
  };

  return {
    instanceId: options.instanceId,
    prefix,
    publish: (topic, payload) => publishRaw(`${prefix}bus:${topic}`, payload),
    onTopic(topic, handler) {
      const channel = `${prefix}bus:${topic}`;
      const off = listen(channel, handler);
      void subscribe(channel).catch((error: unknown) => {
        if (!closed) logger.error("bus: subscribe failed", { channel, error: String(error).slice(0, 200) });
      });
      return off;
    },
    publishRaw,
    async onChannel(channel, handler) {
      const off = listen(channel, handler);
      await subscribe(channel);
      return off;
    },
    async ready() {
      await Promise.all(subscribing.values());
    },
    async close() {
      closed = true;
      subscriber.off("message", onMessage);
      handlers.clear();
      await Promise.allSettled([...subscribing.keys()].map((c) => subscriber.unsubscribe(c)));
      subscribing.clear();
    },
  };
}
