/**
 * Socket budgets. Every incoming event costs points by the work it causes (a 1,000-line history
 * page costs more than an unsubscribe), counted per user across their sockets and per connection,
 * before any database work; refused events cost too. Events in flight per socket, answers a client
 * has not read, sockets per user and handshakes per address are bounded as well, so no sequence of
 * events, allowed or not, grows the process's memory without bound. With several instances the
 * per-user points and the per-address handshakes are counted in Redis (the limiter factory); the
 * per-connection points, events in flight and sockets per user stay per instance.
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { memoryLimiters, type LimiterFactory } from "../cluster/limits.ts";
import type { Socket } from "socket.io";

export interface SocketLimits {
  /** Points one user may spend per window, across all their sockets (SOCKET_POINTS_PER_10S). */
  userPoints: number;
  /** Points one connection may spend per window (one runaway tab cannot starve the others). */
  connectionPoints: number;
  windowSeconds: number;
  /** Events of one socket being worked on at once; more are refused until answers go out. */
  inFlight: number;
  /** Sockets one user may hold open at once (SOCKETS_PER_USER). */
  socketsPerUser: number;
  /** socket.io handshakes one client address may start per minute (HANDSHAKES_PER_MINUTE). */
  handshakesPerMinute: number;
  /** Servers one socket may be subscribed to at once (each subscription joins up to three rooms). */
  subscriptionsPerSocket: number;
  /** Answers queued for a client that does not read them, past which its events are refused. */
  unsentPackets: number;
  /** Unsent packets past which the connection is cut: a client that stopped reading while broadcasts go on. */
  maxUnsentPackets: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  userPoints: 600,
  connectionPoints: 300,
  windowSeconds: 10,
  inFlight: 8,
  socketsPerUser: 12,
  handshakesPerMinute: 120,
  subscriptionsPerSocket: 20,
  unsentPackets: 64,
  // Far above a burst of console lines (each line is a packet), far below memory trouble: broadcast
  // packets are encoded once and shared by every socket's buffer.
  maxUnsentPackets: 10_000,
};

/** Per-connection points follow the per-user budget unless set. */
export function socketLimits(overrides: Partial<SocketLimits> = {}): SocketLimits {
  const userPoints = overrides.userPoints ?? DEFAULT_SOCKET_LIMITS.userPoints;
  return { ...DEFAULT_SOCKET_LIMITS, connectionPoints: Math.max(1, Math.ceil(userPoints / 2)), ...overrides };
}

const field = (payload: unknown, name: string): unknown =>
  payload && typeof payload === "object" ? (payload as Record<string, unknown>)[name] : undefined;

/**
 * Points of one event, from its name and raw payload (before validation: invalid events cost
 * too). Reads cost one point plus one per 100 console lines they may return.
 */
export function eventCost(event: unknown, payload: unknown): number {
  switch (event) {
    case "console:history": {
      const limit = field(payload, "limit");
      const lines =
        typeof limit === "number" && Number.isFinite(limit)
          ? Math.min(Math.max(Math.trunc(limit), 1), 1000)
          : 200;
      return 1 + Math.ceil(lines / 100);
    }
    case "server:subscribe":
      // A snapshot is 300 lines, a resume (afterSeq) up to 2,000; plus the user's recent commands.
      return field(payload, "afterSeq") === undefined ? 5 : 22;
    case "servers:watch":
    // Re-loads the actor and joins a room per server it may see (server/automation/alerts/alerts.ts).
    case "alerts:subscribe":
      return 5;
    case "console:exec":
    case "commands:run":
    case "players:kick":
    case "players:message":
    case "players:warn":
    case "players:ban":
      // The per-user action limit (ACTIONS_PER_10S) also applies; this is the socket's share.
      return 3;
    default:
      return 1;
  }
}

export interface SocketBudget {
  readonly limits: SocketLimits;
  /** Null when `address` may start another handshake, else why not. */
  admitHandshake(address: string): Promise<string | null>;
  /** Whether `address` may open another engine.io connection (before any socket.io handshake). */
  admitTransport(address: string): Promise<boolean>;
  /** Reserves one of the user's socket slots; the release is idempotent. Null when all are taken. */
  claimSocket(userId: string): (() => void) | null;
  /** Counts and bounds every event of `socket` (installed once per connection). */
  meter(socket: Socket, userId: () => string): void;
}

