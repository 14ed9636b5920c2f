/**
 * players:warn over socket.io with real clients, a real hub and a BattlEye emulator, on SQLite and
 * PostgreSQL: the player gets the warning in game (a whisper here), it is recorded on the player's
 * record and audited; with audit writes refused nothing reaches the game; a Viewer and a Moderator
 * of another server are refused. Kicks and online bans link to the record too. On CS2 (no private
 * messages) the warning is said to everyone, naming the player.
 */
import { startEmulator } from "../rcon/emulators/registry.ts";
import { refuseAuditWrites } from "../testing/audit-store.ts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PlayerView, ServerSnapshot } from "../../lib/realtime/contract.ts";
import type { RunningBattlEyeEmulator } from "../rcon/emulators/battleye/emulator.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { encryptSecret } from "../security/crypto.ts";
import type { ConnectionHub } from "../hub/hub.ts";
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

const KEY = Buffer.alloc(32, 4);

/** Makes the database itself refuse new audit rows (as in audit-first.test.ts). */
/** The record the hub's linking gave a player's open stay (waits for the link, as a browser would). */
async function linkedRecordOf(t: TestDatabase, serverId: string, gameId: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const row = await t.db.playerSession.findFirst({
        where: { serverId, gameId, leftAt: null },
        select: { playerId: true },
      });
      if (!row?.playerId) throw new Error("stay not linked yet");
      return row.playerId;
    },
    { timeout: 10_000 },
  );
}

describe.each(DATABASE_KINDS)("players:warn on $kind (real hub, BattlEye emulator)", ({ create }) => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let emulator: RunningBattlEyeEmulator;
  let serverId: string;
  let users: Record<"MODERATOR" | "VIEWER", TestUser>;
  let elsewhere: TestUser;

  /** The record the hub's linking gave the player's open stay (waits for the link). */
  async function linkedRecord(player: PlayerView): Promise<string> {
    return linkedRecordOf(t, serverId, player.id);
  }

  beforeAll(async () => {
    t = await create();
    emulator = await startEmulator("battleye", { password: "pw", players: 5, activity: 0, seed: 8 });
    serverId = await createLoopbackServer(t.db, KEY, {
      name: "Arma",
      game: "arma3",
      protocol: "battleye",
      port: emulator.port,
    });
    const otherId = await createUnreadableServer(t.db, "Other");
    users = await createRoleUsers(t.db, ["MODERATOR", "VIEWER"]);
    elsewhere = await createTestUser(t.db, "elsewhere", "MODERATOR", [otherId]);
    hub = await startHub(t.db, {
      encryptionKey: KEY,
      history: { intervalMs: 20, maxLines: 50 },
      watchedPollMs: 200,
    });
    r = await startRealtime({ db: t.db, hub });
    await vi.waitFor(() => expect(hub.players(serverId).filter((p) => p.guid)).toHaveLength(5), {
      timeout: 10_000,
    });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
    await emulator.close();
    await t.drop();
  });

  it("a Moderator warns an online player: whispered in game, recorded on the record, audited", async () => {
    const moderator = await r.clientAs(users.MODERATOR);
    const target = hub.players(serverId)[0]!;
    const record = await linkedRecord(target);
    const result = await emit<{ message: string }>(moderator, "players:warn", {
      serverId,
      playerId: target.id,
      reason: "Stop teamkilling",
    });
    expect(result).toEqual({ ok: true, data: { message: `${target.plainName} was warned.` } });
    expect(emulator.messageLog.map((m) => m.text)).toContain(
      `RCon admin #0: (To ${target.name}) Warning: Stop teamkilling`,
    );
    expect(await t.db.playerSanction.findMany({ where: { playerId: record } })).toEqual([
      expect.objectContaining({
        kind: "warning",
        reason: "Stop teamkilling",
        delivery: "whisper",
        serverId,
        authorId: users.MODERATOR.id,
        originPlayerId: record,
      }),
    ]);
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "player.warn", actorId: users.MODERATOR.id },
    });
    expect(audit).toMatchObject({ outcome: "success", serverId, targetId: target.id, detail: "whispered" });
    expect(JSON.parse(audit.input ?? "{}")).toMatchObject({ record, reason: "Stop teamkilling" });
  });

  it("with audit writes refused the warning never reaches the game and nothing is recorded", async () => {
    const moderator = await r.clientAs(users.MODERATOR);
    const target = hub.players(serverId)[1]!;
    const record = await linkedRecord(target);
    await refuseAuditWrites(t, true);
    try {
      expect(
        await emit(moderator, "players:warn", { serverId, playerId: target.id, reason: "probe-warn" }),
      ).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    } finally {
      await refuseAuditWrites(t, false);
    }
    // The next action of the same connection does arrive, so the refused one would have before it.
    expect(
      await emit(moderator, "players:warn", { serverId, playerId: target.id, reason: "probe-after" }),
    ).toMatchObject({ ok: true });
    const pushed = emulator.messageLog.map((m) => m.text);
    expect(pushed.some((text) => text.includes("probe-after"))).toBe(true);
    expect(pushed.some((text) => text.includes("probe-warn"))).toBe(false);
    expect(
      (await t.db.playerSanction.findMany({ where: { playerId: record } })).map((s) => s.reason),
    ).toEqual(["probe-after"]);
  });

  it("a Viewer and a Moderator of another server are refused and audited; a bad reason is invalid; nothing is sent", async () => {
    const target = hub.players(serverId)[2]!;
    const sent = emulator.messageLog.length;
    for (const user of [users.VIEWER, elsewhere]) {
      const socket = await r.clientAs(user);
      expect(
        await emit(socket, "players:warn", { serverId, playerId: target.id, reason: "x" }),
      ).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      expect(
        await t.db.auditEvent.count({
          where: { actorId: user.id, action: "socket.players:warn", outcome: "denied" },
        }),
      ).toBe(1);
    }
    const moderator = await r.clientAs(users.MODERATOR);
    for (const reason of ["", "two\nlines", "x".repeat(201)])
      expect(await emit(moderator, "players:warn", { serverId, playerId: target.id, reason })).toMatchObject({
        ok: false,
        error: { code: "INVALID_INPUT" },
      });
    expect(emulator.messageLog.length).toBe(sent);
    expect(await t.db.playerSanction.count({ where: { serverId, reason: "x" } })).toBe(0);
  });

  it("a kick is recorded on the record as a kick; an online ban is linked by Ban.playerId", async () => {
    const moderator = await r.clientAs(users.MODERATOR);
    const snap = await emit<ServerSnapshot>(moderator, "server:subscribe", { serverId });
    if (!snap.ok) throw new Error(snap.error.message);
    const [kicked, banned] = [hub.players(serverId)[3]!, hub.players(serverId)[4]!];
    const [kickRecord, banRecord] = [await linkedRecord(kicked), await linkedRecord(banned)];
    expect(
      await emit(moderator, "players:kick", { serverId, playerId: kicked.id, reason: "afk" }),
    ).toMatchObject({ ok: true });
    expect(
      await t.db.playerSanction.findMany({
        where: { playerId: kickRecord },
        select: { kind: true, reason: true, delivery: true },
      }),
    ).toEqual([{ kind: "kick", reason: "afk", delivery: null }]);
    const ban = await emit<{ banId: string }>(moderator, "players:ban", {
      serverId,
      playerId: banned.id,
      reason: "cheating",
      duration: "1d",
    });
    if (!ban.ok) throw new Error(ban.error.message);
    expect((await t.db.ban.findUniqueOrThrow({ where: { id: ban.data.banId } })).playerId).toBe(banRecord);
  });
});

