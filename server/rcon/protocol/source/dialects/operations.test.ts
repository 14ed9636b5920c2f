/**
 * Each Source game's operations against a fake `run` answering in the game's real formats (the
 * emulator's texts in server/rcon/emulators/source/games.ts): the exact commands sent, what is read
 * back, and the arguments refused before anything is sent.
 */
import { describe, expect, it } from "vitest";
import {
  RconCommandError,
  type CommandOptions,
  type GameOperations,
  type RunCommand,
} from "../../../types.ts";
import { ark, ARK_EMPTY_ANSWER } from "./ark.ts";
import { asyncOperations, parseStatusInfo } from "./common.ts";
import { factorio } from "./factorio.ts";
import { minecraft } from "./minecraft.ts";
import { palworld } from "./palworld.ts";
import { parseRustBans } from "./rust-console.ts";
import { rust } from "./rust.ts";
import { parseSquadServerInfo, squad } from "./squad.ts";
import { cs2, parseCs2Status, parseSource1Status, tf2 } from "./srcds.ts";

/** A fake `run` that records commands (with their options) and answers from a table. */
function recorder(answers: Record<string, string> = {}) {
  const sent: { command: string; options?: CommandOptions }[] = [];
  const run: RunCommand = (command, options) => {
    sent.push({ command, ...(options ? { options } : {}) });
    return Promise.resolve(answers[command] ?? "");
  };
  return { sent, run, commands: () => sent.map((s) => s.command) };
}

const STEAM_A = "76561198000000001";
const STEAM_B = "76561198000000002";

