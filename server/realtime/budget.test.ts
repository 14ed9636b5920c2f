/**
 * Socket budgets with real socket.io clients against a real server: a Viewer's flood of history
 * pages and subscriptions is refused (RATE_LIMITED) before it reaches the database while others
 * keep being answered; sockets per user, handshakes per address, subscriptions per socket and
 * events in flight are bounded.
 */
import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket as ServerSocket } from "socket.io";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Result } from "../../lib/result.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer, startHub } from "../testing/hub.ts";
import {
  createTestUser,
  emitAck,
  startRealtime,
  type ClientSocket,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";
import { createSocketBudget, eventCost, socketLimits } from "./budget.ts";

describe("socket budgets (real server, real clients)", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  const running: RunningRealtime[] = [];
  const users: Record<string, TestUser> = {};
  const servers: string[] = [];

  /** A realtime server of its own (its own budgets) on the shared database and hub. */
  async function start(
    options: Parameters<typeof startRealtime>[0]["limits"] = {},
  ): Promise<RunningRealtime> {
    // A long window: what is counted here cannot roll over while a test runs.
    const r = await startRealtime({ db: t.db, hub, limits: { windowSeconds: 600, ...options } });
    running.push(r);
    return r;
  }
  const as = (r: RunningRealtime, name: string) => r.clientAs(users[name] ?? { id: "" });

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    for (const [name, role] of [
      ["owner", "OWNER"],
      ["viewer", "VIEWER"],
      ["viewer2", "VIEWER"],
      ["viewer3", "VIEWER"],
      ["viewer4", "VIEWER"],
    ] as const)
      users[name] = await createTestUser(t.db, name, role);
    for (const name of ["A", "B", "C"]) servers.push(await createUnreadableServer(t.db, name));
    // Scroll-back to read: 3,000 stored lines on server A.
    await t.db.consoleLine.createMany({
      data: Array.from({ length: 3_000 }, (_, i) => ({
        serverId: servers[0] ?? "",
        seq: i + 1,
        kind: "chat",
        text: `line ${i + 1} ${"x".repeat(100)}`,
      })),
    });
    hub = await startHub(t.db, { encryptionKey: Buffer.alloc(32) });
  });

  afterAll(async () => {
    for (const r of running) await r.close();
    await hub.stop();
    await t.drop();
  });

  it("weighs events by the work they cause", () => {
    expect(eventCost("console:history", { limit: 1000 })).toBe(11);
    expect(eventCost("console:history", { limit: 1e9 })).toBe(11);
    expect(eventCost("console:history", {})).toBe(3);
    expect(eventCost("server:subscribe", { serverId: "x" })).toBeLessThan(
      eventCost("server:subscribe", { serverId: "x", afterSeq: 1 }),
    );
    expect(eventCost("server:unsubscribe", {})).toBe(1);
    expect(eventCost("alerts:subscribe", {})).toBe(eventCost("servers:watch", {}));
    expect(eventCost("alerts:subscribe", {})).toBeGreaterThan(eventCost("server:unsubscribe", {}));
    expect(eventCost("no-such-event", "junk")).toBe(1);
    expect(socketLimits({ userPoints: 100 })).toMatchObject({ userPoints: 100, connectionPoints: 50 });
  });

  it("a Viewer's flood of 1,000-line history pages and subscriptions over 5 sockets is refused, and the server keeps answering", async () => {
    const r = await start();
    const flood: ClientSocket[] = await Promise.all(Array.from({ length: 5 }, () => as(r, "viewer")));
    const serverA = servers[0] ?? "";
    const pending: Promise<{ event: string; result: Result<unknown> | "disconnected" }>[] = [];
    for (const socket of flood) {
      for (let i = 0; i < 200; i++) {
        pending.push(
          emitAck(socket, "console:history", { serverId: serverA, beforeSeq: 3_001, limit: 1000 }).then(
            (result) => ({ event: "console:history", result }),
          ),
        );
        if (i % 2 === 0)
          pending.push(
            emitAck(socket, "server:subscribe", { serverId: serverA }).then((result) => ({
              event: "server:subscribe",
              result,
            })),
          );
      }
    }
    const results = await Promise.all(pending);
    const answered = results.filter((x) => x.result !== "disconnected");
    const allowed = answered.filter((x) => x.result !== "disconnected" && x.result.ok);
    const refused = answered.filter(
      (x) => x.result !== "disconnected" && !x.result.ok && x.result.error.code === "RATE_LIMITED",
    );
    expect(refused.length).toBeGreaterThan(0);
    // What ran fits the user's budget (600 points): at most ~54 pages of 1,000 lines, not 1,000.
    const spent = allowed.reduce(
      (sum, x) => sum + eventCost(x.event, x.event === "console:history" ? { limit: 1000 } : {}),
      0,
    );
    expect(spent).toBeLessThanOrEqual(600);
    // Sockets that kept sending far past their refusals were closed by the server.
    expect(flood.every((s) => !s.connected)).toBe(true);

    // Everyone else is still answered at once...
    const owner = await as(r, "owner");
    expect(
      await emitAck(owner, "console:history", { serverId: serverA, beforeSeq: 3_001, limit: 1000 }),
    ).toMatchObject({ ok: true });
    expect(await emitAck(owner, "servers:watch", {})).toMatchObject({ ok: true });
    // ...and the Viewer's budget is spent across all their sockets, a new one included.
    const again = await as(r, "viewer");
    expect(await emitAck(again, "server:unsubscribe", { serverId: serverA })).toMatchObject({
      ok: false,
      error: { code: "RATE_LIMITED" },
    });
  });

  it("one connection's flood is refused on that connection; the user's other tab and other users are answered", async () => {
    const r = await start();
    const noisy = await as(r, "viewer2");
    const quiet = await as(r, "viewer2");
    const results: Awaited<ReturnType<typeof emitAck>>[] = [];
    // 28 pages of 11 points: the 28th passes the connection's 300 points.
    for (let i = 0; i < 28; i++)
      results.push(
        await emitAck(noisy, "console:history", { serverId: servers[0], beforeSeq: 3_001, limit: 1000 }),
      );
    expect(results.slice(0, 27).every((x) => x !== "disconnected" && x.ok)).toBe(true);
    expect(results[27]).toMatchObject({
      ok: false,
      error: {
        code: "RATE_LIMITED",
        message: expect.stringMatching(/on this connection: try again in \d+ s/) as unknown,
      },
    });
    expect(
      await emitAck(quiet, "console:history", { serverId: servers[0], beforeSeq: 3_001, limit: 1000 }),
    ).toMatchObject({ ok: true });
    // Invalid and unknown events cost too, and are answered without running anything.
    expect(await emitAck(quiet, "console:history", { serverId: 42 })).toMatchObject({
      ok: false,
      error: { code: "INVALID_INPUT" },
    });
    expect(await emitAck(quiet, "no:such", {})).toMatchObject({
      ok: false,
      error: { code: "INVALID_INPUT", message: "Unknown event." },
    });
  });

  it("bounds the sockets one user holds open", async () => {
    const r = await start({ socketsPerUser: 3 });
    const held = [await as(r, "viewer3"), await as(r, "viewer3"), await as(r, "viewer3")];
    await expect(as(r, "viewer3")).rejects.toThrow(/too many open connections \(3\)/);
    // Another user is not affected, and a closed tab frees its slot.
    await as(r, "viewer4");
    held[0]?.disconnect();
    await expect
      .poll(async () =>
        as(r, "viewer3").then(
          () => "connected",
          (e: Error) => e.message,
        ),
      )
      .toBe("connected");
  });

  it("bounds handshakes per address, before the cookie is read", async () => {
    const r = await start({ handshakesPerMinute: 3 });
    for (let i = 0; i < 3; i++) await expect(r.client({ cookie: null })).rejects.toThrow("unauthorized");
    await expect(as(r, "owner")).rejects.toThrow(
      /too many connection attempts from this address: try again in \d+ s/,
    );
    // engine.io connections that never start the socket.io handshake are counted too (twice the
    // handshakes: four used above, two more, then refused).
    const engineHandshake = () =>
      new Promise<number>((resolve, reject) =>
        get(`${r.url}/socket.io/?EIO=4&transport=polling`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject),
      );
    expect([await engineHandshake(), await engineHandshake(), await engineHandshake()]).toEqual([
      200, 200, 400,
    ]);
  });

  it("bounds the servers one socket follows (rooms joined)", async () => {
    const r = await start({ subscriptionsPerSocket: 2 });
    const owner = await as(r, "owner");
    const [a, b, c] = servers;
    expect(await emitAck(owner, "server:subscribe", { serverId: a })).toMatchObject({ ok: true });
    expect(await emitAck(owner, "server:subscribe", { serverId: b })).toMatchObject({ ok: true });
    expect(await emitAck(owner, "server:subscribe", { serverId: a })).toMatchObject({ ok: true }); // again: same rooms
    expect(await emitAck(owner, "server:subscribe", { serverId: c })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT" },
    });
    expect(await emitAck(owner, "server:unsubscribe", { serverId: a })).toMatchObject({ ok: true });
    expect(await emitAck(owner, "server:subscribe", { serverId: c })).toMatchObject({ ok: true });
  });
});

