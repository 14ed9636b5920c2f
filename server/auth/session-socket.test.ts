/**
 * Revocable sessions on socket.io: real server on loopback, real clients carrying session cookies.
 */
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endSession } from "../data/sessions.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer, startHub } from "../testing/hub.ts";
import {
  createTestUser,
  emitResult,
  startRealtime,
  TEST_AUTH_SECRET as SECRET,
  type ClientSocket,
  type RunningRealtime,
} from "../testing/realtime.ts";
import { sessionCookieFor } from "../testing/session-cookie.ts";

describe("socket.io and revocable sessions", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let userId: string;
  let serverId: string;

  const client = (cookie: string) => r.client({ cookie });
  const subscribe = (socket: ClientSocket) => emitResult(socket, "server:subscribe", { serverId });

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    userId = (await createTestUser(t.db, "viewer", "VIEWER")).id;
    serverId = await createUnreadableServer(t.db, "A");
    hub = await startHub(t.db, { encryptionKey: Buffer.alloc(32) });
    r = await startRealtime({ db: t.db, hub });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
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
    r.realtime.endSessionSockets(ending.sessionId, "You signed out.");
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
