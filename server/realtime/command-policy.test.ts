/**
 * Console policies over socket.io (real hub, CS2 emulator, SQLite and PostgreSQL): a custom role's
 * deny rule refuses with the rule named and is audited; a dangerous command without confirmation
 * never reaches the game server, and with it does; the per-server role decides; a limited user is
 * refused on other servers. The REST API calls the same authorizeConsoleCommand.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Permission } from "../../lib/permissions.ts";
import { addCommandRuleSchema } from "../../lib/schemas/command-rules.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { addCommandRule } from "../data/command-rules.ts";
import { createActor } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, startHub } from "../testing/hub.ts";
import { emitAck, startRealtime, type RunningRealtime } from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 9);
const CONSOLE: Permission[] = ["server.view", "console.read", "console.execute"];

describe.each(DATABASE_KINDS)("console policies over socket.io ($kind)", ({ create }) => {
  let t: TestDatabase;
  let emulator: SourceEmulator;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let serverA: string;
  let serverB: string;
  const ids: Record<"owner" | "helper" | "member" | "limited", string> = {
    owner: "",
    helper: "",
    member: "",
    limited: "",
  };
  const roleNames: Record<string, string> = {};

  const role = async (
    name: string,
    rules: { effect: "allow" | "deny"; command: string; args?: string }[],
  ) => {
    const row = await t.db.role.create({
      data: { name: `${name} ${randomUUID().slice(0, 6)}`, permissions: JSON.stringify(CONSOLE) },
    });
    const owner = { ...(await createActor(t.db, "OWNER", null)) };
    for (const rule of rules)
      await addCommandRule(
        { db: t.db, actor: owner, ip: null },
        addCommandRuleSchema.parse({ roleId: row.id, ...rule }),
      );
    roleNames[name] = row.name;
    return row.id;
  };
  const user = async (mainRole: string, servers: { id: string; roleId?: string }[] | null) => {
    const row = await t.db.user.create({
      data: {
        email: `${randomUUID()}@example.com`,
        name: "u",
        passwordHash: "x",
        role: mainRole,
        allServers: servers === null,
      },
    });
    for (const s of servers ?? [])
      await t.db.serverAccess.create({ data: { userId: row.id, serverId: s.id, roleId: s.roleId ?? null } });
    return row.id;
  };
  const exec = async (who: keyof typeof ids, serverId: string, command: string, confirmed?: boolean) =>
    emitAck(await r.clientAs({ id: ids[who] }), "console:exec", {
      serverId,
      command,
      ...(confirmed === undefined ? {} : { confirmed }),
    });
  const chat = () => emulator.world.chat.join("\n");

  beforeAll(async () => {
    t = await create();
    emulator = await startEmulator("source", {
      game: "cs2",
      password: "pw",
      players: 2,
      activity: 0,
      seed: 5,
    });
    // Two stored servers on the same game server: the policy differs by stored server, not by game.
    serverA = await createLoopbackServer(t.db, KEY, {
      name: "A",
      game: "cs2",
      protocol: "source",
      port: emulator.port,
    });
    serverB = await createLoopbackServer(t.db, KEY, {
      name: "B",
      game: "cs2",
      protocol: "source",
      port: emulator.port,
    });
    ids.owner = await user("OWNER", null);
    ids.helper = await user(
      await role("Map helper", [
        { effect: "allow", command: "say" },
        { effect: "deny", command: "say", args: "forbidden*" },
      ]),
      null,
    );
    const strict = await role("Strict", [{ effect: "deny", command: "say" }]);
    const loose = await role("Loose", []);
    ids.member = await user(loose, [{ id: serverA }, { id: serverB, roleId: strict }]);
    ids.limited = await user(loose, [{ id: serverA }]);
    hub = await startHub(t.db, { encryptionKey: KEY, history: { intervalMs: 20, maxLines: 50 } });
    r = await startRealtime({ db: t.db, hub });
    await vi.waitFor(
      () => expect([hub.statusOf(serverA).state, hub.statusOf(serverB).state]).toEqual(["online", "online"]),
      {
        timeout: 20_000,
        interval: 100,
      },
    );
  }, 60_000);

  afterAll(async () => {
    await r.close();
    await hub.stop();
    await emulator.close();
    await t.drop();
  });

  it("a custom role's deny rule refuses with the rule named, audited; nothing reaches the game; allowed commands do", async () => {
    expect(await exec("helper", serverA, "say hello-from-helper")).toMatchObject({ ok: true });
    expect(chat()).toContain("hello-from-helper");
    const message = `Refused by rule 2 of role "${roleNames["Map helper"]}": deny "say forbidden*"`;
    expect(await exec("helper", serverA, "say forbidden-words")).toEqual({
      ok: false,
      error: { code: "FORBIDDEN", message },
    });
    // Chained behind an allowed part: still refused.
    expect(await exec("helper", serverA, "say fine; say forbidden-chained")).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", message: `${message} (in "say forbidden-chained")` },
    });
    expect(chat()).not.toContain("forbidden");
    const denied = await t.db.auditEvent.findMany({ where: { actorId: ids.helper, outcome: "denied" } });
    expect(denied.map((e) => [e.action, e.serverId, e.detail])).toEqual(
      expect.arrayContaining([["console.command", serverA, message]]) as unknown[],
    );
  });

  it("a dangerous command without confirmation is refused and never sent; confirmed it is sent and audited as confirmed", async () => {
    // The emulator does not split at ';': had it been sent, the chat would show the whole line.
    expect(await exec("owner", serverA, "say probe-danger; quit")).toEqual({
      ok: false,
      error: {
        code: "CONFIRMATION_REQUIRED",
        message: "This command is dangerous: quit: stops the game server process.",
      },
    });
    expect(await exec("owner", serverA, "say probe-danger; quit", false)).toMatchObject({
      error: { code: "CONFIRMATION_REQUIRED" },
    });
    expect(chat()).not.toContain("probe-danger");
    expect(await t.db.auditEvent.count({ where: { actorId: ids.owner, action: "console.command" } })).toBe(0);

    expect(await exec("owner", serverA, "say probe-danger; quit", true)).toMatchObject({ ok: true });
    expect(chat()).toContain("probe-danger");
    const row = await t.db.auditEvent.findFirstOrThrow({
      where: { actorId: ids.owner, action: "console.command" },
    });
    expect(row.outcome).toBe("success");
    expect(JSON.parse(row.input ?? "{}")).toEqual({ command: "say probe-danger; quit", confirmed: true });
  });

  it("the per-server role decides, and a limited user is refused on servers outside its limit", async () => {
    expect(await exec("member", serverA, "say member-on-a")).toMatchObject({ ok: true });
    expect(await exec("member", serverB, "say member-on-b")).toEqual({
      ok: false,
      error: { code: "FORBIDDEN", message: `Refused by rule 1 of role "${roleNames.Strict}": deny "say"` },
    });
    expect(await exec("limited", serverA, "say limited-on-a")).toMatchObject({ ok: true });
    expect(await exec("limited", serverB, "say limited-on-b")).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(chat()).toContain("member-on-a");
    expect(chat()).toContain("limited-on-a");
    expect(chat()).not.toMatch(/member-on-b|limited-on-b/);
  });

  it("refuses a confirmed flag that is not a boolean before anything runs", async () => {
    expect(await exec("owner", serverA, "say x", "yes" as unknown as boolean)).toMatchObject({
      ok: false,
      error: { code: "INVALID_INPUT" },
    });
  });
});
