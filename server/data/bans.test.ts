/**
 * Central bans on SQLite and PostgreSQL: the permission matrix (Viewer, Moderator, limited users,
 * Admin), the Moderator maximum, revoke own vs any, state and expiry judged at a passed-in time,
 * the Viewer DTO without identifiers or notes, search and keyset paging, ban lists, and the join
 * lookup (identifier kinds, CIDR ranges, scope, expiry, revocation).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupKeys } from "../../lib/bans/identifiers.ts";
import type { Actor } from "../../lib/permissions.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createActor } from "../testing/actors.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import { createBanList, deleteBanList, listBanLists, setBanListServers } from "./ban-lists.ts";
import { getBanSettings, setBanSettings } from "./ban-settings.ts";
import {
  bannedKeys,
  createBan,
  findActiveBansFor,
  getBan,
  identifierKey,
  listBans,
  revokeBan,
  updateBan,
} from "./bans.ts";
import type { DataContext } from "./context.ts";

const T0 = new Date("2026-06-01T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const DAY = 86_400_000;
const GUID = "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69";

describe.each(DATABASE_KINDS)("bans on $kind", ({ create }) => {
  let t: TestDatabase;
  let n = 0;
  let s1: string, s2: string, s3: string;
  let owner: Actor,
    admin: Actor,
    limitedAdmin: Actor,
    mod: Actor,
    mod2: Actor,
    limitedMod: Actor,
    viewer: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const user = (role: Actor["role"], serverIds: string[] | null) => createActor(t.db, role, serverIds);
  const server = () => createUnreadableServer(t.db, `S${n++}`, 1, { game: "cs2", protocol: "source" });
  const steam = (account: number) => ({ kind: "steam" as const, value: `[U:1:${account}]` });
  const id64 = (account: number) => (76561197960265728n + BigInt(account)).toString();
  const ban = (actor: Actor, extra: Partial<Parameters<typeof createBan>[1]> = {}, now = T0) =>
    createBan(
      ctx(actor),
      { identifiers: [steam(++n)], reason: "cheating", duration: "1d", target: { scope: "all" }, ...extra },
      now,
    );
  const active = (serverId: string, player: Parameters<typeof lookupKeys>[0], now: Date) =>
    findActiveBansFor(t.db, serverId, lookupKeys(player), now);
  const noPlayer = { guid: null, steamId: null, address: null, name: null };

  beforeAll(async () => {
    t = await create();
    [s1, s2, s3] = [await server(), await server(), await server()];
    owner = await user("OWNER", null);
    admin = await user("ADMIN", null);
    limitedAdmin = await user("ADMIN", [s1]);
    mod = await user("MODERATOR", null);
    mod2 = await user("MODERATOR", null);
    limitedMod = await user("MODERATOR", [s1]);
    viewer = await user("VIEWER", null);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("creates a ban with normalised identifiers, author snapshot and expiry, and audits it", async () => {
    const dto = await createBan(
      ctx(mod),
      {
        identifiers: [
          { kind: "steam", value: "STEAM_0:1:123" },
          { kind: "ip", value: "203.0.113.7" },
          { kind: "battleye", value: GUID.toUpperCase() },
        ],
        playerNames: ["Wolf"],
        reason: "aimbot",
        note: "demo in #evidence",
        duration: "3d",
        target: { scope: "servers", serverIds: [s1, s2] },
      },
      T0,
    );
    expect(dto.identifiers).toHaveLength(3);
    expect(dto.identifiers).toEqual(
      expect.arrayContaining([
        { kind: "steam", value: "76561197960265975" },
        { kind: "ip", value: "203.0.113.7" },
        { kind: "battleye", value: GUID },
      ]),
    );
    expect(dto).toMatchObject({
      reason: "aimbot",
      note: "demo in #evidence",
      playerNames: ["Wolf"],
      authorId: mod.id,
      authorName: mod.name,
      state: "active",
      scope: "servers",
      expiresAt: at(3 * DAY).toISOString(),
    });
    expect(dto.serverIds.sort()).toEqual([s1, s2].sort());
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "ban.create", targetId: dto.id },
    });
    expect(audit).toMatchObject({ actorId: mod.id, outcome: "success" });
    expect(audit.input).toContain("76561197960265975");
  });

  it("finds which of more keys than the parameter limits allow some ban names, in one call", async () => {
    // 40,000 keys: far above Prisma's 999 parameters per model query on SQLite and its 32,766 on
    // PostgreSQL, so only chunking gets them through; the hits are near both ends.
    // Two kinds (an OR of two `in` lists, which Prisma does not split by itself), keys as
    // lookupKeys gives them (normalised: SteamID64, dotted addresses).
    const key = (account: number) => ({ kind: "steam" as const, value: id64(account) });
    const ip = (i: number) => ({
      kind: "ip" as const,
      value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    });
    await ban(admin, { identifiers: [steam(900_001), steam(919_999)] });
    await ban(admin, { identifiers: [ip(5), ip(19_998)] });
    const keys = Array.from({ length: 20_000 }, (_, i) => [key(900_000 + i), ip(i)]).flat();
    const hits = await bannedKeys(t.db, keys);
    expect([...hits].sort()).toEqual(
      [key(900_001), key(919_999), ip(5), ip(19_998)].map(identifierKey).sort(),
    );
    expect(await bannedKeys(t.db, [key(1), { kind: "ip", value: "198.51.100.1" }])).toEqual(new Set());
  });

  it("gives a field error per invalid identifier, and for a bad duration, reason or empty scope", async () => {
    const attempt = (input: Partial<Parameters<typeof createBan>[1]>) => ban(admin, input);
    await expect(
      attempt({
        identifiers: [steam(5), { kind: "ip", value: "300.1.1.1" }, { kind: "cidr", value: "10.1.2.3/8" }],
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: {
        "identifiers.1": [expect.stringMatching(/IPv4/)],
        "identifiers.2": [expect.stringContaining("10.0.0.0/8")],
      },
    });
    await expect(attempt({ duration: "soon" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { duration: [expect.any(String)] },
    });
    await expect(attempt({ reason: "bye\nquit" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { reason: [expect.stringMatching(/line breaks/)] },
    });
    await expect(attempt({ reason: "   " })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(attempt({ identifiers: [] })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(attempt({ target: { scope: "servers", serverIds: [] } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(attempt({ target: { scope: "servers", serverIds: ["nope"] } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("caps Moderators at the configured maximum (default 7 days) and lets Admins ban permanently", async () => {
    expect((await getBanSettings(t.db)).moderatorMaxSeconds).toBe(7 * 86_400);
    await expect(ban(mod, { duration: "permanent" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      fieldErrors: { duration: [expect.stringMatching(/7 days/)] },
    });
    await expect(ban(mod, { duration: "8d" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await ban(mod, { duration: "7d" })).expiresAt).toBe(at(7 * DAY).toISOString());
    expect((await ban(admin, { duration: "permanent" })).expiresAt).toBeNull();
    expect((await ban(owner, { duration: "permanent" })).expiresAt).toBeNull();
    // A limited Admin bans permanently on its own servers only.
    expect(
      (await ban(limitedAdmin, { duration: "perm", target: { scope: "servers", serverIds: [s1] } }))
        .expiresAt,
    ).toBeNull();

    await expect(
      setBanSettings(ctx(mod), { moderatorMaxDuration: "30d", kickTemplate: "x" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      setBanSettings(ctx(limitedAdmin), { moderatorMaxDuration: "30d", kickTemplate: "x" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      setBanSettings(ctx(admin), { moderatorMaxDuration: "perm", kickTemplate: "x" }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { moderatorMaxDuration: [expect.any(String)] },
    });
    await setBanSettings(ctx(admin), { moderatorMaxDuration: "1d", kickTemplate: "Gone: {reason}" });
    await expect(ban(mod, { duration: "2d" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      fieldErrors: { duration: ["At most 1 days"] },
    });
    expect(await getBanSettings(t.db)).toEqual({
      moderatorMaxSeconds: 86_400,
      kickTemplate: "Gone: {reason}",
    });
    await setBanSettings(ctx(admin), {
      moderatorMaxDuration: "7d",
      kickTemplate: "Banned: {reason} ({timeLeft})",
    });
    expect(await t.db.auditEvent.count({ where: { action: "ban.settings", outcome: "success" } })).toBe(2);
  });

  it("confines limited users and Viewers: no 'every server' ban, only their servers, no lists", async () => {
    await expect(ban(viewer)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ban(limitedMod)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      ban(limitedMod, { target: { scope: "servers", serverIds: [s1, s2] } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ban(limitedAdmin, { target: { scope: "all" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const list = await createBanList(ctx(admin), { name: `L${n++}` });
    await expect(ban(limitedAdmin, { target: { scope: "list", banListId: list.id } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(ban(mod, { target: { scope: "list", banListId: list.id } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await ban(limitedMod, { target: { scope: "servers", serverIds: [s1] } })).scope).toBe("servers");
    expect((await ban(mod, { target: { scope: "all" } })).scope).toBe("all");
    // Refusals are audited (identical ones within a minute fold into one row with a count).
    expect(
      await t.db.auditEvent.count({
        where: { action: "ban.create", outcome: "denied", actorId: limitedMod.id },
      }),
    ).toBeGreaterThan(0);
  });

  it("lets Moderators revoke and edit only their own bans, Admins any ban in their scope; revoking keeps who, when and why", async () => {
    const own = await ban(mod);
    const other = await ban(mod2);
    await expect(revokeBan(ctx(mod), { id: other.id, reason: "mistake" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(updateBan(ctx(mod), { id: other.id, reason: "x" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(revokeBan(ctx(viewer), { id: own.id, reason: "x" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const revoked = await revokeBan(ctx(mod), { id: own.id, reason: "appeal accepted" }, at(1000));
    expect(revoked).toMatchObject({
      state: "revoked",
      revokedAt: at(1000).toISOString(),
      revokedByEmail: mod.email,
      revokeReason: "appeal accepted",
    });
    await expect(revokeBan(ctx(admin), { id: own.id, reason: "again" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(updateBan(ctx(mod), { id: own.id, reason: "x" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await t.db.ban.count({ where: { id: own.id } })).toBe(1); // never deleted

    // An Admin of every server revokes anyone's; a limited Admin only bans confined to its servers.
    expect((await revokeBan(ctx(admin), { id: other.id, reason: "overturned" })).state).toBe("revoked");
    const everywhere = await ban(admin);
    await expect(revokeBan(ctx(limitedAdmin), { id: everywhere.id, reason: "x" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const onS1 = await ban(limitedMod, { target: { scope: "servers", serverIds: [s1] } });
    expect((await revokeBan(ctx(limitedAdmin), { id: onS1.id, reason: "ok" })).state).toBe("revoked");
    const onS2 = await ban(admin, { target: { scope: "servers", serverIds: [s2] } });
    await expect(revokeBan(ctx(limitedAdmin), { id: onS2.id, reason: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    }); // not even visible

    // Editing: Moderators stay under the maximum; the duration counts from now.
    const mine = await ban(mod);
    await expect(updateBan(ctx(mod), { id: mine.id, duration: "permanent" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const edited = await updateBan(ctx(mod), { id: mine.id, reason: "wallhack", duration: "2d" }, at(DAY));
    expect(edited).toMatchObject({ reason: "wallhack", expiresAt: at(3 * DAY).toISOString() });
    expect(
      await t.db.auditEvent.count({
        where: { action: { in: ["ban.revoke", "ban.update"] }, outcome: "success" },
      }),
    ).toBeGreaterThanOrEqual(4);
    expect(
      await t.db.auditEvent.count({ where: { action: "ban.revoke", outcome: "denied" } }),
    ).toBeGreaterThanOrEqual(2);
  });

  it("derives the state from the passed time, and gives Viewers no identifiers or notes", async () => {
    const b = await ban(admin, { note: "secret note", playerNames: ["ViewerCase"], duration: "1h" });
    expect((await getBan(ctx(admin), b.id, at(59 * 60_000))).state).toBe("active");
    expect((await getBan(ctx(admin), b.id, at(60 * 60_000))).state).toBe("expired");
    const seen = await getBan(ctx(viewer), b.id, T0);
    expect(seen.identifiers).toBeUndefined();
    expect(seen.note).toBeUndefined();
    await revokeBan(ctx(admin), { id: b.id, reason: "done" });
    expect((await getBan(ctx(viewer), b.id)).revokedByEmail).toBeNull();
    expect((await getBan(ctx(mod), b.id)).revokedByEmail).toBe(admin.email);
    expect(seen.playerNames).toEqual(["ViewerCase"]);
    expect(JSON.stringify(seen)).not.toContain(id64(n));
    const page = await listBans(ctx(viewer), { search: "viewercase" }, T0);
    expect(page.bans.map((x) => x.id)).toEqual([b.id]);
    expect(page.bans[0]!.identifiers).toBeUndefined();
  });

  it("lists newest first by keyset, filters by state, server, author and list, and searches names, reasons and identifiers", async () => {
    const tag = `batch${n++}`;
    const made = [];
    for (let i = 0; i < 5; i++)
      made.push(
        await ban(
          admin,
          {
            reason: `${tag} ${i}`,
            target: { scope: "servers", serverIds: [s3] },
            duration: i === 0 ? "1h" : "30d",
          },
          at(i * 1000),
        ),
      );
    await revokeBan(ctx(admin), { id: made[1]!.id, reason: "x" }, at(10_000));
    const all: string[] = [];
    let after: string | undefined;
    do {
      const page = await listBans(
        ctx(admin),
        { search: tag.toUpperCase(), limit: 2, after },
        at(2 * 3_600_000),
      );
      all.push(...page.bans.map((b) => b.id));
      after = page.next ?? undefined;
    } while (after);
    expect(all).toEqual(made.map((b) => b.id).reverse());
    const ids = async (input: Parameters<typeof listBans>[1]) =>
      (await listBans(ctx(admin), { search: tag, ...input }, at(2 * 3_600_000))).bans.map((b) => b.id);
    expect(await ids({ state: "expired" })).toEqual([made[0]!.id]);
    expect(await ids({ state: "revoked" })).toEqual([made[1]!.id]);
    expect((await ids({ state: "active" })).length).toBe(3);
    expect((await ids({ serverId: s3 })).length).toBe(5);
    expect(await ids({ serverId: s2 })).toEqual([]);
    expect(await ids({ authorId: mod.id })).toEqual([]);
    // Identifier search: any notation of the SteamID finds it, for those who may see identities only.
    const target = await ban(admin, { identifiers: [{ kind: "steam", value: "STEAM_1:0:777777" }] });
    expect((await listBans(ctx(admin), { search: "[U:1:1555554]" })).bans.map((b) => b.id)).toEqual([
      target.id,
    ]);
    expect((await listBans(ctx(viewer), { search: "[U:1:1555554]" })).bans).toEqual([]);
    // A limited user sees bans on its servers and on every server, not those elsewhere.
    const limitedIds = (await listBans(ctx(limitedMod), { search: tag })).bans;
    expect(limitedIds).toEqual([]);
  });

  it("manages ban lists (Admins of every server), applies a list's bans where it is attached, and never deletes a list with bans", async () => {
    await expect(createBanList(ctx(limitedAdmin), { name: "nope" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(createBanList(ctx(mod), { name: "nope" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const list = await createBanList(ctx(admin), { name: "Community list" });
    await expect(createBanList(ctx(admin), { name: "Community list" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const player = { ...noPlayer, guid: "0123456789abcdef0123456789abcdef" };
    const b = await ban(admin, {
      identifiers: [{ kind: "battleye", value: player.guid }],
      target: { scope: "list", banListId: list.id },
    });
    expect(await active(s1, player, T0)).toEqual([]);
    expect(await setBanListServers(ctx(admin), list.id, [s1, s2])).toEqual({ added: [s1, s2], removed: [] });
    expect((await active(s1, player, T0)).map((x) => x.id)).toEqual([b.id]);
    expect((await active(s3, player, T0)).map((x) => x.id)).toEqual([]);
    expect(await setBanListServers(ctx(admin), list.id, [s2])).toEqual({ added: [], removed: [s1] });
    expect(await active(s1, player, T0)).toEqual([]);
    expect((await listBanLists(ctx(limitedMod))).find((l) => l.id === list.id)).toBeUndefined();
    expect((await listBanLists(ctx(viewer))).find((l) => l.id === list.id)).toMatchObject({
      serverIds: [s2],
      banCount: 1,
    });
    await expect(deleteBanList(ctx(admin), list.id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(
      await t.db.auditEvent.count({ where: { action: { startsWith: "ban_list." }, outcome: "success" } }),
    ).toBeGreaterThanOrEqual(3);
  });

  it("finds the active bans for a joining player: every kind, CIDR ranges, scope, expiry and revocation at the passed time", async () => {
    const account = 424_242;
    const perm = await ban(admin, {
      identifiers: [{ kind: "steam", value: id64(account) }],
      duration: "permanent",
      target: { scope: "servers", serverIds: [s1] },
    });
    const timed = await ban(admin, {
      identifiers: [{ kind: "cidr", value: "198.51.100.0/24" }],
      duration: "1h",
    });
    const v6 = await ban(admin, {
      identifiers: [{ kind: "cidr", value: "2001:db8:aa::/48" }],
      duration: "1d",
    });
    const byName = await ban(admin, { identifiers: [{ kind: "name", value: "Evil  Twin" }] });
    const player = {
      guid: null,
      steamId: `STEAM_1:0:${account / 2}`,
      address: "198.51.100.77:27005",
      name: "Someone",
    };
    // Strongest first: permanent before timed.
    expect((await active(s1, player, T0)).map((b) => b.id)).toEqual([perm.id, timed.id]);
    expect((await active(s2, player, T0)).map((b) => b.id)).toEqual([timed.id]); // the permanent one is for s1 only
    expect((await active(s2, player, at(3_600_000))).map((b) => b.id)).toEqual([]); // expired at the check, no sweep needed
    expect((await active(s2, { ...noPlayer, address: "[2001:db8:aa:1::5]:1" }, T0)).map((b) => b.id)).toEqual(
      [v6.id],
    );
    expect(await active(s2, { ...noPlayer, address: "[2001:db8:ab::5]:1" }, T0)).toEqual([]);
    expect((await active(s2, { ...noPlayer, name: "evil twin" }, T0)).map((b) => b.id)).toEqual([byName.id]);
    expect((await active(s1, player, T0))[0]!.matched).toEqual(["steam"]);
    await revokeBan(ctx(admin), { id: perm.id, reason: "x" }, at(1));
    expect((await active(s1, player, at(2))).map((b) => b.id)).toEqual([timed.id]);
    expect(await active(s1, noPlayer, T0)).toEqual([]);
  });

  it("revokes centrally whatever a game server does (no game server is involved), and a deleted server drops its scope rows only", async () => {
    const gone = await server();
    const b = await ban(admin, { target: { scope: "servers", serverIds: [gone] } });
    await t.db.server.delete({ where: { id: gone } });
    const after = await getBan(ctx(admin), b.id);
    expect(after.serverIds).toEqual([]);
    expect((await revokeBan(ctx(admin), { id: b.id, reason: "cleanup" })).state).toBe("revoked");
  });
});
