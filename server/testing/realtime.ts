/**
 * socket.io test harness: createRealtime on a real http.Server (loopback, port 0) and real
 * socket.io clients carrying a signed session cookie, for the realtime hardening tests.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../lib/realtime/contract.ts";
import type { Result } from "../../lib/result.ts";
import type { Db } from "../db/client.ts";
import { createRealtime, type RealtimeDeps } from "../realtime/io.ts";
import { sessionCookieFor } from "./session-cookie.ts";

export const TEST_AUTH_SECRET = "s".repeat(48);
export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RunningRealtime {
  url: string;
  realtime: ReturnType<typeof createRealtime>;
  /** Connects a client (websocket unless told) and waits for the handshake's outcome. */
  client(options?: {
    cookie?: string | null;
    origin?: string;
    transports?: ("websocket" | "polling")[];
  }): Promise<ClientSocket>;
  close(): Promise<void>;
}

/** A real session (a UserSession row and its JWT) for `user`, as a sign-in would set it. */
export async function sessionCookie(db: Db, user: { id: string }): Promise<string> {
  return (await sessionCookieFor(db, TEST_AUTH_SECRET, user.id)).cookie;
}

export async function startRealtime(
  deps: Omit<RealtimeDeps, "authSecret" | "logger"> & Partial<Pick<RealtimeDeps, "logger">>,
): Promise<RunningRealtime> {
  const http: HttpServer = createServer();
  const realtime = createRealtime(http, { authSecret: TEST_AUTH_SECRET, logger: silentLogger, ...deps });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const open: ClientSocket[] = [];
  return {
    url,
    realtime,
    client({ cookie = null, origin, transports = ["websocket"] } = {}) {
      const headers: Record<string, string> = {
        ...(cookie ? { cookie } : {}),
        ...(origin ? { origin } : {}),
      };
      const socket: ClientSocket = connect(url, {
        transports,
        extraHeaders: headers,
        reconnection: false,
        forceNew: true,
      });
      open.push(socket);
      return new Promise((resolve, reject) => {
        socket.once("connect", () => resolve(socket));
        socket.once("connect_error", reject);
      });
    },
    async close() {
      for (const s of open) s.disconnect();
      await realtime.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** Emits with an ack; resolves "disconnected" if the server closes the socket first. */
export function emitAck<T = unknown>(
  socket: ClientSocket,
  event: string,
  payload: unknown,
): Promise<Result<T> | "disconnected"> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve("disconnected");
    const onDisconnect = () => resolve("disconnected");
    socket.once("disconnect", onDisconnect);
    (socket.emit as (e: string, p: unknown, ack: (r: Result<T>) => void) => void)(
      event,
      payload,
      (result) => {
        socket.off("disconnect", onDisconnect);
        resolve(result);
      },
    );
  });
}
