/**
 * The one socket.io contract, shared by the server (server/realtime) and the browser
 * (lib/realtime/client.ts). Event names are `domain:verb`; every client-to-server event takes an
 * ack that receives a Result.
 */
import type { Result } from "../result.ts";

export interface AuditEventMessage {
  id: string;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  serverId: string | null;
  outcome: string;
  detail: string | null;
  createdAt: string;
}

export interface ServerToClientEvents {
  /** A new audit event (only to sockets that subscribed with audit.read). */
  "audit:event": (event: AuditEventMessage) => void;
  /** Sent just before the server closes a socket whose user was disabled or changed. */
  "session:ended": (payload: { reason: string }) => void;
}

export type Ack<T> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  "server:subscribe": (payload: { serverId: string }, ack: Ack<{ serverId: string }>) => void;
  "server:unsubscribe": (payload: { serverId: string }, ack: Ack<{ serverId: string }>) => void;
  "audit:subscribe": (payload: Record<string, never>, ack: Ack<{ subscribed: true }>) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no inter-server events yet (Redis adapter later)
export interface InterServerEvents {}

export interface SocketData {
  userId: string;
  sessionVersion: number;
}
