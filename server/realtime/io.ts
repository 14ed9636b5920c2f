/**
 * socket.io on the same http.Server as Next. The handshake turns the session cookie into a user
 * (anonymous and forged cookies are refused); every event re-loads the actor and checks the
 * permission table before acting.
 */
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type ServerOptions } from "socket.io";
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from "../../lib/realtime/contract.ts";
import { parse as parseCookie } from "cookie";
import { onAuditEvent } from "../data/audit.ts";
import { actorForClaims, claimsFromSessionToken, sessionTokenFrom } from "../auth/session.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../rcon/types.ts";
import { broadcastAuditEvent, registerAuditHandlers } from "./handlers/audit.ts";
import { registerBanHandlers } from "./handlers/bans.ts";
import { registerCommandHandlers } from "./handlers/commands.ts";
import { registerConsoleHandlers } from "./handlers/console.ts";
import { registerPlayerHandlers } from "./handlers/players.ts";
import { registerServerHandlers } from "./handlers/servers.ts";
import { localPlayerLists, type PlayerLists } from "./player-streams.ts";
import type { HubPort } from "../hub/port.ts";
import { memoryLimiters, type LimiterFactory } from "../cluster/limits.ts";
import { bridgeHubToRooms } from "./bridge.ts";
import { createSocketBudget, socketLimits, type SocketLimits } from "./budget.ts";
import { sessionRoom, userRoom } from "./rooms.ts";
import { clientAddress } from "../auth/request-ip.ts";

export type RealtimeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface RealtimeDeps {
  db: Db;
  authSecret: string;
  logger: Logger;
  /** The connection hub (one process) or the cluster hub: live statuses, console lines, players, commands. */
  hub: HubPort;
  /** Several instances: the socket.io Redis adapter (rooms, broadcasts and disconnects reach every instance). */
  adapter?: ServerOptions["adapter"];
  /** Several instances: broadcasts go out even when no local socket is in the room (bridge.ts). */
  cluster?: boolean;
  /**
   * Several instances: the cluster's player lists (its ClusterHub, ClusterRuntime.hub), whose snapshots on
   * any instance name the revision the owner's next delta starts from. One process: its own.
   */
  playerLists?: PlayerLists;
  /** Rate limiters (server/cluster/limits.ts): in memory unless told (Redis with several instances). */
  limiters?: LimiterFactory;
  /** Console commands, kicks and messages one user may send per window (ACTIONS_PER_10S; default 20 per 10 s). */
  actionLimit?: { points: number; seconds: number };
  /** Socket budgets (server/realtime/budget.ts); defaults in DEFAULT_SOCKET_LIMITS. */
  limits?: Partial<SocketLimits>;
  /**
   * Origins a browser may open a socket from: the dashboard's own (PUBLIC_URL) and ALLOWED_ORIGINS.
   * A request carrying any other Origin is refused; clients that send none (not browsers) are not.
   */
  allowedOrigins?: readonly string[];
  /** Take the client address from the last X-Forwarded-For hop (TRUST_PROXY=1), as sign-in does. */
  trustProxy?: boolean;
}

