/**
 * Player search and "Online now" on SQLite and PostgreSQL: names by search key (colour codes and
 * accents ignored), prefix matches before substring matches, newest first, keyset pages across both
 * phases, merged and erased players hidden, identifiers only for identity readers (a Viewer's
 * answer is the same whether the identifier exists or not), and server scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "../../../lib/errors.ts";
import type { Actor } from "../../../lib/permissions.ts";
import type { PlayerView } from "../../../lib/realtime/contract.ts";
import { createActor } from "../../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createUnreadableServer } from "../../testing/hub.ts";
import { seedPlayer } from "../../testing/player-seed.ts";
import type { DataContext } from "../context.ts";
import { identifierCandidates, listOnlinePlayers, searchPlayers } from "./search.ts";

const T0 = Date.parse("2026-11-01T12:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function view(id: string, name: string, extra: Partial<PlayerView> = {}): PlayerView {
  return {
    id,
    name,
    plainName: name.replace(/\^\d/g, ""),
    ping: 30,
    score: 0,
    guid: null,
    steamId: null,
    address: null,
    isBot: false,
    state: null,
    connectedSince: "2026-11-01T11:00:00.000Z",
    ...extra,
  };
}

describe("identifierCandidates", () => {
  it("reads every notation as the stored form, and leaves names alone", () => {
    expect(identifierCandidates("STEAM_0:1:12345")).toContainEqual({
      kind: "steam",
      value: "76561197960290419",
    });
    expect(identifierCandidates("[U:1:24691]")).toContainEqual({ kind: "steam", value: "76561197960290419" });
    expect(identifierCandidates("203.0.113.7:27005")).toEqual([{ kind: "ip", value: "203.0.113.7" }]);
    expect(identifierCandidates("2001:DB8::0:1")).toEqual([{ kind: "ip", value: "2001:db8::1" }]);
    const guid = "0123456789ABCDEF0123456789ABCDEF";
    expect(
      identifierCandidates(guid)
        .map((c) => c.kind)
        .sort(),
    ).toEqual(["battleye", "cod_guid", "eos", "mc_uuid"]);
    expect(identifierCandidates("Sniper Wolf")).toEqual([]);
    expect(identifierCandidates("10.0.0.0/8")).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)("player search on $kind", ({ create }) => {
  let t: TestDatabase;
  let s1: string, s2: string;
  let owner: Actor, mod: Actor, viewer: Actor, limitedMod: Actor;
  const ids: Record<string, string> = {};
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const names = (page: { results: { name: string }[] }) => page.results.map((r) => r.name);

  beforeAll(async () => {
    t = await create();
    s1 = await createUnreadableServer(t.db, "Alpha server");
    s2 = await createUnreadableServer(t.db, "Bravo server");
    owner = await createActor(t.db, "OWNER", null);
    mod = await createActor(t.db, "MODERATOR", null);
    viewer = await createActor(t.db, "VIEWER", null);
    limitedMod = await createActor(t.db, "MODERATOR", [s1]);
    const seed = (key: string, spec: Parameters<typeof seedPlayer>[1]) =>
      seedPlayer(t.db, spec).then((id) => (ids[key] = id));
    await seed("zoe", { names: ["^1Zo^7ë"], plainNames: ["Zoë"], servers: [s1], lastSeenAt: at(10) });
    await seed("zorro", { names: ["Zorro"], servers: [s2], lastSeenAt: at(30) });
    await seed("azo", { names: ["Lazorus"], servers: [s1], lastSeenAt: at(50) });
    await seed("renamed", {
      names: ["Sniper Wolf", "Bob"],
      servers: [s1, s2],
      lastSeenAt: at(40),
      identities: [
        { kind: "steam", value: "76561197960290419" },
        { kind: "ip", value: "203.0.113.7" },
      ],
    });
    await seed("old", { names: ["Old timer"], servers: [s1], lastSeenAt: at(-1000) });
    await seed("gone", { names: ["Zoltan"], servers: [s1], lastSeenAt: at(60) });
    await seed("erased", { names: ["Zorba"], servers: [s1], lastSeenAt: at(70) });
    await seed("wild", { names: ["100%_sure"], servers: [s1], lastSeenAt: at(5) });
    await seed("wild2", { names: ["1000xsure"], servers: [s1], lastSeenAt: at(6) });
    await t.db.player.update({
      where: { id: ids.gone! },
      data: { mergedIntoId: ids.zorro!, mergedAt: at(61) },
    });
    await t.db.player.update({ where: { id: ids.erased! }, data: { erasedAt: at(71) } });
    await t.db.playerNote.create({
      data: { playerId: ids.zoe!, originPlayerId: ids.zoe!, text: "Spawn camps", authorName: "Mo" },
    });
    await t.db.player.update({
      where: { id: ids.zoe! },
      data: { watchReason: "Suspected aimbot", watchedAt: at(11) },
    });
  });
  afterAll(() => t.drop());

  it("finds names by their search key, prefix matches first (newest first), then substrings", async () => {
    const page = await searchPlayers(ctx(owner), { q: "ZO" });
    // Zorro and Zoë start with "zo" (Zorro seen later); Lazorus only contains it. Merged Zoltan and erased Zorba are hidden.
    expect(names(page)).toEqual(["Zorro", "^1Zo^7ë", "Lazorus"]);
    expect(page.next).toBeNull();
    const zoe = page.results[1]!;
    expect(zoe).toMatchObject({
      playerId: ids.zoe,
      matchedBy: "name",
      matchedName: null,
      lastServerName: "Alpha server",
      watch: "Suspected aimbot",
      notes: 1,
      online: false,
    });
    expect(names(await searchPlayers(ctx(owner), { q: "zoë" }))).toEqual(["^1Zo^7ë"]);
  });

  it.each([1, 2])(
    "pages of %i by keyset across the prefix and substring phases without repeats or gaps",
    async (limit) => {
      const pages: string[][] = [];
      let after: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await searchPlayers(ctx(owner), { q: "zo", limit, after });
        pages.push(names(page));
        if (!page.next) break;
        after = page.next;
      }
      // A page that ends with the last prefix match knows the substring phase has more.
      expect(pages).toEqual(
        limit === 1 ? [["Zorro"], ["^1Zo^7ë"], ["Lazorus"]] : [["Zorro", "^1Zo^7ë"], ["Lazorus"]],
      );
    },
  );

  it("a player found by an earlier name shows its current name and the one that matched", async () => {
    const page = await searchPlayers(ctx(viewer), { q: "snip" });
    expect(page.results).toEqual([
      expect.objectContaining({
        playerId: ids.renamed,
        name: "Bob",
        matchedName: "Sniper Wolf",
        matchedBy: "name",
      }),
    ]);
  });

  it.each([10_000, 0])(
    "treats %, _ and \\ in a query as characters, not wildcards (orderedMax %i)",
    async (orderedMax) => {
      const search = async (q: string) =>
        names(await searchPlayers(ctx(owner), { q }, undefined, { orderedMax }));
      expect(await search("100%_")).toEqual(["100%_sure"]);
      expect(await search("%_sure")).toEqual(["100%_sure"]);
      expect(await search("0\\x")).toEqual([]);
    },
  );

  it("an empty query lists the recently seen players", async () => {
    const page = await searchPlayers(ctx(owner), { q: "  ", limit: 3 });
    expect(names(page)).toEqual(["Lazorus", "Bob", "Zorro"]);
    const rest = await searchPlayers(ctx(owner), { q: "", after: page.next! });
    expect(names(rest)).toEqual(["^1Zo^7ë", "1000xsure", "100%_sure", "Old timer"]);
  });

  it("identity readers find a player by any notation of an identifier; the query is a name when nobody has it", async () => {
    for (const q of [
      "STEAM_0:1:12345",
      "[U:1:24691]",
      "76561197960290419",
      "203.0.113.7",
      "203.0.113.7:2304",
    ]) {
      const page = await searchPlayers(ctx(mod), { q });
      expect(page.results.map((r) => [r.playerId, r.matchedBy])).toEqual([[ids.renamed, "identifier"]]);
    }
    expect(await searchPlayers(ctx(mod), { q: "198.51.100.1" })).toEqual({ results: [], next: null });
  });

  it("a Viewer cannot search identifiers, and cannot tell whether one exists", async () => {
    const existing = await searchPlayers(ctx(viewer), { q: "203.0.113.7" });
    const missing = await searchPlayers(ctx(viewer), { q: "203.0.113.8" });
    expect(existing).toEqual({ results: [], next: null });
    expect(missing).toEqual(existing);
    expect((await searchPlayers(ctx(viewer), { q: "STEAM_0:1:12345" })).results).toEqual([]);
  });

  it("a server-limited Moderator finds only players seen on its servers", async () => {
    expect(names(await searchPlayers(ctx(limitedMod), { q: "zo" }))).toEqual(["^1Zo^7ë", "Lazorus"]);
    // Bob was seen on both: only the server it may see is named.
    const bob = await searchPlayers(ctx(limitedMod), { q: "bob" });
    expect(bob.results).toEqual([
      expect.objectContaining({ playerId: ids.renamed, lastServerName: "Alpha server" }),
    ]);
    expect(names(await searchPlayers(ctx(limitedMod), { q: "" }))).not.toContain("Zorro");
    const none = await createActor(t.db, "MODERATOR", []);
    expect(await searchPlayers(ctx(none), { q: "" })).toEqual({ results: [], next: null });
  });

  it("refuses a forged cursor and an overlong query with field errors, before any search", async () => {
    await expect(searchPlayers(ctx(owner), { q: "zo", after: "bm90IGpzb24" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { after: expect.any(Array) as string[] },
    } satisfies Partial<AppError>);
    await expect(searchPlayers(ctx(owner), { q: "x".repeat(201) })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { q: expect.any(Array) as string[] },
    });
  });

  it("marks players online from the hub's lists of the servers the actor may see", async () => {
    const lists = (serverId: string) =>
      serverId === s2
        ? [view("3", "Zorro", { record: { playerId: ids.zorro!, notes: 0, warnings: 0, watch: null } })]
        : [];
    expect((await searchPlayers(ctx(owner), { q: "zorro" }, lists)).results[0]?.online).toBe(true);
  });

  it("Online now: every visible server's players with their record badges, bots out, no identities", async () => {
    const lists = (serverId: string): PlayerView[] =>
      serverId === s1
        ? [
            view("2", "^1Zo^7ë", {
              steamId: "76561197960290419",
              address: "203.0.113.7:2304",
              record: { playerId: ids.zoe!, notes: 1, warnings: 2, watch: "Suspected aimbot" },
            }),
            view("5", "[BOT] Tim", { isBot: true }),
            view("4", "Newcomer"),
          ]
        : [view("3", "Zorro", { record: { playerId: ids.zorro!, notes: 0, warnings: 0, watch: null } })];
    const rows = await listOnlinePlayers(ctx(viewer), lists);
    expect(rows).toEqual([
      {
        playerId: null,
        serverId: s1,
        serverName: "Alpha server",
        name: "Newcomer",
        connectedSince: "2026-11-01T11:00:00.000Z",
        watch: null,
        notes: 0,
      },
      {
        playerId: ids.zoe,
        serverId: s1,
        serverName: "Alpha server",
        name: "^1Zo^7ë",
        connectedSince: "2026-11-01T11:00:00.000Z",
        watch: "Suspected aimbot",
        notes: 1,
      },
      {
        playerId: ids.zorro,
        serverId: s2,
        serverName: "Bravo server",
        name: "Zorro",
        connectedSince: "2026-11-01T11:00:00.000Z",
        watch: null,
        notes: 0,
      },
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/7656|203\.0\.113/);
    expect((await listOnlinePlayers(ctx(limitedMod), lists)).map((r) => r.serverId)).toEqual([s1, s1]);
  });
});

describe.each(DATABASE_KINDS)("player search over many matches on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  const COUNT = 520;
  const expected = Array.from({ length: COUNT }, (_, i) => `Clone ${String(COUNT - 1 - i).padStart(3, "0")}`);

  beforeAll(async () => {
    t = await create();
    owner = await createActor(t.db, "OWNER", null);
    const server = await createUnreadableServer(t.db, "Clone server");
    const rows = Array.from({ length: COUNT }, (_, i) => ({
      id: `clone${i}`,
      name: `Clone ${String(i).padStart(3, "0")}`,
      at: at(i),
    }));
    await t.db.player.createMany({
      data: rows.map((r) => ({
        id: r.id,
        lastName: r.name,
        lastNameKey: r.name.toLowerCase(),
        firstSeenAt: r.at,
        lastSeenAt: r.at,
      })),
    });
    await t.db.playerIdentity.createMany({
      data: rows.map((r) => ({
        playerId: r.id,
        originPlayerId: r.id,
        kind: "name",
        value: r.name.toLowerCase(),
        display: r.name,
        firstSeenAt: r.at,
        lastSeenAt: r.at,
      })),
    });
    await t.db.playerServer.createMany({
      data: rows.map((r) => ({ playerId: r.id, serverId: server, firstSeenAt: r.at, lastSeenAt: r.at })),
    });
  });
  afterAll(() => t.drop());

  it.each([
    ["clone", "ordered"],
    ["lone", "ordered"],
    ["clone", "walk"],
    ["lone", "walk"],
  ])("pages through every match of %j newest first (%s)", async (q, strategy) => {
    const seen: string[] = [];
    let after: string | undefined;
    // Past orderedMax matching identities the search walks players newest first instead of joining.
    const tuning = { orderedMax: strategy === "walk" ? 100 : 10_000 };
    for (let i = 0; i < 10; i++) {
      const page = await searchPlayers(
        { db: t.db, actor: owner, ip: null },
        { q, limit: 100, after },
        undefined,
        tuning,
      );
      seen.push(...page.results.map((r) => r.name));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(expected);
  });
});
