/**
 * socket.io test harness: createRealtime on a real http.Server (loopback, port 0) and real
 * socket.io clients carrying a signed session cookie, for the realtime hardening tests.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import type { RoleName } from "../../lib/permissions.ts";
import type {
  ClientToServerEvents,
  PlayerView,
  ServerSnapshot,
  ServerToClientEvents,
} from "../../lib/realtime/contract.ts";
import { PlayerListFollower } from "../../lib/realtime/player-delta.ts";
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
  /** Connects a client carrying a fresh session cookie of `user`. */
  clientAs(user: { id: string }): Promise<ClientSocket>;
  close(): Promise<void>;
}

export interface TestUser {
  id: string;
  email: string;
  name: string;
  sessionVersion: number;
}

/**
 * A user named `name` (email `name@example.com`). Without `servers` it sees every server
 * (`allServers`); with them, only those (ServerAccess rows).
 */
export async function createTestUser(
  db: Db,
  name: string,
  role: RoleName,
  servers?: readonly string[],
): Promise<TestUser> {
  const user = await db.user.create({
    data: { email: `${name}@example.com`, name, passwordHash: "x", role, allServers: servers === undefined },
  });
  for (const serverId of servers ?? []) await db.serverAccess.create({ data: { userId: user.id, serverId } });
  return user;
}

/** One user per role, named after it in lower case ("viewer@example.com"), seeing every server. */
export async function createRoleUsers<R extends RoleName>(
  db: Db,
  roles: readonly R[],
): Promise<Record<R, TestUser>> {
  const users = {} as Record<R, TestUser>;
  for (const role of roles) users[role] = await createTestUser(db, role.toLowerCase(), role);
  return users;
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
  const client: RunningRealtime["client"] = ({ cookie = null, origin, transports = ["websocket"] } = {}) => {
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
  };
  return {
    url,
    realtime,
    client,
    async clientAs(user) {
      return client({ cookie: await sessionCookie(deps.db, user) });
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

/**
 * Emits a contract event with an ack and resolves the server's answer; rejects if the server
 * closes the socket before answering (a test expecting an answer then fails with a reason).
 */
export async function emitResult<T = unknown>(
  socket: ClientSocket,
  event: keyof ClientToServerEvents,
  payload: unknown,
): Promise<Result<T>> {
  const answer = await emitAck<T>(socket, event, payload);
  if (answer === "disconnected")
    throw new Error(`${event}: the server closed the socket instead of answering`);
  return answer;
}

export interface FollowedPlayers {
  /** Every list the socket held, oldest first: the snapshot, then one per update, delta or live message. */
  lists: PlayerView[][];
  /** Deltas that did not apply to the list held (each one fetched the list again, as a browser does). */
  resyncs: number;
  /** Subscribes and starts from its snapshot (the listeners are already on). */
  subscribe(): Promise<ServerSnapshot>;
}

/**
 * A socket's copy of one server's player list, kept as use-server-stream.ts keeps it (the same
 * PlayerListFollower): whole lists, deltas and live fields, and a fresh subscribe when a delta was
 * made from another list.
 */
export function followPlayers(socket: ClientSocket, serverId: string): FollowedPlayers {
  const follower = new PlayerListFollower();
  const followed: FollowedPlayers = {
    lists: [],
    resyncs: 0,
    async subscribe() {
      const snapshot = await emitResult<ServerSnapshot>(socket, "server:subscribe", { serverId });
      if (!snapshot.ok) throw new Error(`server:subscribe: ${snapshot.error.message}`);
      follower.whole(snapshot.data.players, snapshot.data.playersRevision);
      followed.lists.push(follower.players);
      return snapshot.data;
    },
  };
  socket.on("players:update", (u) => {
    if (u.serverId !== serverId) return;
    follower.whole(u.players, u.revision);
    followed.lists.push(follower.players);
  });
  socket.on("players:delta", (d) => {
    if (d.serverId !== serverId) return;
    if (follower.delta(d)) followed.lists.push(follower.players);
    else {
      followed.resyncs++;
      void followed.subscribe();
    }
  });
  socket.on("players:live", (u) => {
    if (u.serverId !== serverId) return;
    follower.live(u.players);
    followed.lists.push(follower.players);
  });
  return followed;
}
