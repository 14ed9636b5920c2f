/**
 * Nothing reaches a game server without its audit record: with the database refusing audit
 * writes (a real trigger, on SQLite and PostgreSQL), console commands, kicks and messages are
 * refused and the emulator receives none of them. Live audit viewers see each action once, with its
 * outcome; a flood of identical refusals is one row with a count.
 */
import { startEmulator } from "../rcon/emulators/registry.ts";
import { refuseAuditWrites } from "../testing/audit-store.ts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuditEventMessage, ServerSnapshot } from "../../lib/realtime/contract.ts";
import type { RunningBattlEyeEmulator } from "../rcon/emulators/battleye/emulator.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, startHub } from "../testing/hub.ts";
import {
  createRoleUsers,
  emitAck,
  startRealtime,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 5);

describe.each(DATABASE_KINDS)(
  "audit before action on $kind (real hub, BattlEye emulator, socket.io)",
  ({ create }) => {
    let t: TestDatabase;
    let emulator: RunningBattlEyeEmulator;
    let hub: ConnectionHub;
    let r: RunningRealtime;
    let serverId: string;
    let users: Record<"OWNER" | "VIEWER", TestUser>;

    beforeAll(async () => {
      t = await create();
      users = await createRoleUsers(t.db, ["OWNER", "VIEWER"]);
      emulator = await startEmulator("battleye", { password: "pw", players: 4, activity: 0, seed: 3 });
      serverId = await createLoopbackServer(t.db, KEY, {
        name: "Arma",
        game: "arma3",
        protocol: "battleye",
        port: emulator.port,
      });
      hub = await startHub(t.db, { encryptionKey: KEY, history: { intervalMs: 20, maxLines: 50 } });
      r = await startRealtime({ db: t.db, hub });
      await vi.waitFor(() => expect(hub.players(serverId)).toHaveLength(4), { timeout: 10_000 });
    });

    afterAll(async () => {
      await r.close();
      await hub.stop();
      await emulator.close();
      await t.drop();
    });

    it("with audit writes refused, no command, kick or message reaches the game server; afterwards each is audited once, live with its outcome", async () => {
      const owner = await r.clientAs(users.OWNER);
      const snapshot = await emitAck<ServerSnapshot>(owner, "server:subscribe", { serverId });
      if (snapshot === "disconnected" || !snapshot.ok) throw new Error("subscribe failed");
      const [first, second] = snapshot.data.players;
      if (!first || !second) throw new Error("no players");
      expect(await emitAck(owner, "audit:subscribe", {})).toMatchObject({ ok: true });
      const live: AuditEventMessage[] = [];
      owner.on("audit:event", (e) => live.push(e));

      await refuseAuditWrites(t, true);
      const refused = {
        ok: false,
        error: {
          code: "UNAVAILABLE",
          message: "The audit log cannot be written right now, so nothing was sent to the game server.",
        },
      };
      expect(await emitAck(owner, "console:exec", { serverId, command: "say -1 probe-exec" })).toEqual(
        refused,
      );
      expect(
        await emitAck(owner, "players:kick", { serverId, playerId: first.id, reason: "probe-kick" }),
      ).toEqual(refused);
      expect(
        await emitAck(owner, "players:message", { serverId, playerId: second.id, message: "probe-message" }),
      ).toEqual(refused);
      await refuseAuditWrites(t, false);

      // The same connection's next command does arrive (so the ones before it would have, in order).
      expect(await emitAck(owner, "console:exec", { serverId, command: "say -1 probe-after" })).toMatchObject(
        { ok: true },
      );
      const pushed = emulator.messageLog.map((m) => m.text);
      expect(pushed.some((text) => text.includes("probe-after"))).toBe(true);
      expect(pushed.filter((text) => /probe-(exec|kick|message)/.test(text))).toEqual([]);
      expect(emulator.players.has(Number(first.id))).toBe(true);

      // Stored once, completed; seen live once, with its outcome (never "pending").
      const rows = await t.db.auditEvent.findMany({
        where: { action: { in: ["console.command", "player.kick", "player.message"] } },
      });
      expect(rows.map((row) => [row.action, row.outcome])).toEqual([["console.command", "success"]]);
      await vi.waitFor(() => expect(live.filter((e) => e.action === "console.command")).toHaveLength(1));
      expect(live.filter((e) => e.action === "console.command").map((e) => [e.id, e.outcome])).toEqual([
        [rows[0]?.id, "success"],
      ]);

      // A failed action is completed as a failure.
      expect(await emitAck(owner, "players:kick", { serverId, playerId: "999", reason: "" })).toMatchObject({
        ok: false,
        error: { code: "NOT_FOUND" },
      });
      expect(await t.db.auditEvent.findFirst({ where: { action: "player.kick" } })).toMatchObject({
        outcome: "failure",
        targetId: "999",
      });
    });

    it("a Viewer's burst of refused commands is one denied row with a count", async () => {
      const viewer = await r.clientAs(users.VIEWER);
      // Five bursts of eight at once (eight is what one socket may have in flight).
      const results: Awaited<ReturnType<typeof emitAck>>[] = [];
      for (let burst = 0; burst < 5; burst++) {
        const bursts = Array.from({ length: 8 }, () =>
          emitAck(viewer, "console:exec", { serverId, command: "say -1 hi" }),
        );
        results.push(...(await Promise.all(bursts)));
      }
      expect(results.every((x) => x !== "disconnected" && !x.ok && x.error.code === "FORBIDDEN")).toBe(true);
      const rows = await t.db.auditEvent.findMany({
        where: { action: "socket.console:exec", outcome: "denied" },
      });
      expect(rows.map((row) => row.repeats)).toEqual([40]);
    });
  },
);
