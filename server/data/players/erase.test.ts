/**
 * Erasing a player ("forget me") and banning from a profile, on SQLite and PostgreSQL. Erase: only
 * Owners; names, identities, notes and revisions gone, stays and sanctions anonymised, counts kept,
 * bans untouched, the audit row without the names. Offline ban: the record's certain identities
 * (and its last address when chosen), linked by Ban.playerId; Moderator limits and scope refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import { createBan } from "../bans.ts";
import type { DataContext } from "../context.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createActor } from "../../testing/actors.ts";
import { createUnreadableServer } from "../../testing/hub.ts";
import { createPlayerRecord } from "../../testing/players.ts";
import { banPlayerRecord } from "./ban.ts";
import { erasePlayer } from "./erase.ts";
import { mergePlayers, splitPlayer } from "./merge.ts";
import { addPlayerNote, editPlayerNote } from "./notes.ts";
import { recordPlayerSanction } from "./sanctions.ts";
import { setPlayerWatch } from "./watch.ts";

const T0 = new Date("2026-06-01T12:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const STEAM = "76561197960265729";

describe.each(DATABASE_KINDS)("erase and offline ban on $kind", ({ create }) => {
  let t: TestDatabase;
  let s1: string, s2: string;
  let owner: Actor, admin: Actor, mod: Actor, limitedMod: Actor, viewer: Actor;
  let n = 0;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const person = (name: string, identities: { kind: string; value: string }[] = []) =>
    createPlayerRecord(t.db, {
      name,
      identities: [
        ...identities.map((i) => ({ ...i, firstSeenAt: at(0), lastSeenAt: at(10), serverIds: [s1] })),
        {
          kind: "name",
          value: name.toLowerCase(),
          display: name,
          firstSeenAt: at(0),
          lastSeenAt: at(10),
          serverIds: [s1],
        },
      ],
      stays: [
        { serverId: s1, joinedAt: at(0), leftAt: at(10), name, steamId: STEAM, address: "203.0.113.7:2304" },
        { serverId: s1, joinedAt: at(20), leftAt: at(25), name },
      ],
    });

  beforeAll(async () => {
    t = await create();
    s1 = await createUnreadableServer(t.db, "One");
    s2 = await createUnreadableServer(t.db, "Two");
    owner = await createActor(t.db, "OWNER", null);
    admin = await createActor(t.db, "ADMIN", null);
    mod = await createActor(t.db, "MODERATOR", null);
    limitedMod = await createActor(t.db, "MODERATOR", [s2]);
    viewer = await createActor(t.db, "VIEWER", null);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("an Owner erases a player: names, identities and notes gone, stays and sanctions anonymised, counts and bans kept", async () => {
    const playerId = await person("Sigrid", [
      { kind: "steam", value: String(76561197960265728n + BigInt(++n)) },
      { kind: "ip", value: "203.0.113.7" },
    ]);
    const other = await person("Sigrun");
    await mergePlayers(ctx(owner), { intoId: playerId, fromId: other });
    const note = await addPlayerNote(ctx(mod), playerId, "lives in Oslo");
    await editPlayerNote(ctx(mod), note.id, "lives in Bergen");
    await recordPlayerSanction(t.db, {
      playerId,
      kind: "warning",
      serverId: s1,
      reason: "said Sigrid's address",
      delivery: "say",
      author: mod,
    });
    await setPlayerWatch(ctx(mod), playerId, "watch Sigrid");
    const ban = await createBan(
      ctx(admin),
      {
        identifiers: [{ kind: "ip", value: "203.0.113.7" }],
        playerNames: ["Sigrid"],
        reason: "cheat",
        duration: "1d",
        target: { scope: "all" },
      },
      T0,
      { playerId },
    );
    const before = await t.db.player.findUniqueOrThrow({ where: { id: playerId } });

    const result = await erasePlayer(ctx(owner), playerId, at(100));
    expect(result).toMatchObject({ playerId, bansKept: 1, playerIds: [playerId, other] });
    expect(result.message).toContain("Bans page");

    for (const id of [playerId, other])
      expect(await t.db.player.findUniqueOrThrow({ where: { id } })).toMatchObject({
        lastName: "Erased player",
        lastNameKey: "",
        erasedAt: at(100),
        watchReason: null,
      });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: playerId } })).toMatchObject({
      staysCount: before.staysCount,
      secondsPlayed: before.secondsPlayed,
    });
    expect(await t.db.playerIdentity.count({ where: { playerId: { in: [playerId, other] } } })).toBe(0);
    expect(await t.db.playerNote.count({ where: { playerId } })).toBe(0);
    expect(await t.db.playerNoteRevision.count({ where: { noteId: note.id } })).toBe(0);
    const stays = await t.db.playerSession.findMany({ where: { playerId } });
    expect(stays).toHaveLength(4);
    expect(
      stays.every(
        (s) =>
          s.name === "Erased player" &&
          s.plainName === "" &&
          s.steamId === null &&
          s.address === null &&
          s.guid === null,
      ),
    ).toBe(true);
    expect(
      await t.db.playerSanction.findMany({ where: { playerId }, select: { reason: true, kind: true } }),
    ).toEqual([{ reason: "", kind: "warning" }]);
    // The ban is a separate decision: it keeps its names and identifiers.
    expect(
      await t.db.ban.findUniqueOrThrow({ where: { id: ban.id }, include: { identifiers: true } }),
    ).toMatchObject({ playerId, playerNames: '["Sigrid"]', identifiers: [{ value: "203.0.113.7" }] });
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "player.erase", targetId: playerId },
    });
    expect(audit).toMatchObject({ outcome: "success", actorId: owner.id });
    expect(audit.input).not.toMatch(/Sigri|Oslo|Bergen|203\.0/);
    // Nothing of the group can be split back out, or erased twice.
    await expect(splitPlayer(ctx(owner), other)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(erasePlayer(ctx(owner), playerId)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("only an Owner erases: an Admin, a Moderator and a Viewer are refused, audited, nothing erased", async () => {
    const playerId = await person("Kept");
    for (const actor of [admin, mod, viewer]) {
      await expect(erasePlayer(ctx(actor), playerId)).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(
        await t.db.auditEvent.count({
          where: { actorId: actor.id, action: "player.erase", outcome: "denied", targetId: playerId },
        }),
      ).toBe(1);
    }
    expect(await t.db.player.findUniqueOrThrow({ where: { id: playerId } })).toMatchObject({
      erasedAt: null,
      lastName: "Kept",
    });
    expect(await t.db.playerIdentity.count({ where: { playerId } })).toBe(1);
  });

  it("bans an offline player from its certain identities, and its last address when chosen, linked to the record", async () => {
    const steam = String(76561197960265728n + BigInt(++n));
    const playerId = await person("Offline", [
      { kind: "steam", value: steam },
      { kind: "ip", value: "198.51.100.9" },
    ]);
    const ban = await banPlayerRecord(
      ctx(mod),
      { playerId, reason: "cheating", duration: "2d", target: { scope: "servers", serverIds: [s1] } },
      T0,
    );
    expect(ban).toMatchObject({
      reason: "cheating",
      scope: "servers",
      serverIds: [s1],
      playerNames: ["Offline"],
      identifiers: [{ kind: "steam", value: steam }],
    });
    expect((await t.db.ban.findUniqueOrThrow({ where: { id: ban.id } })).playerId).toBe(playerId);
    const withAddress = await banPlayerRecord(
      ctx(mod),
      {
        playerId,
        reason: "again",
        duration: "1d",
        includeAddress: true,
        target: { scope: "servers", serverIds: [s1] },
      },
      T0,
    );
    expect(withAddress.identifiers?.map((i) => i.kind).sort()).toEqual(["ip", "steam"]);
    expect(
      await t.db.auditEvent.count({
        where: { action: "ban.create", outcome: "success", targetId: { in: [ban.id, withAddress.id] } },
      }),
    ).toBe(2);
  });

  it("offline bans keep the ban rules: Moderator maximum, scope, a Viewer and a limited Moderator refused, no certain identity", async () => {
    const playerId = await person("Rules", [
      { kind: "steam", value: String(76561197960265728n + BigInt(++n)) },
    ]);
    const before = await t.db.ban.count();
    await expect(
      banPlayerRecord(ctx(mod), {
        playerId,
        reason: "x",
        duration: "permanent",
        target: { scope: "servers", serverIds: [s1] },
      }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      fieldErrors: { duration: [expect.any(String)] },
    });
    for (const actor of [viewer, limitedMod]) {
      await expect(
        banPlayerRecord(ctx(actor), {
          playerId,
          reason: "x",
          duration: "1d",
          target: { scope: "servers", serverIds: [s1] },
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(
        await t.db.auditEvent.count({
          where: { actorId: actor.id, action: "ban.create", outcome: "denied" },
        }),
      ).toBe(1);
    }
    const nameOnly = await person("Nameless");
    await expect(
      banPlayerRecord(ctx(mod), {
        playerId: nameOnly,
        reason: "x",
        duration: "1d",
        target: { scope: "servers", serverIds: [s1] },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await t.db.ban.count()).toBe(before);
  });
});
