import { describe, expect, it } from "vitest";
import { createTextCodec } from "../../../encoding.ts";
import type { GameEvent } from "../../../types.ts";
import { MAX_LOG_LINE_CHARS, parseHlLogLine } from "./hl-log.ts";
import { decodeLogPacket, encodeLogPacket } from "./packet.ts";

const utf8 = createTextCodec("utf-8");
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));

describe("SRCDS UDP log packets", () => {
  it("reads the line and the sv_logsecret digits", () => {
    const packet = bytes(
      [0xff, 0xff, 0xff, 0xff],
      "S",
      "123456789",
      'L 11/30/2026 - 07:20:01: "Ann<2><[U:1:5]><>" entered the game\n',
      [0],
    );
    expect(decodeLogPacket(packet, utf8)).toEqual({
      ok: true,
      secret: "123456789",
      line: 'L 11/30/2026 - 07:20:01: "Ann<2><[U:1:5]><>" entered the game',
    });
  });

  it("reads a packet without secret ('R') as secret null", () => {
    const packet = bytes([0xff, 0xff, 0xff, 0xff], "R", "L 11/30/2026 - 07:20:01: Log file closed\n", [0]);
    expect(decodeLogPacket(packet, utf8)).toEqual({
      ok: true,
      secret: null,
      line: "L 11/30/2026 - 07:20:01: Log file closed",
    });
  });

  it.each([
    ["no header", bytes("RL 11/30/2026 - 07:20:01: x\n", [0]), "not-a-log-packet"],
    ["an RCON-style header byte", bytes([0xff, 0xff, 0xff, 0xff], "lL x\n", [0]), "not-a-log-packet"],
    ["'S' without digits", bytes([0xff, 0xff, 0xff, 0xff], "SL x\n", [0]), "bad-secret"],
    [
      "'S' with too many digits",
      bytes([0xff, 0xff, 0xff, 0xff], "S", "1".repeat(40), "L x\n", [0]),
      "bad-secret",
    ],
    ["too short", bytes([0xff, 0xff]), "not-a-log-packet"],
  ])("refuses %s", (_name, packet, reason) => {
    expect(decodeLogPacket(packet, utf8)).toEqual({ ok: false, reason });
  });

  it("round-trips what the emulator sends", () => {
    const line = 'L 11/30/2026 - 07:20:01: "Zoë<3><[U:1:7]><Red>" say "héllo"';
    expect(decodeLogPacket(encodeLogPacket(line, "42", utf8), utf8)).toEqual({
      ok: true,
      secret: "42",
      line,
    });
    expect(decodeLogPacket(encodeLogPacket(line, null, utf8), utf8)).toEqual({
      ok: true,
      secret: null,
      line,
    });
  });
});

describe("HL Log Standard lines", () => {
  const table: [string, GameEvent | null][] = [
    // TF2 / CS:GO over UDP (SteamID3 and SteamID2 forms)
    [
      'L 11/30/2026 - 07:20:01: "Ann<2><[U:1:5]><>" connected, address "192.0.2.10:27005"',
      { kind: "player.connected", playerId: "2", name: "Ann", address: "192.0.2.10:27005" },
    ],
    [
      'L 11/30/2026 - 07:20:02: "Ann<2><STEAM_1:1:2><>" entered the game',
      { kind: "player.connected", playerId: "2", name: "Ann", address: null },
    ],
    [
      'L 11/30/2026 - 07:20:03: "Ann<2><[U:1:5]><Red>" say "gg all"',
      { kind: "chat", channel: "all", from: "Ann", text: "gg all", playerId: "2" },
    ],
    [
      'L 11/30/2026 - 07:20:03: "Ann<2><[U:1:5]><Red>" say_team "push \\"B\\""',
      { kind: "chat", channel: "team", from: "Ann", text: 'push \\"B\\"', playerId: "2" },
    ],
    [
      'L 11/30/2026 - 07:20:04: "Ann<2><[U:1:5]><Red>" disconnected (reason "Disconnect by user.")',
      { kind: "player.disconnected", playerId: "2", name: "Ann" },
    ],
    [
      'L 11/30/2026 - 07:20:04: "Ann<2><[U:1:5]><Red>" disconnected',
      { kind: "player.disconnected", playerId: "2", name: "Ann" },
    ],
    [
      'L 11/30/2026 - 07:20:05: "Ann<2><[U:1:5]><Red>" killed "Bob<3><[U:1:6]><Blue>" with "scattergun"',
      { kind: "kill", killer: "Ann", victim: "Bob", weapon: "scattergun" },
    ],
    [
      'L 11/30/2026 - 07:20:06: "Console<0><Console><Console>" say "server restarts in 5"',
      { kind: "admin.message", target: "all", text: "server restarts in 5" },
    ],
    // Only the command's first word: arguments can be secrets.
    [
      'L 11/30/2026 - 07:20:07: rcon from "192.0.2.1:51234": command "sv_logsecret 987654321"',
      { kind: "admin.command", source: "192.0.2.1:51234", command: "sv_logsecret" },
    ],
    // CS2 over HTTP: no "L ", milliseconds and " - "; positions after players in kills; (dead) chat
    [
      '11/30/2026 - 07:20:08.123 - "Cat<4><[U:1:9]><CT>" [-12 34 56] killed "Dan<5><[U:1:10]><TERRORIST>" [1 -2 3] with "ak47" (headshot)',
      { kind: "kill", killer: "Cat", victim: "Dan", weapon: "ak47" },
    ],
    [
      '11/30/2026 - 07:20:09.001 - "Dan<5><[U:1:10]><TERRORIST>" say "nice" (dead)',
      { kind: "chat", channel: "all", from: "Dan", text: "nice", playerId: "5" },
    ],
    [
      '11/30/2026 - 07:20:09.500 - "BOT Eli<6><BOT><>" entered the game',
      { kind: "player.connected", playerId: "6", name: "BOT Eli", address: null },
    ],
    // A name cannot forge the fields after it (lazy match: the first complete player reference wins).
    [
      'L 11/30/2026 - 07:20:10: "Eve<9><[U:1:1]><>" say "x<1><[U:1:2]><>" entered the game"',
      { kind: "chat", channel: "all", from: "Eve", text: 'x<1><[U:1:2]><>" entered the game', playerId: "9" },
    ],
    // Lines RconDeck does not show
    ["L 11/30/2026 - 07:20:11: Log file closed", null],
    [
      'L 11/30/2026 - 07:20:11: "Ann<2><[U:1:5]><Red>" attacked "Bob<3><[U:1:6]><Blue>" with "pistol" (damage "12")',
      null,
    ],
    ["", null],
    ["\u0000\u0000garbage<<<>>>", null],
  ];

  it.each(table)("%s", (line, expected) => {
    expect(parseHlLogLine(line)).toEqual(expected);
  });

  it("reads hostile lines of the longest accepted length without hanging", () => {
    const n = MAX_LOG_LINE_CHARS / 8;
    expect(parseHlLogLine(`"${"<1><".repeat(n * 2)}" say "x`)).toBeNull();
    expect(parseHlLogLine(`"${"A<1><".repeat(n)}${"x".repeat(n)} killed "`)).toBeNull();
    expect(parseHlLogLine(`"${'a<1><b><c>" killed "'.repeat(n / 3)}`)).toBeNull();
  });
});
