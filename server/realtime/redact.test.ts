/**
 * Property: for every dialect, its answer and message formats (rendered by the emulators' own
 * renderers) filled with generated identities contain none of them once redacted for a Viewer,
 * and its player lists for a Viewer carry no identity at all, player ids included.
 */
import { execFile } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConsoleLineMessage, PlayerView } from "../../lib/realtime/contract.ts";
import { isPlayerHandle } from "../../lib/players/handle.ts";
import {
  adminsText,
  bansText,
  battlEyeMessages,
  playersText,
  type EmulatedPlayer as BattlEyePlayer,
} from "../rcon/emulators/battleye/texts.ts";
import { toPlayerView } from "../hub/player-view.ts";
import { BATTLEYE_DIALECTS } from "../rcon/protocol/battleye/dialects/index.ts";
import { QUAKE3_DIALECTS } from "../rcon/protocol/quake3/dialects/index.ts";
import type { Quake3Dialect } from "../rcon/protocol/quake3/dialects/common.ts";
import { SOURCE_DIALECTS } from "../rcon/protocol/source/dialects/index.ts";
import { cvarQueryPieces, engineBanPieces, userinfoPieces } from "../rcon/emulators/quake3/texts.ts";
import { EMULATED_GAMES } from "../rcon/emulators/source/games.ts";
import { EmulatedWorld, steam64, steamId2, type EmulatedPlayer } from "../rcon/emulators/source/world.ts";
import { createRandom } from "../rcon/random.ts";
import type { Dialect, Player } from "../rcon/types.ts";
import {
  playerHandle,
  redactLine,
  resolvePlayerId,
  setPlayerHandleSecret,
  withoutIdentities,
} from "./redact.ts";

const NOW = 1_800_000_000_000;
const SERVER = "srv1";

interface Generated {
  name: string;
  ip: string;
  port: number;
  ipv6: string;
  accountId: number;
  guid: string;
  uuid: string;
}

const octet = fc.integer({ min: 0, max: 255 });
const generated: fc.Arbitrary<Generated> = fc.record({
  // Names may carry colour codes and end in a caret: the text around an identity is hostile too.
  name: fc.stringMatching(/^[A-Za-z][A-Za-z _^]{0,11}$/),
  ip: fc
    .tuple(fc.integer({ min: 11, max: 223 }), octet, octet, fc.integer({ min: 1, max: 254 }))
    .map((o) => o.join(".")),
  port: fc.integer({ min: 1024, max: 65535 }),
  ipv6: fc
    .tuple(
      fc.integer({ min: 0x2001, max: 0x2fff }),
      fc.integer({ min: 1, max: 0xffff }),
      fc.integer({ min: 1, max: 0xffff }),
    )
    .map(([a, b, c]) => `${a.toString(16)}:db8:${b.toString(16)}::${c.toString(16)}`),
  accountId: fc.integer({ min: 10_000_000, max: 999_999_999 }),
  guid: fc.stringMatching(/^[0-9a-f]{32}$/),
  uuid: fc.uuid(),
});
// Players on one server at once: distinct names and distinct accounts (a Steam account, an EOS or
// Minecraft uuid, a BattlEye GUID is in a game once); an address may be shared (NAT).
const crowd = fc.uniqueArray(generated, {
  minLength: 1,
  maxLength: 4,
  comparator: (a, b) =>
    a.name === b.name || a.accountId === b.accountId || a.uuid === b.uuid || a.guid === b.guid,
});

/** Every spelling of every generated identity that must not reach a Viewer. */
function identities(players: readonly Generated[]): string[] {
  return players.flatMap((p) => [
    p.ip,
    p.ipv6,
    String(p.accountId),
    steam64(p.accountId),
    steamId2(p.accountId, 0),
    steamId2(p.accountId, 1),
    `[U:1:${p.accountId}]`,
    p.guid,
    p.uuid,
    p.uuid.replaceAll("-", ""),
    `0002${p.accountId.toString(16).padStart(28, "0")}`, // Squad's EOS id in the emulator
  ]);
}

function redacted(text: string, dialect: Dialect): string {
  const line: ConsoleLineMessage = {
    serverId: SERVER,
    seq: 1,
    at: new Date(NOW).toISOString(),
    kind: "answer",
    text,
    actorName: null,
    replyTo: null,
  };
  return redactLine(line, dialect).text;
}

