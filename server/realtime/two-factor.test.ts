/**
 * "2FA required but missing" over real sockets: a user whose role requires two-factor sign-in and
 * who has not enrolled is refused every event with TWO_FACTOR_REQUIRED (audited); once enrolled,
 * the same socket works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectionHub } from "../hub/hub.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, startHub } from "../testing/hub.ts";
import { createTestUser, emitResult, startRealtime, type RunningRealtime } from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 5);

describe("two-factor sign-in required by role, on sockets", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let serverId: string;

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    serverId = await createLoopbackServer(t.db, KEY, {
      name: "A",
      game: "cs2",
      protocol: "source",
      port: 1,
      enabled: false,
    });
    hub = await startHub(t.db, { encryptionKey: KEY, connectionOptions: { reconnect: false } });
    r = await startRealtime({ db: t.db, hub });
  });
  afterAll(async () => {
    await r.close();
    await hub.stop();
    await t.drop();
  });

  it("refuses a pending user's events with TWO_FACTOR_REQUIRED, and lets it in once enrolled", async () => {
    const strict = await t.db.role.create({
      data: { name: "Strict viewer", permissions: '["server.view","console.read"]', requireTwoFactor: true },
    });
    const user = await createTestUser(t.db, "pending", "VIEWER", [serverId]);
    await t.db.serverAccess.updateMany({ where: { userId: user.id }, data: { roleId: strict.id } });
    const socket = await r.clientAs(user);

    const refused = await emitResult(socket, "server:subscribe", { serverId });
    expect(refused).toMatchObject({ ok: false, error: { code: "TWO_FACTOR_REQUIRED" } });
    expect(await emitResult(socket, "servers:watch", {})).toMatchObject({
      ok: false,
      error: { code: "TWO_FACTOR_REQUIRED" },
    });
    expect(
      await t.db.auditEvent.findFirst({ where: { actorId: user.id, action: "socket.server:subscribe" } }),
    ).toMatchObject({
      outcome: "denied",
      detail: "two-factor sign-in required",
    });

    // Enrolled (as confirmTwoFactorSetup leaves it): the actor is re-loaded at the next event.
    await t.db.user.update({ where: { id: user.id }, data: { totpSecret: "x", totpEnabledAt: new Date() } });
    expect(await emitResult(socket, "server:subscribe", { serverId })).toMatchObject({ ok: true });
  });

  it("a user whose roles do not require it is not affected", async () => {
    const user = await createTestUser(t.db, "relaxed", "VIEWER");
    const socket = await r.clientAs(user);
    expect(await emitResult(socket, "server:subscribe", { serverId })).toMatchObject({ ok: true });
  });
});
