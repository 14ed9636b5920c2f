/**
 * What a socket carries for whom (real hub, real socket.io clients): a server's RCON endpoint
 * never reaches a Viewer's statuses or console, and a server-limited Admin's live audit feed holds
 * only the events of its servers and its own.
 */
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuditEventMessage, ServerSnapshot, ServerStatusMessage } from "../../lib/realtime/contract.ts";
import { recordAudit } from "../data/audit.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, startHub } from "../testing/hub.ts";
import {
  createTestUser,
  emitResult as emit,
  startRealtime,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 3);

/** A loopback port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("socket payloads per role (real hub, real clients)", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let port: number;
  let serverA: string;
  let serverB: string;
  const users: Record<string, TestUser> = {};
  const client = (name: string) => r.clientAs(users[name] ?? { id: "" });

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    port = await closedPort();
    const row = (name: string) => ({ name, game: "cs2", protocol: "source", port });
    serverA = await createLoopbackServer(t.db, KEY, row("A"));
    serverB = await createLoopbackServer(t.db, KEY, { ...row("B"), enabled: false });
    users.owner = await createTestUser(t.db, "owner", "OWNER");
    users.viewer = await createTestUser(t.db, "viewer", "VIEWER");
    users.limitedAdmin = await createTestUser(t.db, "limitedAdmin", "ADMIN", [serverA]);
    hub = await startHub(t.db, { encryptionKey: KEY, connectionOptions: { reconnect: false } });
    r = await startRealtime({ db: t.db, hub });
    await vi.waitFor(() => expect(hub.statusOf(serverA).state).toBe("unreachable"), { timeout: 10_000 });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
    await t.drop();
  });

  it("a Viewer's statuses and console never carry the server's host and port", async () => {
    const viewer = await client("viewer");
    const received: unknown[] = [];
    viewer.on("server:status", (s) => received.push(s));
    viewer.on("console:line", (l) => received.push(l));
    const watch = await emit<{ statuses: ServerStatusMessage[] }>(viewer, "servers:watch", {});
    const snapshot = await emit<ServerSnapshot>(viewer, "server:subscribe", { serverId: serverA });
    if (!watch.ok || !snapshot.ok) throw new Error("refused");
    received.push(watch.data, snapshot.data);
    // The engine's error names the endpoint; what the Viewer gets does not.
    expect(snapshot.data.status.state).toBe("unreachable");
    expect(snapshot.data.status.reason).toBeTruthy();
    // Moved to another closed port: live statuses of a fresh attempt.
    const moved = await closedPort();
    await t.db.server.update({ where: { id: serverA }, data: { port: moved } });
    await hub.reloadServer(serverA);
    await vi.waitFor(
      () =>
        expect(received.some((m) => (m as Partial<ServerStatusMessage>).state === "unreachable")).toBe(true),
      { timeout: 10_000 },
    );
    const text = JSON.stringify(received);
    for (const p of [port, moved]) expect(text).not.toMatch(new RegExp(`(?<![0-9a-z])${p}(?![0-9a-z])`));
    expect(text).not.toContain("127.0.0.1");
  });

  it("a server-limited Admin's live audit feed holds only its servers' events and its own", async () => {
    const limited = await client("limitedAdmin");
    const owner = await client("owner");
    expect(await emit(limited, "audit:subscribe", {})).toEqual({ ok: true, data: { subscribed: true } });
    expect(await emit(owner, "audit:subscribe", {})).toEqual({ ok: true, data: { subscribed: true } });
    const limitedGot: AuditEventMessage[] = [];
    const ownerGot: AuditEventMessage[] = [];
    limited.on("audit:event", (e) => limitedGot.push(e));
    owner.on("audit:event", (e) => ownerGot.push(e));
    const ownerActor = { id: users.owner?.id ?? "", email: "owner@example.com" };
    await recordAudit(t.db, {
      actor: ownerActor,
      action: "feed.other_server",
      serverId: serverB,
      outcome: "success",
    });
    await recordAudit(t.db, { actor: ownerActor, action: "feed.no_server", outcome: "success" });
    await recordAudit(t.db, { actor: null, action: "feed.anonymous", outcome: "failure" });
    await recordAudit(t.db, {
      actor: ownerActor,
      action: "feed.its_server",
      serverId: serverA,
      outcome: "success",
    });
    await recordAudit(t.db, {
      actor: { id: users.limitedAdmin?.id ?? "", email: "limitedAdmin@example.com" },
      action: "feed.own",
      outcome: "success",
    });
    await vi.waitFor(() => expect(ownerGot.filter((e) => e.action.startsWith("feed.")).length).toBe(5));
    await vi.waitFor(() => expect(limitedGot.some((e) => e.action === "feed.own")).toBe(true));
    expect(limitedGot.filter((e) => e.action.startsWith("feed.")).map((e) => e.action)).toEqual([
      "feed.its_server",
      "feed.own",
    ]);
  });
});
