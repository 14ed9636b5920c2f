/**
 * Kick on join against a real Source emulator (CS:GO, SteamID2 in its status) on loopback, with the bans on real SQLite and
 * PostgreSQL: a banned SteamID present at connect or joining later (polling diff) is kicked with
 * the template message and leaves the game's player list; an expired ban (judged by the enforcer's
 * clock, no sweep), a revoked ban and a ban scoped to another server do not kick. Each kick is a
 * console line and a system audit event.
 */
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { Player } from "../rcon/types.ts";
import { refuseAuditWrites } from "../testing/audit-store.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { setBanSettings } from "../data/ban-settings.ts";
import { createBan, revokeBan } from "../data/bans.ts";
import { steam64 } from "../rcon/emulators/source/world.ts";
import type { RunningBattlEyeEmulator } from "../rcon/emulators/battleye/emulator.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import type { Db } from "../db/client.ts";
import { NativeBanSync } from "./ban-sync.ts";
import { BanEnforcer } from "./ban-enforcer.ts";
import { banOnlinePlayer } from "./ban-player.ts";
import { ConnectionHub, type HubEvent } from "./hub.ts";

const KEY = Buffer.alloc(32, 9);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 2_000,
};
const HOUR = 3_600_000;

describe.each(DATABASE_KINDS)("ban enforcement on $kind", ({ create }) => {
  let t: TestDatabase;
  let admin: Actor;
  const hubs: ConnectionHub[] = [];
  const emulators: (SourceEmulator | RunningBattlEyeEmulator)[] = [];

  beforeAll(async () => {
    t = await create();
    const row = await t.db.user.create({
      data: { email: "admin@example.com", name: "Ada", passwordHash: "x", role: "ADMIN", allServers: true },
    });
    admin = { id: row.id, email: row.email, name: row.name, role: "ADMIN", serverIds: null };
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    await t.drop();
  });

  async function setup(players: number, seed: number) {
    const e = await startEmulator("source", {
      password: "pw",
      port: 0,
      game: "csgo",
      players,
      activity: 0,
      seed,
      extra: { "ban-after": 0 },
    });
    emulators.push(e);
    const server = await t.db.server.create({
      data: {
        name: `S${e.port}`,
        game: "csgo",
        protocol: "source",
        host: "127.0.0.1",
        port: e.port,
        passwordEncrypted: encryptSecret("pw", KEY),
        pollIntervalSeconds: 1,
      },
    });
    const other = await t.db.server.create({
      data: {
        name: `Other${e.port}`,
        game: "cs2",
        protocol: "source",
        host: "127.0.0.1",
        port: 1,
        passwordEncrypted: encryptSecret("pw", KEY),
        enabled: false,
      },
    });
    return { e, id: server.id, otherId: other.id };
  }

  function startHub(clock: { now: number }): { hub: ConnectionHub; lines: string[] } {
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      watchedPollMs: 100,
      bans: new BanEnforcer({ db: t.db, logger: silent, now: () => clock.now }),
      // Kick on join alone: with room for no native entry every ban is join_only, so each kick
      // here is the enforcer's and not the game's own ban list (BattlEye kicks a banned GUID itself).
      nativeBans: new NativeBanSync({ db: t.db, logger: silent, nativeCap: 0 }),
    });
    hubs.push(hub);
    const lines: string[] = [];
    hub.on((ev: HubEvent) => ev.type === "line" && lines.push(ev.line.text));
    return { hub, lines };
  }

  const banSteam = (
    accountId: number,
    extra: { duration?: string; serverIds?: string[]; reason?: string } = {},
    now: Date,
  ) =>
    createBan(
      { db: t.db, actor: admin, ip: null },
      {
        identifiers: [{ kind: "steam", value: steam64(accountId) }],
        reason: extra.reason ?? "wallhack",
        duration: extra.duration ?? "permanent",
        target: extra.serverIds ? { scope: "servers", serverIds: extra.serverIds } : { scope: "all" },
      },
      now,
    );

  it("kicks banned players at connect and on a later join, and spares expired, revoked and other-server bans", async () => {
    const { e, id, otherId } = await setup(5, 11);
    const [banned, expired, revoked, elsewhere, timed] = e.world.humans;
    const t0 = new Date();
    const clock = { now: t0.getTime() + 2 * HOUR };
    await setBanSettings(
      { db: t.db, actor: admin, ip: null },
      { moderatorMaxDuration: "7d", kickTemplate: "Banned: {reason} ({timeLeft})" },
    );
    const kickBan = await banSteam(banned!.accountId, { serverIds: [id] }, t0);
    await banSteam(expired!.accountId, { duration: "1h" }, t0); // expired at the enforcer's clock
    const toRevoke = await banSteam(revoked!.accountId, {}, t0);
    await revokeBan({ db: t.db, actor: admin, ip: null }, { id: toRevoke.id, reason: "appeal" });
    await banSteam(elsewhere!.accountId, { serverIds: [otherId] }, t0);
    // One hour left at the enforcer's clock; a reason the game's kick refuses (";" and a quote).
    await banSteam(timed!.accountId, { duration: "3h", reason: 'aim"; quit' }, t0);

    const { hub, lines } = startHub(clock);
    await hub.start();
    await vi.waitFor(() => expect(e.world.players).not.toContain(banned), { timeout: 10_000 });
    await vi.waitFor(() => expect(e.world.players).not.toContain(timed), { timeout: 10_000 });
    // Kicked with the plain fallback message, nothing smuggled: the server still answers as before.
    await vi.waitFor(() => expect(lines).toContain(`RconDeck kicked ${timed!.name}: banned (aim"; quit)`), {
      timeout: 5_000,
    });
    expect(hub.statusOf(id).state).toBe("online");
    await vi.waitFor(() => expect(lines).toContain(`RconDeck kicked ${banned!.name}: banned (wallhack)`), {
      timeout: 5_000,
    });
    await vi.waitFor(() => expect(hub.players(id).map((p) => p.name)).not.toContain(banned!.name), {
      timeout: 5_000,
    });
    // Written pending before the kick, completed after it: wait for the completion.
    await vi.waitFor(async () => {
      const row = await t.db.auditEvent.findFirst({ where: { action: "ban.enforce", targetId: kickBan.id } });
      expect(row).toMatchObject({ actorId: null, serverId: id, outcome: "success" });
    });

    // The player comes back (found by polling): kicked again, with the template message.
    e.world.players.push(banned!);
    await vi.waitFor(
      () =>
        expect(lines.filter((l) => l === `RconDeck kicked ${banned!.name}: banned (wallhack)`).length).toBe(
          2,
        ),
      { timeout: 10_000 },
    );
    expect(e.world.players).not.toContain(banned);
    // Two enforcement rounds later, the others are still there.
    expect(e.world.players).toEqual(expect.arrayContaining([expired, revoked, elsewhere]));
    expect(hub.players(id).map((p) => p.name)).toEqual(
      expect.arrayContaining([expired!.name, revoked!.name, elsewhere!.name]),
    );
  });

  it("bans an online player from the player table: the central ban holds the player's identities and the player is kicked", async () => {
    const { e, id } = await setup(2, 12345);
    const [victim, bystander] = e.world.humans;
    const { hub, lines } = startHub({ now: Date.now() });
    await hub.start();
    await vi.waitFor(() => expect(hub.players(id).filter((p) => !p.isBot)).toHaveLength(2), {
      timeout: 10_000,
    });
    const player = hub.players(id).find((p) => p.name === victim!.name)!;
    const ctx = { db: t.db, actor: admin, ip: null };
    const ban = await banOnlinePlayer(ctx, hub, id, player.id, { reason: "toxic", duration: "1d" });
    expect(ban.identifiers).toEqual(
      expect.arrayContaining([
        { kind: "steam", value: steam64(victim!.accountId) },
        { kind: "ip", value: victim!.ip },
      ]),
    );
    expect(ban.playerNames).toEqual([victim!.name]);
    await vi.waitFor(() => expect(e.world.players).not.toContain(victim), { timeout: 10_000 });
    await vi.waitFor(() => expect(lines).toContain(`RconDeck kicked ${victim!.name}: banned (toxic)`), {
      timeout: 5_000,
    });
    expect(e.world.players).toContain(bystander);
    await expect(banOnlinePlayer(ctx, hub, id, "999", { reason: "x", duration: "1d" })).rejects.toMatchObject(
      { code: "NOT_FOUND" },
    );
  });

  it("falls back to a plain message when the game refuses the template's, audits a kick that fails and retries it at the next list", async () => {
    const server = await t.db.server.create({
      data: {
        name: "Refusing",
        game: "csgo",
        protocol: "source",
        host: "127.0.0.1",
        port: 2,
        passwordEncrypted: "x",
        enabled: false,
      },
    });
    const ctx = { db: t.db, actor: admin, ip: null };
    await setBanSettings(ctx, { moderatorMaxDuration: "7d", kickTemplate: "Banned: {reason} ({timeLeft})" });
    const ban = await createBan(ctx, {
      identifiers: [{ kind: "steam", value: "STEAM_1:1:5151" }],
      reason: "spam",
      duration: "permanent",
      target: { scope: "servers", serverIds: [server.id] },
    });
    const player = {
      id: "7",
      name: "^1Spammer",
      plainName: "Spammer",
      ping: null,
      score: null,
      address: null,
      guid: null,
      steamId: "[U:1:10303]",
      connectedSeconds: null,
      isBot: false,
      state: null,
    };
    const enforcer = new BanEnforcer({ db: t.db, logger: silent, now: () => Date.now() });
    const sent: string[] = [];
    const lines: string[] = [];
    enforcer.onPlayers(server.id, [player], {
      kick: (_id, message) => {
        sent.push(message);
        return message === "Banned" ? Promise.resolve() : Promise.reject(new Error("refused"));
      },
      line: (text) => lines.push(text),
    });
    await vi.waitFor(() => expect(lines).toEqual(["RconDeck kicked ^1Spammer: banned (spam)"]));
    expect(sent).toEqual(["Banned: spam (permanent)", "Banned"]);

    const failing = {
      kick: () => Promise.reject(new Error("server offline")),
      line: (text: string) => lines.push(text),
    };
    const other = { ...player, id: "8" };
    enforcer.onPlayers(server.id, [other], failing);
    await vi.waitFor(async () =>
      expect(
        await t.db.auditEvent.count({
          where: { action: "ban.enforce", targetId: ban.id, outcome: "failure" },
        }),
      ).toBe(1),
    );
    expect(lines).toContain("RconDeck could not kick ^1Spammer, who is banned: server offline");
    // The same list again: the failed kick is tried again (a kick that worked is not repeated at once).
    enforcer.onPlayers(server.id, [other], failing);
    await vi.waitFor(async () =>
      expect(
        await t.db.auditEvent.count({
          where: { action: "ban.enforce", targetId: ban.id, outcome: "failure" },
        }),
      ).toBe(2),
    );
    expect(
      await t.db.auditEvent.count({ where: { action: "ban.enforce", targetId: ban.id, outcome: "success" } }),
    ).toBe(1);
  });

  it("kicks a BattlEye player when the banned GUID arrives after the connect (identities learned later are checked)", async () => {
    const e = await startEmulator("battleye", { password: "pw", players: 3, activity: 0, seed: 21 });
    emulators.push(e);
    const id = (
      await t.db.server.create({
        data: {
          name: `BE${e.port}`,
          game: "arma3",
          protocol: "battleye",
          host: "127.0.0.1",
          port: e.port,
          passwordEncrypted: encryptSecret("pw", KEY),
          pollIntervalSeconds: 1,
        },
      })
    ).id;
    const [late, bystander] = [...e.players.values()];
    const guid = late!.guid!;
    late!.guid = null; // not verified by BattlEye yet
    const ban = await createBan(
      { db: t.db, actor: admin, ip: null },
      {
        identifiers: [{ kind: "battleye", value: guid.toUpperCase() }],
        reason: "script kiddie",
        duration: "permanent",
        target: { scope: "servers", serverIds: [id] },
      },
    );
    const { hub, lines } = startHub({ now: Date.now() });
    await hub.start();
    await vi.waitFor(() => expect(hub.players(id).map((p) => p.name)).toContain(late!.name), {
      timeout: 10_000,
    });
    expect(e.players.has(late!.id)).toBe(true);
    late!.guid = guid; // BattlEye verified the GUID: the next poll shows it
    await vi.waitFor(() => expect(e.players.has(late!.id)).toBe(false), { timeout: 10_000 });
    await vi.waitFor(() => expect(lines).toContain(`RconDeck kicked ${late!.name}: banned (script kiddie)`), {
      timeout: 5_000,
    });
    expect(e.players.has(bystander!.id)).toBe(true);
    await vi.waitFor(async () =>
      expect(
        await t.db.auditEvent.count({
          where: { action: "ban.enforce", targetId: ban.id, outcome: "success" },
        }),
      ).toBe(1),
    );
  });

  it("checks a listed player again when the game shows a new identity (an address it lacked)", async () => {
    const server = await t.db.server.create({
      data: {
        name: "Direct",
        game: "csgo",
        protocol: "source",
        host: "127.0.0.1",
        port: 1,
        passwordEncrypted: "x",
      },
    });
    await createBan(
      { db: t.db, actor: admin, ip: null },
      {
        identifiers: [{ kind: "ip", value: "203.0.113.9" }],
        reason: "ban evasion",
        duration: "permanent",
        target: { scope: "servers", serverIds: [server.id] },
      },
    );
    const enforcer = new BanEnforcer({ db: t.db, logger: silent });
    const kicks: string[] = [];
    const actions = { kick: (id: string) => Promise.resolve(void kicks.push(id)), line: () => undefined };
    const listed: Player = {
      id: "7",
      name: "Evader",
      plainName: "Evader",
      ping: 50,
      score: 0,
      address: null, // still connecting: the game shows no address yet
      guid: null,
      steamId: null,
      connectedSeconds: 1,
      isBot: false,
      state: null,
    };
    enforcer.onPlayers(server.id, [listed], actions);
    await new Promise((resolve) => setTimeout(resolve, 300));
    enforcer.onPlayers(server.id, [listed], actions); // the same list again: nothing new to look up
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(kicks).toEqual([]);
    listed.address = "203.0.113.9:27005"; // the hub updates the kept player in place
    enforcer.onPlayers(server.id, [listed], actions);
    await vi.waitFor(() => expect(kicks).toEqual(["7"]), { timeout: 5_000 });
  });

  it("sends no kick when the audit row cannot be stored, and kicks once it can", async () => {
    const server = await t.db.server.create({
      data: {
        name: "AuditFirst",
        game: "csgo",
        protocol: "source",
        host: "127.0.0.1",
        port: 3,
        passwordEncrypted: "x",
        enabled: false,
      },
    });
    await createBan(
      { db: t.db, actor: admin, ip: null },
      {
        identifiers: [{ kind: "ip", value: "203.0.113.0/24" }],
        reason: "raid",
        duration: "permanent",
        target: { scope: "servers", serverIds: [server.id] },
      },
    );
    const player = {
      id: "9",
      name: "Raider",
      plainName: "Raider",
      ping: null,
      score: null,
      address: "203.0.113.50:27005",
      guid: null,
      steamId: null,
      connectedSeconds: null,
      isBot: false,
      state: null,
    };
    const warnings: string[] = [];
    const enforcer = new BanEnforcer({
      db: t.db,
      logger: { ...silent, warn: (message: string) => void warnings.push(message) },
      now: () => Date.now(),
    });
    const kicked: string[] = [];
    const actions = { kick: (id: string) => Promise.resolve(void kicked.push(id)), line: () => undefined };
    await refuseAuditWrites(t, true);
    try {
      enforcer.onPlayers(server.id, [player], actions);
      await vi.waitFor(() => expect(warnings).toContain("ban enforcement audit failed"));
      expect(kicked).toEqual([]);
    } finally {
      await refuseAuditWrites(t, false);
    }
    enforcer.onPlayers(server.id, [player], actions); // the next poll: checked again
    await vi.waitFor(() => expect(kicked).toEqual(["9"]));
  });

  it("the lists of servers polled within the gather share one lookup, and a banned player among them is kicked", async () => {
    const servers = await Promise.all(
      [1, 2, 3].map((i) =>
        t.db.server.create({
          data: {
            name: `Gathered ${i}`,
            game: "csgo",
            protocol: "source",
            host: "127.0.0.1",
            port: 10 + i,
            passwordEncrypted: "x",
            enabled: false,
          },
        }),
      ),
    );
    await createBan(
      { db: t.db, actor: admin, ip: null },
      {
        identifiers: [{ kind: "steam", value: "76561197960265799" }],
        reason: "gathered",
        duration: "permanent",
        target: { scope: "servers", serverIds: [servers[2]!.id] },
      },
    );
    let lookups = 0;
    const counted = t.db.$extends({
      query: {
        banIdentifier: {
          async findMany({ args, query }) {
            // The batch's key lookup (bannedKeys) selects kind and value; a full check selects banId.
            if (args.select?.value) lookups++;
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const enforcer = new BanEnforcer({ db: counted, logger: silent, gatherMs: 1_000 });
    const kicked: string[] = [];
    const playerOn = (i: number): Player => ({
      id: String(i),
      name: `Gathered${i}`,
      plainName: `Gathered${i}`,
      ping: 40,
      score: 0,
      address: `198.51.100.${i}:2304`,
      guid: null,
      steamId: i === 2 ? "76561197960265799" : `7656119796026570${i}`,
      connectedSeconds: 5,
      isBot: false,
      state: null,
    });
    // Three polls answered 30 ms apart, well within the gather (long here: a loaded machine stretches timers).
    for (const [i, server] of servers.entries()) {
      enforcer.onPlayers(server.id, [playerOn(i)], {
        kick: (id) => Promise.resolve(void kicked.push(`${server.name}:${id}`)),
        line: () => undefined,
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await vi.waitFor(() => expect(kicked).toEqual(["Gathered 3:2"]), { timeout: 5_000 });
    // One key lookup for the three lists (one per poll without the gather: three).
    expect(lookups).toBe(1);
  });
});
