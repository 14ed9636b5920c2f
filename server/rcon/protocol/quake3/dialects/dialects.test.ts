import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RconCommandError, type CommandOptions, type RunCommand } from "../../../types.ts";
import { readRequestLine, encodeRconRequest } from "../packet.ts";
import { printedText } from "../test-helpers.ts";
import { tf2 } from "../../source/dialects/srcds.ts";
import {
  checkIpv4,
  checkSlot,
  isQuake3Dialect,
  parseEngineBans,
  parseGameModuleBans,
  parsePlayers,
  parseServerInfoSettings,
  sanitiseMessage,
} from "./common.ts";
import { COD4, COD4X } from "./cod4.ts";
import { QUAKE3_DIALECTS, findQuake3Dialect } from "./index.ts";
import { OPENARENA } from "./ioq3.ts";
import { QUAKE3 } from "./quake3.ts";

/** A fake `run` that records commands and answers from a table. */
function recorder(answers: Record<string, string> = {}) {
  const sent: { command: string; options?: CommandOptions }[] = [];
  const run: RunCommand = (command, options) => {
    sent.push({ command, ...(options ? { options } : {}) });
    return Promise.resolve(answers[command] ?? "");
  };
  return { sent, run };
}

describe("quake3 serverinfo", () => {
  it("reads the map and slots from a real OpenArena 0.8.8 answer", () => {
    expect(parseServerInfoSettings(printedText("serverinfo"))).toEqual({ map: "oa_dm1", maxPlayers: 16 });
    expect(parseServerInfoSettings("Bad rconpassword.\n")).toEqual({ map: null, maxPlayers: null });
  });

  it("every dialect asks with serverinfo", async () => {
    for (const dialect of QUAKE3_DIALECTS) {
      const { sent, run } = recorder({
        serverinfo: "Server info settings:\nmapname   mp_crash\nsv_maxclients 24\n",
      });
      expect(await dialect.operations.serverInfo?.(run)).toEqual({ map: "mp_crash", maxPlayers: 24 });
      expect(sent.map((s) => s.command)).toEqual(["serverinfo"]);
    }
  });
});

