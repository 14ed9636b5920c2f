/**
 * Merge and split on SQLite and PostgreSQL: a merge moves and folds identities, moves stays,
 * notes, sanctions and bans, adds summaries and totals; a split gives back exactly the rows and
 * totals there were (also through a re-pointed chain); refusals (Viewer, Moderator, an Admin
 * limited to one of the two players' servers, merged or erased players) audited, nothing changed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import { createBan } from "../bans.ts";
import type { DataContext } from "../context.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createActor } from "../../testing/actors.ts";
import { createUnreadableServer } from "../../testing/hub.ts";
import { createPlayerRecord, recordRows } from "../../testing/players.ts";
import { mergePlayers, splitPlayer } from "./merge.ts";
import { addPlayerNote } from "./notes.ts";
import { recordPlayerSanction } from "./sanctions.ts";
import { setPlayerWatch } from "./watch.ts";

const T0 = new Date("2026-06-01T12:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe.each(DATABASE_KINDS)("merge and split on $kind", ({ create }) => {
  let t: TestDatabase;
  let s1: string, s2: string, s3: string;
  let owner: Actor, admin: Actor, limitedAdmin: Actor, mod: Actor, viewer: Actor;
  let a: string, b: string, c: string;
  let n = 0;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const rows = (id: string) => recordRows(t.db, id);

  beforeAll(async () => {
    t = await create();
    [s1, s2, s3] = [
      await createUnreadableServer(t.db, "One"),
      await createUnreadableServer(t.db, "Two"),
      await createUnreadableServer(t.db, "Three"),
    ];
    owner = await createActor(t.db, "OWNER", null);
    admin = await createActor(t.db, "ADMIN", null);
    limitedAdmin = await createActor(t.db, "ADMIN", [s1]);
    mod = await createActor(t.db, "MODERATOR", null);
    viewer = await createActor(t.db, "VIEWER", null);
  });
  afterAll(async () => {
    await t.drop();
  });

  /** Three records of one person: A on s1, B on s2 and s1, C on s3; B and A share a name and an address. */
  beforeEach(async () => {
    const steam = () => String(76561197960265728n + BigInt(++n));
    a = await createPlayerRecord(t.db, {
      name: "^1Wolf",
      identities: [
        {
          kind: "steam",
          value: steam(),
          firstSeenAt: at(0),
          lastSeenAt: at(100),
          timesSeen: 2,
          serverIds: [s1],
        },
        {
          kind: "name",
          value: "wolf",
          display: "^1Wolf",
          firstSeenAt: at(0),
          lastSeenAt: at(100),
          timesSeen: 2,
          serverIds: [s1],
        },
        {
          kind: "ip",
          value: "203.0.113.7",
          firstSeenAt: at(50),
          lastSeenAt: at(100),
          timesSeen: 1,
          serverIds: [s1],
        },
      ],
      stays: [
        { serverId: s1, joinedAt: at(0), leftAt: at(30) },
        { serverId: s1, joinedAt: at(50), leftAt: at(100) },
      ],
    });
    b = await createPlayerRecord(t.db, {
      name: "Wolfie",
      identities: [
        {
          kind: "steam",
          value: steam(),
          firstSeenAt: at(-500),
          lastSeenAt: at(200),
          timesSeen: 3,
          serverIds: [s2, s1],
        },
        {
          kind: "name",
          value: "wolf",
          display: "^2Wolf",
          firstSeenAt: at(-500),
          lastSeenAt: at(150),
          timesSeen: 2,
          serverIds: [s2],
        },
        {
          kind: "ip",
          value: "203.0.113.7",
          firstSeenAt: at(-500),
          lastSeenAt: at(60),
          timesSeen: 1,
          serverIds: [s2, s1],
        },
      ],
      stays: [
        { serverId: s2, joinedAt: at(-500), leftAt: at(-400) },
        { serverId: s2, joinedAt: at(120), leftAt: at(150) },
        { serverId: s1, joinedAt: at(180), leftAt: at(200) },
      ],
    });
    c = await createPlayerRecord(t.db, {
      name: "Lupo",
      identities: [
        { kind: "eos", value: `eos${++n}`, firstSeenAt: at(300), lastSeenAt: at(310), serverIds: [s3] },
      ],
      stays: [{ serverId: s3, joinedAt: at(300), leftAt: at(310) }],
    });
    await addPlayerNote(ctx(mod), a, "note on A");
    await addPlayerNote(ctx(mod), b, "note on B");
    await recordPlayerSanction(t.db, {
      playerId: b,
      kind: "warning",
      serverId: s2,
      reason: "language",
      delivery: "whisper",
      author: mod,
    });
    await setPlayerWatch(ctx(mod), b, "ban evasion?", at(210));
    const ban = await createBan(
      ctx(admin),
      {
        identifiers: [{ kind: "ip", value: "198.51.100.1" }],
        reason: "x",
        duration: "1d",
        target: { scope: "all" },
      },
      T0,
      { playerId: b },
    );
    expect(ban.id).toBeTruthy();
  });

  it("merges: identities moved or folded, stays/notes/sanctions/bans moved, summaries and totals added, audited", async () => {
    const [beforeA, beforeB] = [await rows(a), await rows(b)];
    const result = await mergePlayers(ctx(admin), { intoId: a, fromId: b }, at(1000));
    expect(result).toEqual({ intoId: a, fromId: b, playerIds: [a, b] });
    const merged = await rows(a);
    // Totals and shown fields: B was seen last, so its name shows; B's flag is taken (A had none).
    expect(merged.player).toMatchObject({
      staysCount: 5,
      secondsPlayed: beforeA.player.secondsPlayed + beforeB.player.secondsPlayed,
      firstSeenAt: at(-500),
      lastSeenAt: at(200),
      lastName: "Wolfie",
      lastServerId: s1,
      watchReason: "ban evasion?",
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: b } })).toMatchObject({
      mergedIntoId: a,
      mergedAt: at(1000),
      staysCount: 3,
    });
    // Two steam ids (moved), one folded name and one folded address.
    expect(merged.identities.map((i) => i.kind).sort()).toEqual(["ip", "name", "steam", "steam"]);
    const name = merged.identities.find((i) => i.kind === "name");
    expect(name).toMatchObject({
      originPlayerId: a,
      display: "^2Wolf",
      firstSeenAt: at(-500),
      lastSeenAt: at(150),
      timesSeen: 4,
    });
    expect(name?.servers.map((s) => s.serverId).sort()).toEqual([s1, s2].sort());
    const address = merged.identities.find((i) => i.kind === "ip");
    expect(address).toMatchObject({ firstSeenAt: at(-500), lastSeenAt: at(100), timesSeen: 2 });
    expect(address?.servers.find((s) => s.serverId === s1)).toMatchObject({
      firstSeenAt: at(-500),
      lastSeenAt: at(100),
    });
    expect(merged.identities.filter((i) => i.originPlayerId === b).map((i) => i.kind)).toEqual(["steam"]);
    expect(merged.stays).toHaveLength(5);
    expect(merged.notes.map((x) => x.text).sort()).toEqual(["note on A", "note on B"]);
    expect(merged.sanctions).toHaveLength(1);
    expect(merged.bans).toHaveLength(1);
    expect(merged.servers.map((s) => [s.serverId, s.staysCount])).toEqual(
      [
        [s1, 3],
        [s2, 2],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    expect(await t.db.auditEvent.findFirst({ where: { action: "player.merge", targetId: b } })).toMatchObject(
      { actorId: admin.id, outcome: "success" },
    );
    // A merged record takes no more changes: act on the one it is in.
    await expect(addPlayerNote(ctx(mod), b, "late")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("merge then split gives back exactly the rows and totals of both", async () => {
    const [beforeA, beforeB] = [await rows(a), await rows(b)];
    await mergePlayers(ctx(admin), { intoId: a, fromId: b }, at(1000));
    const result = await splitPlayer(ctx(admin), b);
    expect(result).toEqual({ intoId: a, fromId: b, playerIds: [a, b] });
    expect(await rows(a)).toEqual(beforeA);
    expect(await rows(b)).toEqual(beforeB);
    expect(await t.db.playerMerge.count({ where: { fromId: b } })).toBe(0);
    expect(await t.db.auditEvent.findFirst({ where: { action: "player.split", targetId: b } })).toMatchObject(
      { actorId: admin.id, outcome: "success" },
    );
    await expect(splitPlayer(ctx(admin), b)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a chain is re-pointed, split in order, and every row comes back", async () => {
    const before = [await rows(a), await rows(b), await rows(c)];
    await mergePlayers(ctx(owner), { intoId: b, fromId: c }, at(1000));
    expect(await mergePlayers(ctx(owner), { intoId: a, fromId: b }, at(1001))).toMatchObject({
      playerIds: [a, b, c],
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: c } })).toMatchObject({ mergedIntoId: a });
    expect((await rows(a)).player.staysCount).toBe(6);
    // C came along with B: it is split with B, not on its own.
    await expect(splitPlayer(ctx(owner), c)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await splitPlayer(ctx(owner), b)).toMatchObject({ playerIds: [a, b, c] });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: c } })).toMatchObject({ mergedIntoId: b });
    expect(await rows(a)).toEqual(before[0]);
    await splitPlayer(ctx(owner), c);
    expect([await rows(a), await rows(b), await rows(c)]).toEqual(before);
  });

  it("a sighting after the merge stays with the target when split; counts stay exact", async () => {
    const [beforeA, beforeB] = [await rows(a), await rows(b)];
    await mergePlayers(ctx(admin), { intoId: a, fromId: b }, at(1000));
    // What the linking does when the person plays again on s3, on the merged record.
    await t.db.playerServer.create({
      data: {
        playerId: a,
        serverId: s3,
        firstSeenAt: at(2000),
        lastSeenAt: at(2010),
        staysCount: 1,
        secondsPlayed: 600,
      },
    });
    await t.db.player.update({
      where: { id: a },
      data: {
        lastSeenAt: at(2010),
        lastServerId: s3,
        staysCount: { increment: 1 },
        secondsPlayed: { increment: 600 },
      },
    });
    await splitPlayer(ctx(admin), b);
    const after = await rows(a);
    expect(after.player).toMatchObject({
      staysCount: beforeA.player.staysCount + 1,
      secondsPlayed: beforeA.player.secondsPlayed + 600,
      lastSeenAt: at(2010),
      lastServerId: s3,
    });
    expect(after.servers.map((s) => s.serverId).sort()).toEqual([s1, s3].sort());
    expect(await rows(b)).toEqual(beforeB);
  });

  it("refuses merging into or from a merged player, with itself, and an erased player", async () => {
    await mergePlayers(ctx(admin), { intoId: a, fromId: b });
    await expect(mergePlayers(ctx(admin), { intoId: b, fromId: c })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(mergePlayers(ctx(admin), { intoId: c, fromId: b })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(mergePlayers(ctx(admin), { intoId: c, fromId: c })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await t.db.player.update({ where: { id: c }, data: { erasedAt: T0 } });
    await expect(mergePlayers(ctx(admin), { intoId: a, fromId: c })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: c } })).toMatchObject({ mergedIntoId: null });
  });

  it("a Viewer, a Moderator, and an Admin limited to one player's servers are refused, audited, nothing moves", async () => {
    const before = [await rows(a), await rows(c)];
    for (const actor of [viewer, mod, limitedAdmin]) {
      await expect(mergePlayers(ctx(actor), { intoId: a, fromId: c })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      expect(
        await t.db.auditEvent.count({
          where: { actorId: actor.id, action: "player.merge", outcome: "denied", targetId: { in: [a, c] } },
        }),
      ).toBe(1);
    }
    expect([await rows(a), await rows(c)]).toEqual(before);
    await mergePlayers(ctx(admin), { intoId: a, fromId: c });
    await expect(splitPlayer(ctx(limitedAdmin), c)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(
      await t.db.auditEvent.count({
        where: { actorId: limitedAdmin.id, action: "player.split", outcome: "denied" },
      }),
    ).toBe(1);
  });
});
