/**
 * Native ban sync beyond SRCDS, on SQLite and PostgreSQL, against real sockets: the BattlEye,
 * Minecraft and Quake 3 emulators and Debian's real OpenArena server. Each target: a ban is written
 * and verified by listing, a revoked ban leaves the game's list, a timed ban on a game that only
 * knows permanent bans is lifted natively when the (injected) clock passes its expiry, and an
 * applied ban removed by hand is found missing and written again. Plus the traps: BattlEye removes
 * by an index that renumbers, and a server that answers "ok" but stores nothing leaves the ban failed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { adoptNativeBan, listNativeOnlyBans, removeNativeBan } from "../data/ban-drift.ts";
import { banSyncRows } from "../data/ban-sync.ts";
import { createBan, revokeBan } from "../data/bans.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import { loadFamily } from "../rcon/registry.ts";
import { startOpenArena } from "../rcon/quake3/testing/openarena-server.ts";
import { whenOnline } from "../rcon/testing/when-online.ts";
import type { ProtocolId, RconConnection, RunCommand } from "../rcon/types.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { NativeBanSync } from "./ban-sync.ts";

const KEY = Buffer.alloc(32, 5);
const PASSWORD = "secret-pw";
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const HOUR = 3_600_000;

type Kind = "battleye" | "mc_name" | "ip";
interface Target {
  name: string;
  protocol: ProtocolId;
  game: string;
  kind: Kind;
  /** A distinct identifier value per call. */
  value(n: number): string;
  /** How the game lists it (lower case / as written). */
  listed(value: string): string;
  /** Permanent-only games: timed bans are written permanent and lifted on time. */
  permanentOnly: boolean;
  start(): Promise<{ host: string; port: number; stop(): Promise<void> }>;
  /**
   * Quake 3 engines answer one rcon command a second, so each of their cases takes 10-40 s: they
   * run on one database each (the data layer is covered on both by the other games).
   */
  onlyOn?: "sqlite" | "postgresql";
}

const targets: Target[] = [
  {
    name: "BattlEye (Arma 3 emulator)",
    protocol: "battleye",
    game: "arma3",
    kind: "battleye",
    value: (n) => n.toString(16).padStart(32, "a"),
    listed: (v) => v,
    permanentOnly: false,
    async start() {
      const e = await startEmulator("battleye", {
        password: PASSWORD,
        game: "arma3",
        players: 0,
        activity: 0,
        seed: 3,
      });
      return { host: e.host, port: e.port, stop: () => e.close() };
    },
  },
  {
    name: "Minecraft (emulator)",
    protocol: "source",
    game: "minecraft",
    kind: "mc_name",
    value: (n) => `Griefer_${n}`,
    listed: (v) => v.toLowerCase(),
    permanentOnly: true,
    async start() {
      const e = await startEmulator("source", {
        password: PASSWORD,
        port: 0,
        game: "minecraft",
        players: 0,
        activity: 0,
      });
      return { host: e.host, port: e.port, stop: () => e.close() };
    },
  },
  {
    name: "Quake 3 (OpenArena emulator)",
    onlyOn: "postgresql",
    protocol: "quake3",
    game: "openarena",
    kind: "ip",
    value: (n) => `198.51.100.${n}`,
    listed: (v) => `${v}/32`,
    permanentOnly: true,
    async start() {
      const e = await startEmulator("quake3", {
        password: PASSWORD,
        game: "openarena",
        players: 0,
        activity: 0,
        seed: 7,
      });
      return { host: e.host, port: e.port, stop: () => e.close() };
    },
  },
  {
    name: "real OpenArena 0.8.8",
    onlyOn: "sqlite",
    protocol: "quake3",
    game: "openarena",
    kind: "ip",
    value: (n) => `203.0.113.${n}`,
    listed: (v) => `${v}/32`,
    permanentOnly: true,
    start: () => startOpenArena({ bots: [], password: PASSWORD }),
  },
];

