/**
 * In-app alerts across two instances (two socket.io servers on loopback joined by the Redis adapter
 * under a per-run key prefix, as in a cluster): an alert published on one reaches a permitted socket
 * connected to the other, and never a Viewer limited to another server; a server's alerts about
 * players go only to who may see its players.
 */
import { randomBytes } from "node:crypto";
import { createAdapter } from "@socket.io/redis-adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertMessage } from "../../../lib/realtime/contract.ts";
import { createRedisClients, type RedisClients } from "../../cluster/redis.ts";
import type { ConnectionHub } from "../../hub/hub.ts";
import { FakeHubClock } from "../../hub/testing/fake-hub-clock.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../../testing/databases.ts";
import { startHub } from "../../testing/hub.ts";
import {
  createTestUser,
  emitResult,
  silentLogger,
  startRealtime,
  type ClientSocket,
  type RunningRealtime,
  type TestUser,
} from "../../testing/realtime.ts";
import { seedServer } from "../webhooks/testing.ts";
import { startAlerts, type Alerts } from "./alerts.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function nextAlert(socket: ClientSocket): Promise<AlertMessage> {
  return new Promise((resolve) => socket.once("alerts:notice", resolve));
}

describe("in-app alerts over two instances", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  const prefix = `test:alerts:${randomBytes(4).toString("hex")}:`;
  const redis: RedisClients[] = [];
  const instances: RunningRealtime[] = [];
  const alerts: Alerts[] = [];
  let serverA: string;
  let serverB: string;
  const users: Record<string, TestUser> = {};

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    serverA = await seedServer(t.db, "Alpha");
    serverB = await seedServer(t.db, "Bravo");
    await t.db.server.updateMany({ data: { enabled: false } });
    users.admin = await createTestUser(t.db, "ada", "ADMIN");
    users.viewerA = await createTestUser(t.db, "vera", "VIEWER", [serverA]);
    users.viewerB = await createTestUser(t.db, "bob", "VIEWER", [serverB]);
    hub = await startHub(t.db, { encryptionKey: Buffer.alloc(32, 1) });
    for (const id of ["i1", "i2"]) {
      const clients = createRedisClients(
        { redisUrl: REDIS_URL, redisPrefix: prefix, instanceId: id },
        silentLogger,
      );
      await clients.ready();
      redis.push(clients);
      const adapter = createAdapter(clients.adapterPub, clients.adapterSub, { key: `${prefix}socket.io` });
      const running = await startRealtime({ db: t.db, hub, adapter, cluster: true });
      instances.push(running);
      alerts.push(
        startAlerts(running.realtime.io, { db: t.db, logger: silentLogger, clock: new FakeHubClock() }),
      );
    }
  });

  afterAll(async () => {
    for (const a of alerts) a.stop();
    for (const i of instances) await i.close();
    for (const r of redis) await r.close();
    await hub.stop();
    await t.drop();
  });

  it("reaches a permitted socket on the other instance, not a Viewer limited to another server", async () => {
    const [one, two] = instances as [RunningRealtime, RunningRealtime];
    const admin = await two.clientAs(users.admin!);
    const viewerA = await two.clientAs(users.viewerA!);
    const viewerB = await one.clientAs(users.viewerB!);
    expect(await emitResult(admin, "alerts:subscribe", {})).toEqual({ ok: true, data: { servers: 2 } });
    expect(await emitResult(viewerA, "alerts:subscribe", {})).toEqual({ ok: true, data: { servers: 1 } });
    expect(await emitResult(viewerB, "alerts:subscribe", {})).toEqual({ ok: true, data: { servers: 1 } });

    const adminGot = nextAlert(admin);
    const viewerAGot = nextAlert(viewerA);
    const viewerBGot = nextAlert(viewerB);
    alerts[0]!.publish({ event: "kick", serverId: serverA, title: "Kicked: Griefer", text: "spam" }, [
      serverA,
    ]);
    expect(await adminGot).toMatchObject({ event: "kick", serverId: serverA, title: "Kicked: Griefer" });
    expect(await viewerAGot).toMatchObject({ event: "kick", serverId: serverA });

    // Bob's first alert is B's: A's never reached him.
    alerts[1]!.publish(
      { event: "server_offline", serverId: serverB, title: "Server offline: Bravo", text: "" },
      [serverB],
    );
    expect(await viewerBGot).toMatchObject({ event: "server_offline", serverId: serverB });
  });

  it("player alerts need players.view on the server; chat never becomes an alert", async () => {
    const [one] = instances as [RunningRealtime];
    // A custom role that sees servers but not their players.
    await t.db.role.create({
      data: { id: "watcher", name: "Watcher", permissions: JSON.stringify(["server.view"]) },
    });
    const watcher = await createTestUser(t.db, "walt", "VIEWER");
    await t.db.user.update({ where: { id: watcher.id }, data: { role: "watcher" } });
    const socket = await one.clientAs(watcher);
    expect(await emitResult(socket, "alerts:subscribe", {})).toEqual({ ok: true, data: { servers: 2 } });
    const got = nextAlert(socket);
    alerts[0]!.publish({ event: "ban", serverId: serverA, title: "Banned: X", text: "" }, [serverA]);
    alerts[0]!.publish({ event: "chat", serverId: serverA, title: "Chat", text: "hi" }, [serverA]);
    alerts[0]!.publish(
      { event: "server_online", serverId: serverA, title: "Server online: Alpha", text: "" },
      [serverA],
    );
    expect(await got).toMatchObject({ event: "server_online" });

    // Every server, but only "Watcher" on A: A's player alerts are not for this user, B's are.
    const mixed = await createTestUser(t.db, "mia", "VIEWER");
    await t.db.serverAccess.create({ data: { userId: mixed.id, serverId: serverA, roleId: "watcher" } });
    const mixedSocket = await one.clientAs(mixed);
    expect(await emitResult(mixedSocket, "alerts:subscribe", {})).toEqual({ ok: true, data: { servers: 2 } });
    const first = nextAlert(mixedSocket);
    alerts[1]!.publish({ event: "ban", serverId: serverA, title: "Banned on A", text: "" }, [serverA]);
    alerts[1]!.publish({ event: "ban", serverId: serverB, title: "Banned on B", text: "" }, [serverB]);
    expect(await first).toMatchObject({ title: "Banned on B" });
  });

  it("refuses a socket whose session has ended", async () => {
    const [one] = instances as [RunningRealtime];
    const socket = await one.clientAs(users.viewerA!);
    await t.db.userSession.updateMany({
      where: { userId: users.viewerA!.id },
      data: { revokedAt: new Date() },
    });
    const answer = await emitResult(socket, "alerts:subscribe", {}).catch(() => "disconnected");
    expect(answer).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });
});
