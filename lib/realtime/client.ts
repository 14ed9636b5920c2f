/**
 * The only browser file that imports socket.io-client. Cookies carry the session, so the socket
 * connects to the same origin with credentials and nothing else.
 */
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./contract.ts";

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function createSocket(): RealtimeSocket {
  return io({ withCredentials: true, transports: ["websocket", "polling"] });
}
