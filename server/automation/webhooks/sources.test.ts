/**
 * Webhooks and in-app alerts wired as the composition root wires them (real hub, real socket.io
 * clients, a real receiver on loopback): a ban made through the data layer reaches a Discord
 * webhook with its reason and author and an alert reaches the sockets that may see the server's
 * players, not a Viewer limited to another server; a server the hub finds unreachable is reported
 * once its state has held for the debounce time, and a flap shorter than that is not reported;
 * chat is relayed with identities hidden, and watch-list joins with their reason.
 */
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertMessage, ServerStatusMessage } from "../../../lib/realtime/contract.ts";
import type { WebhookNotice } from "../../../lib/automation/webhooks.ts";
import { createBan } from "../../data/bans.ts";
import type { ConnectionHub } from "../../hub/hub.ts";
import type { HubEvent } from "../../hub/options.ts";
import { FakeHubClock } from "../../hub/testing/fake-hub-clock.ts";
import { actorFor } from "../../testing/actors.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../../testing/databases.ts";
import { createLoopbackServer, startHub } from "../../testing/hub.ts";
import {
  createTestUser,
  emitResult,
  silentLogger,
  startRealtime,
  type ClientSocket,
  type RunningRealtime,
  type TestUser,
} from "../../testing/realtime.ts";
import { startWebhooks } from "./start.ts";
import { watchHub, type SourceDeps } from "./sources.ts";
import { discordPath, nextOutcome, startReceiver, type Receiver } from "./testing.ts";
import { encryptSecret } from "../../security/crypto.ts";

const KEY = Buffer.alloc(32, 7);

async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function nextAlert(socket: ClientSocket): Promise<AlertMessage> {
  return new Promise((resolve) => socket.once("alerts:notice", resolve));
}