function expectNoIdentity(texts: readonly string[], players: readonly Generated[], dialect: Dialect): void {
  const secrets = identities(players).map((s) => s.toLowerCase());
  for (const text of texts) {
    const shown = redacted(text, dialect).toLowerCase();
    for (const secret of secrets) {
      if (shown.includes(secret))
        throw new Error(`${dialect.id}: ${secret} survives in ${JSON.stringify(shown.slice(0, 400))}`);
    }
  }
}

// --- Source family: the emulator's command handlers ------------------------------------------------

function sourceWorld(game: string, players: readonly Generated[]): EmulatedWorld {
  const emulated = EMULATED_GAMES[game];
  if (!emulated) throw new Error(game);
  const world = new EmulatedWorld({
    random: createRandom(1),
    now: NOW,
    players: 0,
    maxPlayers: 64,
    nameStyle: emulated.nameStyle,
    bots: 0,
  });
  const banKinds = SOURCE_DIALECTS.find((d) => d.id === game)?.capabilities.banKinds ?? [];
  players.forEach((p, i) => {
    // Minecraft and Factorio names are identifiers (as the world makes them).
    const name =
      emulated.nameStyle === "identifier"
        ? `${p.name.replace(/[^A-Za-z0-9_]/g, "").slice(0, 12)}_${i}`
        : p.name;
    const player: EmulatedPlayer = {
      userid: i + 2,
      name,
      accountId: p.accountId,
      ip: p.ip,
      port: p.port,
      joinedAt: NOW - 60_000,
      ping: 40,
      isBot: false,
      uuid: p.uuid,
    };
    world.players.push(player);
    // The bans this game has.
    if (banKinds.includes("steamid"))
      world.addBan({
        kind: "steamid",
        value: String(p.accountId),
        expiresAt: null,
        reason: "r",
        source: "Console",
        label: name,
      });
    if (banKinds.includes("ip"))
      world.addBan({
        kind: "ip",
        value: p.ip,
        expiresAt: NOW + 600_000,
        reason: "r",
        source: "Console",
        label: p.ip,
      });
    if (banKinds.includes("name"))
      world.addBan({ kind: "name", value: name, expiresAt: null, reason: "r", source: "Rcon", label: name });
  });
  return world;
}

/** Every command of the game, with arguments naming the first player in each way the games take. */
function sourceTexts(game: string, players: readonly Generated[]): string[] {
  const emulated = EMULATED_GAMES[game];
  if (!emulated) throw new Error(game);
  const first = players[0] as Generated;
  const argSets = [
    [],
    ["uuids"],
    ["2"],
    [steam64(first.accountId)],
    [first.name],
    [first.ip],
    ["0", "2"],
    ["0", first.ip],
    ["0", steam64(first.accountId)],
    ["0", `[U:1:${first.accountId}]`],
  ];
  const texts: string[] = [];
  for (const handler of Object.values(emulated.commands)) {
    for (const args of argSets) {
      const world = sourceWorld(game, players);
      texts.push(
        handler({
          world,
          now: NOW,
          args,
          rest: args.join(" "),
          cvars: [],
          push: (_id, _type, text) => texts.push(text),
        }),
      );
    }
  }
  const world = sourceWorld(game, players);
  if (emulated.chatPacket) for (const p of world.players) texts.push(emulated.chatPacket(p, "hello").text);
  return texts;
}

// --- Quake 3 family: the dialect's status printer and the emulator's texts ---------------------------

function quake3Texts(dialect: Quake3Dialect, players: readonly Generated[]): string[] {
  const rows = players.flatMap((p, i) => [
    {
      slot: 2 * i,
      score: 3,
      ping: 48,
      state: null,
      name: p.name,
      address: `${p.ip}:${p.port}`,
      rate: 25000,
      guid: p.guid,
      lastMsg: 0,
      qport: 1234,
    },
    {
      slot: 2 * i + 1,
      score: 0,
      ping: 60,
      state: null,
      name: p.name,
      address: `[${p.ipv6}]:${p.port}`,
      rate: 25000,
      guid: p.guid,
      lastMsg: 0,
      qport: 1234,
    },
  ]);
  const profile = dialect.quake3;
  return [
    profile.statusFormat
      .print(profile.colourRule === "cod" ? "mp_crash" : "oa_dm1", rows, profile.colourRule)
      .join(""),
    ...players.map((p) =>
      userinfoPieces({
        name: p.name,
        rate: 25000,
        address: `${p.ip}:${p.port}`,
        guid: p.guid,
        isBot: false,
      }).join(""),
    ),
    cvarQueryPieces("g_banIPs", players.map((p) => `${p.ip} `).join(""), "").join(""),
    engineBanPieces(players.map((p) => `${p.ip}/32`)).join(""),
  ];
}

