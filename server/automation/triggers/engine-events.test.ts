/**
 * The engine's event handling and budget, fed hub events directly (dry-run triggers: no game
 * server is reached, so the hub here is only an event source) on a real SQLite database: a flood
 * of matching lines becomes at most one firing in flight plus a bounded queue, the rest counted in
 * one "dropped" row; count crossings respect hysteresis; offline/online; bans and kicks from the
 * audit log (never automation's own); edits arrive by `changed()` and by the fingerprint tick.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import type { PlayerView } from "../../../lib/realtime/contract.ts";
import { recordAudit } from "../../data/audit.ts";
import { createTrigger } from "../../data/automation/triggers.ts";
import type { HubEvent, HubGameEvent } from "../../hub/options.ts";
import { FakeHubClock } from "../../hub/testing/fake-hub-clock.ts";
import { Emitter } from "../../rcon/emitter.ts";
import { actorFor } from "../../testing/actors.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../../testing/databases.ts";
import { silentLogger } from "../../testing/realtime.ts";
import { WebhookDispatcher } from "../webhooks/index.ts";
import {
  discordPath,
  nextOutcome,
  seedUser,
  seedWebhook,
  startReceiver,
  testKey,
} from "../webhooks/testing.ts";
import { TriggerEngine, type TriggerEngineOptions } from "./engine.ts";

function eventSource() {
  const events = new Emitter<HubEvent>();
  const unreachable = () => Promise.reject(new Error("a dry run reaches no game server"));
  const hub: TriggerEngineOptions["hub"] = {
    on: (listener) => events.on(listener),
    players: (): PlayerView[] => [],
    dialectOf: () => null,
    exec: unreachable,
    kick: unreachable,
    message: unreachable,
    recordOf: () => Promise.resolve(null),
    refreshRecords: () => Promise.resolve(),
    recheckBans: () => {},
  };
  return { events, hub };
}

describe("trigger engine events and budget", () => {
  let t: TestDatabase;
  let admin: Actor;
  let serverId: string;
  const engines: TriggerEngine[] = [];

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    const user = await t.db.user.create({
      data: { email: "ada@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
    });
    admin = await actorFor(t.db, user.id);
    serverId = (
      await t.db.server.create({
        data: {
          name: "s1",
          game: "cs2",
          protocol: "source",
          host: "127.0.0.1",
          port: 1,
          passwordEncrypted: "x",
        },
      })
    ).id;
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop();
    await t.db.automationTrigger.deleteMany();
  });
  afterAll(() => t.drop());

  async function setUp(trigger: Record<string, unknown>, queueLimit?: number) {
    const created = await createTrigger(
      { db: t.db, actor: admin, ip: null },
      { serverIds: [serverId], dryRun: true, cooldownSeconds: 0, event: "chat", ...trigger },
    );
    const clock = new FakeHubClock(Date.UTC(2026, 5, 1, 12));
    const { events, hub } = eventSource();
    const engine = new TriggerEngine({
      db: t.db,
      logger: silentLogger,
      clock,
      hub,
      ...(queueLimit ? { queueLimit } : {}),
    });
    engines.push(engine);
    await engine.start();
    const emit = (event: HubGameEvent, id = serverId) => events.emit({ type: "game", serverId: id, event });
    return { engine, clock, emit, id: created.id };
  }
  const firings = (triggerId: string) =>
    t.db.automationFiring.findMany({ where: { triggerId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const chat = (text: string, from = "Spammer"): HubGameEvent => ({
    kind: "pushed",
    event: { kind: "chat", channel: "all", from, text, playerId: `id-${from}` },
  });

  it("turns a flood of matching lines into one firing at a time plus a bounded queue, the rest dropped and counted", async () => {
    const { engine, emit, id } = await setUp(
      { name: "Flood", match: { pattern: "buy gold" }, action: { kind: "kick", text: "spam" } },
      5,
    );
    for (let i = 0; i < 200; i++) emit(chat(`buy gold ${i}`, `p${i}`));
    await engine.idle();
    const rows = await firings(id);
    // The first starts at once, five wait, 194 are dropped: 6 "would" rows and one "dropped" row.
    expect(rows.filter((r) => r.outcome === "would")).toHaveLength(6);
    const dropped = rows.filter((r) => r.outcome === "dropped");
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.detail).toBe("194 firings dropped: the trigger's queue was full");
  });

  it("fires a count crossing once per crossing (hysteresis), never on the first count after a connect", async () => {
    const { engine, emit, id } = await setUp({
      name: "Seeding done",
      event: "player_count",
      match: { threshold: 10, direction: "up", hysteresis: 3 },
      action: { kind: "command", commandId: await commandId() },
    });
    let previous: number | null = null;
    for (const count of [12, 9, 10, 9, 10, 8, 7, 10]) {
      emit({ kind: "count", count, previous });
      previous = count;
    }
    await engine.idle();
    // 12 at connect: no firing. 9 → 10 does not re-arm (needs ≤ 7); 7 re-arms, then 10 fires.
    expect((await firings(id)).map((f) => f.detail)).toEqual([
      "would run custom command " + (await commandId()) + " — on: player count rose to 10 (threshold 10)",
    ]);
    emit({ kind: "offline" });
    emit({ kind: "count", count: 0, previous: null });
    emit({ kind: "count", count: 11, previous: 0 });
    await engine.idle();
    expect(await firings(id)).toHaveLength(2);
  });

  it("fires on a server going offline and coming online, only for its own servers", async () => {
    const { engine, emit, id } = await setUp({
      name: "Down",
      event: "server_offline",
      action: { kind: "command", commandId: await commandId() },
    });
    emit({ kind: "online" });
    emit({ kind: "offline" }, "another-server");
    emit({ kind: "offline" });
    await engine.idle();
    expect((await firings(id)).map((f) => [f.serverId, f.outcome])).toEqual([[serverId, "would"]]);
  });

  it("reads bans and kicks from the audit log, and ignores those automation caused", async () => {
    const kick = await setUp({
      name: "Kicks",
      event: "kick",
      match: { patternKind: "glob", pattern: "bad*" },
      action: { kind: "command", commandId: await commandId() },
    });
    const base = { action: "player.kick", serverId, targetType: "player", outcome: "success" as const };
    await recordAudit(t.db, { ...base, actor: admin, targetId: "7", input: { playerName: "badguy" } });
    await recordAudit(t.db, { ...base, actor: admin, targetId: "8", input: { playerName: "goodguy" } });
    await recordAudit(t.db, {
      ...base,
      actor: { ...admin, automation: "Other trigger" },
      targetId: "9",
      input: { playerName: "badder" },
    });
    await kick.engine.idle();
    const rows = await firings(kick.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.detail).toContain(`badguy was kicked by ${admin.email}`);

    const ban = await setUp({
      name: "Bans",
      event: "ban",
      action: { kind: "command", commandId: await commandId() },
    });
    await recordAudit(t.db, {
      actor: admin,
      action: "ban.create",
      targetType: "ban",
      targetId: "b1",
      outcome: "success",
      input: { playerNames: ["cheater"], scope: { scope: "servers", serverIds: [serverId] } },
    });
    await ban.engine.idle();
    expect((await firings(ban.id)).map((f) => f.serverId)).toEqual([serverId]);
  });

  it("picks up an edit at once through changed(), and one made elsewhere at the next fingerprint tick", async () => {
    const { engine, clock, emit } = await setUp({
      name: "First",
      match: { pattern: "first" },
      action: { kind: "kick", text: "x" },
    });
    const second = await createTrigger(
      { db: t.db, actor: admin, ip: null },
      {
        name: "Second",
        serverIds: [serverId],
        dryRun: true,
        cooldownSeconds: 0,
        event: "chat",
        match: { pattern: "second" },
        action: { kind: "kick", text: "x" },
      },
    );
    emit(chat("second one"));
    await engine.idle();
    expect(await firings(second.id)).toHaveLength(0); // not loaded yet: made "on another instance"
    clock.advance(5_000);
    await engine.idle();
    emit(chat("second two"));
    await engine.idle();
    expect(await firings(second.id)).toHaveLength(1);

    await t.db.automationTrigger.update({ where: { id: second.id }, data: { enabled: false } });
    engine.changed();
    await engine.idle();
    emit(chat("second three"));
    await engine.idle();
    expect(await firings(second.id)).toHaveLength(1);
  });

  it("sends a webhook as the owner through the dispatcher, with game text unable to mention anyone", async () => {
    const key = testKey();
    const clock = new FakeHubClock();
    const receiver = await startReceiver(() => clock.now());
    const dispatcher = new WebhookDispatcher({
      db: t.db,
      encryptionKey: key,
      logger: silentLogger,
      clock,
      allowLoopback: true,
      cacheMs: 0,
    });
    try {
      const hook = await seedWebhook(t.db, key, {
        kind: "discord",
        url: receiver.base + discordPath(),
        events: ["trigger"],
        ownerId: admin.id,
        serverIds: [serverId],
      });
      const limited = await seedUser(t.db, "ADMIN", [serverId]);
      const created = await createTrigger(
        { db: t.db, actor: admin, ip: null },
        {
          name: "Relay calls",
          serverIds: [serverId],
          event: "chat",
          cooldownSeconds: 0,
          match: { pattern: "admin" },
          action: { kind: "webhook", webhookId: hook },
        },
      );
      const { events, hub } = eventSource();
      const engine = new TriggerEngine({ db: t.db, logger: silentLogger, clock, hub, webhooks: dispatcher });
      engines.push(engine);
      await engine.start();
      const delivered = nextOutcome(dispatcher, (o) => o.outcome === "delivered");
      events.emit({ type: "game", serverId, event: chat("admin @everyone help <@&123>", "Caller") });
      await engine.idle();
      await delivered;
      expect((await firings(created.id)).map((f) => f.outcome)).toEqual(["done"]);
      const body = receiver.received[0]!.body as {
        allowed_mentions: unknown;
        embeds: { title: string; description: string; fields: { name: string; value: string }[] }[];
      };
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.embeds[0]!.title).toBe("Trigger: Relay calls");
      expect(body.embeds[0]!.description).toBe("Caller: admin @\u200beveryone help <@&\u200b123>");

      // An editor who may not manage that webhook cannot pick it.
      await expect(
        createTrigger(
          { db: t.db, actor: limited, ip: null },
          {
            name: "Not mine",
            serverIds: [serverId],
            event: "chat",
            match: { pattern: "x" },
            action: { kind: "webhook", webhookId: "missing" },
          },
        ),
      ).rejects.toMatchObject({
        code: "INVALID_INPUT",
        fieldErrors: { "action.webhookId": ["Unknown webhook"] },
      });
    } finally {
      dispatcher.stop();
      await receiver.close();
    }
  });

  let command: string | null = null;
  async function commandId(): Promise<string> {
    command ??= (
      await t.db.customCommand.create({
        data: {
          name: "Announce",
          description: "",
          arguments: "[]",
          templates: JSON.stringify({ cs2: "say hi" }),
        },
      })
    ).id;
    return command;
  }
});