describe("webhooks and alerts from hub and audit events", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let receiver: Receiver;
  const clock = new FakeHubClock();
  let webhooks: ReturnType<typeof startWebhooks>;
  let serverA: string;
  let serverB: string;
  const users: Record<string, TestUser> = {};

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    const port = await closedPort();
    serverA = await createLoopbackServer(t.db, KEY, { name: "Alpha", game: "cs2", protocol: "source", port });
    serverB = await createLoopbackServer(t.db, KEY, {
      name: "Bravo",
      game: "cs2",
      protocol: "source",
      port,
      enabled: false,
    });
    users.admin = await createTestUser(t.db, "ada", "ADMIN");
    users.viewerA = await createTestUser(t.db, "vera", "VIEWER", [serverA]);
    users.viewerB = await createTestUser(t.db, "bob", "VIEWER", [serverB]);
    hub = await startHub(t.db, { encryptionKey: KEY, connectionOptions: { reconnect: false } });
    r = await startRealtime({ db: t.db, hub });
    receiver = await startReceiver(() => clock.now());
    webhooks = startWebhooks({
      db: t.db,
      encryptionKey: KEY,
      logger: silentLogger,
      hub,
      io: r.realtime.io,
      allowLoopback: true,
      clock,
      debounceMs: 60_000,
    });
    await t.db.webhook.create({
      data: {
        name: "Discord bans",
        kind: "discord",
        urlEncrypted: encryptSecret(receiver.base + discordPath(), KEY),
        events: JSON.stringify(["ban", "server_offline", "server_online"]),
        allServers: false,
        ownerId: users.admin.id,
        servers: { create: [{ serverId: serverA }] },
      },
    });
  });

  afterAll(async () => {
    webhooks.stop();
    await r.close();
    await hub.stop();
    await receiver.close();
    await t.drop();
  });

  it("a ban reaches the webhook with reason and author, and alerts only sockets that may see it", async () => {
    const admin = await r.clientAs(users.admin!);
    const viewerA = await r.clientAs(users.viewerA!);
    const viewerB = await r.clientAs(users.viewerB!);
    for (const socket of [admin, viewerA, viewerB])
      expect(await emitResult(socket, "alerts:subscribe", {})).toMatchObject({ ok: true });
    const adminAlert = nextAlert(admin);
    const viewerAAlert = nextAlert(viewerA);
    const viewerBAlert = nextAlert(viewerB);
    const delivered = nextOutcome(webhooks.dispatcher, (o) => o.outcome === "delivered");

    const ctx = { db: t.db, actor: await actorFor(t.db, users.admin!.id), ip: null };
    await createBan(ctx, {
      identifiers: [{ kind: "steam", value: "STEAM_1:1:5151" }],
      playerNames: ["Griefer"],
      reason: "spam @everyone",
      duration: "permanent",
      target: { scope: "servers", serverIds: [serverA] },
    });

    await delivered;
    const body = receiver.received[0]!.body as {
      allowed_mentions: unknown;
      embeds: { title: string; fields: { name: string; value: string }[] }[];
    };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0]!.title).toBe("Banned: Griefer");
    expect(body.embeds[0]!.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "Reason", value: "spam @\u200beveryone" }),
        expect.objectContaining({ name: "By", value: "ada" }),
        expect.objectContaining({ name: "Duration", value: "permanent" }),
        expect.objectContaining({ name: "Where", value: "Alpha" }),
      ]),
    );
    expect(await adminAlert).toMatchObject({ event: "ban", serverId: serverA, title: "Banned: Griefer" });
    expect(await viewerAAlert).toMatchObject({ event: "ban", serverId: serverA });

    // Bob (server B only) gets B's ban as his first alert: A's never reached him.
    await createBan(ctx, {
      identifiers: [{ kind: "steam", value: "STEAM_1:1:6161" }],
      playerNames: ["Other"],
      reason: "cheating",
      duration: "permanent",
      target: { scope: "servers", serverIds: [serverB] },
    });
    expect(await viewerBAlert).toMatchObject({ event: "ban", serverId: serverB, title: "Banned: Other" });
    // The webhook is for A only: B's ban was not sent.
    await webhooks.dispatcher.idle();
    expect(receiver.received).toHaveLength(1);
  });

  it("refuses an invalid alerts:subscribe", async () => {
    const admin = await r.clientAs(users.admin!);
    expect(await emitResult(admin, "alerts:subscribe", { serverId: serverA })).toMatchObject({
      ok: false,
      error: { code: "INVALID_INPUT" },
    });
  });

  it("reports an unreachable server once the debounce has passed", async () => {
    const admin = await r.clientAs(users.admin!);
    await emitResult(admin, "alerts:subscribe", {});
    const alert = nextAlert(admin);
    const delivered = nextOutcome(webhooks.dispatcher, (o) => o.outcome === "delivered");
    const unreachable = new Promise<void>((resolve) => {
      const off = hub.on((e) => {
        if (e.type === "status" && e.status.serverId === serverA && e.status.state === "unreachable") {
          off();
          resolve();
        }
      });
    });
    await t.db.server.update({ where: { id: serverA }, data: { port: await closedPort() } });
    await hub.reloadServer(serverA);
    await unreachable;
    const before = receiver.received.length;
    clock.advance(59_999);
    clock.advance(1);
    expect(await alert).toMatchObject({
      event: "server_offline",
      serverId: serverA,
      title: "Server offline: Alpha",
    });
    await delivered;
    expect(receiver.received.length).toBe(before + 1);
  });

  /** watchHub on a hub whose events the test sends (`listeners`); `next()` resolves at the next notice. */
  function watchFakeHub(extra: Pick<SourceDeps, "debounceMs" | "wants">) {
    const listeners = new Set<(e: HubEvent) => void>();
    const emitted: WebhookNotice[] = [];
    let wake = () => {};
    const stop = watchHub(
      { on: (l) => (listeners.add(l), () => listeners.delete(l)), dialectOf: () => null },
      {
        db: t.db,
        clock,
        logger: silentLogger,
        sink: (n) => {
          emitted.push(n);
          wake();
        },
        ...extra,
      },
    );
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    return { listeners, emitted, next, stop };
  }

  it("builds no chat notice while nothing takes chat, and relays chat again once something does", async () => {
    const asked: string[] = [];
    let takesChat = false;
    const { listeners, emitted, next, stop } = watchFakeHub({
      wants: (event) => {
        asked.push(event);
        return event !== "chat" || takesChat;
      },
    });
    const say = (text: string) => {
      for (const l of listeners)
        l({
          type: "line",
          line: { serverId: serverB, seq: 1, at: "", kind: "chat", text, actorName: null, replyTo: null },
        });
    };
    say("nobody relays this");
    await new Promise((resolve) => setTimeout(resolve, 50)); // a notice would have been made by now
    expect(emitted).toEqual([]);
    expect(asked).toEqual(["chat"]);
    takesChat = true;
    const relayed = next();
    say("a webhook takes this one");
    await relayed;
    stop();
    expect(emitted.map((n) => [n.event, n.text])).toEqual([["chat", "a webhook takes this one"]]);
  });

  it("reports nothing for a flap shorter than the debounce; the first online is a baseline", async () => {
    const { listeners, emitted, next, stop } = watchFakeHub({ debounceMs: 10_000 });
    const status = (state: ServerStatusMessage["state"]) => {
      for (const l of listeners)
        l({
          type: "status",
          status: {
            serverId: serverB,
            state,
            reason: state === "online" ? null : "connection refused",
            since: "",
            latencyMs: null,
            nextRetryAt: null,
            playerCount: null,
            lastEventAt: null,
          },
        });
    };
    status("connecting");
    status("online");
    status("unreachable");
    clock.advance(9_999);
    status("connecting");
    status("online");
    clock.advance(60_000);
    expect(emitted).toEqual([]);

    status("unreachable");
    const offline = next();
    clock.advance(10_000);
    await offline;
    status("online");
    const online = next();
    clock.advance(10_000);
    await online;
    expect(emitted.map((n) => [n.event, n.title, n.text])).toEqual([
      ["server_offline", "Server offline: Bravo", "connection refused"],
      ["server_online", "Server online: Bravo", "RconDeck is connected to the server again."],
    ]);

    // Chat is relayed as a Viewer would read it (identities hidden); watch-list joins carry the reason.
    const chat = next();
    for (const l of listeners)
      l({
        type: "line",
        line: {
          serverId: serverB,
          seq: 1,
          at: "",
          kind: "chat",
          text: "Griefer (STEAM_1:0:12345): my id is 76561198000000001",
          actorName: null,
          replyTo: null,
        },
      });
    await chat;
    const watch = next();
    for (const l of listeners)
      l({
        type: "watch",
        notice: { serverId: serverB, playerId: "p1", name: "Griefer", reason: "alt account", at: "" },
      });
    await watch;
    stop();
    const [chatNotice, watchNotice] = emitted.slice(2);
    expect(chatNotice).toMatchObject({ event: "chat", title: "Chat on Bravo" });
    expect(chatNotice!.text).not.toMatch(/STEAM_1:0:12345|76561198000000001/);
    expect(watchNotice).toMatchObject({
      event: "watch_join",
      title: "Watch-list player joined Bravo",
      fields: expect.arrayContaining([{ name: "Watch reason", value: "alt account" }]) as unknown,
    });
  });
});
