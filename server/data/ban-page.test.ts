/**
 * The Bans page's data functions on SQLite and PostgreSQL: bulk revoke (Admin any, Moderator only
 * its own, a server-limited Moderator not outside its servers, a Viewer not at all), sync states
 * narrowed to the actor's servers without errors for Viewers, authors, and the servers to recheck.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "../../lib/errors.ts";
import type { Actor } from "../../lib/permissions.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createActor } from "../testing/actors.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import { createBanList, setBanListServers } from "./ban-lists.ts";
import { banLimitFor, banSyncStates, listBanAuthors, revokeBans, serversOfBans } from "./ban-page.ts";
import { createBan, listBans } from "./bans.ts";
import type { DataContext } from "./context.ts";

describe.each(DATABASE_KINDS)("Bans page data on $kind", ({ create }) => {
  let t: TestDatabase;
  let n = 0;
  let s1: string, s2: string;
  let admin: Actor, mod: Actor, mod2: Actor, limitedMod: Actor, viewer: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const user = (role: Actor["role"], serverIds: string[] | null) => createActor(t.db, role, serverIds);
  const server = () => createUnreadableServer(t.db, `P${n++}`, 1, { game: "cs2", protocol: "source" });
  const ban = async (actor: Actor, serverIds: string[] | null) =>
    (
      await createBan(ctx(actor), {
        identifiers: [{ kind: "steam", value: `[U:1:${1000 + n++}]` }],
        reason: "Cheating",
        duration: "1d",
        target: serverIds ? { scope: "servers", serverIds } : { scope: "all" },
      })
    ).id;

  beforeAll(async () => {
    t = await create();
    s1 = await server();
    s2 = await server();
    admin = await user("ADMIN", null);
    mod = await user("MODERATOR", null);
    mod2 = await user("MODERATOR", null);
    limitedMod = await user("MODERATOR", [s1]);
    viewer = await user("VIEWER", null);
  });
  afterAll(() => t.drop());

  it("an Admin revokes several bans at once; each is audited and a second revoke is refused per ban", async () => {
    const ids = [await ban(mod, [s1]), await ban(mod2, null)];
    expect(await revokeBans(ctx(admin), { ids, reason: "Appeal accepted" })).toEqual({
      revoked: ids,
      refused: [],
    });
    expect(
      await t.db.auditEvent.count({
        where: { action: "ban.revoke", outcome: "success", targetId: { in: ids } },
      }),
    ).toBe(2);
    const again = await revokeBans(ctx(admin), { ids, reason: "again" });
    expect(again.revoked).toEqual([]);
    expect(again.refused.map((r) => r.id)).toEqual(ids);
  });

  it("a Moderator revokes its own bans only; the others stay active and the refusal is audited", async () => {
    const own = await ban(mod, [s1]);
    const other = await ban(mod2, [s1]);
    const result = await revokeBans(ctx(mod), { ids: [own, other], reason: "Mistake" });
    expect(result.revoked).toEqual([own]);
    expect(result.refused.map((r) => r.id)).toEqual([other]);
    expect(result.refused[0]?.message).toContain("your own");
    expect((await t.db.ban.findUnique({ where: { id: other } }))?.revokedAt).toBeNull();
    expect(
      await t.db.auditEvent.count({
        where: { action: "ban.revoke", outcome: "denied", actorId: mod.id, targetId: other },
      }),
    ).toBe(1);
  });

  it("a server-limited Moderator cannot revoke a ban of another server (not even see it), a Viewer nothing", async () => {
    const onS2 = await ban(mod2, [s2]);
    const own = await ban(limitedMod, [s1]);
    const result = await revokeBans(ctx(limitedMod), { ids: [onS2, own], reason: "x" });
    expect(result.revoked).toEqual([own]);
    expect(result.refused).toEqual([{ id: onS2, message: "That ban does not exist." }]);
    await expect(revokeBans(ctx(viewer), { ids: [onS2], reason: "x" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await t.db.ban.findUnique({ where: { id: onS2 } }))?.revokedAt).toBeNull();
    const fields = (raw: { ids: string[]; reason: string }) =>
      revokeBans(ctx(admin), raw).then(
        () => null,
        (error: AppError) => [error.code, Object.keys(error.fieldErrors ?? {})],
      );
    expect(await fields({ ids: [], reason: "x" })).toEqual(["INVALID_INPUT", ["ids"]]);
    expect(await fields({ ids: [onS2], reason: "a\nb" })).toEqual(["INVALID_INPUT", ["reason"]]);
  });

  it("sync states: only the actor's servers, errors only for staff", async () => {
    const id = await ban(admin, [s1, s2]);
    await t.db.banSync.createMany({
      data: [
        { banId: id, serverId: s1, state: "failed", error: "banid refused STEAM_0:0:1" },
        { banId: id, serverId: s2, state: "applied" },
      ],
    });
    expect(
      (await banSyncStates(ctx(admin), [id]))[id]?.map((s) => [s.serverId, s.state, s.error]).sort(),
    ).toEqual(
      [
        [s1, "failed", "banid refused STEAM_0:0:1"],
        [s2, "applied", null],
      ].sort(),
    );
    expect((await banSyncStates(ctx(limitedMod), [id]))[id]?.map((s) => s.serverId)).toEqual([s1]);
    expect((await banSyncStates(ctx(viewer), [id]))[id]?.every((s) => s.error === null)).toBe(true);
  });

  it("authors for the filter, and the servers a change concerns", async () => {
    const onlyS2 = await user("MODERATOR", [s2]);
    await ban(onlyS2, [s2]);
    const authors = await listBanAuthors(ctx(viewer));
    expect(authors.map((a) => a.id).sort()).toEqual(
      [admin.id, mod.id, mod2.id, limitedMod.id, onlyS2.id].sort(),
    );
    // A limited user learns only the authors of bans it may see.
    const limitedAuthors = (await listBanAuthors(ctx(limitedMod))).map((a) => a.id);
    expect(limitedAuthors).toContain(limitedMod.id);
    expect(limitedAuthors).not.toContain(onlyS2.id);
    const list = await createBanList(ctx(admin), { name: "Shared" });
    await setBanListServers(ctx(admin), list.id, [s2]);
    const onList = (
      await createBan(ctx(admin), {
        identifiers: [{ kind: "steam", value: "[U:1:5]" }],
        reason: "x",
        duration: "1d",
        target: { scope: "list", banListId: list.id },
      })
    ).id;
    expect((await serversOfBans(t.db, [await ban(admin, [s1]), onList]))?.sort()).toEqual([s1, s2].sort());
    expect(await serversOfBans(t.db, [onList, await ban(admin, null)])).toBeUndefined();
  });

  it("lists oldest first by keyset too (the Bans page's sort), every row once", async () => {
    const tag = `sorted${n++}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push(
        (
          await createBan(
            ctx(admin),
            {
              identifiers: [{ kind: "name", value: `p${i}` }],
              reason: `${tag} ${i}`,
              duration: "1d",
              target: { scope: "all" },
            },
            new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
          )
        ).id,
      );
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listBans(ctx(admin), { search: tag, sort: "oldest", limit: 2, after });
      seen.push(...page.bans.map((b) => b.id));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toEqual(made);
  });

  it("pages through bans sharing one createdAt (an import) in both orders, every row once", async () => {
    const tag = `tied${n++}`;
    const at = new Date(Date.UTC(2026, 1, 1));
    const made: string[] = [];
    for (let i = 0; i < 7; i++)
      made.push(
        (
          await createBan(
            ctx(admin),
            {
              identifiers: [{ kind: "name", value: `t${i}` }],
              reason: `${tag} ${i}`,
              duration: "1d",
              target: { scope: "all" },
            },
            i < 5 ? at : new Date(at.getTime() + (i - 4) * 1000),
          )
        ).id,
      );
    for (const sort of ["newest", "oldest"] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await listBans(ctx(admin), { search: tag, sort, limit: 2, after });
        seen.push(...page.bans.map((b) => b.id));
        after = page.next ?? undefined;
      } while (after);
      expect(new Set(seen).size, sort).toBe(7);
      expect([...seen].sort(), sort).toEqual([...made].sort());
      // The two later bans come first when newest first, last when oldest first.
      const later = made.slice(5);
      expect(sort === "newest" ? seen.slice(0, 2).sort() : seen.slice(5).sort(), sort).toEqual(later.sort());
    }
  });

  it("shows Moderators their maximum and Admins none", async () => {
    expect(await banLimitFor(ctx(mod), s1)).toBe("7 days");
    expect(await banLimitFor(ctx(admin), s1)).toBeNull();
    expect(await banLimitFor(ctx(admin))).toBeNull();
    const limitedAdmin = await user("ADMIN", [s1]);
    expect(await banLimitFor(ctx(limitedAdmin), s1)).toBeNull();
    expect(await banLimitFor(ctx(limitedAdmin))).toBe("7 days");
  });
});
