/**
 * The server page's ban panel data on SQLite and PostgreSQL: the bans in scope with their sync
 * state (identifiers and game errors hidden from Viewers), and adopting or removing a native-only
 * ban: an Admin of the server may, a Viewer, a Moderator or an Admin limited to another server may
 * not (refused, audited, nothing changed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createActor } from "../testing/actors.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import { adoptNativeBan, listNativeOnlyBans, removeNativeBan } from "./ban-drift.ts";
import { createBan, revokeBan } from "./bans.ts";
import type { DataContext } from "./context.ts";
import { listNativeOnlyForActor, listServerBans } from "./server-bans.ts";

describe.each(DATABASE_KINDS)("server ban panel data on $kind", ({ create }) => {
  let t: TestDatabase;
  let n = 0;
  let s1: string, s2: string;
  let admin: Actor, limitedAdmin: Actor, mod: Actor, viewer: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const user = (role: Actor["role"], serverIds: string[] | null) => createActor(t.db, role, serverIds);
  const server = () => createUnreadableServer(t.db, `SB${n++}`, 1, { game: "arma3", protocol: "battleye" });
  const native = async (serverId: string) => {
    const guid = (n++).toString(16).padStart(32, "a");
    return (
      await t.db.nativeBan.create({
        data: {
          serverId,
          kind: "battleye",
          value: guid,
          nativeKind: "guid",
          nativeValue: guid,
          reason: "Hand ban",
          minutesLeft: null,
          firstSeenAt: new Date(),
          lastSeenAt: new Date(),
        },
      })
    ).id;
  };
  const denied = async (action: string, actor: Actor) =>
    t.db.auditEvent.count({ where: { action, actorId: actor.id, outcome: "denied" } });

  beforeAll(async () => {
    t = await create();
    s1 = await server();
    s2 = await server();
    admin = await user("ADMIN", null);
    limitedAdmin = await user("ADMIN", [s2]);
    mod = await user("MODERATOR", null);
    viewer = await user("VIEWER", null);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("lists the bans in scope with their sync state; Viewers get no identifiers nor game errors", async () => {
    const here = await createBan(ctx(admin), {
      identifiers: [{ kind: "steam", value: "76561198000000001" }],
      playerNames: ["Here"],
      reason: "Cheating",
      duration: "1d",
      target: { scope: "servers", serverIds: [s1] },
    });
    const elsewhere = await createBan(ctx(admin), {
      identifiers: [{ kind: "steam", value: "76561198000000002" }],
      reason: "Elsewhere",
      duration: "1d",
      target: { scope: "servers", serverIds: [s2] },
    });
    const gone = await createBan(ctx(admin), {
      identifiers: [{ kind: "steam", value: "76561198000000003" }],
      reason: "Lifted",
      duration: "1d",
      target: { scope: "servers", serverIds: [s1] },
    });
    await t.db.banSync.create({
      data: { banId: here.id, serverId: s1, state: "failed", error: "Game said no to 76561198000000001" },
    });
    await t.db.banSync.create({
      data: { banId: gone.id, serverId: s1, state: "applied", lastVerifiedAt: new Date() },
    });
    await revokeBan(ctx(admin), { id: gone.id, reason: "appeal" });

    const rows = await listServerBans(ctx(admin), s1);
    expect(rows.map((r) => r.id)).toEqual([gone.id, here.id]);
    expect(rows.map((r) => r.id)).not.toContain(elsewhere.id);
    expect(rows[1]).toMatchObject({
      playerNames: ["Here"],
      identifiers: [{ kind: "steam", value: "76561198000000001" }],
      state: "active",
      sync: { state: "failed", error: "Game said no to 76561198000000001" },
    });
    // Revoked but still held natively: shown until the sync lifts it.
    expect(rows[0]).toMatchObject({ state: "revoked", sync: { state: "applied" } });

    const viewed = await listServerBans(ctx(viewer), s1);
    expect(viewed).toHaveLength(2);
    expect(viewed.every((r) => r.identifiers === undefined && r.sync.error === null)).toBe(true);
    expect(JSON.stringify(viewed)).not.toContain("76561198000000001");

    await expect(listServerBans(ctx(limitedAdmin), s1)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await denied("ban.server.list", limitedAdmin)).toBe(1);
  });

  it("lets an Admin of the server adopt a native-only ban; refuses Viewer, Moderator and an Admin of another server", async () => {
    const id = await native(s1);
    for (const actor of [viewer, mod]) {
      await expect(adoptNativeBan(ctx(actor), id)).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await denied("ban.native.adopt", actor)).toBe(1);
    }
    // Another server's Admin cannot even tell it exists.
    await expect(adoptNativeBan(ctx(limitedAdmin), id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await t.db.nativeBan.count({ where: { id } })).toBe(1);
    expect(await t.db.ban.count({ where: { reason: "Hand ban" } })).toBe(0);

    const ban = await adoptNativeBan(ctx(admin), id);
    expect(ban).toMatchObject({
      reason: "Hand ban",
      scope: "servers",
      serverIds: [s1],
      expiresAt: null,
      state: "active",
    });
    expect(await t.db.nativeBan.count({ where: { id } })).toBe(0);
    expect(
      await t.db.auditEvent.count({
        where: { action: "ban.native.adopt", actorId: admin.id, outcome: "success" },
      }),
    ).toBe(1);
  });

  it("lets an Admin of the server ask for a native removal; refuses Viewer, Moderator and an Admin of another server", async () => {
    const id = await native(s1);
    for (const actor of [viewer, mod]) {
      await expect(removeNativeBan(ctx(actor), id)).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await denied("ban.native.remove", actor)).toBe(1);
    }
    await expect(removeNativeBan(ctx(limitedAdmin), id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await t.db.nativeBan.findUnique({ where: { id } }))?.removeRequestedAt).toBeNull();

    await removeNativeBan(ctx(admin), id);
    expect((await listNativeOnlyBans(ctx(admin), s1)).find((b) => b.id === id)).toMatchObject({
      removeRequested: true,
    });
    expect(
      await t.db.auditEvent.count({
        where: { action: "ban.native.remove", actorId: admin.id, outcome: "success" },
      }),
    ).toBe(1);
  });

  it("lists drift for the Bans page on the actor's servers only, without identifiers for Viewers", async () => {
    const mine = await native(s2);
    const other = await native(s1);
    const all = await listNativeOnlyForActor(ctx(admin));
    expect(all.map((r) => r.id)).toEqual(expect.arrayContaining([mine, other]));
    expect(all.find((r) => r.id === mine)).toMatchObject({
      serverId: s2,
      kind: "battleye",
      reason: "Hand ban",
    });
    expect(all.find((r) => r.id === mine)?.value).toMatch(/^[0-9a-f]{32}$/);
    const limited = await listNativeOnlyForActor(ctx(limitedAdmin));
    expect(limited.map((r) => r.id)).toContain(mine);
    expect(limited.map((r) => r.id)).not.toContain(other);
    const viewed = await listNativeOnlyForActor(ctx(viewer));
    expect(viewed.length).toBeGreaterThanOrEqual(2);
    expect(viewed.every((r) => r.value === null)).toBe(true);
  });
});
