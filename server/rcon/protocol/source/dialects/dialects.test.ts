import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RconCommandError, type RunCommand } from "../../../types.ts";
import { parseArkPlayers } from "./ark.ts";
import { parseFactorioBans, parseFactorioPlayers } from "./factorio.ts";
import { SOURCE_DIALECTS } from "./index.ts";
import { parseMinecraftBanlist, parseMinecraftList } from "./minecraft.ts";
import { parsePalworldPlayers } from "./palworld.ts";
import { parseRustStatus } from "./rust.ts";
import { parseSquadMessage, parseSquadPlayers, parseSquadServerInfo, squadLength } from "./squad.ts";
import { parseStatusInfo } from "./common.ts";
import { parseCs2Status, parseFilterList, parseSource1Status } from "./srcds.ts";

const TF2_STATUS = `hostname: Valve Matchmaking Server (Virginia srcds1001-iad1 #71)
version : 8835751/24 8835751 secure
map     : ctf_2fort at: 0 x, 0 y, 0 z
players : 3 humans, 1 bots (32 max)
# userid name                uniqueid            connected ping loss state  adr
#      2 "BOT Gary"          BOT                                       active
#      3 "Sniper_Wolf"       [U:1:12345678]      05:12       45    0 active 192.168.1.10:27005
#      4 "The "Doctor""      [U:1:87654321]      1:05:12     80    2 spawning 10.0.0.5:27006
#      5 "Дмитрий"           [U:1:42]            00:03      120    0 active 203.0.113.9:50000
`;

const CSGO_STATUS = `hostname: Counter-Strike: Global Offensive
players : 1 humans, 1 bots (20/0 max) (not hibernating)

# userid name uniqueid connected ping loss state rate adr
# 2 1 "Sniper_Wolf" STEAM_1:0:12345 05:12 45 0 active 786432 192.168.1.10:27005
#3 "Bot" BOT active 64
#end
`;

const CS2_STATUS = `---------players--------
  id     time ping loss      state   rate adr name
65535 [NoChan]    0    0 challenging      0unknown ''
    2    05:12   45    0     active 786432 192.168.1.10:27005 'Sniper_Wolf'
    3      BOT    0    0     active      0 'Bot Rookie'
    4    00:40   33    0     active 786432 10.0.0.2:27005 'It's me'
#end
`;

describe("srcds parsers", () => {
  it("reads TF2 status, including quotes inside names, bots and h:mm:ss", () => {
    const players = parseSource1Status(TF2_STATUS);
    expect(
      players.map((p) => [p.id, p.name, p.steamId, p.ping, p.address, p.isBot, p.connectedSeconds]),
    ).toEqual([
      ["2", "BOT Gary", null, null, "bot", true, null],
      ["3", "Sniper_Wolf", "[U:1:12345678]", 45, "192.168.1.10:27005", false, 312],
      ["4", 'The "Doctor"', "[U:1:87654321]", 80, "10.0.0.5:27006", false, 3912],
      ["5", "Дмитрий", "[U:1:42]", 120, "203.0.113.9:50000", false, 3],
    ]);
  });

  it("reads CS:GO status with slot numbers and rate", () => {
    const players = parseSource1Status(CSGO_STATUS);
    expect(players.map((p) => [p.id, p.name, p.steamId, p.address])).toEqual([
      ["2", "Sniper_Wolf", "STEAM_1:0:12345", "192.168.1.10:27005"],
      ["3", "Bot", null, "bot"],
    ]);
  });

  it("reads CS2 status and skips the [NoChan] row", () => {
    expect(parseCs2Status(CS2_STATUS).map((p) => [p.id, p.name, p.ping, p.address, p.isBot])).toEqual([
      ["2", "Sniper_Wolf", 45, "192.168.1.10:27005", false],
      ["3", "Bot Rookie", null, "bot", true],
      ["4", "It's me", 33, "10.0.0.2:27005", false],
    ]);
  });

  it("reads listid / listip", () => {
    expect(
      parseFilterList("ID filter list: 2 entries\n1 STEAM_0:1:2 : permanent\n2 [U:1:5] : 20.000 min\n"),
    ).toEqual([
      { ref: "STEAM_0:1:2", kind: "steamid", value: "STEAM_0:1:2", minutesLeft: null, reason: "" },
      { ref: "[U:1:5]", kind: "steamid", value: "[U:1:5]", minutesLeft: 20, reason: "" },
    ]);
    expect(parseFilterList("IP filter list:\n1 10.0.0.2 : 4.500 min\n")).toEqual([
      { ref: "10.0.0.2", kind: "ip", value: "10.0.0.2", minutesLeft: 5, reason: "" },
    ]);
    expect(parseFilterList("IP filter list: empty\n")).toEqual([]);
  });
});