// --- BattlEye: the emulator's answers and pushed messages ---------------------------------------------

function battlEyeTexts(players: readonly Generated[]): string[] {
  const be: BattlEyePlayer[] = players.map((p, i) => ({
    id: i,
    name: p.name,
    ip: p.ip,
    port: p.port,
    ping: 40,
    guid: p.guid,
    verified: i % 2 === 0,
    lobby: i === 1,
  }));
  const bans = players.flatMap((p) => [
    { kind: "guid" as const, value: p.guid, expiresAt: null, reason: "cheat" },
    { kind: "ip" as const, value: p.ip, expiresAt: NOW + 120_000, reason: "" },
  ]);
  const m = battlEyeMessages;
  return [
    playersText(be),
    bansText(bans, NOW),
    adminsText(players.map((p, i): [string, number] => [`${p.ip}:${p.port}`, i])),
    ...be.flatMap((p) => [
      m.connected(p),
      m.beGuid(p),
      m.unverifiedGuid(p),
      m.verified(p),
      m.kicked(p, "Admin Kick"),
      m.disconnected(p),
      m.chat("Global", p, "hi"),
    ]),
    ...players.map((p, i) => m.adminLogin(i, `${p.ip}:${p.port}`)),
  ];
}

// --- player lists ---------------------------------------------------------------------------------------

/** What the hub hands out for these players (its own mapping, not a copy of it). */
function views(players: readonly Player[]): PlayerView[] {
  return players.map((p) => toPlayerView(p, null));
}

async function listFor(dialect: Dialect, players: readonly Generated[]): Promise<Player[]> {
  if (dialect.family === "battleye") {
    const rows = players.map((p, i) => ({
      id: i,
      name: p.name,
      ip: p.ip,
      port: p.port,
      ping: 40,
      guid: p.guid,
      verified: true,
      lobby: false,
    }));
    return dialect.operations.listPlayers(() => Promise.resolve(playersText(rows)));
  }
  if (dialect.family === "quake3")
    return dialect.operations.listPlayers(() =>
      Promise.resolve(quake3Texts(dialect as Quake3Dialect, players)[0] as string),
    );
  const emulated = EMULATED_GAMES[dialect.id];
  return dialect.operations.listPlayers((command) => {
    const [name = "", ...args] = command.split(" ");
    const handler = emulated?.commands[name.toLowerCase()];
    return Promise.resolve(
      handler
        ? handler({
            world: sourceWorld(dialect.id, players),
            now: NOW,
            args,
            rest: args.join(" "),
            cvars: [],
            push: () => {},
          })
        : "",
    );
  });
}

const ALL_DIALECTS: readonly Dialect[] = [...SOURCE_DIALECTS, ...QUAKE3_DIALECTS, ...BATTLEYE_DIALECTS];