/** A bare socket.io server on loopback (handlers of the test's own) and one connected client. */
async function bareServer(
  onConnection: (socket: ServerSocket) => void,
): Promise<{ io: Server; client: ClientSocket }> {
  const http = createServer();
  const io = new Server(http);
  io.on("connection", onConnection);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const client: ClientSocket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
  });
  await new Promise((resolve) => client.once("connect", () => resolve(null)));
  return { io, client };
}

describe("socket budget: events in flight (real socket.io, a handler that holds its answers)", () => {
  it("refuses events past the in-flight bound until answers go out, and drops events without an ack", async () => {
    const budget = createSocketBudget(socketLimits({ inFlight: 3 }));
    const held: ((r: unknown) => void)[] = [];
    let ran = 0;
    const { io, client } = await bareServer((socket) => {
      budget.meter(socket, () => "user-1");
      socket.on("hold", (_payload: unknown, ack: unknown) => {
        ran++;
        if (typeof ack === "function") held.push(ack as (r: unknown) => void);
      });
    });
    try {
      (client.emit as (e: string, p: unknown) => void)("hold", {}); // no ack: nobody to answer, never run
      const results = Array.from({ length: 5 }, () => emitAck(client, "hold", {}));
      expect(await results[3]).toMatchObject({
        ok: false,
        error: { code: "RATE_LIMITED", message: "Too many requests at once: wait for the answers." },
      });
      expect(await results[4]).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
      expect(held).toHaveLength(3);
      expect(ran).toBe(3);
      for (const ack of held.splice(0)) ack({ ok: true, data: "done" });
      expect(await Promise.all(results.slice(0, 3))).toEqual([
        { ok: true, data: "done" },
        { ok: true, data: "done" },
        { ok: true, data: "done" },
      ]);
      const next = emitAck(client, "hold", {});
      await expect.poll(() => held.length).toBe(1);
      held[0]?.({ ok: true, data: "again" });
      expect(await next).toEqual({ ok: true, data: "again" });
    } finally {
      client.disconnect();
      await io.close();
    }
  });
  it("cuts a connection whose client stopped reading while broadcasts go on (its unsent packets would pile up)", async () => {
    const budget = createSocketBudget(socketLimits({ maxUnsentPackets: 50 }));
    let raw: { pause(): void; destroy(): void } | undefined;
    let connected = 0;
    let serverSideClosed = () => {};
    const closed = new Promise<void>((resolve) => (serverSideClosed = resolve));
    const { io, client } = await bareServer((socket) => {
      connected++;
      budget.meter(socket, () => "user-2");
      socket.on("disconnect", () => serverSideClosed());
    });
    try {
      // The client's TCP socket stops reading; the server keeps broadcasting 256 kB messages.
      raw = (client.io.engine.transport as unknown as { ws: { _socket: { pause(): void; destroy(): void } } })
        .ws._socket;
      raw.pause();
      const big = "x".repeat(256 * 1024);
      let sent = 0;
      for (; sent < 400 && io.engine.clientsCount > 0; sent++) {
        io.emit("tick" as never, big);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await closed;
      expect(connected).toBe(1);
      expect(io.engine.clientsCount).toBe(0);
      expect(sent).toBeLessThan(400);
    } finally {
      raw?.destroy(); // the paused client would never finish the WebSocket closing handshake
      client.disconnect();
      await io.close();
    }
  });
});
