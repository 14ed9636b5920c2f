/**
 * Player profiles on SQLite and PostgreSQL: what each role gets (Viewers no identifiers, anywhere
 * in the answer), server scope (NOT_FOUND outside it, only its servers' history inside), stays
 * capped per server, bans found by record and by identifier (also a CIDR range), note rights,
 * "possible same person" suggestions and their reasons, merged and erased players.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import { createActor } from "../../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createUnreadableServer } from "../../testing/hub.ts";
import { seedPlayer } from "../../testing/player-seed.ts";
import { createBan, listBans, revokeBan } from "../bans.ts";
import type { DataContext } from "../context.ts";
import { getPlayerProfile, STAYS_PER_SERVER, type PlayerRefs } from "./profile.ts";

const NOW = new Date("2026-11-01T12:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const STEAM = "76561197960290419";
const IP = "203.0.113.7";
/** Stands in for runtime.hub: the handle a list without identities would carry. */
const refs: PlayerRefs = {
  playerRef: (serverId, gameId, withIdentities) => (withIdentities ? gameId : `~handle-of-${gameId}`),
};

describe.each(DATABASE_KINDS)("player profile on $kind", ({ create }) => {
  let t: TestDatabase;
  let s1: string, s2: string;
  let owner: Actor, admin: Actor, mod: Actor, mod2: Actor, viewer: Actor, limitedMod: Actor;
  const ids: Record<string, string> = {};
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const profile = (actor: Actor, key: string) => getPlayerProfile(ctx(actor), ids[key]!, NOW, refs);

  beforeAll(async () => {
    t = await create();
    s1 = await createUnreadableServer(t.db, "Alpha server");
    s2 = await createUnreadableServer(t.db, "Bravo server");
    owner = await createActor(t.db, "OWNER", null);
    admin = await createActor(t.db, "ADMIN", null);
    mod = await createActor(t.db, "MODERATOR", null);
    mod2 = await createActor(t.db, "MODERATOR", null);
    viewer = await createActor(t.db, "VIEWER", null);
    limitedMod = await createActor(t.db, "MODERATOR", [s1]);
    const seed = async (key: string, spec: Parameters<typeof seedPlayer>[1]) =>
      (ids[key] = await seedPlayer(t.db, spec));
    await seed("main", {
      names: ["Sniper Wolf", "^1Bob"],
      plainNames: ["Sniper Wolf", "Bob"],
      identities: [
        { kind: "steam", value: STEAM },
        { kind: "ip", value: IP },
      ],
      servers: [s1],
      lastSeenAt: at(0),
      staysPerServer: STAYS_PER_SERVER + 2,
      openOn: s1,
    });
    // Seen on Bravo too, under a name and an address only seen there.
    await t.db.playerServer.create({
      data: {
        playerId: ids.main!,
        serverId: s2,
        firstSeenAt: at(-500),
        lastSeenAt: at(-400),
        staysCount: 1,
        secondsPlayed: 300,
      },
    });
    await t.db.playerSession.create({
      data: {
        serverId: s2,
        gameId: "3",
        name: "Bravo Bob",
        plainName: "Bravo Bob",
        joinedAt: at(-405),
        leftAt: at(-400),
        playerId: ids.main!,
        originPlayerId: ids.main!,
      },
    });
    for (const [kind, value, display] of [
      ["name", "bravo bob", "Bravo Bob"],
      ["ip", "198.51.100.9", null],
    ] as const)
      await t.db.playerIdentity.create({
        data: {
          playerId: ids.main!,
          originPlayerId: ids.main!,
          kind,
          value,
          display,
          firstSeenAt: at(-500),
          lastSeenAt: at(-400),
          servers: { create: [{ serverId: s2, firstSeenAt: at(-500), lastSeenAt: at(-400) }] },
        },
      });
    await t.db.playerSanction.createMany({
      data: [
        {
          playerId: ids.main!,
          originPlayerId: ids.main!,
          kind: "warning",
          serverId: s1,
          reason: "Language",
          delivery: "whisper",
          authorName: "Mo",
          createdAt: at(-30),
        },
        {
          playerId: ids.main!,
          originPlayerId: ids.main!,
          kind: "kick",
          serverId: s2,
          reason: "Spawn killing",
          authorName: "Mo",
          createdAt: at(-20),
        },
      ],
    });
    await t.db.player.update({
      where: { id: ids.main! },
      data: { watchReason: "Suspected aimbot", watchedAt: at(-10), watchedByName: "Mo" },
    });

    await seed("sameIp", {
      names: ["Cousin"],
      identities: [{ kind: "ip", value: IP }],
      servers: [s1],
      lastSeenAt: at(-60),
    });
    await seed("sameSteam", {
      names: ["Alt account"],
      identities: [{ kind: "steam", value: STEAM }],
      servers: [s1],
      lastSeenAt: at(-70),
    });
    await seed("sameName", { names: ["Sniper Wolf"], servers: [s1], lastSeenAt: at(-80) });
    await seed("otherServer", {
      names: ["Far away"],
      identities: [{ kind: "ip", value: IP }],
      servers: [s2],
      lastSeenAt: at(-90),
    });
    await seed("mergedAway", {
      names: ["Sniper Wolf"],
      identities: [{ kind: "ip", value: IP }],
      servers: [s1],
      lastSeenAt: at(-100),
    });
    await t.db.player.update({
      where: { id: ids.mergedAway! },
      data: { mergedIntoId: ids.main!, mergedAt: at(-5) },
    });
    // "Bob" is short and "player" is common: neither suggests the same person.
    await seed("short", { names: ["Bob"], servers: [s1], lastSeenAt: at(-110) });
    for (let i = 0; i < 4; i++)
      await seed(`common${i}`, { names: ["Player", `Common ${i}`], servers: [s1], lastSeenAt: at(-120 - i) });
    await seed("erased", {
      names: ["Forget me"],
      identities: [{ kind: "steam", value: "76561197960290420" }],
      servers: [s1],
      lastSeenAt: at(-200),
      staysPerServer: 3,
    });
    await t.db.player.update({ where: { id: ids.erased! }, data: { erasedAt: at(-1) } });
  });
  afterAll(() => t.drop());

  it("a Moderator gets names, identities with their servers, stays per server (capped), online refs, sanctions and watch", async () => {
    const p = await profile(mod, "main");
    expect(p).toMatchObject({
      playerId: ids.main,
      name: "^1Bob",
      erased: false,
      watch: { reason: "Suspected aimbot", byName: "Mo" },
    });
    expect(p.names.map((n) => n.display)).toEqual(["^1Bob", "Sniper Wolf", "Bravo Bob"]);
    expect(p.identities?.map((i) => [i.kind, i.value, i.servers.map((s) => s.serverName)])).toEqual([
      ["ip", IP, ["Alpha server"]],
      ["steam", STEAM, ["Alpha server"]],
      ["ip", "198.51.100.9", ["Bravo server"]],
    ]);
    const alpha = p.servers.find((s) => s.serverId === s1)!;
    expect(alpha.stays).toHaveLength(STAYS_PER_SERVER);
    expect(alpha.staysTruncated).toBe(true);
    expect(alpha.staysCount).toBe(STAYS_PER_SERVER + 2);
    const joined = alpha.stays.map((s) => s.joinedAt);
    expect(joined).toEqual([...joined].sort().reverse());
    expect(alpha.stays[0]!.leftAt).toBeNull();
    expect(p.servers.find((s) => s.serverId === s2)).toMatchObject({
      staysTruncated: false,
      stays: [expect.objectContaining({ name: "Bravo Bob" })],
    });
    expect(p.online).toEqual([{ serverId: s1, serverName: "Alpha server", playerRef: "7" }]);
    expect(p.sanctions.map((s) => [s.kind, s.reason, s.serverName])).toEqual([
      ["kick", "Spawn killing", "Bravo server"],
      ["warning", "Language", "Alpha server"],
    ]);
    expect(p.merged).toEqual([
      { playerId: ids.mergedAway, name: "Sniper Wolf", mergedAt: at(-5).toISOString() },
    ]);
    expect(p.can).toEqual({
      note: true,
      warn: true,
      kick: true,
      message: true,
      ban: true,
      watch: true,
      merge: false,
      erase: false,
      identities: true,
    });
  });

  it("a Viewer gets names, stays and notes, but no identifier anywhere in the answer", async () => {
    await t.db.playerNote.create({
      data: {
        playerId: ids.main!,
        originPlayerId: ids.main!,
        text: "Seen cheating",
        authorId: mod.id,
        authorName: "Mo",
      },
    });
    const p = await profile(viewer, "main");
    expect(p.identities).toBeNull();
    expect(p.names.length).toBe(3);
    expect(p.servers.length).toBe(2);
    expect(p.notes.map((n) => n.text)).toContain("Seen cheating");
    expect(p.online).toEqual([{ serverId: s1, serverName: "Alpha server", playerRef: "~handle-of-7" }]);
    expect(p.suggestions.map((s) => s.reason)).toEqual([
      "Shares a SteamID",
      "Shares an IP address",
      "Shares an IP address",
      'Shares the unusual name "Sniper Wolf"',
    ]);
    expect(JSON.stringify(p)).not.toMatch(/7656119|203\.0\.113|198\.51\.100/);
    expect(p.can).toEqual({
      note: false,
      warn: false,
      kick: false,
      message: false,
      ban: false,
      watch: false,
      merge: false,
      erase: false,
      identities: false,
    });
    // Without the hub's refs a Viewer gets no online entry rather than a raw game id.
    expect((await getPlayerProfile(ctx(viewer), ids.main!, NOW)).online).toEqual([]);
  });

  it("suggests possible same persons with reasons naming the value for identity readers, strongest first", async () => {
    const p = await profile(mod, "main");
    expect(p.suggestions).toEqual([
      expect.objectContaining({
        playerId: ids.sameSteam,
        name: "Alt account",
        reason: `Same SteamID ${STEAM}`,
      }),
      expect.objectContaining({ playerId: ids.sameIp, reason: `Shares the IP address ${IP}` }),
      expect.objectContaining({ playerId: ids.otherServer, reason: `Shares the IP address ${IP}` }),
      expect.objectContaining({ playerId: ids.sameName, reason: 'Shares the unusual name "Sniper Wolf"' }),
    ]);
    // Common and short names suggest nobody; merged and erased players are never suggested.
    const common = await profile(mod, "common0");
    expect(common.suggestions).toEqual([]);
  });

  it("a server-limited Moderator: NOT_FOUND outside its servers, only its servers' history inside", async () => {
    await expect(profile(limitedMod, "otherServer")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getPlayerProfile(ctx(limitedMod), "no-such-player", NOW, refs)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const p = await profile(limitedMod, "main");
    expect(p.servers.map((s) => s.serverName)).toEqual(["Alpha server"]);
    expect(p.names.map((n) => n.display)).toEqual(["^1Bob", "Sniper Wolf"]);
    expect(p.identities?.map((i) => i.value)).toEqual([IP, STEAM]);
    expect(p.sanctions.map((s) => s.reason)).toEqual(["Language"]);
    expect(p.totals).toEqual({
      staysCount: STAYS_PER_SERVER + 2,
      secondsPlayed: (STAYS_PER_SERVER + 2) * 600,
    });
    expect(p.suggestions.map((s) => s.playerId)).not.toContain(ids.otherServer);
    expect(JSON.stringify(p)).not.toMatch(/Bravo|198\.51\.100/);
  });

  it("lists bans made from the record and bans of its identifiers (also a CIDR range), with their state at `now`", async () => {
    const fromRecord = await createBan(
      ctx(admin),
      {
        identifiers: [{ kind: "name", value: "bob" }],
        reason: "Made from the profile",
        duration: "permanent",
        target: { scope: "all" },
      },
      at(-300),
    );
    await t.db.ban.update({ where: { id: fromRecord.id }, data: { playerId: ids.main! } });
    const bySteam = await createBan(
      ctx(admin),
      {
        identifiers: [{ kind: "steam", value: "STEAM_0:1:12345" }],
        reason: "Wallhack",
        duration: "1d",
        target: { scope: "all" },
      },
      at(-2000),
    );
    const byRange = await createBan(
      ctx(admin),
      {
        identifiers: [{ kind: "cidr", value: "203.0.113.0/24" }],
        reason: "Range ban",
        duration: "permanent",
        target: { scope: "servers", serverIds: [s2] },
      },
      at(-100),
    );
    await revokeBan(ctx(admin), { id: byRange.id, reason: "Appeal" }, at(-50));
    const unrelated = await createBan(
      ctx(admin),
      {
        identifiers: [{ kind: "ip", value: "192.0.2.1" }],
        reason: "Someone else",
        duration: "permanent",
        target: { scope: "all" },
      },
      at(-10),
    );

    const p = await profile(mod, "main");
    expect(p.bans.map((b) => [b.reason, b.state])).toEqual([
      ["Range ban", "revoked"],
      ["Made from the profile", "active"],
      ["Wallhack", "expired"],
    ]);
    expect(p.bans.map((b) => b.banId)).not.toContain(unrelated.id);
    expect(p.bans[0]!.href).toBe(`/bans?search=${byRange.id}`);
    // The link finds that one ban on the Bans page.
    expect((await listBans(ctx(mod), { search: bySteam.id })).bans.map((b) => b.id)).toEqual([bySteam.id]);
    // A limited Moderator does not see the ban scoped to the other server.
    expect((await profile(limitedMod, "main")).bans.map((b) => b.reason)).toEqual([
      "Made from the profile",
      "Wallhack",
    ]);
  });

  it("notes: the author and Admins may edit, only an Owner may delete; revisions newest first", async () => {
    const note = await t.db.playerNote.create({
      data: {
        playerId: ids.sameIp!,
        originPlayerId: ids.sameIp!,
        text: "Third text",
        authorId: mod.id,
        authorName: "Mo",
        editedAt: at(-1),
        revisions: {
          create: [
            { text: "First text", editorName: "Mo", createdAt: at(-3) },
            { text: "Second text", editorName: "Al", createdAt: at(-2) },
          ],
        },
      },
    });
    const noteOf = async (actor: Actor) =>
      (await profile(actor, "sameIp")).notes.find((n) => n.id === note.id)!;
    expect((await noteOf(mod)).revisions.map((r) => r.text)).toEqual(["Second text", "First text"]);
    expect(await noteOf(mod)).toMatchObject({ canEdit: true, canDelete: false });
    expect(await noteOf(mod2)).toMatchObject({ canEdit: false, canDelete: false });
    expect(await noteOf(admin)).toMatchObject({ canEdit: true, canDelete: false });
    expect(await noteOf(owner)).toMatchObject({ canEdit: true, canDelete: true });
    expect(await noteOf(viewer)).toMatchObject({ canEdit: false, canDelete: false });
    expect((await profile(owner, "sameIp")).can).toMatchObject({ merge: true, erase: true });
  });

  it("a merged player's id opens the player it was merged into", async () => {
    expect((await profile(mod, "mergedAway")).playerId).toBe(ids.main);
  });

  it("an erased player shows as such with its counts only", async () => {
    const p = await profile(owner, "erased");
    expect(p).toMatchObject({
      name: "Erased player",
      erased: true,
      names: [],
      identities: [],
      notes: [],
      suggestions: [],
      watch: null,
      online: [],
    });
    expect(p.totals.staysCount).toBe(3);
    expect(p.servers).toEqual([expect.objectContaining({ staysCount: 3, stays: [] })]);
    expect(JSON.stringify(p)).not.toMatch(/Forget me|76561197960290420/);
  });
});