describe("quake3 dialects", () => {
  it("are all valid data", () => {
    const ids = QUAKE3_DIALECTS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(["openarena", "ioq3", "q3", "cod4", "cod4x", "urbanterror", "etlegacy"]),
    );
    for (const d of QUAKE3_DIALECTS) {
      expect(d.family).toBe("quake3");
      expect(d.quake3.quietMs).toBeGreaterThan(0);
      expect("sayTo" in d.operations).toBe(d.capabilities.whisper);
    }
    expect(findQuake3Dialect("nope")).toBeUndefined();
  });

  it("OpenArena reads the captured status into Players (bots, colour codes stripped)", () => {
    const players = parsePlayers(printedText("status"), OPENARENA.quake3);
    expect(players[0]).toEqual({
      id: "0",
      name: "Grism",
      plainName: "Grism",
      ping: 0,
      score: 0,
      address: "bot",
      guid: null,
      steamId: null,
      connectedSeconds: null,
      isBot: true,
      state: null,
    });
    const coloured = parsePlayers(
      "map: x\n-- --\n 0    12   48 ^1Red^7Baron        ^7192.168.1.10:27960                      25000\n\n",
      OPENARENA.quake3,
    );
    expect(coloured[0]).toMatchObject({
      name: "^1Red^7Baron",
      plainName: "RedBaron",
      isBot: false,
      address: "192.168.1.10:27960",
    });
    // CoD: GUID column and digit-only colour codes.
    const cod = parsePlayers(
      "map: mp_crash\n--- -----\n  0    10   50 0123456789abcdef0123456789abcdef ^2Player^7One^7             0 1.2.3.4:28960                                        31337 25000\n\n",
      COD4.quake3,
    );
    expect(cod[0]).toMatchObject({
      name: "^2Player^7One",
      plainName: "PlayerOne",
      guid: "0123456789abcdef0123456789abcdef",
    });
  });

  it("kicks by slot only, never by a name", async () => {
    const { sent, run } = recorder();
    await OPENARENA.operations.kick(run, "3", "bye");
    await COD4X.operations.kick(run, "4", "camping; quit");
    expect(sent.map((s) => s.command)).toEqual(["clientkick 3", "clientkick 4 camping, quit"]);
    expect(sent.every((s) => s.options?.idempotent === false)).toBe(true);
    await expect(OPENARENA.operations.kick(run, "Grism", "")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(OPENARENA.operations.kick(run, "1;quit", "")).rejects.toBeInstanceOf(RconCommandError);
  });

  it("bans: ioq3 engine bans, game-module filters, CoD4 slots", async () => {
    const listbans = "Ban #1: 192.0.2.0/24\nBan #2: 198.51.100.7/32\n";
    const { sent, run } = recorder({
      listbans,
      g_banIPs: '"g_banIPs" is:"1.2.3.4 10.9.8.7 ^7" default:"^7"\n',
    });
    await OPENARENA.operations.ban(run, {
      target: { kind: "ip", value: "192.0.2.0/24" },
      minutes: null,
      reason: "",
    });
    await OPENARENA.operations.ban(run, {
      target: { kind: "player", playerId: "5" },
      minutes: null,
      reason: "",
    });
    await OPENARENA.operations.unban(run, { kind: "ip", value: "198.51.100.7" });
    await OPENARENA.operations.unban(run, { kind: "ip", value: "10.9.8.7" });
    expect(sent.map((s) => s.command)).toEqual([
      "banaddr 192.0.2.0/24",
      "banaddr 5",
      "listbans",
      "bandel 2",
      "listbans",
      "removeip 10.9.8.7",
    ]);
    expect((await OPENARENA.operations.listBans(run)).map((b) => [b.ref, b.value])).toEqual([
      ["1", "192.0.2.0/24"],
      ["2", "198.51.100.7/32"],
      ["addip:1.2.3.4", "1.2.3.4"],
      ["addip:10.9.8.7", "10.9.8.7"],
    ]);
    await expect(
      OPENARENA.operations.ban(run, {
        target: { kind: "ip", value: "1.2.3.4; quit" },
        minutes: null,
        reason: "",
      }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      OPENARENA.operations.ban(run, { target: { kind: "ip", value: "1.2.3.4" }, minutes: 10, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });

    const q3 = recorder({
      status:
        "map: q3dm17\n---\n  0    12   48 ^1Red^7Baron^7         50 192.168.1.10:27960     1234 25000\n\n",
    });
    await QUAKE3.operations.ban(q3.run, {
      target: { kind: "player", playerId: "0" },
      minutes: null,
      reason: "",
    });
    await QUAKE3.operations.ban(q3.run, {
      target: { kind: "ip", value: "10.1.*.*" },
      minutes: null,
      reason: "",
    });
    expect(q3.sent.map((s) => s.command)).toEqual(["status", "addip 192.168.1.10", "addip 10.1.*.*"]);

    const cod = recorder();
    await COD4.operations.ban(cod.run, {
      target: { kind: "player", playerId: "2" },
      minutes: null,
      reason: "x",
    });
    await COD4X.operations.ban(cod.run, {
      target: { kind: "guid", value: "abcdef0123" },
      minutes: 30,
      reason: 'cheat "aim" c:\\x //y',
    });
    await expect(
      COD4X.operations.ban(cod.run, {
        target: { kind: "guid", value: "abcdef0123" },
        minutes: 30 * 24 * 60 + 1,
        reason: "x",
      }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await COD4X.operations.unban(cod.run, { kind: "guid", value: "abcdef0123" });
    expect(cod.sent.map((s) => s.command)).toEqual([
      "banclient 2",
      "tempban abcdef0123 30m cheat  aim  c: x   y",
      "unban abcdef0123",
    ]);
  });

  it("parses both ban lists from the captures", () => {
    expect(parseEngineBans(printedText("listbans")).map((b) => b.value)).toEqual([
      "192.0.2.0/24",
      "198.51.100.7/32",
    ]);
    expect(parseGameModuleBans(printedText("listip")).map((b) => b.value)).toEqual(["1.2.3.4", "10.9.8.7"]);
    expect(parseGameModuleBans('"g_banIPs" is:"^7", the default\n')).toEqual([]);
    expect(parseGameModuleBans("unknown command: listip\n")).toEqual([]);
  });

  it("say and tell sanitise text for the engine", async () => {
    const { sent, run } = recorder();
    await OPENARENA.operations.sayAll(run, "^1R^2G^4B été");
    await OPENARENA.operations.sayTo?.(run, "2", "psst");
    await COD4.operations.sayAll(run, "a;b");
    expect(sent.map((s) => s.command)).toEqual(["say ^1R^2G^4B .t.", "tell 2 psst", "say a,b"]);
    expect(sanitiseMessage("a\nstatus", OPENARENA.quake3)).toBe("a status");
    expect(sanitiseMessage('x // y /* z "q" 5%', OPENARENA.quake3)).toBe("x / / y / * z 'q' 5.");
    expect(sanitiseMessage("///", OPENARENA.quake3)).toBe("/ / /");
    expect(() => sanitiseMessage(" \n ", OPENARENA.quake3)).toThrow(RconCommandError);
    expect(() => sanitiseMessage("x".repeat(200), COD4.quake3)).toThrow(/longer/);
  });

  it("property: a sanitised message is one safe line whatever the user typed", () => {
    fc.assert(
      fc.property(
        fc.string({
          maxLength: 100,
          unit: fc.oneof(
            fc.constantFrom("\n", "\r", "\0", "/", "*", '"', ";", "%", "é", "€"),
            fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
          ),
        }),
        (text) => {
          let safe: string;
          try {
            safe = sanitiseMessage(text, OPENARENA.quake3);
          } catch (error) {
            expect(error).toBeInstanceOf(RconCommandError);
            return;
          }
          expect(safe).toMatch(/^[\x20-\x7e]+$/);
          expect(safe).not.toMatch(/\/\/|\/\*|"|%/);
          // The server reads exactly what we sent: nothing is cut or turned into another command.
          const line = readRequestLine(encodeRconRequest("secret", `say ${safe}`));
          expect(line).toBe(`rcon secret say ${safe}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("checks slots and addresses", () => {
    expect(checkSlot("07")).toBe("7");
    expect(() => checkSlot("-1")).toThrow(RconCommandError);
    expect(() => checkSlot("1234")).toThrow(RconCommandError);
    expect(checkIpv4("192.0.2.0/24", { subnet: true, wildcard: false })).toBe("192.0.2.0/24");
    expect(() => checkIpv4("192.0.2.0/24", { subnet: false, wildcard: true })).toThrow(RconCommandError);
    expect(() => checkIpv4("256.1.1.1", { subnet: true, wildcard: false })).toThrow(RconCommandError);
    expect(() => checkIpv4("1.2.3.4/33", { subnet: true, wildcard: false })).toThrow(RconCommandError);
    expect(checkIpv4("10.*.*.*", { subnet: false, wildcard: true })).toBe("10.*.*.*");
  });

  it("every dialect kicks by slot and says with its own command words", async () => {
    const expected: Record<string, string[]> = {
      openarena: ["clientkick 1", "say hi", "tell 1 hi"],
      ioq3: ["clientkick 1", "say hi", "tell 1 hi"],
      q3: ["clientkick 1", "say hi"],
      "openarena-legacy": ["clientkick 1", "say hi"],
      cod4: ["clientkick 1", "say hi", "tell 1 hi"],
      cod4x: ["clientkick 1 afk", "say hi", "tell 1 hi"],
      urbanterror: ["clientkick 1", "say hi", "tell 1 hi"],
      etlegacy: ["clientkick 1", "say hi"],
    };
    for (const d of QUAKE3_DIALECTS) {
      const { sent, run } = recorder();
      await d.operations.kick(run, "1", d.id === "cod4x" ? "afk" : "");
      await d.operations.sayAll(run, "hi");
      await d.operations.sayTo?.(run, "1", "hi");
      expect(sent.map((s) => s.command)).toEqual(expected[d.id]);
      const bans = recorder({ g_banIPs: '"g_banIPs" is:"9.9.9.9 ^7"' });
      const listed = await d.operations.listBans(bans.run);
      expect(Array.isArray(listed)).toBe(true);
    }
    await expect(COD4.operations.unban(recorder().run, { kind: "name", value: "x" })).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
    await expect(
      COD4.operations.ban(recorder().run, {
        target: { kind: "ip", value: "1.2.3.4" },
        minutes: null,
        reason: "",
      }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(
      COD4X.operations.ban(recorder().run, {
        target: { kind: "ip", value: "1.2.3.4" },
        minutes: null,
        reason: "",
      }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(
      COD4X.operations.unban(recorder().run, { kind: "ip", value: "1.2.3.4" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    const tempban = recorder();
    await COD4.operations.ban(tempban.run, {
      target: { kind: "player", playerId: "3" },
      minutes: 5,
      reason: "",
    });
    await COD4X.operations.ban(tempban.run, {
      target: { kind: "player", playerId: "3" },
      minutes: null,
      reason: "",
    });
    expect(tempban.sent.map((s) => s.command)).toEqual(["tempbanclient 3", "permban 3"]);
    await expect(
      QUAKE3.operations.ban(recorder().run, {
        target: { kind: "guid", value: "ab" },
        minutes: null,
        reason: "",
      }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(
      QUAKE3.operations.ban(recorder({ status: "" }).run, {
        target: { kind: "player", playerId: "4" },
        minutes: null,
        reason: "",
      }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      QUAKE3.operations.unban(recorder().run, { kind: "guid", value: "ab" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
  });
});

describe("quake3 dialect edge cases", () => {
  it("recognises Quake 3 dialects by family and profile", () => {
    for (const d of QUAKE3_DIALECTS) expect(isQuake3Dialect(d)).toBe(true);
    expect(isQuake3Dialect(tf2)).toBe(false);
    // A dialect that claims the family but carries no wire profile cannot drive the client.
    const { quake3: _profile, ...withoutProfile } = QUAKE3;
    expect(isQuake3Dialect(withoutProfile)).toBe(false);
  });

  it("CoD4x kicks without a reason, and checks GUIDs before banning or unbanning", async () => {
    const { sent, run } = recorder();
    await COD4X.operations.kick(run, "2", "   ");
    await COD4X.operations.ban(run, {
      target: { kind: "guid", value: "0123456789abcdef0123456789abcdef" },
      minutes: null,
      reason: "",
    });
    expect(sent.map((s) => s.command)).toEqual(["clientkick 2", "permban 0123456789abcdef0123456789abcdef"]);
    await expect(
      COD4X.operations.ban(run, { target: { kind: "guid", value: "abc; quit" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(COD4X.operations.unban(run, { kind: "guid", value: "abc def" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(sent).toHaveLength(2);
  });

  it("game-module filters: permanent only, and only for players with an IPv4 address", async () => {
    const status = [
      "map: q3dm17",
      "num score ping name            lastmsg address               qport rate",
      "--- ----- ---- --------------- ------- --------------------- ----- -----",
      "  0    12   48 ^1Red^7Baron^7         50 192.168.1.10:27960     1234 25000",
      "  1     0    0 Sarge^7                 0 bot                       0 16384",
      "  2     3   20 Local^7                 0 loopback                  0 25000",
      "",
    ].join("\n");
    const { sent, run } = recorder({ status });
    for (const [playerId, address] of [
      ["1", "bot"],
      ["2", "loopback"],
    ] as const) {
      await expect(
        QUAKE3.operations.ban(run, { target: { kind: "player", playerId }, minutes: null, reason: "" }),
      ).rejects.toMatchObject({
        code: "UNSUPPORTED",
        message: expect.stringContaining(`(${address})`) as string,
      });
    }
    await expect(
      QUAKE3.operations.ban(run, { target: { kind: "ip", value: "10.0.0.1" }, minutes: 30, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await QUAKE3.operations.unban(run, { kind: "ip", value: "10.1.*.*" });
    expect(sent.map((s) => s.command)).toEqual(["status", "status", "removeip 10.1.*.*"]);
  });

  it("engine bans: unban a subnet by its current number; no GUID or name bans", async () => {
    const { sent, run } = recorder({ listbans: printedText("listbans") });
    await OPENARENA.operations.unban(run, { kind: "ip", value: "192.0.2.0/24" });
    expect(sent.map((s) => s.command)).toEqual(["listbans", "bandel 1"]);
    await expect(
      OPENARENA.operations.ban(run, { target: { kind: "guid", value: "ABCDEF" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(OPENARENA.operations.unban(run, { kind: "name", value: "Grism" })).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
    expect(sent).toHaveLength(2);
  });
});