describe("Viewer redaction, as a property over every dialect's formats", () => {
  it("every answer and message format, filled with generated identities, shows none of them", () => {
    fc.assert(
      fc.property(crowd, (players) => {
        for (const dialect of SOURCE_DIALECTS)
          expectNoIdentity(sourceTexts(dialect.id, players), players, dialect);
        for (const dialect of QUAKE3_DIALECTS)
          expectNoIdentity(quake3Texts(dialect, players), players, dialect);
        for (const dialect of BATTLEYE_DIALECTS) expectNoIdentity(battlEyeTexts(players), players, dialect);
      }),
      { numRuns: 40 },
    );
  }, 120_000); // 40 generated crowds through every dialect: over 30 s on a loaded machine

  it("every dialect's player list for a Viewer carries no identity, the player id included, and handles resolve back", async () => {
    await fc.assert(
      fc.asyncProperty(crowd, async (players) => {
        for (const dialect of ALL_DIALECTS) {
          const full = views(await listFor(dialect, players));
          expect(full.length, dialect.id).toBeGreaterThan(0);
          const shown = withoutIdentities(SERVER, full, dialect);
          const json = JSON.stringify(shown).toLowerCase();
          for (const secret of identities(players))
            if (json.includes(secret.toLowerCase()))
              throw new Error(`${dialect.id}: ${secret} in ${json.slice(0, 300)}`);
          expect(new Set(shown.map((p) => p.id)).size, `${dialect.id}: ids stay unique keys`).toBe(
            shown.length,
          );
          for (const [i, p] of shown.entries()) expect(resolvePlayerId(SERVER, p.id, full)).toBe(full[i]?.id);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe("player handles", () => {
  it("are stable, opaque, differ per server, and an unknown handle resolves to nobody", () => {
    const id = "76561198000000001";
    expect(playerHandle(SERVER, id)).toBe(playerHandle(SERVER, id));
    expect(isPlayerHandle(playerHandle(SERVER, id))).toBe(true);
    expect(playerHandle(SERVER, id)).not.toContain("7656");
    expect(playerHandle("srv2", id)).not.toBe(playerHandle(SERVER, id));
    expect(resolvePlayerId(SERVER, playerHandle("srv2", id), [{ id }])).toBeNull();
    expect(resolvePlayerId(SERVER, "3", [{ id: "3" }])).toBe("3");
  });

  // A cluster's instances are processes sharing AUTH_SECRET; in one process, Next's bundle holds a
  // second copy of redact.ts (the REST API's lists). Both must give the handles the sockets give.
  it("agree between processes sharing AUTH_SECRET and between copies of the module, not across secrets", async () => {
    const id = "76561198000000001";
    const script = `
      const [secret] = process.argv.slice(-1);
      const dashboard = await import("./server/realtime/redact.ts");
      const nextBundle = await import("./server/realtime/redact.ts?next-bundle");
      if (dashboard === nextBundle) throw new Error("expected two copies of the module");
      dashboard.setPlayerHandleSecret(secret);
      console.log(JSON.stringify([dashboard.playerHandle("${SERVER}", "${id}"), nextBundle.playerHandle("${SERVER}", "${id}")]));`;
    const other = (secret: string) =>
      new Promise<string[]>((resolve, reject) =>
        execFile(
          process.execPath,
          ["--import", "tsx", "--input-type=module", "-e", script, secret],
          { timeout: 30_000 },
          (error, stdout) =>
            error ? reject(new Error(error.message)) : resolve(JSON.parse(stdout) as string[]),
        ),
      );
    setPlayerHandleSecret("a".repeat(40));
    const here = playerHandle(SERVER, id);
    expect(await other("a".repeat(40))).toEqual([here, here]);
    const [elsewhere] = await other("b".repeat(40));
    expect(elsewhere).not.toBe(here);
    expect(isPlayerHandle(elsewhere ?? "")).toBe(true);
  });

  it("keep game ids that are no identity (slots, userids, names) and replace those that are", () => {
    const player: PlayerView = {
      id: "3",
      name: "Bob",
      plainName: "Bob",
      ping: 1,
      score: null,
      guid: "x",
      steamId: null,
      address: "1.2.3.4:5",
      isBot: false,
      state: null,
      connectedSince: null,
    };
    const openarena = QUAKE3_DIALECTS.find((d) => d.id === "openarena") as Dialect;
    const rust = SOURCE_DIALECTS.find((d) => d.id === "rust") as Dialect;
    expect(withoutIdentities(SERVER, [player], openarena)).toEqual([
      { ...player, guid: null, address: null },
    ]);
    expect(withoutIdentities(SERVER, [player], rust)[0]?.id).toBe(playerHandle(SERVER, "3"));
    expect(withoutIdentities(SERVER, [player], null)[0]?.id).toBe(playerHandle(SERVER, "3"));
  });

  it("CS2's version number stays readable for Viewers while the addresses around it go", () => {
    const cs2 = SOURCE_DIALECTS.find((d) => d.id === "cs2") as Dialect;
    const status = sourceTexts("cs2", [
      {
        name: "Bob",
        ip: "81.2.3.4",
        port: 27005,
        ipv6: "2001:db8::1",
        accountId: 12345678,
        guid: "0".repeat(32),
        uuid: "00000000-0000-4000-8000-000000000000",
      },
    ])[0] as string;
    const shown = redacted(status, cs2);
    expect(shown).toContain("version  : 1.40.4.5/14045");
    expect(shown).not.toContain("81.2.3.4");
    expect(shown).toContain("udp/ip   : [IP hidden]");
  });
});