describe("srcds operations", () => {
  const TF2_STATUS = [
    "hostname: RconDeck TF2",
    "version : 8835751/24 8835751 secure",
    "udp/ip  : 0.0.0.0:27015  (public ip: 203.0.113.7)",
    "map     : pl_badwater at: 0 x, 0 y, 0 z",
    "players : 1 humans, 1 bots (24 max)",
    "edicts  : 1043 used of 2048 max",
    "# userid name                uniqueid            connected ping loss state  adr",
    '#      2 "BOT Gary"          BOT                                       active',
    '#      3 "Sniper_Wolf"       [U:1:12345678]      05:12       45    0 active 192.168.1.10:27005',
    "",
  ].join("\n");

  it("lists players and reads the map and slots from status", async () => {
    const { run, commands } = recorder({ status: TF2_STATUS });
    expect((await tf2.operations.listPlayers(run)).map((p) => [p.id, p.name, p.address])).toEqual([
      ["2", "BOT Gary", "bot"],
      ["3", "Sniper_Wolf", "192.168.1.10:27005"],
    ]);
    expect(await tf2.operations.serverInfo?.(run)).toEqual({ map: "pl_badwater", maxPlayers: 24 });
    expect(commands()).toEqual(["status", "status"]);
  });

  it("CS2 lists players with its own table layout", async () => {
    const status = [
      "hostname : RconDeck CS2",
      "spawngroup  :  1   [1: de_mirage | main lump | mapload]",
      "players  : 1 humans, 0 bots (24 max) (not hibernating) (unreserved)",
      "---------players--------",
      "  id     time ping loss      state   rate adr name",
      "65535 [NoChan]    0    0 challenging      0unknown ''",
      "    2    05:12   45    0     active 786432 192.168.1.10:27005 'Sniper_Wolf'",
      "#end",
      "",
    ].join("\n");
    const { run } = recorder({ status });
    expect((await cs2.operations.listPlayers(run)).map((p) => [p.id, p.name, p.connectedSeconds])).toEqual([
      ["2", "Sniper_Wolf", 312],
    ]);
    expect(await cs2.operations.serverInfo?.(run)).toEqual({ map: "de_mirage", maxPlayers: 24 });
  });

  it("kicks with a default reason when none is given", async () => {
    const { sent, run } = recorder();
    await tf2.operations.kick(run, "3", "");
    expect(sent).toEqual([{ command: 'kickid 3 "Kicked by admin"', options: { idempotent: false } }]);
  });

  it("bans a SteamID with banid + writeid and returns the game's non-empty answers", async () => {
    const banned = 'Banid: "<><[U:1:5]><>" was banned "permanently" by "Console"\n';
    const { run, commands } = recorder({ "banid 0 [U:1:5]": banned, writeid: "" });
    const answer = await tf2.operations.ban(run, {
      target: { kind: "steamid", value: "[U:1:5]" },
      minutes: null,
      reason: "",
    });
    expect(answer).toBe(banned);
    expect(commands()).toEqual(["banid 0 [U:1:5]", "writeid"]);
  });

  it("refuses bad ban lengths and malformed ids before sending anything", async () => {
    const { run, commands } = recorder();
    for (const minutes of [-5, 1.5]) {
      await expect(
        tf2.operations.ban(run, { target: { kind: "steamid", value: "[U:1:5]" }, minutes, reason: "" }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    await expect(
      tf2.operations.ban(run, {
        target: { kind: "steamid", value: "[U:1:5]; quit" },
        minutes: 0,
        reason: "",
      }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      tf2.operations.ban(run, { target: { kind: "ip", value: "10.0.0.256" }, minutes: 0, reason: "" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(tf2.operations.unban(run, { kind: "ip", value: "10.0.0.2; quit" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(commands()).toEqual([]);
  });

  it("unbans an IP with removeip + writeip, answering what removeip said", async () => {
    const { run, commands } = recorder({ "removeip 10.0.0.2": "removeip:  filter removed for 10.0.0.2\n" });
    expect(await tf2.operations.unban(run, { kind: "ip", value: "10.0.0.2" })).toBe(
      "removeip:  filter removed for 10.0.0.2\n",
    );
    expect(commands()).toEqual(["removeip 10.0.0.2", "writeip"]);
  });

  it("lists SteamID and IP bans from listid and listip", async () => {
    const { run, commands } = recorder({
      listid: "ID filter list: 1 entry\n1 [U:1:5] : permanent\n",
      listip: "IP filter list:\n1 10.0.0.2 : 29.500 min\n",
    });
    expect(await tf2.operations.listBans(run)).toEqual([
      { ref: "[U:1:5]", kind: "steamid", value: "[U:1:5]", minutesLeft: null, reason: "" },
      { ref: "10.0.0.2", kind: "ip", value: "10.0.0.2", minutesLeft: 30, reason: "" },
    ]);
    expect(commands()).toEqual(["listid", "listip"]);
  });

  it("keeps a player whose columns after the SteamID are not the usual ones, with those values unknown", () => {
    // The short `#%2i "%s" %s %s %.0f` form Host_Status_PrintClient uses for clients without a net channel.
    const [player] = parseSource1Status('# 4 "Loader" STEAM_1:0:42 spawning 64\n');
    expect(player).toMatchObject({
      id: "4",
      name: "Loader",
      steamId: "STEAM_1:0:42",
      ping: null,
      connectedSeconds: null,
      address: null,
    });
  });

  it("reads a CS2 row whose address column is empty as no address", () => {
    const [player] = parseCs2Status("    5    00:02    0    0 connecting      0 'Joiner'\n");
    expect(player).toMatchObject({
      id: "5",
      name: "Joiner",
      isBot: false,
      address: null,
      connectedSeconds: 2,
    });
  });
});

describe("minecraft operations", () => {
  const ops = minecraft.operations;

  it("lists players and reads the slots from list", async () => {
    const { run, commands } = recorder({ list: "There are 2 of a max of 20 players online: Steve, Alex" });
    expect((await ops.listPlayers(run)).map((p) => p.name)).toEqual(["Steve", "Alex"]);
    expect(await ops.serverInfo?.(run)).toEqual({ map: null, maxPlayers: 20 });
    expect(commands()).toEqual(["list", "list"]);
  });

  it("reads the slots from the pre-1.13 list answer too", async () => {
    const { run } = recorder({ list: "There are 1/20 players online:Notch" });
    expect(await ops.serverInfo?.(run)).toEqual({ map: null, maxPlayers: 20 });
  });

  it("has no slots when list does not answer with a player count", async () => {
    const { run } = recorder({ list: "Unknown or incomplete command, see below for errorlist<--[HERE]" });
    expect(await ops.serverInfo?.(run)).toEqual({ map: null, maxPlayers: null });
  });

  it("bans and pardons names and IPs with the matching command", async () => {
    const { sent, run } = recorder();
    await ops.ban(run, { target: { kind: "name", value: "Steve" }, minutes: null, reason: "griefing spawn" });
    await ops.ban(run, { target: { kind: "player", playerId: "Alex_99" }, minutes: null, reason: "" });
    await ops.ban(run, {
      target: { kind: "ip", value: "203.0.113.9" },
      minutes: null,
      reason: "alt accounts",
    });
    await ops.unban(run, { kind: "name", value: "Steve" });
    await ops.unban(run, { kind: "ip", value: "203.0.113.9" });
    expect(sent.map((s) => s.command)).toEqual([
      "ban Steve griefing spawn.",
      "ban Alex_99",
      "ban-ip 203.0.113.9 alt accounts.",
      "pardon Steve",
      "pardon-ip 203.0.113.9",
    ]);
    expect(sent.every((s) => s.options?.idempotent === false)).toBe(true);
  });

  it("refuses what is neither a name nor an IPv4 address", async () => {
    const { run, commands } = recorder();
    await expect(
      ops.ban(run, { target: { kind: "ip", value: "203.0.113.9 Steve" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      ops.ban(run, { target: { kind: "steamid", value: STEAM_A }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(
      ops.ban(run, { target: { kind: "name", value: "Steve" }, minutes: null, reason: "x\nop Steve" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(ops.unban(run, { kind: "ip", value: "999.1.1.1" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(ops.unban(run, { kind: "name", value: "Steve op Alex" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(commands()).toEqual([]);
  });

  it("lists bans from banlist", async () => {
    const { run, commands } = recorder({
      banlist: "There are 1 ban(s):203.0.113.9 was banned by Rcon: alt accounts",
    });
    expect(await ops.listBans(run)).toEqual([
      { ref: "203.0.113.9", kind: "ip", value: "203.0.113.9", minutesLeft: null, reason: "alt accounts" },
    ]);
    expect(commands()).toEqual(["banlist"]);
  });
});

describe("rust operations", () => {
  const ops = rust.operations;
  const STATUS = [
    "hostname: RconDeck Rust",
    "version : 2260 secure (secure mode enabled, connected to Steam3)",
    "map     : Procedural Map",
    "players : 1 (50 max) (0 queued) (0 joining)",
    "",
    "id                name                ping connected addr                 owner violation kicks",
    `${STEAM_A} "Sniper Wolf"       45   312.5s    192.168.1.10:28015         0.0       0`,
    "",
  ].join("\n");

  it("lists players and reads the map and slots from status", async () => {
    const { run, commands } = recorder({ status: STATUS });
    expect(await ops.listPlayers(run)).toMatchObject([
      { id: STEAM_A, name: "Sniper Wolf", ping: 45, connectedSeconds: 312, address: "192.168.1.10:28015" },
    ]);
    expect(await ops.serverInfo?.(run)).toEqual({ map: "Procedural Map", maxPlayers: 50 });
    expect(commands()).toEqual(["status", "status"]);
  });

  it("kicks, bans and unbans SteamID64s with quoted reasons", async () => {
    const { sent, run } = recorder();
    await ops.kick(run, STEAM_A, "afk too long");
    await ops.ban(run, { target: { kind: "steamid", value: STEAM_B }, minutes: null, reason: "cheating" });
    await ops.ban(run, { target: { kind: "player", playerId: STEAM_A }, minutes: null, reason: "" });
    await ops.unban(run, { kind: "steamid", value: STEAM_B });
    await ops.sayAll(run, "wipe tonight");
    expect(sent.map((s) => s.command)).toEqual([
      `kick ${STEAM_A} "afk too long"`,
      `ban ${STEAM_B} "cheating"`,
      `ban ${STEAM_A} ""`,
      `unban ${STEAM_B}`,
      'say "wipe tonight"',
    ]);
    expect(sent.every((s) => s.options?.idempotent === false)).toBe(true);
  });

  it("refuses quotes and semicolons in reasons, non-SteamID64 targets and IP bans", async () => {
    const { run, commands } = recorder();
    await expect(ops.kick(run, STEAM_A, 'bye"; quit')).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      ops.ban(run, { target: { kind: "steamid", value: "7656119800000000" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      ops.ban(run, { target: { kind: "ip", value: "10.0.0.2" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(ops.unban(run, { kind: "steamid", value: `${STEAM_A};quit` })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(commands()).toEqual([]);
  });

  it("lists bans from banlistex, skipping lines that are not bans", async () => {
    const answer = `1 ${STEAM_A} "Sniper Wolf" "cheating" -1\n2 ${STEAM_B} "" "" -1\nCommand 'banlistex' not found\n`;
    const { run, commands } = recorder({ banlistex: answer });
    expect(await ops.listBans(run)).toEqual([
      { ref: STEAM_A, kind: "steamid", value: STEAM_A, minutesLeft: null, reason: "cheating" },
      { ref: STEAM_B, kind: "steamid", value: STEAM_B, minutesLeft: null, reason: "" },
    ]);
    expect(commands()).toEqual(["banlistex"]);
    expect(parseRustBans("\n")).toEqual([]);
  });
});

describe("ark operations", () => {
  const ops = ark.operations;

  it("lists players from ListPlayers", async () => {
    const { run, commands } = recorder({ ListPlayers: `0. Björn, ${STEAM_A} \n1. Ann, ${STEAM_B} \n` });
    expect((await ops.listPlayers(run)).map((p) => [p.id, p.name, p.state])).toEqual([
      [STEAM_A, "Björn", "#0"],
      [STEAM_B, "Ann", "#1"],
    ]);
    expect(commands()).toEqual(["ListPlayers"]);
  });

  it("kicks, bans, unbans and whispers by SteamID64", async () => {
    const { sent, run } = recorder();
    await ops.kick(run, STEAM_A, "ignored by ARK");
    await ops.ban(run, { target: { kind: "steamid", value: STEAM_B }, minutes: null, reason: "" });
    await ops.ban(run, { target: { kind: "player", playerId: STEAM_A }, minutes: null, reason: "" });
    await ops.unban(run, { kind: "steamid", value: STEAM_B });
    await ops.sayTo?.(run, STEAM_A, "your dino is starving");
    expect(sent.map((s) => s.command)).toEqual([
      `KickPlayer ${STEAM_A}`,
      `BanPlayer ${STEAM_B}`,
      `BanPlayer ${STEAM_A}`,
      `UnbanPlayer ${STEAM_B}`,
      `ServerChatTo "${STEAM_A}" your dino is starving`,
    ]);
    expect(sent.every((s) => s.options?.idempotent === false)).toBe(true);
  });

  it("refuses what ARK cannot do or could misread", async () => {
    const { run, commands } = recorder();
    await expect(ops.listBans(run)).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(
      ops.ban(run, { target: { kind: "ip", value: "10.0.0.2" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(ops.unban(run, { kind: "steamid", value: "12345" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(ops.sayTo?.(run, `${STEAM_A}" DoExit "`, "hi")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(ops.sayTo?.(run, STEAM_A, "hi\nDoExit")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(commands()).toEqual([]);
  });

  it("turns only the 'no response' placeholder into an empty answer", () => {
    expect(ark.normaliseAnswer?.(ARK_EMPTY_ANSWER)).toBe("");
    expect(ark.normaliseAnswer?.("Server received, But no response!!")).toBe("");
    expect(ark.normaliseAnswer?.("World Saved")).toBe("World Saved");
  });
});

describe("squad operations", () => {
  const ops = squad.operations;

  it("lists players and reads ShowServerInfo", async () => {
    const players = [
      "----- Active Players -----",
      `ID: 3 | Online IDs: EOS: 0002${"0".repeat(27)}1 steam: ${STEAM_A} | Name: Bob | Team ID: 1 | Squad ID: N/A | Is Leader: False | Role: USA_Rifleman_01`,
      "----- Recently Disconnected Players [Max of 15] -----",
      "",
    ].join("\n");
    const info = JSON.stringify({
      MaxPlayers: 100,
      GameMode_s: "RAAS",
      MapName_s: "Gorodok_AAS_v2",
      PlayerCount_I: "1",
    });
    const { run, commands } = recorder({ ListPlayers: players, ShowServerInfo: info });
    expect(await ops.listPlayers(run)).toMatchObject([
      { id: "3", name: "Bob", steamId: STEAM_A, state: "team 1" },
    ]);
    expect(await ops.serverInfo?.(run)).toEqual({ map: "Gorodok_AAS_v2", maxPlayers: 100 });
    expect(commands()).toEqual(["ListPlayers", "ShowServerInfo"]);
  });

  it("bans connected players by id and SteamIDs by AdminBan, with Squad's length units", async () => {
    const { sent, run } = recorder();
    await ops.ban(run, { target: { kind: "player", playerId: "3" }, minutes: 120, reason: "teamkilling" });
    await ops.ban(run, { target: { kind: "steamid", value: STEAM_B }, minutes: null, reason: "cheating" });
    await ops.ban(run, { target: { kind: "player", playerId: "4" }, minutes: 45, reason: "" });
    await ops.kick(run, "3", "");
    await ops.sayTo?.(run, "3", "stop teamkilling");
    expect(sent.map((s) => s.command)).toEqual([
      "AdminBanById 3 2h teamkilling",
      `AdminBan ${STEAM_B} 0 cheating`,
      "AdminBanById 4 45m",
      "AdminKickById 3",
      "AdminWarnById 3 stop teamkilling",
    ]);
    expect(sent.every((s) => s.options?.idempotent === false)).toBe(true);
  });

  it("refuses IP bans, unbans, ban lists and malformed ids", async () => {
    const { run, commands } = recorder();
    await expect(
      ops.ban(run, { target: { kind: "ip", value: "10.0.0.2" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(
      ops.ban(run, { target: { kind: "steamid", value: "STEAM_0:1:2" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      ops.ban(run, { target: { kind: "player", playerId: "3" }, minutes: null, reason: "a\nAdminEndMatch" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(ops.unban(run, { kind: "steamid", value: STEAM_A })).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
    await expect(ops.listBans(run)).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(ops.sayTo?.(run, "3 AdminEndMatch", "hi")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(commands()).toEqual([]);
  });

  it("reads nothing from a JSON answer that is not an object", () => {
    expect(parseSquadServerInfo("null")).toEqual({ map: null, maxPlayers: null });
    expect(parseSquadServerInfo('{"MaxPlayers":"many","MapName_s":""}')).toEqual({
      map: null,
      maxPlayers: null,
    });
  });
});

describe("factorio operations", () => {
  const ops = factorio.operations;

  it("lists online players and bans", async () => {
    const { run, commands } = recorder({
      "/players online": "Online players (2):\n  Steve\n  alex.b\n",
      "/bans": "Banned players: griefer_1, x-y\n",
    });
    expect((await ops.listPlayers(run)).map((p) => p.name)).toEqual(["Steve", "alex.b"]);
    expect((await ops.listBans(run)).map((b) => [b.kind, b.value])).toEqual([
      ["name", "griefer_1"],
      ["name", "x-y"],
    ]);
    expect(commands()).toEqual(["/players online", "/bans"]);
  });

  it("kicks, bans, unbans and whispers with slash commands; chat goes out as plain text", async () => {
    const { sent, run } = recorder();
    await ops.kick(run, "Steve", "");
    await ops.kick(run, "Steve", "afk");
    await ops.ban(run, {
      target: { kind: "name", value: "griefer_1" },
      minutes: null,
      reason: "blew up the base",
    });
    await ops.ban(run, { target: { kind: "player", playerId: "alex.b" }, minutes: null, reason: "" });
    await ops.unban(run, { kind: "name", value: "griefer_1" });
    await ops.sayTo?.(run, "Steve", "check the belts");
    await ops.sayAll(run, "saving in 1 minute");
    expect(sent.map((s) => s.command)).toEqual([
      "/kick Steve",
      "/kick Steve afk",
      "/ban griefer_1 blew up the base",
      "/ban alex.b",
      "/unban griefer_1",
      "/whisper Steve check the belts",
      "saving in 1 minute",
    ]);
    expect(sent.every((s) => s.options?.idempotent === false)).toBe(true);
  });

  it("refuses what is not a player name, and IP bans", async () => {
    const { run, commands } = recorder();
    await expect(
      ops.ban(run, { target: { kind: "ip", value: "10.0.0.2" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(ops.unban(run, { kind: "name", value: "Steve /promote Bob" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(ops.sayTo?.(run, "Steve", "hi\n/ban Bob")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(commands()).toEqual([]);
  });
});

describe("palworld operations", () => {
  const ops = palworld.operations;

  it("lists players from the ShowPlayers CSV", async () => {
    const { run, commands } = recorder({
      ShowPlayers: `name,playeruid,steamid\nBjörn,123456,${STEAM_A}\n\u0000`,
    });
    expect(await ops.listPlayers(run)).toMatchObject([{ id: STEAM_A, name: "Björn", guid: "123456" }]);
    expect(commands()).toEqual(["ShowPlayers"]);
  });

  it("kicks, bans and unbans by SteamID64, and broadcasts one word", async () => {
    const { sent, run } = recorder();
    await ops.kick(run, STEAM_A, "ignored");
    await ops.ban(run, { target: { kind: "steamid", value: STEAM_B }, minutes: null, reason: "" });
    await ops.unban(run, { kind: "steamid", value: STEAM_B });
    await ops.sayAll(run, "  restart in  5 min ");
    expect(sent.map((s) => s.command)).toEqual([
      `KickPlayer ${STEAM_A}`,
      `BanPlayer ${STEAM_B}`,
      `UnBanPlayer ${STEAM_B}`,
      "Broadcast restart_in_5_min",
    ]);
    expect(sent.every((s) => s.options?.idempotent === false)).toBe(true);
  });

  it("refuses ban lists, IP bans and malformed SteamIDs", async () => {
    const { run, commands } = recorder();
    await expect(ops.listBans(run)).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(
      ops.ban(run, { target: { kind: "ip", value: "10.0.0.2" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(ops.unban(run, { kind: "steamid", value: `${STEAM_A} Shutdown` })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(commands()).toEqual([]);
  });

  it("strips the NUL bytes Palworld sends", () => {
    expect(palworld.normaliseAnswer?.("Broadcasted: hi\u0000\u0000")).toBe("Broadcasted: hi");
  });
});

describe("common helpers", () => {
  it("reads no slots when status has no players line", () => {
    expect(parseStatusInfo("hostname: x\nmap     : de_dust2 at: 0 x, 0 y, 0 z\n")).toEqual({
      map: "de_dust2",
      maxPlayers: null,
    });
  });

  it("asyncOperations turns any synchronous throw into a rejection with an Error", async () => {
    const ops = asyncOperations({
      kick: () => {
        throw new RconCommandError("INVALID_ARGUMENT", "bad id");
      },
      sayAll: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless operation might do
        throw "not an Error";
      },
    } as unknown as GameOperations);
    const { run } = recorder();
    await expect(ops.kick(run, "x", "")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "bad id",
    });
    const rejection = ops.sayAll(run, "hi");
    await expect(rejection).rejects.toBeInstanceOf(Error);
    await expect(rejection).rejects.toThrow("not an Error");
  });
});
