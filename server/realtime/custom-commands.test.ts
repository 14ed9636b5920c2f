/**
 * commands:run over socket.io with real clients, a real hub and a CS2 emulator, on SQLite and
 * PostgreSQL: a Moderator without console.execute runs "Change map" and the game receives exactly
 * the rendered command; bad and hostile arguments never reach it; roles outside the command's
 * list, Viewers and Moderators of another server are refused; the audit row comes first.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ServerSnapshot } from "../../lib/realtime/contract.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { createCustomCommand } from "../data/custom-commands.ts";
import { createActor } from "../testing/actors.ts";
import { refuseAuditWrites } from "../testing/audit-store.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, createUnreadableServer, startHub } from "../testing/hub.ts";
import {
  createRoleUsers,
  createTestUser,
  emitResult as emit,
  startRealtime,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 9);

describe.each(DATABASE_KINDS)(
  "custom commands over socket.io on $kind (real hub, CS2 emulator)",
  ({ create }) => {
    let t: TestDatabase;
    let hub: ConnectionHub;
    let r: RunningRealtime;
    let emulator: SourceEmulator;
    let serverId: string;
    let users: Record<"MODERATOR" | "VIEWER", TestUser>;
    let elsewhere: TestUser;
    const ids: Record<"changeMap" | "kick" | "adminsOnly" | "restart", string> = {
      changeMap: "",
      kick: "",
      adminsOnly: "",
      restart: "",
    };

    beforeAll(async () => {
      t = await create();
      emulator = await startEmulator("source", {
        game: "cs2",
        password: "pw",
        players: 4,
        activity: 0,
        seed: 5,
      });
      serverId = await createLoopbackServer(t.db, KEY, {
        name: "CS2",
        game: "cs2",
        protocol: "source",
        port: emulator.port,
      });
      const otherId = await createUnreadableServer(t.db, "Other");
      users = await createRoleUsers(t.db, ["MODERATOR", "VIEWER"]);
      elsewhere = await createTestUser(t.db, "elsewhere", "MODERATOR", [otherId]);
      const admin = { db: t.db, actor: await createActor(t.db, "ADMIN", null), ip: null };
      const map = {
        type: "choice",
        name: "map",
        label: "Map",
        values: ["de_dust2", "de_inferno", "de_nuke"],
      };
      ids.changeMap = (
        await createCustomCommand(admin, {
          name: "Change map",
          description: "",
          arguments: [map],
          templates: { cs2: "changelevel {map}" },
          roleIds: [],
          dangerous: false,
        })
      ).id;
      ids.kick = (
        await createCustomCommand(admin, {
          name: "Kick with reason",
          description: "",
          arguments: [
            { type: "player", name: "who", label: "Player" },
            { type: "text", name: "why", label: "Reason", maxLength: 60 },
          ],
          templates: { "family:source": "kickid {who} {why}" },
          roleIds: ["MODERATOR"],
          dangerous: false,
        })
      ).id;
      ids.adminsOnly = (
        await createCustomCommand(admin, {
          name: "Admins only",
          description: "",
          arguments: [map],
          templates: { cs2: "changelevel {map}" },
          roleIds: ["ADMIN"],
          dangerous: false,
        })
      ).id;
      ids.restart = (
        await createCustomCommand(admin, {
          name: "Restart round",
          description: "",
          arguments: [
            { type: "duration", name: "wait", label: "In", minSeconds: 1, maxSeconds: 60, unit: "seconds" },
          ],
          templates: { cs2: "mp_restartgame {wait}" },
          roleIds: [],
          dangerous: true,
        })
      ).id;
      hub = await startHub(t.db, { encryptionKey: KEY, history: { intervalMs: 20, maxLines: 50 } });
      r = await startRealtime({ db: t.db, hub });
      await vi.waitFor(() => expect(hub.players(serverId).filter((p) => !p.isBot)).toHaveLength(4), {
        timeout: 10_000,
      });
    });

    afterAll(async () => {
      await r?.close();
      await hub?.stop();
      await emulator?.close();
      await t?.drop();
    });

    const run = (
      socket: Awaited<ReturnType<RunningRealtime["clientAs"]>>,
      commandId: string,
      args: object,
      extra = {},
    ) => emit(socket, "commands:run", { serverId, commandId, args, ...extra });

    it("lists what the Moderator's role may run here", async () => {
      const moderator = await r.clientAs(users.MODERATOR);
      const listed = await emit<{ commands: { name: string }[] }>(moderator, "commands:list", { serverId });
      expect(listed.ok && listed.data.commands.map((c) => c.name)).toEqual([
        "Change map",
        "Kick with reason",
        "Restart round",
      ]);
      const viewer = await r.clientAs(users.VIEWER);
      expect(await emit(viewer, "commands:list", { serverId })).toMatchObject({
        ok: false,
        error: { code: "FORBIDDEN" },
      });
    });

    it("a Moderator without console.execute changes the map: exactly the rendered command, audited with its arguments", async () => {
      const moderator = await r.clientAs(users.MODERATOR);
      expect(
        await emit(moderator, "console:exec", { serverId, command: "changelevel de_nuke" }),
      ).toMatchObject({
        ok: false,
        error: { code: "FORBIDDEN" },
      });
      const result = await run(moderator, ids.changeMap, { map: "de_inferno" });
      expect(result).toMatchObject({
        ok: true,
        data: { command: { text: "changelevel de_inferno", kind: "command" } },
      });
      expect(emulator.world.map).toBe("de_inferno");
      const row = await t.db.auditEvent.findFirstOrThrow({
        where: { action: "command.custom", outcome: "success" },
      });
      expect(JSON.parse(row.input ?? "null")).toEqual({
        command: "Change map",
        args: { map: "de_inferno" },
        rendered: "changelevel de_inferno",
      });
    });

    it("a player and a quoted reason: the game kicks exactly that player", async () => {
      const moderator = await r.clientAs(users.MODERATOR);
      const snapshot = await emit<ServerSnapshot>(moderator, "server:subscribe", { serverId });
      if (!snapshot.ok) throw new Error("subscribe failed");
      const target = snapshot.data.players.find((p) => !p.isBot)!;
      const result = await run(moderator, ids.kick, { who: target.id, why: "team killing" });
      expect(result).toMatchObject({
        ok: true,
        data: { command: { text: `kickid ${target.id} "team killing"` } },
      });
      expect(emulator.world.findByUserid(target.id)).toBeUndefined();
      // The player left: the same run is now refused before anything is sent.
      await vi.waitFor(() => expect(hub.players(serverId).some((p) => p.id === target.id)).toBe(false), {
        timeout: 10_000,
      });
      expect(await run(moderator, ids.kick, { who: target.id, why: "again" })).toMatchObject({
        ok: false,
        error: {
          code: "INVALID_INPUT",
          fieldErrors: { who: ["That player is not on the server (any more)"] },
        },
      });
    });

    it("hostile arguments through every type never reach the game", async () => {
      const moderator = await r.clientAs(users.MODERATOR);
      const victim = hub.players(serverId).find((p) => !p.isBot)!;
      const mapBefore = emulator.world.map;
      const deniedRuns = async () =>
        (
          await t.db.auditEvent.aggregate({
            where: { action: "command.custom", outcome: "denied" },
            _sum: { repeats: true },
          })
        )._sum.repeats ?? 0;
      const deniedBefore = await deniedRuns();
      const attempts: [string, object][] = [
        [ids.changeMap, { map: "de_dust2; quit" }],
        [ids.changeMap, { map: "de_dust2\nquit" }],
        [ids.changeMap, { map: "de_dust2", extra: "x" }],
        [ids.changeMap, {}],
        [ids.kick, { who: `${victim.id}; quit`, why: "x" }],
        [ids.kick, { who: victim.id, why: 'x"; quit; "' }],
        [ids.kick, { who: victim.id, why: "x\u0000quit" }],
        [ids.kick, { who: victim.id, why: "x\nquit" }],
        [ids.kick, { who: victim.id, why: "y".repeat(61) }],
        [ids.kick, { who: "99999", why: "x" }],
        [ids.restart, { wait: "5s; quit" }, { confirmed: true }],
        [ids.restart, { wait: "2m" }, { confirmed: true }],
      ].map(([id, args, extra]) => [id as string, { args, ...(extra as object) }]);
      for (const [commandId, payload] of attempts)
        expect(await emit(moderator, "commands:run", { serverId, commandId, ...payload })).toMatchObject({
          ok: false,
          error: { code: "INVALID_INPUT" },
        });
      expect(emulator.world.map).toBe(mapBefore);
      expect(emulator.world.findByUserid(victim.id)).toBeDefined();
      // Identical refusals fold into one row with a count (audit.ts): every attempt is counted.
      expect((await deniedRuns()) - deniedBefore).toBe(attempts.length);
      // A payload of the wrong shape is refused before the database is read.
      expect(
        await emit(moderator, "commands:run", { serverId, commandId: ids.changeMap, args: { map: ["x"] } }),
      ).toMatchObject({
        ok: false,
        error: { code: "INVALID_INPUT", message: "Invalid request." },
      });
    });

    it("refuses a role outside the command's list, a Viewer and a Moderator of another server", async () => {
      const moderator = await r.clientAs(users.MODERATOR);
      const viewer = await r.clientAs(users.VIEWER);
      const other = await r.clientAs(elsewhere);
      const before = emulator.world.map;
      for (const [socket, commandId] of [
        [moderator, ids.adminsOnly],
        [viewer, ids.changeMap],
        [other, ids.changeMap],
      ] as const)
        expect(await run(socket, commandId, { map: "de_nuke" })).toMatchObject({
          ok: false,
          error: { code: "FORBIDDEN" },
        });
      expect(emulator.world.map).toBe(before);
    });

    it("a dangerous command needs its confirmation", async () => {
      const moderator = await r.clientAs(users.MODERATOR);
      expect(await run(moderator, ids.restart, { wait: "5s" })).toMatchObject({
        ok: false,
        error: { code: "CONFIRMATION_REQUIRED" },
      });
      expect(
        await t.db.auditEvent.count({
          where: { action: "command.custom", input: { contains: "mp_restartgame" } },
        }),
      ).toBe(0);
      expect(await run(moderator, ids.restart, { wait: "5s" }, { confirmed: true })).toMatchObject({
        ok: true,
        data: { command: { text: "mp_restartgame 5" } },
      });
    });

    it("with audit writes refused nothing is sent", async () => {
      const moderator = await r.clientAs(users.MODERATOR);
      const before = emulator.world.map;
      const target = before === "de_nuke" ? "de_dust2" : "de_nuke";
      await refuseAuditWrites(t, true);
      try {
        expect(await run(moderator, ids.changeMap, { map: target })).toMatchObject({
          ok: false,
          error: { code: "UNAVAILABLE" },
        });
      } finally {
        await refuseAuditWrites(t, false);
      }
      expect(emulator.world.map).toBe(before);
      expect(await run(moderator, ids.changeMap, { map: target })).toMatchObject({ ok: true });
      expect(emulator.world.map).toBe(target);
    });
  },
);
