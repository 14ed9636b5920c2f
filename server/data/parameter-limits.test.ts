/**
 * Queries whose lists grow with servers, players or bans stay within the databases' parameter
 * limits (chunks.ts): Prisma refuses more than 999 parameters per model statement on SQLite and
 * 32,766 on PostgreSQL, and the drivers take 32,766 (SQLite) / 65,535 (PostgreSQL) per raw one.
 * A limited user holding 33,000 servers goes through every scoped read; the system paths get
 * more ids than one statement takes. Seeded with raw multi-row INSERTs (bench/support) for speed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkInserter } from "../../bench/support/bulk-insert.ts";
import type { Actor } from "../../lib/permissions.ts";
import { actorFor } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { listAuditPage, recordAudit } from "./audit.ts";
import { recordNativeList } from "./ban-drift.ts";
import { listBans } from "./bans.ts";
import type { DataContext } from "./context.ts";
import { closeStaysLeftOpen, listPlayerCountSamples } from "./history.ts";
import { getPlayerProfile } from "./players/profile.ts";
import { searchPlayers } from "./players/search.ts";
import { listNativeOnlyForActor } from "./server-bans.ts";
import { listServers } from "./servers.ts";
import { updateMember } from "./users.ts";

/** More than PostgreSQL's 32,766 (and so SQLite's 999 and 32,766). */
const SERVERS = 33_000;
/** Servers with stays left open at start-up: more than SQLite's 999 (one transaction each, so kept modest). */
const OPEN_SERVERS = 1_100;

const T0 = new Date("2026-01-01T00:00:00.000Z");
const serverId = (i: number) => `srv-${String(i).padStart(6, "0")}`;

