/**
 * Revocable sessions on socket.io: real server on loopback, real clients carrying session cookies.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "../../lib/realtime/contract.ts";
import type { Result } from "../../lib/result.ts";
import { endSession } from "../data/sessions.ts";
import { ConnectionHub } from "../hub/hub.ts";
import { createRealtime } from "../realtime/io.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { sessionCookieFor } from "../testing/session-cookie.ts";

const SECRET = "k".repeat(48);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe("socket.io and revocable sessions", () => {
  let t: TestDatabase;
  let http: HttpServer;
  let hub: ConnectionHub;
  let realtime: ReturnType<typeof createRealtime>;
  let url: string;
  let userId: string;
  let serverId: string;
  const open: ClientSocket[] = [];

  function client(cookie: string): Promise<ClientSocket> {
    const socket: ClientSocket = connect(url, {
      transports: ["websocket"],
      extraHeaders: { cookie },
      reconnection: false,
      forceNew: true,
    });
    open.push(socket);
    return new Promise((resolve, reject) => {
      socket.on("connect", () => resolve(socket));
      socket.on("connect_error", (error) => reject(error));
    });
  }
  const subscribe = (socket: ClientSocket): Promise<Result<unknown>> =>
    new Promise((resolve) =>
      (socket.emit as (e: string, p: unknown, ack: (r: Result<unknown>) => void) => void)(
        "server:subscribe",
        { serverId },
        resolve,
      ),
    );

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    userId = (
      await t.db.user.create({
        data: { email: "viewer@example.com", name: "viewer", passwordHash: "x", role: "VIEWER", allServers: true },
      })
    ).id;
    serverId = (
      await t.db.server.create({
        data: {
          name: "A",
          game: "cs2",
          protocol: "source",
          host: "h",
          port: 1,
          passwordEncrypted: "v1.x.y.z",
        },
      })
    ).id;
    hub = new ConnectionHub({ db: t.db, encryptionKey: Buffer.alloc(32), logger: silent });
    await hub.start();
    http = createServer();
    realtime = createRealtime(http, { db: t.db, authSecret: SECRET, logger: silent, hub });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of open) s.disconnect();
    await realtime.close();
    await hub.stop();
    await new Promise((resolve) => http.close(resolve));
    await t.drop();
  });

  it("a signed-out session's socket is refused at its next event and its cookie cannot open a new one; other sessions go on", async () => {
    const signedOut = await sessionCookieFor(t.db, SECRET, userId);
    const other = await sessionCookieFor(t.db, SECRET, userId);
    const socket = await client(signedOut.cookie);
    const otherSocket = await client(other.cookie);
    expect(await subscribe(socket)).toMatchObject({ ok: true });

    await endSession(t.db, signedOut.sessionId, userId, "sign-out");
    expect(await subscribe(socket)).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    await expect(client(signedOut.cookie)).rejects.toThrow("unauthorized");
    expect(await subscribe(otherSocket)).toMatchObject({ ok: true });
  });

  it("ending a session's sockets disconnects that browser at once, not the user's other browsers", async () => {
    const ending = await sessionCookieFor(t.db, SECRET, userId);
    const staying = await sessionCookieFor(t.db, SECRET, userId);
    const socket = await client(ending.cookie);
    const otherSocket = await client(staying.cookie);
    const reason = new Promise<string>((resolve) => socket.on("session:ended", (p) => resolve(p.reason)));
    const closed = new Promise<void>((resolve) => socket.on("disconnect", () => resolve()));
    realtime.endSessionSockets(ending.sessionId, "You signed out.");
    expect(await reason).toBe("You signed out.");
    await closed;
    expect(otherSocket.connected).toBe(true);
    expect(await subscribe(otherSocket)).toMatchObject({ ok: true });
  });

  it("refuses a cookie from before revocable sessions (no session id), even with the right user and version", async () => {
    const user = await t.db.user.findUniqueOrThrow({ where: { id: userId } });
    const legacy = await encode({ token: { uid: userId, sv: user.sessionVersion }, secret: SECRET });
    await expect(client(`next-auth.session-token=${legacy}`)).rejects.toThrow("unauthorized");
  });
});
