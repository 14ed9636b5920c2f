/**
 * players:ban over socket.io with real clients, a real hub and a BattlEye emulator, on SQLite and
 * PostgreSQL: a Moderator's ban is stored, audited and the player is kicked by enforcement; a
 * Viewer, a Moderator of another server and a Moderator over the maximum are refused.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ServerSnapshot } from "../../lib/realtime/contract.ts";
import type { RunningBattlEyeEmulator } from "../rcon/emulators/battleye/emulator.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
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
import type { ConnectionHub } from "../hub/hub.ts";

const KEY = Buffer.alloc(32, 7);

describe.each(DATABASE_KINDS)("players:ban on $kind", ({ create }) => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let emulator: RunningBattlEyeEmulator;
  let serverId: string;
  let otherId: string;
  let users: Record<"MODERATOR" | "VIEWER", TestUser>;
  let elsewhere: TestUser;

  beforeAll(async () => {
    t = await create();
    emulator = await startEmulator("battleye", { password: "pw", players: 4, activity: 0, seed: 5 });
    serverId = await createLoopbackServer(t.db, KEY, {
      name: "Arma",
      game: "arma3",
      protocol: "battleye",
      port: emulator.port,
    });
    otherId = await createUnreadableServer(t.db, "Other");
    users = await createRoleUsers(t.db, ["MODERATOR", "VIEWER"]);
    elsewhere = await createTestUser(t.db, "elsewhere", "MODERATOR", [otherId]);
    hub = await startHub(t.db, {
      encryptionKey: KEY,
      history: { intervalMs: 20, maxLines: 50 },
      watchedPollMs: 200,
    });
    r = await startRealtime({ db: t.db, hub });
    // BattlEye GUIDs arrive after the connect: wait until every player shows one.
    await vi.waitFor(() => expect(hub.players(serverId).filter((p) => p.guid)).toHaveLength(4), {
      timeout: 10_000,
    });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
    await emulator.close();
    await t.drop();
  });

  it("a Moderator bans an online player: stored, audited, and the player is kicked", async () => {
    const moderator = await r.clientAs(users.MODERATOR);
    const snap = await emit<ServerSnapshot>(moderator, "server:subscribe", { serverId });
    if (!snap.ok) throw new Error(snap.error.message);
    const target = hub.players(serverId)[0]!;
    const result = await emit<{ banId: string }>(moderator, "players:ban", {
      serverId,
      playerId: target.id,
      reason: "Cheating",
      duration: "1d",
    });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    const ban = await t.db.ban.findUnique({
      where: { id: result.data.banId },
      include: { identifiers: true, servers: true },
    });
    expect(ban).toMatchObject({ reason: "Cheating", scope: "servers", authorId: users.MODERATOR.id });
    expect(ban?.servers.map((s) => s.serverId)).toEqual([serverId]);
    expect(ban?.identifiers.some((i) => i.kind === "battleye" && i.value === target.guid)).toBe(true);
    expect(
      await t.db.auditEvent.count({
        where: { action: "ban.create", outcome: "success", targetId: result.data.banId },
      }),
    ).toBe(1);
    await vi.waitFor(() => expect(hub.players(serverId).some((p) => p.guid === target.guid)).toBe(false), {
      timeout: 10_000,
    });
  });

  it("a Moderator over the maximum gets a duration field error; a permanent ban too", async () => {
    const moderator = await r.clientAs(users.MODERATOR);
    const target = hub.players(serverId)[0]!;
    for (const duration of ["30d", "permanent"])
      expect(
        await emit(moderator, "players:ban", { serverId, playerId: target.id, reason: "x", duration }),
      ).toMatchObject({
        ok: false,
        error: { code: "FORBIDDEN", fieldErrors: { duration: [expect.stringContaining("7 days")] } },
      });
  });

  it("a Viewer and a Moderator of another server are refused, audited, and nothing is stored", async () => {
    const before = await t.db.ban.count();
    const target = hub.players(serverId)[0]!;
    for (const user of [users.VIEWER, elsewhere]) {
      const socket = await r.clientAs(user);
      expect(
        await emit(socket, "players:ban", { serverId, playerId: target.id, reason: "x", duration: "1h" }),
      ).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      expect(
        await t.db.auditEvent.count({
          where: { actorId: user.id, action: "socket.players:ban", outcome: "denied" },
        }),
      ).toBe(1);
    }
    // A Moderator may not reach every server through the "all" scope when limited either.
    const limited = await r.clientAs(elsewhere);
    expect(
      await emit(limited, "players:ban", {
        serverId: otherId,
        playerId: "0",
        reason: "x",
        duration: "1h",
        target: { scope: "all" },
      }),
    ).toMatchObject({ ok: false });
    expect(await t.db.ban.count()).toBe(before);
    expect(hub.players(serverId).some((p) => p.id === target.id)).toBe(true);
  });
});