describe("server info: map and player slots", () => {
  it("reads them from the status header of Source 1, CS2 and legacy Rust", () => {
    expect(parseStatusInfo(TF2_STATUS)).toEqual({ map: "ctf_2fort", maxPlayers: 32 });
    expect(parseStatusInfo(CSGO_STATUS).maxPlayers).toBe(20);
    const cs2 =
      "hostname : RconDeck\nspawngroup  :  1   [1: de_inferno | main lump | mapload]\nplayers  : 2 humans, 0 bots (10 max) (not hibernating) (unreserved)\n";
    expect(parseStatusInfo(cs2)).toEqual({ map: "de_inferno", maxPlayers: 10 });
    expect(parseStatusInfo("players  : 0 humans, 0 bots (0 max) (hibernating)\n")).toEqual({
      map: null,
      maxPlayers: null,
    });
    expect(
      parseStatusInfo(
        "hostname: My Rust\nmap     : Procedural Map\nplayers : 3 (50 max) (0 queued) (0 joining)\n",
      ),
    ).toEqual({ map: "Procedural Map", maxPlayers: 50 });
  });

  it("reads Squad's ShowServerInfo JSON, and nothing from anything else", () => {
    expect(
      parseSquadServerInfo(
        '{"MaxPlayers":100,"GameMode_s":"RAAS","MapName_s":"Narva_RAAS_v1","PlayerCount_I":"71"}',
      ),
    ).toEqual({ map: "Narva_RAAS_v1", maxPlayers: 100 });
    expect(parseSquadServerInfo("Unknown command")).toEqual({ map: null, maxPlayers: null });
    expect(parseSquadServerInfo("[1,2]")).toEqual({ map: null, maxPlayers: null });
  });

  it("asks Minecraft for its slots with list", async () => {
    const mc = SOURCE_DIALECTS.find((d) => d.id === "minecraft");
    const run: RunCommand = (command) =>
      Promise.resolve(command === "list" ? "There are 2 of a max of 20 players online: Steve, Alex" : "");
    expect(await mc?.operations.serverInfo?.(run)).toEqual({ map: null, maxPlayers: 20 });
  });
});

