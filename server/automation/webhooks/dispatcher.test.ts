/**
 * The webhook dispatcher against a real HTTP receiver on loopback, on SQLite and PostgreSQL, with
 * time on a fake clock: Discord payloads (embed, reason, author, no mentions), a 429 with
 * Retry-After waited out exactly (nothing lost, nothing twice), Discord's remaining/reset headers
 * and global limit, 5xx retried with backoff then failed and stored, 4xx failed at once, a full
 * queue dropping its oldest with a count, who gets a notice, sendTo's refusals, and the URL never
 * in an error or log line.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeHubClock } from "../../hub/testing/fake-hub-clock.ts";
import type { Logger } from "../../rcon/types.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { WebhookDispatcher, type WebhookNotice } from "./index.ts";
import {
  discordPath,
  nextOutcome,
  seedServer,
  seedUser,
  seedWebhook,
  startReceiver,
  testKey,
  type Receiver,
} from "./testing.ts";
import type { Actor } from "../../../lib/permissions.ts";

const key = testKey();

function capturingLogger(lines: string[]): Logger {
  const write = (m: string, f?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(f ?? {})}`);
  return { debug: write, info: write, warn: write, error: write };
}

const banNotice = (serverId: string | null): WebhookNotice => ({
  event: "ban",
  serverId,
  title: "Banned: Griefer @everyone",
  text: "Reason: spam <@&123456> and <@!42> @here",
  fields: [
    { name: "Reason", value: "spamming @everyone" },
    { name: "By", value: "Ada" },
  ],
});

describe.each(DATABASE_KINDS)("webhook dispatcher on $kind", ({ create }) => {
  let t: TestDatabase;
  let receiver: Receiver;
  let clock: FakeHubClock;
  let dispatcher: WebhookDispatcher;
  let logLines: string[];
  let serverA: string;
  let serverB: string;
  let admin: Actor;
  let limitedToB: Actor;

  beforeAll(async () => {
    t = await create();
    serverA = await seedServer(t.db, "Alpha");
    serverB = await seedServer(t.db, "Bravo");
    admin = await seedUser(t.db, "ADMIN", null);
    limitedToB = await seedUser(t.db, "ADMIN", [serverB]);
  });
  afterAll(() => t.drop());

  beforeEach(async () => {
    clock = new FakeHubClock();
    receiver = await startReceiver(() => clock.now());
    logLines = [];
    dispatcher = new WebhookDispatcher({
      db: t.db,
      encryptionKey: key,
      logger: capturingLogger(logLines),
      clock,
      allowLoopback: true,
      random: () => 1,
      tuning: { maxAttempts: 3, backoffBaseMs: 1_000, capacity: 3 },
      cacheMs: 0,
    });
    await t.db.webhook.deleteMany({});
  });
  afterEach(async () => {
    dispatcher.stop();
    await receiver.close();
  });

  it("delivers a Discord embed with reason and author, mentioning no one", async () => {
    const path = discordPath();
    await seedWebhook(t.db, key, {
      kind: "discord",
      url: receiver.base + path,
      events: ["ban"],
      ownerId: admin.id,
    });
    const delivered = nextOutcome(dispatcher, (o) => o.outcome === "delivered");
    await dispatcher.notify(banNotice(serverA));
    await delivered;

    expect(receiver.received).toHaveLength(1);
    const body = receiver.received[0]!.body as {
      allowed_mentions: unknown;
      embeds: { title: string; description: string; fields: { name: string; value: string }[] }[];
    };
    expect(receiver.received[0]!.path).toBe(path);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const [embed] = body.embeds;
    expect(embed!.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "Reason", value: "spamming @\u200beveryone" }),
        expect.objectContaining({ name: "By", value: "Ada" }),
      ]),
    );
    const all = JSON.stringify(body);
    expect(all).not.toMatch(/@everyone|@here|<@&\d|<@!\d|<@\d/);
    expect(embed!.description).toBe("Reason: spam <@&\u200b123456> and <@!\u200b42> @\u200bhere");
    const row = await t.db.webhook.findFirstOrThrow();
    expect(row.lastSuccessAt).not.toBeNull();
  });

  it("waits out a 429's Retry-After on the clock, then sends the same notice once", async () => {
    await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/hook`,
      events: ["kick"],
      ownerId: admin.id,
    });
    receiver.script.push({ status: 429, headers: { "retry-after": "3" }, body: "{}" });
    const limited = nextOutcome(dispatcher, (o) => o.outcome === "rate_limited");
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "Kicked: Bob", text: "afk" });
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "Kicked: Carl", text: "afk" });
    expect(await limited).toMatchObject({ waitMs: 3_000, global: false });
    const start = receiver.received[0]!.at;

    const both = new Promise<void>((resolve) => {
      let n = 0;
      const off = dispatcher.onOutcome((o) => {
        if (o.outcome === "delivered" && ++n === 2) {
          off();
          resolve();
        }
      });
    });
    clock.advance(2_999);
    clock.advance(1);
    await both;

    const titles = receiver.received.map((r) => (r.body as { title: string }).title);
    expect(titles).toEqual(["Kicked: Bob", "Kicked: Bob", "Kicked: Carl"]);
    expect(receiver.received[1]!.at - start).toBe(3_000);
    expect(await t.db.webhookDelivery.count()).toBe(0);
  });

  it("honours X-RateLimit-Remaining 0 and a global 429 (body retry_after)", async () => {
    const first = await seedWebhook(t.db, key, {
      kind: "discord",
      url: receiver.base + discordPath(),
      events: ["kick"],
      ownerId: admin.id,
    });
    receiver.script.push({
      status: 200,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": "2.5" },
    });
    receiver.script.push({
      status: 429,
      headers: { "x-ratelimit-global": "true" },
      body: '{"retry_after": 1.5, "global": true}',
    });
    const ok1 = nextOutcome(dispatcher, (o) => o.outcome === "delivered");
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "one", text: "" });
    await ok1;
    const limited = nextOutcome(dispatcher, (o) => o.outcome === "rate_limited");
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "two", text: "" });
    clock.advance(2_500);
    expect(await limited).toMatchObject({ webhookId: first, waitMs: 1_500, global: true });
    expect(receiver.received[1]!.at - receiver.received[0]!.at).toBe(2_500);

    // The global gate holds another Discord webhook too.
    await seedWebhook(t.db, key, {
      kind: "discord",
      url: receiver.base + discordPath(),
      events: ["ban"],
      ownerId: admin.id,
    });
    const other = nextOutcome(dispatcher, (o) => o.outcome === "delivered" && o.webhookId !== first);
    await dispatcher.notify(banNotice(serverA));
    clock.advance(1_500);
    await other;
    const arrived = receiver.received.find(
      (r) => (r.body as { embeds?: unknown[] }).embeds?.length && r.at > receiver.received[1]!.at,
    );
    expect(arrived!.at - receiver.received[1]!.at).toBe(1_500);
    await dispatcher.idle();
  });

  it("retries a 5xx with backoff, then stores the failure; the URL is in no error or log line", async () => {
    const path = discordPath();
    const token = path.split("/").pop()!;
    const id = await seedWebhook(t.db, key, {
      kind: "discord",
      url: receiver.base + path,
      events: ["ban"],
      ownerId: admin.id,
    });
    for (let i = 0; i < 3; i++)
      receiver.script.push({ status: 503, body: `{"message":"down","url":"${receiver.base + path}"}` });
    const r1 = nextOutcome(dispatcher, (o) => o.outcome === "retrying");
    await dispatcher.notify(banNotice(serverA));
    expect(await r1).toMatchObject({ attempts: 1, waitMs: 1_000 });
    expect(await t.db.webhookDelivery.findFirstOrThrow()).toMatchObject({ state: "retrying", attempts: 1 });
    const r2 = nextOutcome(dispatcher, (o) => o.outcome === "retrying");
    clock.advance(1_000);
    expect(await r2).toMatchObject({ attempts: 2, waitMs: 2_000 });
    const failed = nextOutcome(dispatcher, (o) => o.outcome === "failed");
    clock.advance(2_000);
    expect(await failed).toMatchObject({ attempts: 3 });

    expect(receiver.received).toHaveLength(3);
    const rows = await t.db.webhookDelivery.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: "failed", attempts: 3, event: "ban" });
    expect(rows[0]!.lastError).toMatch(/^HTTP 503/);
    const hook = await t.db.webhook.findUniqueOrThrow({ where: { id } });
    expect(hook).toMatchObject({ failures: 1 });
    expect(hook.lastError).toMatch(/^HTTP 503/);
    for (const text of [rows[0]!.lastError!, hook.lastError!, ...logLines]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(path);
    }
    expect(logLines.some((l) => l.includes("webhook delivery failed"))).toBe(true);
  });

  it("fails a 4xx at once, and a private destination without sending", async () => {
    await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/gone`,
      events: ["kick"],
      ownerId: admin.id,
    });
    receiver.script.push({ status: 404, body: '{"message":"Unknown Webhook"}' });
    const failed = nextOutcome(dispatcher, (o) => o.outcome === "failed");
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "x", text: "" });
    expect(await failed).toMatchObject({ attempts: 1, error: 'HTTP 404: {"message":"Unknown Webhook"}' });
    expect(receiver.received).toHaveLength(1);

    await t.db.webhook.deleteMany({});
    await seedWebhook(t.db, key, {
      kind: "json",
      url: "http://10.1.2.3/hook",
      events: ["kick"],
      ownerId: admin.id,
    });
    const refused = nextOutcome(dispatcher, (o) => o.outcome === "failed");
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "x", text: "" });
    expect(await refused).toMatchObject({
      error: "refused: the URL points at a private or reserved address",
    });
  });

  it("does not follow a redirect, and retries a request that gets no answer in time", async () => {
    await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/r`,
      events: ["kick"],
      ownerId: admin.id,
    });
    receiver.script.push({ status: 302, headers: { location: `${receiver.base}/elsewhere` } });
    const failed = nextOutcome(dispatcher, (o) => o.outcome === "failed");
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "x", text: "" });
    expect(await failed).toMatchObject({ error: "HTTP 302" });
    expect(receiver.received.map((r) => r.path)).toEqual(["/r"]);

    receiver.script.push({ status: "hang" });
    const arrived = new Promise<void>((resolve) => {
      const check = () => (receiver.received.length === 2 ? resolve() : setImmediate(check));
      check();
    });
    const retrying = nextOutcome(dispatcher, (o) => o.outcome === "retrying");
    await dispatcher.notify({ event: "kick", serverId: serverA, title: "y", text: "" });
    await arrived;
    clock.advance(10_000);
    expect(await retrying).toMatchObject({ attempts: 1, error: "no answer within 10 s" });
    const delivered = nextOutcome(dispatcher, (o) => o.outcome === "delivered");
    clock.advance(1_000);
    await delivered;
    expect(receiver.received.map((r) => (r.body as { title: string }).title)).toEqual(["x", "y", "y"]);
  });

  it("drops the oldest waiting notice of a full queue and counts it", async () => {
    const id = await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/q`,
      events: ["chat"],
      ownerId: admin.id,
    });
    receiver.script.push({ status: 429, headers: { "retry-after": "60" } });
    const limited = nextOutcome(dispatcher, (o) => o.outcome === "rate_limited");
    for (let i = 1; i <= 6; i++)
      await dispatcher.notify({ event: "chat", serverId: serverA, title: "chat", text: `line ${i}` });
    await limited;
    const all = nextOutcome(dispatcher, (o) => o.outcome === "delivered" && receiver.received.length === 4);
    clock.advance(60_000);
    await all;
    await dispatcher.idle();
    // Capacity 3: line 1 (tried, waiting) keeps its place; lines 2, 3 and 4 made room for 4, 5 and 6.
    expect(receiver.received.map((r) => (r.body as { text: string }).text)).toEqual([
      "line 1",
      "line 1",
      "line 5",
      "line 6",
    ]);
    // One row for the whole overflow, however quickly the drops came.
    const rows = await t.db.webhookDelivery.findMany({ where: { webhookId: id } });
    expect(rows).toMatchObject([{ state: "dropped", attempts: 3 }]);
  });

  it("sends only to webhooks whose scope and owner reach the server, and filters chat", async () => {
    const forA = await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/a`,
      events: ["chat"],
      ownerId: admin.id,
      serverIds: [serverA],
      chatFilter: "*admin*",
    });
    // Scope names server A but its owner only reaches B: it never gets A's notices.
    await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/b`,
      events: ["chat"],
      ownerId: limitedToB.id,
      serverIds: [serverA, serverB],
    });
    const got = nextOutcome(dispatcher, (o) => o.outcome === "delivered");
    await dispatcher.notify({ event: "chat", serverId: serverA, title: "chat", text: "nice shot" });
    await dispatcher.notify({
      event: "chat",
      serverId: serverA,
      title: "chat",
      text: "call an ADMIN please",
    });
    expect(await got).toMatchObject({ webhookId: forA });
    await dispatcher.idle();
    expect(receiver.received.map((r) => r.path)).toEqual(["/a"]);

    // A ban on every server reaches both.
    await t.db.webhook.updateMany({ data: { events: JSON.stringify(["ban"]) } });
    await dispatcher.notifyScoped(banNotice(null), "all");
    await dispatcher.idle();
    expect(receiver.received.map((r) => r.path).sort()).toEqual(["/a", "/a", "/b"]);
  });

  it("says whether a webhook may take an event from the list last loaded, re-read once stale", async () => {
    const cached = new WebhookDispatcher({
      db: t.db,
      encryptionKey: key,
      logger: capturingLogger(logLines),
      clock,
      allowLoopback: true,
      cacheMs: 15_000,
    });
    // Nothing loaded yet: it may (the list is read in the background meanwhile).
    expect(cached.mayTake("chat")).toBe(true);
    await vi.waitFor(() => expect(cached.mayTake("chat")).toBe(false), { timeout: 5_000 });
    // A chat webhook made on this instance (the page calls reload): it may again at once.
    await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/c`,
      events: ["chat"],
      ownerId: admin.id,
    });
    cached.reload();
    expect(cached.mayTake("chat")).toBe(true);
    await vi.waitFor(() => expect(cached.mayTake("ban")).toBe(false), { timeout: 5_000 }); // loaded again
    expect(cached.mayTake("chat")).toBe(true);
    // Removed elsewhere (no reload here): the cached answer stands until the list is older than the cache.
    await t.db.webhook.deleteMany({});
    expect(cached.mayTake("chat")).toBe(true);
    clock.advance(15_000);
    await vi.waitFor(() => expect(cached.mayTake("chat")).toBe(false), { timeout: 5_000 });
    cached.stop();
  });

  it("sendTo refuses what the trigger's owner may not use", async () => {
    const hook = await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/t`,
      events: ["trigger"],
      ownerId: admin.id,
      serverIds: [serverA],
    });
    const viewer = await seedUser(t.db, "VIEWER", null);
    const notice: WebhookNotice = { event: "trigger", serverId: serverA, title: "Trigger fired", text: "x" };
    expect(await dispatcher.sendTo(hook, notice, viewer)).toMatchObject({ ok: false });
    expect(await dispatcher.sendTo(hook, notice, limitedToB)).toMatchObject({ ok: false });
    expect(await dispatcher.sendTo("missing", notice, admin)).toEqual({
      ok: false,
      reason: "the webhook no longer exists",
    });
    const noTrigger = await seedWebhook(t.db, key, {
      kind: "json",
      url: `${receiver.base}/n`,
      events: ["ban"],
      ownerId: admin.id,
    });
    expect(await dispatcher.sendTo(noTrigger, notice, admin)).toMatchObject({ ok: false });

    const sent = nextOutcome(dispatcher, (o) => o.outcome === "delivered");
    expect(await dispatcher.sendTo(hook, notice, admin)).toEqual({ ok: true });
    await sent;
    expect(receiver.received.map((r) => r.path)).toEqual(["/t"]);
  });
});