describe.each(DATABASE_KINDS)("parameter limits on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  let limited: Actor;
  let ctx: DataContext;
  const ids = Array.from({ length: SERVERS }, (_, i) => serverId(i));
  const last = ids[SERVERS - 1]!;

  beforeAll(async () => {
    t = await create();
    const bulk = await bulkInserter(t);
    await bulk.insert(
      "Server",
      ids.map((id, i) => ({
        id,
        name: `server ${i}`,
        game: "arma3",
        protocol: "battleye",
        host: "127.0.0.1",
        port: 2000 + (i % 60_000),
        passwordEncrypted: "x",
        createdAt: T0,
        updatedAt: T0,
      })),
    );
    const o = await t.db.user.create({
      data: { email: "owner@example.com", name: "Olga", passwordHash: "x", role: "OWNER", allServers: true },
    });
    const u = await t.db.user.create({
      data: { email: "lim@example.com", name: "Lim", passwordHash: "x", role: "ADMIN", allServers: false },
    });
    await bulk.insert(
      "ServerAccess",
      ids.map((id, i) => ({ id: `acc-${i}`, userId: u.id, serverId: id, createdAt: T0, updatedAt: T0 })),
    );
    // A player seen only on the last server, with many addresses (each address is ~25 ban ranges).
    await bulk.insert("Player", [
      {
        id: "p1",
        lastName: "Limitsplayer",
        lastNameKey: "limitsplayer",
        firstSeenAt: T0,
        lastSeenAt: T0,
        lastServerId: last,
        createdAt: T0,
        updatedAt: T0,
      },
    ]);
    await bulk.insert("PlayerServer", [{ playerId: "p1", serverId: last, firstSeenAt: T0, lastSeenAt: T0 }]);
    await bulk.insert("PlayerIdentity", [
      {
        id: "pi-name",
        playerId: "p1",
        originPlayerId: "p1",
        kind: "name",
        value: "limitsplayer",
        display: "Limitsplayer",
        firstSeenAt: T0,
        lastSeenAt: T0,
      },
      {
        id: "pi-steam",
        playerId: "p1",
        originPlayerId: "p1",
        kind: "steam",
        value: "76561198000000001",
        display: null,
        firstSeenAt: T0,
        lastSeenAt: T0,
      },
      ...Array.from({ length: 600 }, (_, i) => ({
        id: `pi-ip-${i}`,
        playerId: "p1",
        originPlayerId: "p1",
        kind: "ip",
        value: `10.${i >> 8}.${i & 255}.1`,
        display: null,
        firstSeenAt: T0,
        lastSeenAt: T0,
      })),
    ]);
    await bulk.insert("Ban", [
      {
        id: "ban-last",
        reason: "cheating",
        searchText: "cheating",
        scope: "servers",
        createdAt: T0,
        updatedAt: T0,
        playerId: "p1",
      },
    ]);
    await bulk.insert("BanServer", [{ banId: "ban-last", serverId: last }]);
    await bulk.insert("NativeBan", [
      {
        id: "nb-last",
        serverId: last,
        kind: "steam",
        value: "76561198000000002",
        nativeKind: "steam",
        nativeValue: "76561198000000002",
        reason: "old",
        firstSeenAt: T0,
        lastSeenAt: T0,
      },
    ]);
    await bulk.insert(
      "PlayerCountSample",
      [0, SERVERS >> 1, SERVERS - 1].map((i) => ({ serverId: serverId(i), count: 3, createdAt: T0 })),
    );
    await bulk.close();
    owner = await actorFor(t.db, o.id);
    limited = await actorFor(t.db, u.id);
    ctx = { db: t.db, actor: limited, ip: null };
    await recordAudit(t.db, { actor: owner, action: "server.update", serverId: last, outcome: "success" });
  }, 120_000);

  afterAll(async () => {
    await t?.drop();
  });

  it("the limited user is loaded with every one of its servers", () => {
    expect(limited.serverIds).toHaveLength(SERVERS);
  });

  it("lists the servers of a limited user", async () => {
    const servers = await listServers(ctx);
    expect(servers).toHaveLength(SERVERS);
  });

  it("reads the overview's sparklines for every server at once", async () => {
    const samples = await listPlayerCountSamples(ctx, new Date(T0.getTime() - 1), ids);
    expect(Object.keys(samples).sort()).toEqual([serverId(0), serverId(SERVERS >> 1), last]);
  });

  it("shows a limited reader the audit events of its servers", async () => {
    const page = await listAuditPage(t.db, limited, {});
    expect(page.events.map((e) => e.action)).toContain("server.update");
  });

  it("lists the bans and the native-only bans a limited user may see", async () => {
    const page = await listBans(ctx, {}, T0);
    expect(page.bans.map((b) => b.id)).toEqual(["ban-last"]);
    const native = await listNativeOnlyForActor(ctx);
    expect(native.map((n) => n.id)).toEqual(["nb-last"]);
  });

  it("finds players within a limited user's servers, by name and by identifier", async () => {
    const all = await searchPlayers(ctx, { q: "" });
    expect(
      all.results.map((p) => p.playerId),
      "no query",
    ).toEqual(["p1"]);
    const byName = await searchPlayers(ctx, { q: "limitsp" });
    expect(
      byName.results.map((p) => p.playerId),
      "by name",
    ).toEqual(["p1"]);
    const byId = await searchPlayers(ctx, { q: "76561198000000001" });
    expect(byId.results.map((p) => p.playerId)).toEqual(["p1"]);
  });

  it("opens the profile of a player with hundreds of addresses", async () => {
    const profile = await getPlayerProfile(ctx, "p1", T0);
    expect(profile.bans.map((b) => b.banId)).toEqual(["ban-last"]);
  });

  it("records a native ban list of more entries than one statement takes, then drops the ones gone from it", async () => {
    const entries = Array.from({ length: 1_200 }, (_, i) => {
      const value = String(76561198100000000n + BigInt(i));
      return {
        kind: "steam" as const,
        value,
        nativeKind: "steam",
        nativeValue: value,
        reason: "native",
        minutesLeft: null,
      };
    });
    expect(await recordNativeList(t.db, serverId(1), entries, T0)).toBe(1_200);
    expect(await recordNativeList(t.db, serverId(1), entries.slice(0, 10), T0)).toBe(10);
    expect(await t.db.nativeBan.count({ where: { serverId: serverId(1) } })).toBe(10);
  }, 120_000);

  it("closes stays left open on more servers than one statement takes, at their last sample", async () => {
    const bulk = await bulkInserter(t);
    const open = ids.slice(100, 100 + OPEN_SERVERS);
    const seen = new Date(T0.getTime() + 60_000);
    await bulk.insert(
      "PlayerSession",
      open.map((id, i) => ({
        id: `stay-${i}`,
        serverId: id,
        gameId: "1",
        name: "n",
        plainName: "n",
        joinedAt: T0,
        createdAt: T0,
        updatedAt: T0,
      })),
    );
    await bulk.insert(
      "PlayerCountSample",
      open.map((id) => ({ serverId: id, count: 1, createdAt: seen })),
    );
    await bulk.close();
    expect(await closeStaysLeftOpen(t.db, new Date(T0.getTime() + 3_600_000))).toBe(OPEN_SERVERS);
    const ends = await t.db.playerSession.groupBy({
      by: ["leftAt"],
      where: { id: { startsWith: "stay-" } },
      _count: { _all: true },
    });
    expect(ends.map((e) => [e.leftAt?.toISOString(), e._count._all])).toEqual([
      [seen.toISOString(), OPEN_SERVERS],
    ]);
  }, 300_000);

  it("checks that every server of a grant exists, however many", async () => {
    const owners: DataContext = { db: t.db, actor: owner, ip: null };
    // Every id is looked up before anything is written (one grant of 33,000 rows would outlast
    // the write transaction's timeout: the schemas cap a grant at 500 servers).
    await expect(
      updateMember(owners, {
        userId: limited.id,
        role: "MODERATOR",
        allServers: false,
        serverIds: [...ids, "gone"],
      }),
    ).rejects.toThrow(/no longer exists/);
    const some = ids.slice(0, 1_200);
    await updateMember(owners, { userId: limited.id, role: "MODERATOR", allServers: false, serverIds: some });
    expect(await t.db.serverAccess.count({ where: { userId: limited.id } })).toBe(some.length);
  }, 120_000);
});
