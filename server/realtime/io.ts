/**
 * socket.io on the same http.Server as Next. The handshake turns the session cookie into a user
 * (anonymous and forged cookies are refused); every event re-loads the actor and checks the
 * permission table before acting.
 */
import type { Server as HttpServer } from "node:http";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { Server } from "socket.io";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../../lib/realtime/contract.ts";
import { parse as parseCookie } from "cookie";
import { onAuditEvent } from "../data/audit.ts";
import { actorForClaims, claimsFromSessionToken, sessionTokenFrom } from "../auth/session.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../rcon/types.ts";
import { broadcastAuditEvent, registerAuditHandlers } from "./handlers/audit.ts";
import { registerConsoleHandlers } from "./handlers/console.ts";
import { registerServerHandlers } from "./handlers/servers.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { bridgeHubToRooms } from "./bridge.ts";
import { sessionRoom, userRoom } from "./rooms.ts";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeDeps {
  db: Db;
  authSecret: string;
  logger: Logger;
  /** The connection hub: live statuses, console lines, players, commands. */
  hub: ConnectionHub;
  /** Console commands, kicks and messages one user may send per window (ACTIONS_PER_10S; default 20 per 10 s). */
  actionLimit?: { points: number; seconds: number };
}

export function createRealtime(
  httpServer: HttpServer,
  deps: RealtimeDeps,
): { io: RealtimeServer; endUserSessions(userId: string, reason: string): void; endSessionSockets(sessionId: string, reason: string): void; close(): Promise<void> } {
  // destroyUpgrade:false leaves Next's own upgrade requests (dev HMR) alone.
  const io: RealtimeServer = new Server(httpServer, { destroyUpgrade: false, serveClient: false, maxHttpBufferSize: 64 * 1024 });

  // A person types a few commands a minute; a runaway script would flood the game server's RCON.
  const actionLimiter = new RateLimiterMemory({ keyPrefix: "socket-actions", points: deps.actionLimit?.points ?? 20, duration: deps.actionLimit?.seconds ?? 10 });

  io.use((socket, next) => {
    void (async () => {
      const token = sessionTokenFrom(parseCookie(socket.handshake.headers.cookie ?? ""));
      const claims = await claimsFromSessionToken(deps.authSecret, token);
      const actor = claims ? await actorForClaims(deps.db, claims) : null;
      if (!actor || !claims) return next(new Error("unauthorized"));
      socket.data.userId = claims.uid;
      socket.data.sessionVersion = claims.sv;
      socket.data.sessionId = claims.sid;
      next();
    })().catch((error: unknown) => {
      deps.logger.error("socket handshake failed", { error: String(error) });
      next(new Error("unauthorized"));
    });
  });

  io.on("connection", (socket) => {
    void socket.join([userRoom(socket.data.userId), sessionRoom(socket.data.sessionId)]);
    registerServerHandlers(io, socket, deps);
    registerConsoleHandlers(io, socket, deps, actionLimiter);
    registerAuditHandlers(io, socket, deps);
  });

  const unbridge = bridgeHubToRooms(io, deps.hub);
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
