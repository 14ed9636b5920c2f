import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAdmins, parseBans, parseMissions, parsePlayers, parseServerMessage } from "./parsers.ts";

describe("players", () => {
  const answer = [
    "Players on server:",
    "[#] [IP Address]:[Port] [Ping] [GUID] [Name]",
    "--------------------------------------------------",
    "0   46.149.73.255:2304     140  2c65319280ac51b220aef667552a7f06(OK) 0dmin",
    "6   5.167.178.186:2304    105  ebabb77436d464d69f34741666f2cff3(OK) Free Style",
    "10  37.232.159.82:2354    105  20446897121fafa82c1069ed07820f27(OK) Максим",
    "8   111.222.200.50:2304   -1   73c5e50a7860475f0000000000000000(?)  Max (Lobby)",
    "9   1.2.3.4:2305 -1 - New Guy (Lobby)",
    "11  9.9.9.9:2304   33   aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(OK) (VIP) Rambo: #1 (12 players in total)",
    "(6 players in total)",
  ].join("\n");

  it("keeps the rows berconpy drops: (?), ping -1, no GUID, (Lobby), non-Latin and awkward names", () => {
    const players = parsePlayers(answer);
    expect(players.map((p) => [p.id, p.name, p.ping, p.guid, p.state, p.address])).toEqual([
      ["0", "0dmin", 140, "2c65319280ac51b220aef667552a7f06", "OK", "46.149.73.255:2304"],
      ["6", "Free Style", 105, "ebabb77436d464d69f34741666f2cff3", "OK", "5.167.178.186:2304"],
      ["10", "Максим", 105, "20446897121fafa82c1069ed07820f27", "OK", "37.232.159.82:2354"],
      ["8", "Max", null, "73c5e50a7860475f0000000000000000", "Lobby", "111.222.200.50:2304"],
      ["9", "New Guy", null, null, "Lobby", "1.2.3.4:2305"],
      [
        "11",
        "(VIP) Rambo: #1 (12 players in total)",
        33,
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "OK",
        "9.9.9.9:2304",
      ],
    ]);
  });

  it("keeps the in-game row when a player is listed twice (lobby + game)", () => {
    const players = parsePlayers(
      "3 1.1.1.1:2304 -1 - Bob (Lobby)\n3 1.1.1.1:2304 50 0123456789abcdef0123456789abcdef(OK) Bob\n",
    );
    expect(players).toHaveLength(1);
    expect(players[0]).toMatchObject({ state: "OK", ping: 50 });
  });

  it("a player in game with no GUID yet has no verification state", () => {
    expect(parsePlayers("5 1.2.3.4:2304 62 - Joining Guy\n")).toEqual([
      expect.objectContaining({ id: "5", name: "Joining Guy", ping: 62, guid: null, state: null }),
    ]);
  });

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (text) => Array.isArray(parsePlayers(text))));
  });
});

describe("bans", () => {
  it("reads both sections with perm, minutes, expired and empty reasons", () => {
    const bans = parseBans(
      [
        "GUID Bans:",
        "[#] [GUID] [Minutes left] [Reason]",
        "----------------------------------------",
        "0  b57c222222a76f458893641000000005 perm Script Detection: Gerk",
        "1  8ac61111111cd2ff4235140000000026 -",
        "",
        "IP Bans:",
        "[#] [IP Address] [Minutes left] [Reason]",
        "----------------------------------------------",
        "2 127.0.0.1       perm      local connections disabled",
        "3 8.8.8.8 163901",
      ].join("\n"),
    );
    expect(bans).toEqual([
      {
        ref: "0",
        kind: "guid",
        value: "b57c222222a76f458893641000000005",
        minutesLeft: null,
        reason: "Script Detection: Gerk",
      },
      { ref: "1", kind: "guid", value: "8ac61111111cd2ff4235140000000026", minutesLeft: 0, reason: "" },
      { ref: "2", kind: "ip", value: "127.0.0.1", minutesLeft: null, reason: "local connections disabled" },
      { ref: "3", kind: "ip", value: "8.8.8.8", minutesLeft: 163901, reason: "" },
    ]);
  });

  it("a value of neither shape takes its section's kind, and is skipped outside any section", () => {
    expect(parseBans("0 2001:db8::7 perm stray\nIP Bans:\n1 2001:db8::7 perm vpn\n")).toEqual([
      { ref: "1", kind: "ip", value: "2001:db8::7", minutesLeft: null, reason: "vpn" },
    ]);
  });

  it("an empty IP section is fine", () => {
    expect(
      parseBans(
        "GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n---\n\nIP Bans:\n[#] [IP Address] [Minutes left] [Reason]\n---\n",
      ),
    ).toEqual([]);
  });
});