export function createRealtime(
  httpServer: HttpServer,
  deps: RealtimeDeps,
): {
  io: RealtimeServer;
  endUserSessions(userId: string, reason: string): void;
  endSessionSockets(sessionId: string, reason: string): void;
  close(): Promise<void>;
} {
  // destroyUpgrade:false leaves Next's own upgrade requests (dev HMR) alone.
  const io: RealtimeServer = new Server(httpServer, {
    destroyUpgrade: false,
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });
  const limiters = deps.limiters ?? memoryLimiters;
  const budget = createSocketBudget(socketLimits(deps.limits), limiters);

  // Cross-site WebSocket hijacking: a page on another port of the same host is same-site, so the
  // browser sends the session cookie; only its Origin tells it apart. Every engine.io request is
  // checked (handshakes, polling with a sid, upgrades). Browsers may omit Origin on same-origin GETs.
  const allowedOrigins = new Set((deps.allowedOrigins ?? []).map((o) => new URL(o).origin));
  const warnedOrigins = new Set<string>();
  io.engine.use(
    (req: IncomingMessage & { _query?: { sid?: string } }, _res: unknown, next: (error?: Error) => void) => {
      const origin = req.headers.origin;
      if (origin === undefined || allowedOrigins.has(origin)) {
        if (req._query?.sid) return next();
        // A new engine.io connection (no session id yet): counted per address.
        void budget
          .admitTransport(
            clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], deps.trustProxy === true),
          )
          .then((admitted) => next(admitted ? undefined : new Error("too many connections")));
        return;
      }
      if (warnedOrigins.size < 100 && !warnedOrigins.has(origin)) {
        warnedOrigins.add(origin);
        deps.logger.warn(
          "socket.io request from another origin refused (set PUBLIC_URL or ALLOWED_ORIGINS if this is the dashboard)",
          { origin },
        );
      }
      next(new Error("origin not allowed"));
    },
  );

  // A person types a few commands a minute; a runaway script would flood the game server's RCON.
  const actionLimiter = limiters({
    keyPrefix: "socket-actions",
    points: deps.actionLimit?.points ?? 20,
    duration: deps.actionLimit?.seconds ?? 10,
  });

  io.use((socket, next) => {
    void (async () => {
      // Before the cookie is decoded or the database read.
      // The same rule as sign-in: with TRUST_PROXY=1 the hop the proxy appended, never one the client wrote.
      const address = clientAddress(
        socket.handshake.address,
        socket.handshake.headers["x-forwarded-for"],
        deps.trustProxy === true,
      );
      const tooMany = await budget.admitHandshake(address);
      if (tooMany) return next(new Error(tooMany));
      const token = sessionTokenFrom(parseCookie(socket.handshake.headers.cookie ?? ""));
      const claims = await claimsFromSessionToken(deps.authSecret, token);
      const actor = claims ? await actorForClaims(deps.db, claims) : null;
      if (!actor || !claims) return next(new Error("unauthorized"));
      // The connection may have closed meanwhile: socket.io would then never emit "disconnect".
      if (socket.conn.readyState !== "open") return next(new Error("closed"));
      const release = budget.claimSocket(claims.uid);
      if (!release)
        return next(new Error(`too many open connections (${budget.limits.socketsPerUser}): close a tab`));
      socket.on("disconnect", release);
      socket.conn.once("close", release);
      socket.data.userId = claims.uid;
      socket.data.sessionVersion = claims.sv;
      socket.data.sessionId = claims.sid;
      socket.data.address = address;
      next();
    })().catch((error: unknown) => {
      deps.logger.error("socket handshake failed", { error: String(error) });
      next(new Error("unauthorized"));
    });
  });

  // Which player list each server last got, for deltas (bridge.ts), and the revisions snapshots hand
  // out. A cluster's are its runtime's (their revisions reach the mirror); a cluster given none sends
  // whole lists.
  const playerLists = deps.playerLists ?? (deps.cluster === true ? null : localPlayerLists());

  io.on("connection", (socket) => {
    budget.meter(socket, () => socket.data.userId);
    void socket.join([userRoom(socket.data.userId), sessionRoom(socket.data.sessionId)]);
    registerServerHandlers(io, socket, deps, playerLists);
    registerConsoleHandlers(io, socket, deps, actionLimiter);
    registerCommandHandlers(io, socket, deps, actionLimiter);
    registerBanHandlers(io, socket, deps, actionLimiter);
    registerPlayerHandlers(io, socket, deps, actionLimiter);
    registerAuditHandlers(io, socket, deps);
  });

  const unbridge = bridgeHubToRooms(io, deps.hub, {
    cluster: deps.cluster === true,
    ...(playerLists ? { streams: playerLists.streams } : {}),
  });
  const unsubscribeAudit = onAuditEvent((event) => broadcastAuditEvent(io, event));

  return {
    io,
    endUserSessions(userId, reason) {
      io.to(userRoom(userId)).emit("session:ended", { reason });
      io.in(userRoom(userId)).disconnectSockets(true);
    },
    endSessionSockets(sessionId, reason) {
      io.to(sessionRoom(sessionId)).emit("session:ended", { reason });
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    async close() {
      unsubscribeAudit();
      unbridge();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        // io.close() also closes the http server; the composition root closes that itself.
        io.engine.close();
        resolve();
      });
    },
  };
}
