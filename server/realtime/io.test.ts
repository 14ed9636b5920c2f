import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../data/audit.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer, startHub } from "../testing/hub.ts";
import {
  createTestUser,
  emitResult as emit,
  startRealtime,
  TEST_AUTH_SECRET,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";
import { sessionCookieFor } from "../testing/session-cookie.ts";
import type { ConnectionHub } from "../hub/hub.ts";

describe("socket.io realtime (real server, real clients)", () => {
  let t: TestDatabase;
  let r: RunningRealtime;
  let hub: ConnectionHub;
  const users: Record<string, TestUser> = {};
  let serverA: string;
  let serverB: string;

  async function cookieFor(name: string, sv?: number, secret = TEST_AUTH_SECRET): Promise<string> {
    const user = users[name];
    if (!user) throw new Error(name);
    return (await sessionCookieFor(t.db, secret, user.id, sv === undefined ? {} : { sessionVersion: sv }))
      .cookie;
  }

  const client = (cookie: string | null) => r.client({ cookie });

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    serverA = await createUnreadableServer(t.db, "A", 1);
    serverB = await createUnreadableServer(t.db, "B", 2);
    users.owner = await createTestUser(t.db, "owner", "OWNER");
    users.viewer = await createTestUser(t.db, "viewer", "VIEWER");
    users.limited = await createTestUser(t.db, "limited", "MODERATOR", [serverA]);
    // The stored passwords are not real ciphertext: the hub reports them unreadable, nothing connects.
    hub = await startHub(t.db, { encryptionKey: Buffer.alloc(32) });
    r = await startRealtime({ db: t.db, hub });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
    await t.drop();
  });

  it("refuses anonymous, forged and stale-session handshakes", async () => {
    await expect(client(null)).rejects.toThrow("unauthorized");
    await expect(client(await cookieFor("owner", undefined, "another-secret-".repeat(3)))).rejects.toThrow(
      "unauthorized",
    );
    await expect(client("next-auth.session-token=not-a-jwt")).rejects.toThrow("unauthorized");
    await expect(client(await cookieFor("owner", 999))).rejects.toThrow("unauthorized");
  });

  it("joins only rooms of servers the user may see", async () => {
    const limited = await client(await cookieFor("limited"));
    expect(await emit(limited, "server:subscribe", { serverId: serverA })).toMatchObject({
      ok: true,
      data: { serverId: serverA, status: { state: "auth_failed" }, history: [] },
    });
    expect(await emit(limited, "server:subscribe", { serverId: serverB })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await emit(limited, "server:subscribe", { serverId: 42 })).toMatchObject({
      ok: false,
      error: { code: "INVALID_INPUT" },
    });
  });

  it("refuses a Viewer's audit subscription and audits the refusal; an Owner receives live audit events", async () => {
    const viewer = await client(await cookieFor("viewer"));
    expect(await emit(viewer, "audit:subscribe", {})).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    const owner = await client(await cookieFor("owner"));
    expect(await emit(owner, "audit:subscribe", {})).toEqual({ ok: true, data: { subscribed: true } });
    const received = new Promise<string>((resolve) => owner.on("audit:event", (e) => resolve(e.action)));
    await recordAudit(t.db, { actor: null, action: "test.ping", outcome: "success" });
    expect(await received).toBe("test.ping");
    const denied = await t.db.auditEvent.findFirst({
      where: { action: "socket.audit:subscribe", outcome: "denied" },
    });
    expect(denied?.actorId).toBe(users.viewer?.id);
  });

  it("a disabled user is refused at the next event and disconnected at once", async () => {
    const pushed = await client(await cookieFor("viewer"));
    const polled = await client(await cookieFor("viewer"));
    await t.db.user.update({
      where: { id: users.viewer?.id ?? "" },
      data: { disabled: true, sessionVersion: { increment: 1 } },
    });
    // A socket that sends an event after the change is refused by the re-loaded actor...
    expect(await emit(polled, "server:subscribe", { serverId: serverA })).toMatchObject({
      ok: false,
      error: { code: "UNAUTHENTICATED" },
    });
    // ...and the change itself ends every live socket of that user.
    const ended = new Promise<string>((resolve) => pushed.on("session:ended", (p) => resolve(p.reason)));
    const closed = new Promise<void>((resolve) => pushed.on("disconnect", () => resolve()));
    r.realtime.endUserSessions(users.viewer?.id ?? "", "Your account was disabled.");
    expect(await ended).toBe("Your account was disabled.");
    await closed;
    await expect(client(await cookieFor("viewer"))).rejects.toThrow("unauthorized");
  });
});
