/**
 * Triggers on a real hub and a BattlEye emulator on loopback (it pushes chat): a chat line kicks
 * its speaker as the trigger's owner; dry run takes no action; cooldowns and the per-player limit
 * hold on the engine's controlled clock; a trigger never does more than its owner may now.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import { createTrigger } from "../../data/automation/triggers.ts";
import { ConnectionHub, type HubEvent } from "../../hub/hub.ts";
import { FakeHubClock } from "../../hub/testing/fake-hub-clock.ts";
import {
  startBattlEyeEmulator,
  type RunningBattlEyeEmulator,
} from "../../rcon/emulators/battleye/emulator.ts";
import { encryptSecret } from "../../security/crypto.ts";
import { actorFor } from "../../testing/actors.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../../testing/databases.ts";
import { silentLogger } from "../../testing/realtime.ts";
import { TriggerEngine } from "./engine.ts";

const KEY = Buffer.alloc(32, 7);
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 2_000,
};

describe("automation triggers on a BattlEye emulator", () => {
  let t: TestDatabase;
  let e: RunningBattlEyeEmulator;
  let hub: ConnectionHub;
  let serverId: string;
  let admin: Actor;
  const lines: string[] = [];
  const engines: TriggerEngine[] = [];
  let chats = 0;

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    e = await startBattlEyeEmulator({ password: "pw", players: 3, activity: 0, seed: 5 });
    serverId = (
      await t.db.server.create({
        data: {
          name: "Arma",
          game: "arma3",
          protocol: "battleye",
          host: "127.0.0.1",
          port: e.port,
          passwordEncrypted: encryptSecret("pw", KEY),
          pollIntervalSeconds: 1,
        },
      })
    ).id;
    const user = await t.db.user.create({
      data: { email: "ada@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
    });
    admin = await actorFor(t.db, user.id);
    hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silentLogger,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
    });
    hub.on((ev: HubEvent) => ev.type === "line" && ev.line.serverId === serverId && lines.push(ev.line.text));
    await hub.start();
    await vi.waitFor(() => expect(hub.players(serverId).length).toBe(3), { timeout: 10_000 });
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop();
    await t.db.automationTrigger.deleteMany();
  });
  afterAll(async () => {
    await hub.stop();
    await e.close();
    await t.drop();
  });

  async function engineWith(
    trigger: Record<string, unknown>,
    owner: Actor = admin,
  ): Promise<{ engine: TriggerEngine; clock: FakeHubClock; id: string }> {
    const created = await createTrigger(
      { db: t.db, actor: owner, ip: null },
      { serverIds: [serverId], event: "chat", cooldownSeconds: 0, ...trigger },
    );
    const clock = new FakeHubClock(Date.UTC(2026, 5, 1, 12));
    const engine = new TriggerEngine({ db: t.db, logger: silentLogger, clock, hub });
    engines.push(engine);
    await engine.start();
    return { engine, clock, id: created.id };
  }

  /** The emulator's first verified player says `text` (distinct each time: the hub announces a repeat once). */
  async function say(engine: TriggerEngine, text: string): Promise<void> {
    const marker = `${text} #${++chats}`;
    expect(e.playerChat(marker)).toBe(true);
    await vi.waitFor(() => expect(lines.some((l) => l.includes(marker))).toBe(true), { timeout: 5_000 });
    await engine.idle();
  }

  const speaker = () => [...e.players.values()].find((p) => p.verified && !p.lobby)!;
  const firings = (triggerId: string) =>
    t.db.automationFiring.findMany({ where: { triggerId }, orderBy: { createdAt: "asc" } });

  it("dry run records what it would have done and takes no action", async () => {
    const { engine, id } = await engineWith({
      name: "Dry griefing",
      dryRun: true,
      match: { patternKind: "glob", pattern: "*grief*" },
      action: { kind: "kick", text: "No griefing, {player}" },
    });
    const who = speaker();
    await say(engine, "stop griefing");
    await say(engine, "hello there"); // no match
    const rows = await firings(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "would", dryRun: true, serverId });
    expect(rows[0]!.detail).toContain(`would kick ${who.name} (No griefing, ${who.name})`);
    expect(e.players.has(who.id)).toBe(true);
    expect(await t.db.auditEvent.count({ where: { action: "player.kick" } })).toBe(0);
  });

  it("holds a cooldown per server, then fires again once the engine's clock passes it", async () => {
    const { engine, clock, id } = await engineWith({
      name: "Greeter",
      match: { patternKind: "text", pattern: "hello" },
      action: { kind: "message", text: "Welcome {player}" },
      cooldownSeconds: 60,
    });
    await say(engine, "hello all");
    await say(engine, "HELLO again");
    expect((await firings(id)).map((f) => f.outcome)).toEqual(["done"]);
    clock.advance(59_000);
    await say(engine, "hello?");
    expect(await firings(id)).toHaveLength(1);
    clock.advance(2_000);
    await say(engine, "hello!!");
    expect((await firings(id)).map((f) => f.outcome)).toEqual(["done", "done"]);
    // Done as the owner, stamped with the trigger's name, and shown in the console.
    const audit = await t.db.auditEvent.findMany({
      where: { action: "player.message", automation: "Greeter" },
    });
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actorId: admin.id, outcome: "success" });
    expect(lines.some((l) => l.startsWith(`automation: Greeter (Ada) to ${speaker().name}: Welcome`))).toBe(
      true,
    );
  });

  it("fires at most the per-player limit within its window", async () => {
    const { engine, clock, id } = await engineWith({
      name: "Caps",
      dryRun: true,
      // say() appends " #n" to every line.
      match: { patternKind: "regex", pattern: "^[A-Z ]{5,} #\\d+$" },
      action: { kind: "warn", text: "No shouting" },
      perPlayerLimit: 2,
      perPlayerWindowSeconds: 600,
    });
    for (const text of ["STOP IT", "NO WAY", "WHY NOT", "quiet now"]) await say(engine, text);
    const rows = await firings(id);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.playerKey))).toEqual(new Set([String(speaker().id)]));
    clock.advance(601_000);
    await say(engine, "LOUDER NOW");
    expect(await firings(id)).toHaveLength(3);
  });

  it("kicks the speaker of a matching chat line, as the owner, on the emulator", async () => {
    const { engine, id } = await engineWith({
      name: "Anti-grief",
      match: { patternKind: "glob", pattern: "*grief*" },
      action: { kind: "kick", text: "No griefing" },
    });
    const who = speaker();
    await say(engine, "I am griefing");
    await vi.waitFor(() => expect(e.players.has(who.id)).toBe(false), { timeout: 5_000 });
    const rows = await firings(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "done", dryRun: false, playerKey: String(who.id) });
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "player.kick" } });
    expect(audit).toMatchObject({ actorId: admin.id, automation: "Anti-grief", outcome: "success" });
    expect(lines).toContain(`automation: Anti-grief (Ada) kicked ${who.name} (No griefing)`);
  });

  it("runs a custom command as the owner, with the event's player as its argument", async () => {
    const command = await t.db.customCommand.create({
      data: {
        name: "Say to",
        arguments: JSON.stringify([{ type: "player", name: "who", label: "Player" }]),
        templates: JSON.stringify({ "family:battleye": "say {who} Welcome back" }),
      },
    });
    const { engine, id } = await engineWith({
      name: "Welcome back",
      match: { pattern: "i am back" },
      action: { kind: "command", commandId: command.id, args: { who: "{player}" } },
    });
    const who = speaker();
    await say(engine, "i am back");
    const rows = await firings(id);
    expect(rows[0]).toMatchObject({ outcome: "done" });
    expect(rows[0]!.detail).toContain(`ran "say ${who.id} Welcome back"`);
    expect(
      await t.db.auditEvent.findFirst({ where: { action: "command.custom", automation: "Welcome back" } }),
    ).toMatchObject({ actorId: admin.id, outcome: "success" });
  });

  it("never does more than its owner may now: a lost permission is refused and audited", async () => {
    // A custom role that may automate but not kick.
    const role = await t.db.role.create({
      data: {
        name: "Automator",
        permissions: JSON.stringify(["server.view", "console.read", "automation.manage"]),
      },
    });
    const user = await t.db.user.create({
      data: { email: "bo@example.com", name: "Bo", passwordHash: "x", role: role.id, allServers: true },
    });
    const bo = await actorFor(t.db, user.id);
    const { engine, id } = await engineWith(
      { name: "Overreach", match: { pattern: "kick me" }, action: { kind: "kick", text: "asked for it" } },
      bo,
    );
    const who = speaker();
    await say(engine, "kick me please");
    expect(e.players.has(who.id)).toBe(true);
    expect((await firings(id))[0]).toMatchObject({ outcome: "refused" });
    expect(
      await t.db.auditEvent.findFirst({
        where: { action: "player.kick", outcome: "denied", automation: "Overreach" },
      }),
    ).toMatchObject({ actorId: bo.id });

    // The owner loses automation rights: the next firing is refused before any action.
    await t.db.user.update({ where: { id: user.id }, data: { role: "VIEWER" } });
    await say(engine, "kick me now");
    const rows = await firings(id);
    expect(rows[1]).toMatchObject({ outcome: "refused" });
    expect(rows[1]!.detail).toContain("no longer holds automation.manage");
  });
});