type Ack = (result: unknown) => void;

const refusal = (message: string) => ({ ok: false, error: { code: "RATE_LIMITED", message } });
const seconds = (res: unknown) =>
  Math.max(1, Math.ceil((res instanceof RateLimiterRes ? res.msBeforeNext : 1000) / 1000));

export function createSocketBudget(
  limits: SocketLimits,
  limiters: LimiterFactory = memoryLimiters,
): SocketBudget {
  const users = limiters({
    keyPrefix: "socket-user",
    points: limits.userPoints,
    duration: limits.windowSeconds,
  });
  const connections = new RateLimiterMemory({
    keyPrefix: "socket-connection",
    points: limits.connectionPoints,
    duration: limits.windowSeconds,
  });
  const handshakes = limiters({
    keyPrefix: "socket-handshake",
    points: limits.handshakesPerMinute,
    duration: 60,
  });
  // engine.io connections come before the socket.io handshake; one that never sends it still holds
  // memory until the connect timeout. Twice the handshakes, so a normal connection hits the clearer
  // socket.io refusal first.
  const transports = limiters({
    keyPrefix: "socket-transport",
    points: 2 * limits.handshakesPerMinute,
    duration: 60,
  });
  const socketsOf = new Map<string, number>();

  return {
    limits,

    admitHandshake: (address) =>
      handshakes.consume(address).then(
        () => null,
        (res: unknown) => `too many connection attempts from this address: try again in ${seconds(res)} s`,
      ),

    admitTransport: (address) =>
      transports.consume(address).then(
        () => true,
        () => false,
      ),

    claimSocket(userId) {
      const held = socketsOf.get(userId) ?? 0;
      if (held >= limits.socketsPerUser) return null;
      socketsOf.set(userId, held + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (socketsOf.get(userId) ?? 1) - 1;
        if (left > 0) socketsOf.set(userId, left);
        else socketsOf.delete(userId);
      };
    },

    meter(socket, userId) {
      let inFlight = 0;
      let cut = false;
      const unsentOf = () => (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
      /** Closes at once, dropping what is unsent (a plain disconnect would wait for the client to read it). */
      const cutOff = () => {
        if (cut) return;
        cut = true;
        socket.disconnect(true);
        socket.conn.close(true);
      };
      socket.conn.on("packetCreate", () => {
        if (unsentOf() > limits.maxUnsentPackets) cutOff();
      });
      socket.on("disconnect", () => void connections.delete(socket.id));
      socket.use((packet, next) => {
        const last: unknown = packet[packet.length - 1];
        // Every event of the contract takes an ack; one without has nobody to answer and is dropped.
        const ack = typeof last === "function" ? (last as Ack) : null;
        const cost = eventCost(packet[0], packet[1]);
        const unsent = unsentOf();
        void Promise.allSettled([connections.consume(socket.id, cost), users.consume(userId(), cost)]).then(
          ([connection, user]) => {
            let refused: string | null = null;
            if (connection.status === "rejected") {
              // Still sending well past its refusals: a flood, not a person. Close it.
              const consumed =
                connection.reason instanceof RateLimiterRes ? connection.reason.consumedPoints : 0;
              if (consumed > 2 * limits.connectionPoints) {
                cutOff();
                return;
              }
              refused = `Too many requests on this connection: try again in ${seconds(connection.reason)} s.`;
            } else if (user.status === "rejected")
              refused = `Too many requests: try again in ${seconds(user.reason)} s.`;
            else if (inFlight >= limits.inFlight)
              refused = "Too many requests at once: wait for the answers.";
            else if (unsent >= limits.unsentPackets)
              refused = "Answers are waiting to be read: try again in a moment.";
            if (!ack) return;
            if (refused) return ack(refusal(refused));
            // An event nobody handles would never be answered and would hold an in-flight slot.
            if (typeof packet[0] !== "string" || socket.listeners(packet[0]).length === 0)
              return ack({ ok: false, error: { code: "INVALID_INPUT", message: "Unknown event." } });
            inFlight++;
            let answered = false;
            packet[packet.length - 1] = (result: unknown) => {
              if (!answered) {
                answered = true;
                inFlight--;
              }
              ack(result);
            };
            next();
          },
        );
      });
    },
  };
}