describe("other game parsers", () => {
  it("minecraft list (1.13+ and older) and banlist without separators", () => {
    expect(
      parseMinecraftList("There are 2 of a max of 20 players online: Steve, Alex_99").map((p) => p.id),
    ).toEqual(["Steve", "Alex_99"]);
    expect(parseMinecraftList("There are 0 of a max of 20 players online: ")).toEqual([]);
    expect(parseMinecraftList("There are 1/20 players online:\nNotch").map((p) => p.name)).toEqual(["Notch"]);
    expect(
      parseMinecraftBanlist(
        "There are 2 ban(s):Steve was banned by Rcon: griefing, again.1.2.3.4 was banned by Server: Banned by an operator.",
      ),
    ).toEqual([
      { ref: "Steve", kind: "name", value: "Steve", minutesLeft: null, reason: "griefing, again." },
      { ref: "1.2.3.4", kind: "ip", value: "1.2.3.4", minutesLeft: null, reason: "Banned by an operator." },
    ]);
    expect(parseMinecraftBanlist("There are no bans")).toEqual([]);
  });

  it("rust, ark, squad, factorio, palworld", () => {
    expect(
      parseRustStatus(
        '76561198000000001 "Sniper Wolf"  45   312.5s    192.168.1.10:28015        0.0       0',
      ).map((p) => [p.id, p.name, p.connectedSeconds]),
    ).toEqual([["76561198000000001", "Sniper Wolf", 312]]);
    expect(
      parseArkPlayers("0. Björn, 76561198000000001 \n1. A, B, 76561198000000002\n").map((p) => [
        p.id,
        p.name,
      ]),
    ).toEqual([
      ["76561198000000001", "Björn"],
      ["76561198000000002", "A, B"],
    ]);
    expect(parseArkPlayers("\n No Players Connected \n")).toEqual([]);
    const squad =
      "----- Active Players -----\nID: 0 | SteamID: 76561198000000001 | Name: Bob | Team ID: 1 | Squad ID: N/A\nID: 3 | Online IDs: EOS: 0002abc steam: 76561198000000002 | Name: Ann | B | Team ID: 2 | Squad ID: 1 | Is Leader: False\n----- Recently Disconnected Players [Max of 15] -----\nID: 9 | SteamID: 76561198000000009 | Since Disconnect: 02m.30s | Name: Gone | Team ID: 1 | Squad ID: N/A";
    expect(parseSquadPlayers(squad).map((p) => [p.id, p.name, p.steamId])).toEqual([
      ["0", "Bob", "76561198000000001"],
      ["3", "Ann | B", "76561198000000002"],
    ]);
    expect(parseSquadMessage("[ChatAll] [SteamID:76561198000000001] Bob : hello : there")).toEqual({
      kind: "chat",
      channel: "All",
      from: "Bob",
      text: "hello : there",
      playerId: null,
    });
    expect(
      parseSquadMessage("[ChatTeam] [Online IDs:EOS: 0002abc steam: 76561198000000002] Ann : hi"),
    ).toMatchObject({ channel: "Team", from: "Ann" });
    expect(parseSquadMessage("Something else")).toBeNull();
    expect([squadLength(null), squadLength(0), squadLength(2880), squadLength(120), squadLength(45)]).toEqual(
      ["0", "0", "2d", "2h", "45m"],
    );
    expect(
      parseFactorioPlayers("Online players (2):\n  Steve (online)\n  alex.b\n").map((p) => p.id),
    ).toEqual(["Steve", "alex.b"]);
    expect(parseFactorioBans("Banned players: a, b_2\n").map((b) => b.value)).toEqual(["a", "b_2"]);
    expect(
      parsePalworldPlayers("name,playeruid,steamid\nBjörn,123,76561198000000001\n\u0000").map((p) => [
        p.id,
        p.name,
        p.guid,
      ]),
    ).toEqual([["76561198000000001", "Björn", "123"]]);
  });

  it("parsers never throw on random text", () => {
    const parsers = [
      parseSource1Status,
      parseCs2Status,
      parseFilterList,
      parseMinecraftList,
      parseMinecraftBanlist,
      parseRustStatus,
      parseArkPlayers,
      parseSquadPlayers,
      parseSquadMessage,
      parseFactorioPlayers,
      parseFactorioBans,
      parsePalworldPlayers,
    ];
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const parse of parsers) parse(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("dialect operations never let user text become a second command", () => {
  const hostile = ["a\nquit", "a\rquit", "x\u0000y", "bye; quit", 'say "x"; quit'];

  function recorder() {
    const sent: string[] = [];
    const run: RunCommand = (command) => {
      sent.push(command);
      return Promise.resolve("");
    };
    return { sent, run };
  }

  for (const dialect of SOURCE_DIALECTS) {
    it(`${dialect.id}: rejects line breaks in messages and reasons, and odd player ids`, async () => {
      const { sent, run } = recorder();
      const ops = dialect.operations;
      for (const text of hostile.slice(0, 3)) {
        await expect(ops.sayAll(run, text)).rejects.toBeInstanceOf(RconCommandError);
        await expect(
          ops.kick(run, "2", text).then(() => ops.kick(run, "76561198000000001", text)),
        ).rejects.toMatchObject({ code: expect.stringMatching(/INVALID_ARGUMENT|UNSUPPORTED/) as string });
      }
      await expect(ops.kick(run, "1; quit", "r")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(sent.every((c) => !/[\r\n\u0000]/.test(c))).toBe(true);
    });
  }

  it("srcds: quotes and semicolons are rejected, ban sequences are right", async () => {
    const tf2 = SOURCE_DIALECTS.find((d) => d.id === "tf2");
    if (!tf2) throw new Error("no tf2");
    const { sent, run } = recorder();
    await expect(tf2.operations.sayAll(run, "bye; quit")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(tf2.operations.sayAll(run, 'a "b"')).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await tf2.operations.sayAll(run, "héllo wörld");
    await tf2.operations.ban(run, {
      target: { kind: "player", playerId: "7" },
      minutes: 30,
      reason: "cheating",
    });
    await tf2.operations.ban(run, { target: { kind: "ip", value: "10.0.0.2" }, minutes: null, reason: "" });
    await tf2.operations.unban(run, { kind: "steamid", value: "STEAM_0:1:2" });
    await expect(
      tf2.operations.ban(run, { target: { kind: "name", value: "Bob" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    expect(sent).toEqual([
      'say "héllo wörld"',
      "banid 30 7",
      'kickid 7 "cheating"',
      "writeid",
      "addip 0 10.0.0.2",
      "writeip",
      "removeid STEAM_0:1:2",
      "writeid",
    ]);
  });

  it("minecraft and factorio: names must be names; factorio chat cannot start with a slash", async () => {
    const mc = SOURCE_DIALECTS.find((d) => d.id === "minecraft");
    const factorio = SOURCE_DIALECTS.find((d) => d.id === "factorio");
    if (!mc || !factorio) throw new Error("missing dialects");
    const { sent, run } = recorder();
    await expect(mc.operations.kick(run, "Steve op Bob", "x")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await mc.operations.sayTo?.(run, "Steve", "hi there");
    await expect(factorio.operations.sayAll(run, "/ban Steve")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(sent).toEqual(["tell Steve hi there"]);
  });
});