describe.each(DATABASE_KINDS)(
  "players:warn on a game without private messages (CS2) on $kind",
  ({ create }) => {
    let t: TestDatabase;
    let hub: ConnectionHub;
    let r: RunningRealtime;
    let emulator: SourceEmulator;
    let serverId: string;
    let moderator: TestUser;

    beforeAll(async () => {
      t = await create();
      emulator = await startEmulator("source", {
        password: "pw",
        port: 0,
        game: "cs2",
        players: 2,
        activity: 0,
        seed: 3,
      });
      serverId = (
        await t.db.server.create({
          data: {
            name: "CS2",
            game: "cs2",
            protocol: "source",
            host: "127.0.0.1",
            port: emulator.port,
            passwordEncrypted: encryptSecret("pw", KEY),
            pollIntervalSeconds: 1,
          },
        })
      ).id;
      ({ MODERATOR: moderator } = await createRoleUsers(t.db, ["MODERATOR"]));
      hub = await startHub(t.db, { encryptionKey: KEY, history: { intervalMs: 20 }, watchedPollMs: 100 });
      r = await startRealtime({ db: t.db, hub });
      await vi.waitFor(() => expect(hub.players(serverId).length).toBeGreaterThan(0), { timeout: 10_000 });
    });

    afterAll(async () => {
      await r.close();
      await hub.stop();
      await emulator.close();
      await t.drop();
    });

    it("the warning is said to everyone naming the player, and recorded as said", async () => {
      const target = hub.players(serverId).find((p) => emulator.world.humans.some((h) => h.name === p.name))!;
      const record = { id: await linkedRecordOf(t, serverId, target.id) };
      const socket = await r.clientAs(moderator);
      const result = await emit<{ message: string }>(socket, "players:warn", {
        serverId,
        playerId: target.id,
        reason: "Camping",
      });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.data.message).toContain("said to everyone");
      expect(emulator.world.chat.at(-1)).toBe(`Console: ${target.plainName}: Warning: Camping`);
      expect(
        await t.db.playerSanction.findMany({
          where: { playerId: record.id },
          select: { kind: true, delivery: true },
        }),
      ).toEqual([{ kind: "warning", delivery: "say" }]);
    });
  },
);