// The two databases run at once (each Quake 3 target spends about 100 s waiting on pacing); within
// one database the cases run in order, as they build on each other's state.
describe.concurrent.each(DATABASE_KINDS)("native ban sync for other games on $kind", ({ kind, create }) => {
  let t: TestDatabase;
  let admin: Actor;

  beforeAll(async () => {
    t = await create();
    const row = await t.db.user.create({
      data: { email: "admin@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
    });
    admin = { id: row.id, email: row.email, name: row.name, role: "ADMIN", serverIds: null };
  });
  afterAll(async () => {
    await t.drop();
  });

  const ctx = () => ({ db: t.db, actor: admin, ip: null });
  const stateOf = async (serverId: string, banId: string) =>
    (await banSyncRows(t.db, serverId)).find((r) => r.banId === banId);

  describe.sequential.each(targets.filter((g) => (g.onlyOn ?? kind) === kind))("$name", (target) => {
    let stop: (() => Promise<void>) | undefined;
    let connection: RconConnection;
    let run: RunCommand;
    let serverId: string;
    let clock = Date.now();
    const sync = () => new NativeBanSync({ db: t.db, logger: silent, now: () => clock });
    const listed = async () => (await connection.dialect.operations.listBans(run)).map((b) => b.value);
    const ban = (n: number, duration: string, now = new Date(clock)) =>
      createBan(
        ctx(),
        {
          identifiers: [{ kind: target.kind, value: target.value(n) }],
          reason: "cheating; see demo",
          duration,
          target: { scope: "servers", serverIds: [serverId] },
        },
        now,
      );

    beforeAll(async () => {
      const server = await target.start();
      stop = () => server.stop();
      const family = await loadFamily(target.protocol);
      connection = family.createConnection({
        host: server.host,
        port: server.port,
        password: PASSWORD,
        dialect: target.game,
        reconnect: false,
      });
      connection.start();
      await whenOnline(connection);
      run = (command, options) => connection.command(command, options);
      serverId = (
        await t.db.server.create({
          data: {
            name: `${target.name} ${Math.random()}`,
            game: target.game,
            protocol: target.protocol,
            host: server.host,
            port: server.port,
            passwordEncrypted: encryptSecret(PASSWORD, KEY),
          },
        })
      ).id;
    }, 60_000);
    afterAll(async () => {
      await connection?.stop();
      await stop?.();
    });

    it("writes a ban, verifies it by listing, and removes it natively when revoked", async () => {
      const b = await ban(1, "permanent");
      const first = await sync().syncOnce(serverId, connection.dialect, run);
      expect(first).toMatchObject({ applied: 1, failed: 0 });
      expect(await stateOf(serverId, b.id)).toMatchObject({ state: "applied", error: null });
      expect(await listed()).toContain(target.listed(target.value(1)));

      await revokeBan(ctx(), { id: b.id, reason: "appeal accepted" });
      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({
        removed: 1,
        failed: 0,
      });
      expect(await stateOf(serverId, b.id)).toMatchObject({ state: "removed" });
      expect(await listed()).not.toContain(target.listed(target.value(1)));
    }, 60_000);

    it("ends a timed ban on time natively, judged by the injected clock", async () => {
      const b = await ban(2, "2h");
      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ applied: 1 });
      const entry = (await connection.dialect.operations.listBans(run)).find(
        (e) => e.value === target.listed(target.value(2)),
      );
      // Permanent-only games hold it permanent; BattlEye holds it with its time left.
      expect(entry?.minutesLeft ?? null).toBe(target.permanentOnly ? null : 120);

      clock += HOUR; // still running: nothing to lift
      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({
        removed: 0,
        missing: 0,
      });
      expect(await listed()).toContain(target.listed(target.value(2)));

      clock += 2 * HOUR; // past its expiry, whatever a sweep did
      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({
        removed: 1,
        failed: 0,
      });
      expect(await stateOf(serverId, b.id)).toMatchObject({ state: "removed" });
      expect(await listed()).not.toContain(target.listed(target.value(2)));
    }, 60_000);

    it("records a ban only the game holds as native-only; adopt makes it central, remove takes it off the game's list (both audited)", async () => {
      const handBan = async (n: number) => {
        const identity = connection.dialect.nativeBans!.identities([
          { kind: target.kind, value: target.value(n).toLowerCase() },
        ])[0]!;
        await connection.dialect.operations.ban(run, { target: identity, minutes: null, reason: "by hand" });
      };
      await handBan(8);
      await handBan(9);
      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ nativeOnly: 2 });
      const drift = await listNativeOnlyBans(ctx(), serverId);
      const values = drift.map((d) => d.value).sort();
      expect(values).toEqual([target.value(8), target.value(9)].map((v) => v.toLowerCase()).sort());
      expect(drift.every((d) => d.kind === target.kind && d.minutesLeft === null)).toBe(true);
      // A Viewer sees the drift without identities and may not act on it.
      const viewer = { ...admin, role: "VIEWER" as const };
      const viewed = await listNativeOnlyBans({ db: t.db, actor: viewer, ip: null }, serverId);
      expect(viewed.map((d) => d.value)).toEqual([null, null]);
      const eight = drift.find((d) => d.value === target.value(8).toLowerCase())!;
      const nine = drift.find((d) => d.value === target.value(9).toLowerCase())!;
      await expect(adoptNativeBan({ db: t.db, actor: viewer, ip: null }, eight.id)).rejects.toMatchObject({
        code: "FORBIDDEN",
      });

      const adopted = await adoptNativeBan(ctx(), eight.id);
      await removeNativeBan(ctx(), nine.id);
      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({
        nativeOnly: 0,
        failed: 0,
      });
      expect(await listNativeOnlyBans(ctx(), serverId)).toEqual([]);
      expect(await stateOf(serverId, adopted.id)).toMatchObject({ state: "applied" });
      expect(await listed()).toContain(target.listed(target.value(8).toLowerCase()));
      expect(await listed()).not.toContain(target.listed(target.value(9).toLowerCase()));
      const actions = (await t.db.auditEvent.findMany({ where: { serverId } })).map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(["ban.native.adopt", "ban.native.remove"]));
      await revokeBan(ctx(), { id: adopted.id, reason: "done" });
      await sync().syncOnce(serverId, connection.dialect, run);
    }, 60_000);

    it("writes again an applied ban that was removed from the game's list by hand", async () => {
      const b = await ban(3, "permanent");
      await sync().syncOnce(serverId, connection.dialect, run);
      expect(await stateOf(serverId, b.id)).toMatchObject({ state: "applied" });
      const identity = connection.dialect.nativeBans!.identities([
        { kind: target.kind, value: target.value(3).toLowerCase() },
      ])[0]!;
      await connection.dialect.operations.unban(run, identity);
      expect(await listed()).not.toContain(target.listed(target.value(3)));

      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ missing: 1 });
      expect(await stateOf(serverId, b.id)).toMatchObject({ state: "pending" });
      expect(await sync().syncOnce(serverId, connection.dialect, run)).toMatchObject({ applied: 1 });
      expect(await stateOf(serverId, b.id)).toMatchObject({ state: "applied" });
      expect(await listed()).toContain(target.listed(target.value(3)));
      await revokeBan(ctx(), { id: b.id, reason: "done" });
      await sync().syncOnce(serverId, connection.dialect, run);
    }, 60_000);
  });

  describe.sequential("traps", () => {
    it("BattlEye: removes by an index that renumbers, one at a time, and writes timed bans with a time-to-live of at most a week", async () => {
      const family = await loadFamily("battleye");
      const e = await startEmulator("battleye", {
        password: PASSWORD,
        game: "arma3",
        players: 0,
        activity: 0,
        seed: 4,
      });
      const connection = family.createConnection({
        host: e.host,
        port: e.port,
        password: PASSWORD,
        dialect: "arma3",
        reconnect: false,
      });
      try {
        connection.start();
        await whenOnline(connection);
        const run: RunCommand = (command, options) => connection.command(command, options);
        const serverId = (
          await t.db.server.create({
            data: {
              name: `be ${Math.random()}`,
              game: "arma3",
              protocol: "battleye",
              host: e.host,
              port: e.port,
              passwordEncrypted: encryptSecret(PASSWORD, KEY),
            },
          })
        ).id;
        const target = { scope: "servers" as const, serverIds: [serverId] };
        const now = Date.now();
        const sync = new NativeBanSync({ db: t.db, logger: silent, now: () => now });
        const guidA = "a".repeat(32);
        const guidB = "b".repeat(32);
        const a = await createBan(ctx(), {
          identifiers: [{ kind: "battleye", value: guidA }],
          reason: "a",
          duration: "permanent",
          target,
        });
        const b = await createBan(ctx(), {
          identifiers: [{ kind: "battleye", value: guidB }],
          reason: "b",
          duration: "permanent",
          target,
        });
        const c = await createBan(ctx(), {
          identifiers: [{ kind: "ip", value: "192.0.2.9" }],
          reason: "c",
          duration: "30d",
          target,
        });
        expect(await sync.syncOnce(serverId, connection.dialect, run)).toMatchObject({
          applied: 3,
          failed: 0,
        });
        // One numbering across both sections (newest bans are written first): B=0, A=1, C=2.
        // The 30-day ban is held natively for a week and written again when that lapses.
        const listed = await connection.dialect.operations.listBans(run);
        expect(listed.map((x) => [x.ref, x.value, x.minutesLeft])).toEqual([
          ["0", guidB, null],
          ["1", guidA, null],
          ["2", "192.0.2.9", 7 * 24 * 60],
        ]);

        // Removing B renumbers A to 0 and C to 1: a stale index 1 would remove the IP ban C instead.
        await revokeBan(ctx(), { id: a.id, reason: "appeal" });
        await revokeBan(ctx(), { id: b.id, reason: "appeal" });
        expect(await sync.syncOnce(serverId, connection.dialect, run)).toMatchObject({
          removed: 2,
          failed: 0,
        });
        expect(e.bans.map((x) => x.value)).toEqual(["192.0.2.9"]);
        expect(await stateOf(serverId, c.id)).toMatchObject({ state: "applied" });
      } finally {
        await connection.stop();
        await e.close();
      }
    }, 60_000);

    it("a server that answers ok but stores nothing leaves the ban failed with the error; the central ban is unchanged", async () => {
      const e = await startEmulator("source", {
        password: PASSWORD,
        port: 0,
        game: "minecraft",
        players: 0,
        activity: 0,
        extra: { "ignore-bans": 1 },
      });
      const family = await loadFamily("source");
      const connection = family.createConnection({
        host: e.host,
        port: e.port,
        password: PASSWORD,
        dialect: "minecraft",
        reconnect: false,
      });
      try {
        connection.start();
        await whenOnline(connection);
        const run: RunCommand = (command, options) => connection.command(command, options);
        expect(await run("ban Ghost_1 test")).toBe("Banned Ghost_1: test"); // the "ok"
        const serverId = (
          await t.db.server.create({
            data: {
              name: `mc ${Math.random()}`,
              game: "minecraft",
              protocol: "source",
              host: e.host,
              port: e.port,
              passwordEncrypted: encryptSecret(PASSWORD, KEY),
            },
          })
        ).id;
        const b = await createBan(ctx(), {
          identifiers: [{ kind: "mc_name", value: "Ghost_2" }],
          reason: "x",
          duration: "permanent",
          target: { scope: "servers", serverIds: [serverId] },
        });
        const before = await t.db.ban.findUniqueOrThrow({ where: { id: b.id } });
        const summary = await new NativeBanSync({ db: t.db, logger: silent }).syncOnce(
          serverId,
          connection.dialect,
          run,
        );
        expect(summary).toMatchObject({ applied: 0, failed: 1 });
        const row = await stateOf(serverId, b.id);
        expect(row?.state).toBe("failed");
        expect(row?.error).toMatch(/ban list does not hold the ban/);
        expect(await t.db.ban.findUniqueOrThrow({ where: { id: b.id } })).toEqual(before);
      } finally {
        await connection.stop();
        await e.close();
      }
    }, 60_000);
  });
});