describe("admins and missions", () => {
  it("admins", () => {
    expect(
      parseAdmins(
        "Connected RCon admins:\n[#] [IP Address]:[Port]\n-----\n0 46.149.73.255:58606\n1 31.8.2.185:19880\n",
      ),
    ).toEqual([
      { id: "0", address: "46.149.73.255:58606" },
      { id: "1", address: "31.8.2.185:19880" },
    ]);
  });
  it("missions, with a trailing blank line", () => {
    expect(
      parseMissions(
        "Missions on server:\nRF_Liberators_0_0_7.Sara.pbo\nRF_partisan_rhs_0_8_5.Takistan.pbo\n\n",
      ),
    ).toEqual(["RF_Liberators_0_0_7.Sara.pbo", "RF_partisan_rhs_0_8_5.Takistan.pbo"]);
  });
});

describe("server messages (§1.6 catalogue)", () => {
  it.each([
    [
      "RCon admin #0 (127.0.0.1:57095) logged in",
      { kind: "admin.login", adminId: "0", address: "127.0.0.1:57095" },
    ],
    [
      "Player #8 Max (111.222.200.50:2304) connected",
      { kind: "player.connected", playerId: "8", name: "Max", address: "111.222.200.50:2304" },
    ],
    [
      "Player #3 (VIP) Rambo (1.2.3.4:2304) connected",
      { kind: "player.connected", playerId: "3", name: "(VIP) Rambo", address: "1.2.3.4:2304" },
    ],
    [
      "Player #21 alpha - BE GUID: 74de282b0a4ffbefd771af398b1d150d",
      {
        kind: "player.guid",
        playerId: "21",
        name: "alpha",
        guid: "74de282b0a4ffbefd771af398b1d150d",
        verified: false,
      },
    ],
    [
      "Player #8 Max - GUID: 73c5e50a7860475f0000000000000000 (unverified)",
      {
        kind: "player.guid",
        playerId: "8",
        name: "Max",
        guid: "73c5e50a7860475f0000000000000000",
        verified: false,
      },
    ],
    [
      "Verified GUID (80a5885ebe2420bab5e158a310fcbc7d) of player #0 Bravo17",
      {
        kind: "player.guid",
        playerId: "0",
        name: "Bravo17",
        guid: "80a5885ebe2420bab5e158a310fcbc7d",
        verified: true,
      },
    ],
    ["Player #12 sanya disconnected", { kind: "player.disconnected", playerId: "12", name: "sanya" }],
    [
      "Player #1 Baz (be1a6a29ee0eb0851b586b2ed97ad110) has been kicked by BattlEye: Client not responding",
      {
        kind: "player.kicked",
        playerId: "1",
        name: "Baz",
        guid: "be1a6a29ee0eb0851b586b2ed97ad110",
        reason: "Client not responding",
      },
    ],
    [
      "Player #4 Nobody (-) has been kicked by BattlEye: Admin Kick (spam disconnected)",
      {
        kind: "player.kicked",
        playerId: "4",
        name: "Nobody",
        guid: null,
        reason: "Admin Kick (spam disconnected)",
      },
    ],
    [
      "Player #2 Bad (be1a6a29ee0eb0851b586b2ed97ad110) has been kicked by BattlEye: Admin Ban (cheating)",
      {
        kind: "player.banned",
        playerId: "2",
        name: "Bad",
        guid: "be1a6a29ee0eb0851b586b2ed97ad110",
        minutes: null,
        reason: "cheating",
      },
    ],
    [
      "RCon admin #1: (Global) server restart in 5",
      { kind: "admin.message", target: "all", text: "server restart in 5" },
    ],
    ["RCon admin #1: (To Bob) behave", { kind: "admin.message", target: "Bob", text: "behave" }],
    [
      "(Side) Bravo17: need help: now",
      { kind: "chat", channel: "Side", from: "Bravo17", text: "need help: now", playerId: null },
    ],
    [
      "(Unknown) ToxaBes: тест для тима",
      { kind: "chat", channel: "Unknown", from: "ToxaBes", text: "тест для тима", playerId: null },
    ],
    ["(Vehicle) a: b", { kind: "chat", channel: "Vehicle", from: "a", text: "b", playerId: null }],
    [
      "Player #5 Quiet (be1a6a29ee0eb0851b586b2ed97ad110) has been kicked by BattlEye: Admin Ban",
      {
        kind: "player.banned",
        playerId: "5",
        name: "Quiet",
        guid: "be1a6a29ee0eb0851b586b2ed97ad110",
        minutes: null,
        reason: "",
      },
    ],
    ["Connected to BE Master", null],
    ["Ban check timed out, no response from BE Master", null],
  ])("%s", (text, event) => {
    expect(parseServerMessage(text)).toEqual(event);
  });

  it.each(["Global", "Side", "Command", "Group", "Vehicle", "Direct", "Lobby"])(
    "chat channel %s",
    (channel) => {
      expect(parseServerMessage(`(${channel}) x: y`)).toMatchObject({ kind: "chat", channel });
    },
  );

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.string(),
        (text) => parseServerMessage(text) === null || typeof parseServerMessage(text) === "object",
      ),
    );
  });
});
