/**
 * Native ban sync with Rust over WebRCON (the webrcon emulator), on SQLite and PostgreSQL: a
 * central SteamID ban is written with `banid` + `server.writecfg` and verified in `banlistex`, a
 * revoked one is lifted with `unban`, and a timed ban (Rust's list holds it permanent) is lifted
 * when the injected clock passes its expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { banSyncRows } from "../data/ban-sync.ts";
import { createBan, revokeBan } from "../data/bans.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { RconConnection, RunCommand } from "../rcon/types.ts";
import { family } from "../rcon/webrcon/index.ts";
import type { WebRconEmulator } from "../rcon/emulators/webrcon/emulator.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { NativeBanSync } from "./ban-sync.ts";

const KEY = Buffer.alloc(32, 6);
const PASSWORD = "rust-ban-pw";
const HOUR = 3_600_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe.each(DATABASE_KINDS)("native ban sync with Rust WebRCON on $kind", ({ create }) => {
  let t: TestDatabase;
  let admin: Actor;
  let emulator: WebRconEmulator;
  let connection: RconConnection;
  let run: RunCommand;
  let serverId: string;
  let clock = Date.now();

  beforeAll(async () => {
    t = await create();
    const user = await t.db.user.create({
      data: { email: "admin@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
    });
    admin = { id: user.id, email: user.email, name: user.name, role: "ADMIN", serverIds: null };
    emulator = await startEmulator("webrcon", {
      password: PASSWORD,
      players: 0,
      activity: 0,
    });
    connection = family.createConnection({
      host: emulator.host,
      port: emulator.port,
      password: PASSWORD,
      reconnect: false,
    });
    connection.start();
    for (let i = 0; i < 500 && connection.status.state !== "online"; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    run = (command, options) => connection.command(command, options);
    serverId = (
      await t.db.server.create({
        data: {
          name: "Rust",
          game: "rust-webrcon",
          protocol: "webrcon",
          host: emulator.host,
          port: emulator.port,
          passwordEncrypted: encryptSecret(PASSWORD, KEY),
        },
      })
    ).id;
  });
  afterAll(async () => {
    await connection.stop();
    await emulator.close();
    await t.drop();
  });

  const ctx = () => ({ db: t.db, actor: admin, ip: null });
  const sync = () => new NativeBanSync({ db: t.db, logger: silent, now: () => clock });
  const listed = async () => (await connection.dialect.operations.listBans(run)).map((b) => b.value);
  const stateOf = async (banId: string) => (await banSyncRows(t.db, serverId)).find((r) => r.banId === banId);
  const ban = (steamId: string, duration: string) =>
    createBan(
      ctx(),
      {
        identifiers: [{ kind: "steam", value: steamId }],
        reason: "aimbot",
        duration,
        target: { scope: "servers", serverIds: [serverId] },
      },
      new Date(clock),
    );

  it("writes a SteamID ban, verifies it by listing, and lifts it when revoked", async () => {
    const b = await ban("76561198000000101", "permanent");
    expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ applied: 1, failed: 0 });
    expect(await stateOf(b.id)).toMatchObject({ state: "applied", error: null });
    expect(await listed()).toContain("76561198000000101");
    expect(emulator.received).toContain("server.writecfg");

    await revokeBan(ctx(), { id: b.id, reason: "appeal accepted" });
    expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ removed: 1, failed: 0 });
    expect(await listed()).not.toContain("76561198000000101");
  });

  it("holds a timed ban permanent in the game and lifts it when it expires", async () => {
    const b = await ban("76561198000000102", "2h");
    expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ applied: 1 });
    expect(
      (await connection.dialect.operations.listBans(run)).find((e) => e.value === "76561198000000102")
        ?.minutesLeft,
    ).toBeNull();
    clock += 3 * HOUR;
    expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ removed: 1, failed: 0 });
    expect(await stateOf(b.id)).toMatchObject({ state: "removed" });
    expect(await listed()).not.toContain("76561198000000102");
  });
});
