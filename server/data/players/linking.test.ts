/**
 * Linking stays to player records on SQLite and PostgreSQL: certain identities across servers,
 * renames, games without accounts (address and name), identities that arrive late (placeholder
 * players given up, conflicts kept), several stays of one new person in a batch, bots, and totals
 * counted exactly once on close, at a restart close, when a closed stay is linked, and after
 * pruneHistory.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createUnreadableServer } from "../../testing/hub.ts";
import {
  closeOpenPlayerSessions,
  closePlayerSessionGroups,
  closePlayerSessions,
  closeStaysLeftOpen,
  openPlayerSessions,
  pruneHistory,
  recordPlayerCountSample,
} from "../history.ts";
import { linkLateIdentities, linkLateIdentitiesOfStays } from "./late-links.ts";
import { badgesFor, linkStays, type StayGame, type StayToLink } from "./linking.ts";

const T0 = new Date("2026-06-01T12:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const CS2: StayGame = { id: "cs2", family: "source", accounts: true };
const ARMA: StayGame = { id: "arma3", family: "battleye", accounts: true };
const OPENARENA: StayGame = { id: "openarena", family: "quake3", accounts: false };
const MINECRAFT: StayGame = { id: "minecraft", family: "source", accounts: false };
const steam = (n: number) => (76561197960265728n + BigInt(n)).toString();
const GUID_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const GUID_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

describe.each(DATABASE_KINDS)("player linking on $kind", ({ create }) => {
  let t: TestDatabase;
  let s1: string, s2: string, s3: string;
  let n = 0;

  beforeAll(async () => {
    t = await create();
    s1 = await createUnreadableServer(t.db, "S1");
    s2 = await createUnreadableServer(t.db, "S2");
    s3 = await createUnreadableServer(t.db, "S3", 1, { game: "arma3", protocol: "battleye" });
  });
  afterAll(async () => {
    await t.drop();
  });

  interface StayInput {
    serverId: string;
    game?: StayGame;
    name?: string;
    guid?: string | null;
    steamId?: string | null;
    address?: string | null;
    joinedAt?: Date;
    isBot?: boolean;
  }

  /** Opens stays the way the hub does and returns what linkStays takes. */
  async function open(...inputs: StayInput[]): Promise<StayToLink[]> {
    const rows = inputs.map((i) => ({
      serverId: i.serverId,
      gameId: String(++n),
      name: i.name ?? `Player ${n}`,
      plainName: (i.name ?? `Player ${n}`).replace(/\^\d/g, ""),
      guid: i.guid ?? null,
      steamId: i.steamId ?? null,
      address: i.address ?? null,
      joinedAt: i.joinedAt ?? T0,
    }));
    const ids = await openPlayerSessions(t.db, rows);
    return rows.map((r, k) => ({
      ...r,
      stayId: ids[k]!,
      game: inputs[k]!.game ?? CS2,
      isBot: inputs[k]!.isBot ?? false,
    }));
  }

  async function link(stays: StayToLink[], now = at(10)) {
    return linkStays(t.db, stays, now);
  }

  const playerOf = async (stayId: string) =>
    (await t.db.playerSession.findUniqueOrThrow({ where: { id: stayId } })).playerId;
  const identities = (playerId: string) =>
    t.db.playerIdentity.findMany({
      where: { playerId },
      orderBy: [{ kind: "asc" }, { value: "asc" }],
      include: { servers: true },
    });

  it("links the same SteamID on two servers to one player, with where it was seen", async () => {
    const id = steam(1001);
    const [a] = await open({ serverId: s1, name: "Wolf", steamId: id, address: "203.0.113.7:27005" });
    const [first] = await link([a!], at(10));
    const [b] = await open({
      serverId: s2,
      name: "Wolf",
      steamId: id,
      address: "203.0.113.7:27005",
      joinedAt: at(100),
    });
    const [second] = await link([b!], at(110));
    expect(first!.playerId).toBe(second!.playerId);
    expect(await playerOf(a!.stayId)).toBe(first!.playerId);
    expect(await playerOf(b!.stayId)).toBe(first!.playerId);
    const stay = await t.db.playerSession.findUniqueOrThrow({ where: { id: b!.stayId } });
    expect(stay.originPlayerId).toBe(first!.playerId);

    const rows = await identities(first!.playerId);
    const steamRow = rows.find((r) => r.kind === "steam")!;
    expect(steamRow.value).toBe(id);
    expect(steamRow.timesSeen).toBe(2);
    expect(steamRow.originPlayerId).toBe(first!.playerId);
    expect(steamRow.servers.map((s) => s.serverId).sort()).toEqual([s1, s2].sort());
    expect(rows.find((r) => r.kind === "ip")!.value).toBe("203.0.113.7");
    expect(rows.find((r) => r.kind === "name")).toMatchObject({
      value: "wolf",
      display: "Wolf",
      timesSeen: 2,
    });
    const player = await t.db.player.findUniqueOrThrow({
      where: { id: first!.playerId },
      include: { servers: true },
    });
    expect(player).toMatchObject({
      lastName: "Wolf",
      lastNameKey: "wolf",
      lastServerId: s2,
      firstSeenAt: T0,
      lastSeenAt: at(110),
    });
    expect(player.servers.map((s) => s.serverId).sort()).toEqual([s1, s2].sort());
    expect(second!.badge).toEqual({ playerId: first!.playerId, notes: 0, warnings: 0, watch: null });
  });

  it("gives one player to two stays of one new person in the same batch", async () => {
    const id = steam(1002);
    const stays = await open(
      { serverId: s1, name: "Twin", steamId: id },
      { serverId: s2, name: "Twin", steamId: id },
      { serverId: s1, name: "Other", steamId: steam(1003) },
    );
    const result = await link(stays);
    expect(result[0]!.playerId).toBe(result[1]!.playerId);
    expect(result[2]!.playerId).not.toBe(result[0]!.playerId);
    expect(await t.db.playerIdentity.count({ where: { kind: "steam", value: id } })).toBe(1);
    expect(
      (await t.db.playerIdentity.findFirstOrThrow({ where: { kind: "steam", value: id } })).timesSeen,
    ).toBe(2);
  });

  it("keeps a renamed player as one player with both names", async () => {
    const id = steam(1004);
    const [a] = await open({ serverId: s1, name: "^1Old^7Name", steamId: id });
    const [first] = await link([a!], at(10));
    const [b] = await open({ serverId: s1, name: "New Name", steamId: id, joinedAt: at(50) });
    const [second] = await link([b!], at(60));
    expect(second!.playerId).toBe(first!.playerId);
    const names = (await identities(first!.playerId)).filter((r) => r.kind === "name");
    expect(names.map((r) => [r.value, r.display])).toEqual([
      ["new name", "New Name"],
      ["oldname", "^1Old^7Name"],
    ]);
    expect(await t.db.player.findUniqueOrThrow({ where: { id: first!.playerId } })).toMatchObject({
      lastName: "New Name",
      lastNameKey: "new name",
    });
  });

  it("matches a game without accounts on address and name together, never on the name alone", async () => {
    const [a] = await open({ serverId: s1, game: OPENARENA, name: "^2Sarge", address: "198.51.100.4:27960" });
    const [first] = await link([a!]);
    const [same, otherIp, otherName] = await open(
      { serverId: s2, game: OPENARENA, name: "Sarge", address: "198.51.100.4:50000", joinedAt: at(30) },
      { serverId: s1, game: OPENARENA, name: "Sarge", address: "198.51.100.99:27960", joinedAt: at(30) },
      { serverId: s1, game: OPENARENA, name: "Grunt", address: "198.51.100.4:27961", joinedAt: at(30) },
    );
    const [r1, r2, r3] = await link([same!, otherIp!, otherName!], at(40));
    expect(r1!.playerId).toBe(first!.playerId);
    expect(r2!.playerId).not.toBe(first!.playerId);
    expect(r3!.playerId).not.toBe(first!.playerId);
    expect(r3!.playerId).not.toBe(r2!.playerId);
  });

  it("finds a common name's player at its address among hundreds of holders elsewhere, and follows a merge", async () => {
    // 300 "Unnamed" at other addresses (more than one lookup's chunk of players), and one at .7.
    const elsewhere = await open(
      ...Array.from({ length: 300 }, (_, k) => ({
        serverId: s1,
        game: OPENARENA,
        name: "Unnamed",
        address: `203.0.113.${k % 250}:${30_000 + k}`,
      })),
    );
    await link(elsewhere);
    const [home] = await open({
      serverId: s1,
      game: OPENARENA,
      name: "Unnamed",
      address: "198.51.100.7:27960",
    });
    const [player] = await link([home!]);
    const [again] = await open({
      serverId: s2,
      game: OPENARENA,
      name: "unnamed",
      address: "198.51.100.7:1",
      joinedAt: at(30),
    });
    const [r] = await link([again!], at(40));
    expect(r!.playerId).toBe(player!.playerId);
    // Merged into another player without its identities moved: the stay goes to the one kept.
    const [keptStay] = await open({
      serverId: s1,
      game: OPENARENA,
      name: "Kept",
      address: "198.51.100.8:27960",
    });
    const [kept] = await link([keptStay!]);
    await t.db.player.update({
      where: { id: player!.playerId },
      data: { mergedIntoId: kept!.playerId, mergedAt: at(50) },
    });
    const [later] = await open({
      serverId: s2,
      game: OPENARENA,
      name: "Unnamed",
      address: "198.51.100.7:2",
      joinedAt: at(60),
    });
    const [m] = await link([later!], at(60));
    expect(m!.playerId).toBe(kept!.playerId);
  });

  it("matches a game that shows no address (Minecraft) on the name, but never a player with an account identity", async () => {
    const [cs] = await open({ serverId: s1, name: "Notch", steamId: steam(1005) });
    const [withAccount] = await link([cs!]);
    const [a] = await open({ serverId: s2, game: MINECRAFT, name: "Notch" });
    const [first] = await link([a!]);
    expect(first!.playerId).not.toBe(withAccount!.playerId);
    const [b] = await open({ serverId: s2, game: MINECRAFT, name: "notch", joinedAt: at(20) });
    const [second] = await link([b!]);
    expect(second!.playerId).toBe(first!.playerId);
  });

  it("gives a stay without its SteamID yet a new player in a game with accounts", async () => {
    const [a] = await open({ serverId: s1, name: "Pending", address: "192.0.2.10:27005" });
    const [first] = await link([a!]);
    const [b] = await open({ serverId: s1, name: "Pending", address: "192.0.2.10:27005", joinedAt: at(5) });
    const [second] = await link([b!]);
    expect(second!.playerId).not.toBe(first!.playerId);
  });

  it("adds a BattlEye GUID that arrives late to the stay's player", async () => {
    const [a] = await open({ serverId: s3, game: ARMA, name: "Medic", address: "192.0.2.20:2304" });
    const [first] = await link([a!]);
    const late = await linkLateIdentities(
      t.db,
      a!.stayId,
      {
        game: ARMA,
        name: "Medic",
        plainName: "Medic",
        guid: GUID_A,
        steamId: null,
        address: "192.0.2.20:2304",
      },
      at(20),
    );
    expect(late!.playerId).toBe(first!.playerId);
    const guid = (await identities(first!.playerId)).find((r) => r.kind === "battleye")!;
    expect(guid).toMatchObject({ value: GUID_A, timesSeen: 1 });
    expect(guid.servers.map((s) => s.serverId)).toEqual([s3]);

    // The next stay, GUID late again: its placeholder gives way to the known player.
    const [b] = await open({
      serverId: s3,
      game: ARMA,
      name: "Medic2",
      address: "192.0.2.21:2304",
      joinedAt: at(100),
    });
    const [placeholder] = await link([b!], at(100));
    expect(placeholder!.playerId).not.toBe(first!.playerId);
    const moved = await linkLateIdentities(
      t.db,
      b!.stayId,
      {
        game: ARMA,
        name: "Medic2",
        plainName: "Medic2",
        guid: GUID_A,
        steamId: null,
        address: "192.0.2.21:2304",
      },
      at(110),
    );
    expect(moved!.playerId).toBe(first!.playerId);
    expect(await playerOf(b!.stayId)).toBe(first!.playerId);
    expect((await t.db.playerSession.findUniqueOrThrow({ where: { id: b!.stayId } })).originPlayerId).toBe(
      first!.playerId,
    );
    expect(await t.db.player.count({ where: { id: placeholder!.playerId } })).toBe(0);
    const names = (await identities(first!.playerId)).filter((r) => r.kind === "name").map((r) => r.display);
    expect(names.sort()).toEqual(["Medic", "Medic2"]);
  });

  it("links several stays' late GUIDs in one call, in order: a later stay finds the GUID an earlier one stored", async () => {
    const guid = "cccccccccccccccccccccccccccccccc";
    const [a, b, bot] = await open(
      { serverId: s3, game: ARMA, name: "Pilot", address: "192.0.2.30:2304" },
      { serverId: s3, game: ARMA, name: "Pilot alt", address: "192.0.2.31:2304" },
      { serverId: s3, game: ARMA, name: "Bot", address: "bot", isBot: true },
    );
    const [first, placeholder] = await link([a!, b!]);
    expect(placeholder!.playerId).not.toBe(first!.playerId);
    const fields = (stay: StayToLink) => ({ ...stay, game: ARMA, guid });
    const results = await linkLateIdentitiesOfStays(
      t.db,
      [a!, b!, bot!].map((stay) => ({ stayId: stay.stayId, fields: fields(stay) })),
      at(30),
    );
    // The first stay's player takes the GUID; the second's placeholder gives way to that player.
    expect(results.map((r) => r?.playerId ?? null)).toEqual([first!.playerId, first!.playerId, null]);
    expect(await playerOf(b!.stayId)).toBe(first!.playerId);
    expect(await t.db.player.count({ where: { id: placeholder!.playerId } })).toBe(0);
  });

  it("links a batch of late identities set-wise: as many statements for 60 stays as for 3, each stay as if alone", async () => {
    /** Late GUIDs for `count` new stays on their own players; the Prisma operations it took. */
    const lateBatch = async (count: number, tag: string, guidBase: number) => {
      const stays = await open(
        ...Array.from({ length: count }, (_, k) => ({
          serverId: s3,
          game: ARMA,
          name: `${tag} ${k}`,
          address: `198.51.100.${k + 1}:2304`,
        })),
      );
      const linked = await link(stays, at(50));
      let operations = 0;
      const counted = t.db.$extends({
        query: {
          async $allOperations({ args, query }) {
            operations++;
            return query(args) as Promise<unknown>;
          },
        },
      }) as unknown as Db;
      const guidOf = (k: number) => (guidBase + k).toString(16).padStart(32, "f");
      const results = await linkLateIdentitiesOfStays(
        counted,
        stays.map((stay, k) => ({
          stayId: stay.stayId,
          // The first stay is renamed too: the record follows the name.
          fields: {
            ...stay,
            game: ARMA,
            guid: guidOf(k),
            ...(k === 0 ? { name: "Renamed", plainName: "Renamed" } : {}),
          },
        })),
        at(60),
      );
      expect(results.map((r) => r?.playerId)).toEqual(linked.map((r) => r!.playerId));
      for (const [k, r] of results.entries())
        expect((await identities(r!.playerId)).map((i) => `${i.kind}:${i.value}`)).toContain(
          `battleye:${guidOf(k)}`,
        );
      expect(await t.db.player.findUniqueOrThrow({ where: { id: results[0]!.playerId } })).toMatchObject({
        lastName: "Renamed",
      });
      return operations;
    };
    const few = await lateBatch(3, "Few", 0x1000);
    const many = await lateBatch(60, "Many", 0x2000);
    expect(many).toBe(few);
    expect(many).toBeLessThan(12); // linked one by one, it was about ten per stay
  });

  it("links a mixed batch of late identities as one after the other would: unknown, unlinked, placeholder and conflict", async () => {
    const guid = "dddddddddddddddddddddddddddddddd";
    const [known] = await open({ serverId: s3, game: ARMA, name: "Veteran", guid });
    const [veteran] = await link([known!], at(70));
    const [placeholderStay, notLinked, plain] = await open(
      { serverId: s3, game: ARMA, name: "Veteran alt", address: "198.51.100.200:2304", joinedAt: at(80) },
      { serverId: s3, game: ARMA, name: "Newcomer", address: "198.51.100.201:2304", joinedAt: at(80) },
      { serverId: s3, game: ARMA, name: "Regular", address: "198.51.100.202:2304", joinedAt: at(80) },
    );
    const [placeholder, , regular] = await link([placeholderStay!, plain!], at(80)).then(([p, r]) => [
      p,
      null,
      r,
    ]);
    const results = await linkLateIdentitiesOfStays(
      t.db,
      [
        { stayId: "no-such-stay", fields: { ...plain!, game: ARMA } },
        { stayId: placeholderStay!.stayId, fields: { ...placeholderStay!, game: ARMA, guid } },
        { stayId: notLinked!.stayId, fields: { ...notLinked!, game: ARMA, guid: GUID_B.replace(/b/g, "e") } },
        { stayId: plain!.stayId, fields: { ...plain!, game: ARMA } },
      ],
      at(90),
    );
    expect(results[0]).toBeNull();
    // The placeholder gives way to the known person and is gone.
    expect(results[1]!.playerId).toBe(veteran!.playerId);
    expect(await playerOf(placeholderStay!.stayId)).toBe(veteran!.playerId);
    expect(await t.db.player.count({ where: { id: placeholder!.playerId } })).toBe(0);
    // A stay never linked is linked now, with its GUID.
    expect(await playerOf(notLinked!.stayId)).toBe(results[2]!.playerId);
    expect((await identities(results[2]!.playerId)).some((i) => i.kind === "battleye")).toBe(true);
    // Nothing new: the stay keeps its player.
    expect(results[3]).toMatchObject({
      playerId: regular!.playerId,
      badge: { notes: 0, warnings: 0, watch: null },
    });
  });

  it("keeps a late GUID held by another player as a conflict when the stay's player is someone (a note)", async () => {
    const [a] = await open({ serverId: s3, game: ARMA, name: "Holder", guid: GUID_B });
    const [holder] = await link([a!]);
    const [b] = await open({ serverId: s3, game: ARMA, name: "Noted", joinedAt: at(30) });
    const [noted] = await link([b!], at(30));
    await t.db.playerNote.create({
      data: { playerId: noted!.playerId, originPlayerId: noted!.playerId, text: "seen cheating" },
    });
    const late = await linkLateIdentities(
      t.db,
      b!.stayId,
      { game: ARMA, name: "Noted", plainName: "Noted", guid: GUID_B, steamId: null, address: null },
      at(40),
    );
    expect(late).toEqual({
      playerId: noted!.playerId,
      badge: { playerId: noted!.playerId, notes: 1, warnings: 0, watch: null },
    });
    expect(await t.db.playerIdentity.count({ where: { kind: "battleye", value: GUID_B } })).toBe(2);
    expect(await t.db.player.findUniqueOrThrow({ where: { id: holder!.playerId } })).toMatchObject({
      mergedIntoId: null,
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: noted!.playerId } })).toMatchObject({
      mergedIntoId: null,
    });
  });

  it("links to the SteamID's player when a stay's SteamID and GUID point at two players, and merges nothing", async () => {
    const guid = "cccccccccccccccccccccccccccccccc";
    const [bySteam, byGuid] = await open(
      { serverId: s3, game: ARMA, name: "Steamy", steamId: steam(1006) },
      { serverId: s3, game: ARMA, name: "Guidy", guid },
    );
    const [p1, p2] = await link([bySteam!, byGuid!]);
    expect(p1!.playerId).not.toBe(p2!.playerId);
    const [both] = await open({
      serverId: s3,
      game: ARMA,
      name: "Both",
      steamId: steam(1006),
      guid,
      joinedAt: at(50),
    });
    const [r] = await link([both!], at(50));
    expect(r!.playerId).toBe(p1!.playerId);
    // The GUID stays with its first player too: a shared certain identity, shown as a suggestion.
    const holders = await t.db.playerIdentity.findMany({
      where: { kind: "battleye", value: guid },
      select: { playerId: true },
    });
    expect(holders.map((h) => h.playerId).sort()).toEqual([p1!.playerId, p2!.playerId].sort());
    expect(
      await t.db.player.count({ where: { id: { in: [p1!.playerId, p2!.playerId] }, mergedIntoId: null } }),
    ).toBe(2);
  });

  it("follows a merged player to the player it was merged into", async () => {
    const [a, b] = await open(
      { serverId: s1, name: "Alt", steamId: steam(1007) },
      { serverId: s1, name: "Main", steamId: steam(1008) },
    );
    const [alt, main] = await link([a!, b!]);
    await t.db.player.update({
      where: { id: alt!.playerId },
      data: { mergedIntoId: main!.playerId, mergedAt: at(60) },
    });
    const [c] = await open({ serverId: s2, name: "Alt", steamId: steam(1007), joinedAt: at(70) });
    const [r] = await link([c!], at(70));
    expect(r!.playerId).toBe(main!.playerId);
  });

  it("gives bots no player", async () => {
    const before = await t.db.player.count();
    const stays = await open(
      { serverId: s1, name: "BOT Gary", address: "bot", isBot: true },
      { serverId: s2, game: OPENARENA, name: "Sarge", address: "bot" },
    );
    expect(await link(stays)).toEqual([null, null]);
    expect(await t.db.player.count()).toBe(before);
    expect(await playerOf(stays[0]!.stayId)).toBeNull();
    expect(
      await linkLateIdentities(
        t.db,
        stays[0]!.stayId,
        {
          game: CS2,
          name: "BOT Gary",
          plainName: "BOT Gary",
          guid: null,
          steamId: null,
          address: "bot",
          isBot: true,
        },
        at(20),
      ),
    ).toBeNull();
  });

  it("adds a closed stay to the totals exactly once, overall and per server, and keeps them through pruneHistory", async () => {
    const id = steam(1009);
    const [a, b] = await open(
      { serverId: s1, name: "Counted", steamId: id, joinedAt: T0 },
      { serverId: s2, name: "Counted", steamId: id, joinedAt: T0 },
    );
    const [r] = await link([a!, b!]);
    const playerId = r!.playerId;
    await closePlayerSessions(t.db, [a!.stayId], at(90));
    await closePlayerSessions(t.db, [a!.stayId], at(500)); // already closed: nothing more
    // The restart path: every stay left open is closed, and counted once.
    expect(await closeOpenPlayerSessions(t.db, s2, at(120))).toBeGreaterThanOrEqual(1);
    await closeOpenPlayerSessions(t.db, s2, at(900));
    const player = await t.db.player.findUniqueOrThrow({
      where: { id: playerId },
      include: { servers: { orderBy: { serverId: "asc" } } },
    });
    expect(player).toMatchObject({ staysCount: 2, secondsPlayed: 90 + 120, lastSeenAt: at(120) });
    const perServer = Object.fromEntries(
      player.servers.map((s) => [s.serverId, [s.staysCount, s.secondsPlayed]]),
    );
    expect(perServer).toEqual({ [s1]: [1, 90], [s2]: [1, 120] });

    expect((await pruneHistory(t.db, at(100_000))).sessions).toBeGreaterThanOrEqual(2);
    expect(await t.db.playerSession.count({ where: { playerId } })).toBe(0);
    expect(await t.db.player.findUniqueOrThrow({ where: { id: playerId } })).toMatchObject({
      staysCount: 2,
      secondsPlayed: 210,
    });
  });

  it("closes the stays of several servers at their own times in one call, each counted once", async () => {
    const id = steam(1090);
    const [a, b, c] = await open(
      { serverId: s1, name: "Grouped", steamId: id, joinedAt: T0 },
      { serverId: s2, name: "Grouped", steamId: id, joinedAt: T0 },
      { serverId: s2, name: "Other", steamId: steam(1091), joinedAt: T0 },
    );
    const [r] = await link([a!, b!, c!]);
    await closePlayerSessionGroups(
      t.db,
      [
        { ids: [a!.stayId], leftAt: at(30) },
        { ids: [b!.stayId, c!.stayId], leftAt: at(70) },
        { ids: [a!.stayId], leftAt: at(400) }, // already closed in this very call: nothing more
        { ids: [], leftAt: at(500) },
      ],
      at(500),
    );
    const stays = await t.db.playerSession.findMany({
      where: { id: { in: [a!.stayId, b!.stayId, c!.stayId] } },
    });
    expect(Object.fromEntries(stays.map((s) => [s.id, s.leftAt]))).toEqual({
      [a!.stayId]: at(30),
      [b!.stayId]: at(70),
      [c!.stayId]: at(70),
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: r!.playerId } })).toMatchObject({
      staysCount: 2,
      secondsPlayed: 30 + 70,
      lastSeenAt: at(70),
    });
    const seenOn = async (playerId: string) =>
      Object.fromEntries(
        (await t.db.playerServer.findMany({ where: { playerId } })).map((p) => [p.serverId, p.lastSeenAt]),
      );
    expect(await seenOn(r!.playerId)).toEqual({ [s1]: at(30), [s2]: at(70) });
    // Last seen only moves forward: a stay that ends earlier moves its server's, not the player's.
    const [d] = await open({ serverId: s1, name: "Grouped", steamId: id, joinedAt: at(20) });
    await link([d!], at(20));
    await closePlayerSessionGroups(t.db, [{ ids: [d!.stayId], leftAt: at(50) }], at(50));
    expect((await t.db.player.findUniqueOrThrow({ where: { id: r!.playerId } })).lastSeenAt).toEqual(at(70));
    expect(await seenOn(r!.playerId)).toEqual({ [s1]: at(50), [s2]: at(70) });
  });

  it("closes 400 linked stays ending at one time, in more than one statement per kind", async () => {
    const many = await open(
      ...Array.from({ length: 400 }, (_, i) => ({
        serverId: i % 2 ? s1 : s2,
        name: `Many${i}`,
        steamId: steam(5000 + i),
        joinedAt: T0,
      })),
    );
    const linked = await link(many.map((m) => m));
    await closePlayerSessionGroups(t.db, [{ ids: many.map((m) => m.stayId), leftAt: at(60) }], at(60));
    const players = await t.db.player.findMany({ where: { id: { in: linked.map((r) => r!.playerId) } } });
    expect(players.map((p) => [p.staysCount, p.lastSeenAt])).toEqual(players.map(() => [1, at(60)]));
    const perServer = await t.db.playerServer.findMany({
      where: { playerId: { in: linked.map((r) => r!.playerId) } },
    });
    expect(perServer.map((p) => p.lastSeenAt)).toEqual(perServer.map(() => at(60)));
  });

  it("ends the stays a previous process left open at the server's last sample, not at the restart, counted once", async () => {
    const s4 = await createUnreadableServer(t.db, "S4");
    const [early, late] = await open(
      { serverId: s4, name: "Crashed", steamId: steam(1012), joinedAt: T0 },
      { serverId: s4, name: "JustIn", steamId: steam(1013), joinedAt: at(130) },
    );
    const [r1, r2] = await link([early!, late!], at(130));
    await recordPlayerCountSample(t.db, s4, 2, at(60));
    await recordPlayerCountSample(t.db, s4, 2, at(120));
    expect(await closeStaysLeftOpen(t.db, at(7200))).toBeGreaterThanOrEqual(2); // other tests left stays open too
    expect(await closeStaysLeftOpen(t.db, at(9000))).toBe(0);
    expect(await t.db.playerSession.findUniqueOrThrow({ where: { id: early!.stayId } })).toMatchObject({
      leftAt: at(120),
    });
    expect(await t.db.playerSession.findUniqueOrThrow({ where: { id: late!.stayId } })).toMatchObject({
      leftAt: at(130),
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: r1!.playerId } })).toMatchObject({
      staysCount: 1,
      secondsPlayed: 120,
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: r2!.playerId } })).toMatchObject({
      staysCount: 1,
      secondsPlayed: 0,
    });
  });

  it("counts a stay closed before it was linked when it is linked, once", async () => {
    const [a] = await open({ serverId: s1, name: "Early", steamId: steam(1010), joinedAt: T0 });
    await closePlayerSessions(t.db, [a!.stayId], at(45));
    const [r] = await link([{ ...a!, leftAt: at(45) }], at(1000));
    await link([{ ...a!, leftAt: at(45) }], at(1001)); // already linked: not counted again
    expect(await t.db.player.findUniqueOrThrow({ where: { id: r!.playerId } })).toMatchObject({
      staysCount: 1,
      secondsPlayed: 45,
      lastSeenAt: at(45),
    });
  });

  it("reads badges: notes, warnings and the watch reason", async () => {
    const [a] = await open({ serverId: s1, name: "Flagged", steamId: steam(1011) });
    const [r] = await link([a!]);
    const playerId = r!.playerId;
    await t.db.player.update({
      where: { id: playerId },
      data: { watchReason: "wallhack suspect", watchedAt: at(0) },
    });
    await t.db.playerNote.createMany({
      data: [1, 2].map((k) => ({ playerId, originPlayerId: playerId, text: `note ${k}` })),
    });
    await t.db.playerSanction.createMany({
      data: [
        { playerId, originPlayerId: playerId, kind: "warning", reason: "language" },
        { playerId, originPlayerId: playerId, kind: "kick", reason: "afk" },
      ],
    });
    expect((await badgesFor(t.db, [playerId, "nobody"])).get(playerId)).toEqual({
      playerId,
      notes: 2,
      warnings: 1,
      watch: "wallhack suspect",
    });
    const [b] = await open({ serverId: s2, name: "Flagged", steamId: steam(1011), joinedAt: at(200) });
    expect((await link([b!], at(200)))[0]!.badge.watch).toBe("wallhack suspect");
  });
});
