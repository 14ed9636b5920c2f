/**
 * Quiet native sync passes, on SQLite and PostgreSQL, against the Minecraft emulator on loopback:
 * once a server's full pass is done, a pass whose game list has not changed and with no ban change
 * signalled lists the game once and reads only retries and lifts (nothing at all where no sync row
 * is in play); a signal (soon), a full check falling due, or a change in the game's own list brings
 * the full pass back, and so does a signal that arrived while the last full pass ran.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { banSyncRows } from "../data/ban-sync.ts";
import { createBan, revokeBan } from "../data/bans.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { loadFamily } from "../rcon/registry.ts";
import { whenOnline } from "../rcon/testing/when-online.ts";
import type { Db } from "../db/client.ts";
import type { RconConnection, RunCommand } from "../rcon/types.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { NativeBanSync } from "./ban-sync.ts";

const KEY = Buffer.alloc(32, 5);
const PASSWORD = "quiet-pw";
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const MINUTE = 60_000;
const FULL_EVERY_MS = 10 * MINUTE;

describe.each(DATABASE_KINDS)("quiet native sync passes on $kind", ({ create }) => {
  let t: TestDatabase;
  let admin: Actor;
  let mc: SourceEmulator;
  let connection: RconConnection;
  let serverId: string;
  let clock = Date.now();
  const commands: string[] = [];
  let run: RunCommand;
  let names = 0;

  /** A server row for the Minecraft emulator. */
  const createServer = async (name: string) =>
    (
      await t.db.server.create({
        data: {
          name,
          game: "minecraft",
          protocol: "source",
          host: mc.host,
          port: mc.port,
          passwordEncrypted: encryptSecret(PASSWORD, KEY),
        },
      })
    ).id;

  beforeAll(async () => {
    t = await create();
    const row = await t.db.user.create({
      data: { email: "admin@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
    });
    admin = { id: row.id, email: row.email, name: row.name, role: "ADMIN", serverIds: null };
    mc = await startEmulator("source", {
      password: PASSWORD,
      port: 0,
      game: "minecraft",
      players: 0,
      activity: 0,
    });
    const family = await loadFamily("source");
    connection = family.createConnection({
      host: mc.host,
      port: mc.port,
      password: PASSWORD,
      dialect: "minecraft",
      reconnect: false,
    });
    connection.start();
    await whenOnline(connection);
    run = (command, options) => {
      commands.push(command.split(" ")[0] ?? "");
      return connection.command(command, options);
    };
    serverId = await createServer("MC quiet");
  }, 30_000);
  afterAll(async () => {
    await connection?.stop();
    await mc?.close();
    await t.drop();
  });

  const ctx = () => ({ db: t.db, actor: admin, ip: null });
  const ban = (duration = "permanent", on = serverId) =>
    createBan(
      ctx(),
      {
        identifiers: [{ kind: "mc_name", value: `Quiet_${++names}` }],
        reason: "griefing",
        duration,
        target: { scope: "servers", serverIds: [on] },
      },
      new Date(clock),
    );
  const stateOf = async (banId: string) =>
    (await banSyncRows(t.db, serverId)).find((r) => r.banId === banId)?.state;
  const newSync = () =>
    new NativeBanSync({ db: t.db, logger: silent, now: () => clock, fullEveryMs: FULL_EVERY_MS });
  /** One pass, with the commands it sent to the game. */
  const pass = async (sync: NativeBanSync) => {
    commands.length = 0;
    clock += MINUTE;
    const summary = await sync.syncOnce(serverId, connection.dialect, run);
    return { summary, sent: [...commands] };
  };

  it("lists the game once when nothing changed; a new ban waits for its signal or the next full pass", async () => {
    const sync = newSync();
    const first = await ban();
    expect((await pass(sync)).summary).toMatchObject({ applied: 1 });
    expect(await stateOf(first.id)).toBe("applied");

    // Quiet: one listing, nothing written, nothing found.
    const quiet = await pass(sync);
    expect(quiet.sent).toEqual(["banlist"]);
    expect(quiet.summary).toEqual({
      applied: 0,
      joinOnly: 0,
      failed: 0,
      removed: 0,
      missing: 0,
      nativeOnly: 0,
    });

    // A ban created with no signal is not looked for by a quiet pass...
    const unsignalled = await ban();
    await pass(sync);
    expect(await stateOf(unsignalled.id)).toBeUndefined();
    // ...the signal every ban action sends (the hub's recheckBans) makes the next pass full.
    sync.soon([serverId]);
    expect((await pass(sync)).summary).toMatchObject({ applied: 1 });
    expect(await stateOf(unsignalled.id)).toBe("applied");

    // With no signal at all (a lost cluster message, a hand edit), the full pass still comes.
    const lost = await ban();
    await pass(sync);
    expect(await stateOf(lost.id)).toBeUndefined();
    clock += FULL_EVERY_MS;
    expect((await pass(sync)).summary).toMatchObject({ applied: 1 });
    expect(await stateOf(lost.id)).toBe("applied");
  }, 30_000);

  it("still lifts a revoked ban and an expired one, with no signal", async () => {
    const sync = newSync();
    const revoked = await ban();
    const timed = await ban("2h");
    expect((await pass(sync)).summary).toMatchObject({ applied: 2 });
    expect((await pass(sync)).sent).toEqual(["banlist"]);

    await revokeBan(ctx(), { id: revoked.id, reason: "appeal accepted" });
    expect((await pass(sync)).summary).toMatchObject({ removed: 1, failed: 0 });
    expect(await stateOf(revoked.id)).toBe("removed");

    clock += 2 * 60 * MINUTE; // past the timed ban's expiry (Minecraft holds it permanent)
    expect((await pass(sync)).summary).toMatchObject({ removed: 1, failed: 0 });
    expect(await stateOf(timed.id)).toBe("removed");
    expect(mc.world.bans.some((b) => b.value.toLowerCase() === `quiet_${names}`)).toBe(false);
  }, 30_000);

  it("a change in the game's own list brings the full pass back: hand bans recorded, a removed ban written again", async () => {
    const sync = newSync();
    const held = await ban();
    await pass(sync);
    expect((await pass(sync)).sent).toEqual(["banlist"]);

    mc.world.addBan({
      kind: "name",
      value: "hand_banned",
      expiresAt: null,
      reason: "by hand.", // ends in a '.': Minecraft runs banlist entries together (minecraft.ts)
      source: "Rcon",
      label: "Hand_Banned",
    });
    expect((await pass(sync)).summary).toMatchObject({ nativeOnly: 1 });

    mc.world.removeBan("name", `quiet_${names}`);
    expect((await pass(sync)).summary).toMatchObject({ missing: 1 });
    expect((await pass(sync)).summary).toMatchObject({ applied: 1 });
    expect(await stateOf(held.id)).toBe("applied");
    const quiet = await pass(sync);
    expect(quiet.sent).toEqual(["banlist"]);
    expect(quiet.summary.nativeOnly).toBe(1); // the last full pass's count, kept
  }, 30_000);

  it("retries a failed ban in a quiet pass once the retry delay has passed", async () => {
    // The retry delay is judged against the sync rows' updatedAt, which the database stamps with
    // the wall clock: back to it (a timed ban of an earlier case is live again and re-applied).
    clock = Date.now();
    const sync = newSync();
    await pass(sync); // full: whatever the earlier cases left
    mc.world.ignoreBans = true; // answers "ok", stores nothing
    const broken = await ban();
    sync.soon([serverId]);
    expect((await pass(sync)).summary).toMatchObject({ failed: 1 });
    mc.world.ignoreBans = false;
    expect(await stateOf(broken.id)).toBe("failed");
    await pass(sync); // quiet, and too early for a retry
    expect(await stateOf(broken.id)).toBe("failed");
    clock += 5 * MINUTE;
    expect((await pass(sync)).summary).toMatchObject({ applied: 1 });
    expect(await stateOf(broken.id)).toBe("applied");
  }, 30_000);

  it("a quiet pass reads no sync rows where the last full pass left none in play; a ban in play brings the reads back", async () => {
    // A server of its own: no earlier case's bans target it.
    const otherId = await createServer("MC quiet, no bans");
    let syncReads = 0;
    const counted = t.db.$extends({
      query: {
        banSync: {
          async $allOperations({ args, query }) {
            syncReads++;
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const sync = new NativeBanSync({
      db: counted,
      logger: silent,
      now: () => clock,
      fullEveryMs: FULL_EVERY_MS,
    });
    const passOn = async () => {
      commands.length = 0;
      syncReads = 0;
      clock += MINUTE;
      const summary = await sync.syncOnce(otherId, connection.dialect, run);
      return { summary, sent: [...commands], syncReads };
    };
    const full = await passOn();
    expect(full.syncReads).toBeGreaterThan(0);
    const idle = await passOn();
    expect(idle).toMatchObject({ sent: ["banlist"], syncReads: 0 });

    const held = await ban("permanent", otherId);
    sync.soon([otherId]);
    expect((await passOn()).summary).toMatchObject({ applied: 1 });
    // Applied: a quiet pass looks for retries and lifts again, and lifts a revoke with no signal.
    const watching = await passOn();
    expect(watching.sent).toEqual(["banlist"]);
    expect(watching.syncReads).toBeGreaterThan(0);
    await revokeBan(ctx(), { id: held.id, reason: "appeal accepted" });
    expect((await passOn()).summary).toMatchObject({ removed: 1, failed: 0 });
    expect(await banSyncRows(t.db, otherId)).toMatchObject([{ banId: held.id, state: "removed" }]);
    expect(await passOn()).toMatchObject({ sent: ["banlist"], syncReads: 0 });
  }, 30_000);

  it("a signal that arrives while a full pass runs makes the next pass full too", async () => {
    const sync = newSync();
    sync.soon([serverId]);
    const mid: { ban?: Awaited<ReturnType<typeof ban>> } = {};
    const signalMidPass: RunCommand = async (command, options) => {
      // The pass has read the bans to apply by the time it lists the game: this ban and its
      // signal (the hub's recheckBans) come too late for it.
      if (!mid.ban) {
        mid.ban = await ban();
        sync.soon([serverId]);
      }
      return run(command, options);
    };
    clock += MINUTE;
    await sync.syncOnce(serverId, connection.dialect, signalMidPass);
    const late = mid.ban!;
    expect(await stateOf(late.id)).toBeUndefined();
    expect((await pass(sync)).summary).toMatchObject({ applied: 1 });
    expect(await stateOf(late.id)).toBe("applied");
  }, 30_000);
});
