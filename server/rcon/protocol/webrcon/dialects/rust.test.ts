/** The Rust WebRCON dialect over the texts Rust answers and pushes (docs/webrcon.md). */
import { describe, expect, it } from "vitest";
import type { RunCommand } from "../../../types.ts";
import {
  parseRustMessage,
  parseRustPlayerList,
  parseRustServerInfo,
  renderRustPushed,
  rustWebRcon,
} from "./rust.ts";

const PLAYERLIST = JSON.stringify([
  {
    SteamID: "76561198000000001",
    OwnerSteamID: "0",
    DisplayName: 'Ivan "the" Terrible',
    Ping: 45,
    Address: "192.168.1.10:61123",
    ConnectedSeconds: 312.7,
    VoiationLevel: 0,
    CurrentLevel: 0,
    UnspentXp: 0,
    Health: 87.5,
  },
  {
    SteamID: "76561198000000002",
    OwnerSteamID: "0",
    DisplayName: "李小龙",
    Ping: 12,
    Address: "",
    ConnectedSeconds: 5,
    VoiationLevel: 0,
    CurrentLevel: 0,
    UnspentXp: 0,
    Health: 100,
  },
  { SteamID: "not-a-steamid", DisplayName: "ghost" },
  "garbage",
]);

function recorder(answers: Record<string, string> = {}): { run: RunCommand; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    run: (command) => {
      sent.push(command);
      return Promise.resolve(answers[command.split(" ")[0] as string] ?? "");
    },
  };
}

describe("rust-webrcon parsers", () => {
  it("reads playerlist JSON into players keyed by SteamID64, skipping rows without one", () => {
    expect(parseRustPlayerList(PLAYERLIST)).toEqual([
      expect.objectContaining({
        id: "76561198000000001",
        name: 'Ivan "the" Terrible',
        steamId: "76561198000000001",
        ping: 45,
        address: "192.168.1.10:61123",
        connectedSeconds: 312,
      }),
      expect.objectContaining({
        id: "76561198000000002",
        name: "李小龙",
        address: null,
        connectedSeconds: 5,
      }),
    ]);
  });

  it("reads fields of the wrong type as unknown, and skips rows whose SteamID is not a string", () => {
    const text = JSON.stringify([
      { SteamID: "76561198000000009", Ping: "fast", ConnectedSeconds: null },
      { SteamID: 76561198000000010, DisplayName: "number id" },
    ]);
    expect(parseRustPlayerList(text)).toEqual([
      expect.objectContaining({
        id: "76561198000000009",
        name: "76561198000000009",
        ping: null,
        connectedSeconds: null,
      }),
    ]);
  });

  it("reads anything that is not a JSON array as no players", () => {
    for (const text of ["", "Command 'playerlist' not found", "{}", "null", "[1,"])
      expect(parseRustPlayerList(text)).toEqual([]);
  });

  it("reads map and slots from serverinfo JSON", () => {
    expect(
      parseRustServerInfo(
        JSON.stringify({ Hostname: "x", MaxPlayers: 200, Players: 3, Map: "Procedural Map" }),
      ),
    ).toEqual({ map: "Procedural Map", maxPlayers: 200 });
    expect(parseRustServerInfo("oops")).toEqual({ map: null, maxPlayers: null });
    expect(parseRustServerInfo(JSON.stringify({ MaxPlayers: 0, Map: "" }))).toEqual({
      map: null,
      maxPlayers: null,
    });
  });

  it("shows a Chat push as Rust's console writes chat, and reads it back as a chat event", () => {
    const global = renderRustPushed(
      "Chat",
      JSON.stringify({
        Channel: 0,
        Message: "hello : world",
        UserId: "76561198000000001",
        Username: "Ivan [RU]",
        Color: "#5af",
        Time: 1,
      }),
    );
    expect(global).toBe("[CHAT] Ivan [RU][76561198000000001] : hello : world");
    expect(parseRustMessage(global)).toEqual({
      kind: "chat",
      channel: "global",
      from: "Ivan [RU]",
      text: "hello : world",
      playerId: "76561198000000001",
    });
    const team = renderRustPushed(
      "Chat",
      JSON.stringify({ Channel: 1, Message: "base", UserId: "76561198000000002", Username: "B" }),
    );
    expect(parseRustMessage(team)).toMatchObject({
      channel: "team",
      from: "B",
      playerId: "76561198000000002",
    });
    const server = renderRustPushed(
      "Chat",
      JSON.stringify({ Channel: 0, Message: "restart soon", UserId: "0", Username: "SERVER" }),
    );
    expect(parseRustMessage(server)).toMatchObject({ from: "SERVER", playerId: null });
  });

  it("names other chat channels by number and tolerates missing sender fields", () => {
    const line = renderRustPushed("Chat", JSON.stringify({ Channel: 2, Message: "hi" }));
    expect(line).toBe("[CHAT 2] [0] : hi");
    expect(parseRustMessage(line)).toEqual({
      kind: "chat",
      channel: "2",
      from: "",
      text: "hi",
      playerId: null,
    });
  });

  it("leaves other pushes and unreadable chat as they are", () => {
    expect(renderRustPushed("Generic", "Saving complete")).toBe("Saving complete");
    expect(renderRustPushed("Chat", "not json")).toBe("not json");
    expect(parseRustMessage("Saving complete")).toBeNull();
  });

  it("finds the identities in playerlist, ban lists, chat and join lines", () => {
    const found = (text: string) => rustWebRcon.privacy.identitiesIn(text);
    expect(found(PLAYERLIST)).toEqual(
      expect.arrayContaining([
        { kind: "steamid", value: "76561198000000001" },
        { kind: "ip", value: "192.168.1.10:61123" },
      ]),
    );
    expect(found('1 76561198000000003 "Cheater" "aimbot" -1')).toEqual([
      { kind: "steamid", value: "76561198000000003" },
    ]);
    expect(found("[CHAT] A[76561198000000004] : hi")).toEqual([
      { kind: "steamid", value: "76561198000000004" },
    ]);
    expect(found("10.0.0.7:5000/76561198000000005/Bob joined [windows/76561198000000005]")).toEqual([
      { kind: "ip", value: "10.0.0.7" },
      { kind: "steamid", value: "76561198000000005" },
    ]);
  });
});

describe("rust-webrcon operations", () => {
  it("kicks and bans by SteamID64 with quoted reasons, saving the configuration after a ban change", async () => {
    const { run, sent } = recorder();
    await rustWebRcon.operations.kick(run, "76561198000000001", "be nice");
    await rustWebRcon.operations.ban(run, {
      target: { kind: "player", playerId: "76561198000000001" },
      minutes: null,
      reason: "cheating",
    });
    await rustWebRcon.operations.ban(run, {
      target: { kind: "steamid", value: "76561198000000002" },
      minutes: null,
      reason: "x",
    });
    await rustWebRcon.operations.unban(run, { kind: "steamid", value: "76561198000000002" });
    await rustWebRcon.operations.sayAll(run, "restart in 5");
    expect(sent).toEqual([
      'kick 76561198000000001 "be nice"',
      'banid 76561198000000001 "76561198000000001" "cheating"',
      "server.writecfg",
      'banid 76561198000000002 "76561198000000002" "x"',
      "server.writecfg",
      "unban 76561198000000002",
      "server.writecfg",
      'say "restart in 5"',
    ]);
  });

  it("refuses what could become a second command or is not a SteamID64, before sending anything", async () => {
    const { run, sent } = recorder();
    await expect(rustWebRcon.operations.kick(run, "1; quit", "x")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(rustWebRcon.operations.kick(run, "76561198000000001", 'x" ; quit "')).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(rustWebRcon.operations.sayAll(run, "a\nquit")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(
      rustWebRcon.operations.ban(run, {
        target: { kind: "ip", value: "1.2.3.4" },
        minutes: null,
        reason: "x",
      }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED" });
    expect(sent).toEqual([]);
  });

  it("lists players, server info and bans from the game's answers", async () => {
    const { run } = recorder({
      playerlist: PLAYERLIST,
      serverinfo: JSON.stringify({ Map: "Barren", MaxPlayers: 50 }),
      banlistex: '1 76561198000000003 "Cheater" "aimbot" -1\n2 76561198000000004 "Other" "griefing" -1',
    });
    expect(await rustWebRcon.operations.listPlayers(run)).toHaveLength(2);
    expect(await rustWebRcon.operations.serverInfo!(run)).toEqual({ map: "Barren", maxPlayers: 50 });
    expect(await rustWebRcon.operations.listBans(run)).toEqual([
      {
        ref: "76561198000000003",
        kind: "steamid",
        value: "76561198000000003",
        minutesLeft: null,
        reason: "aimbot",
      },
      {
        ref: "76561198000000004",
        kind: "steamid",
        value: "76561198000000004",
        minutesLeft: null,
        reason: "griefing",
      },
    ]);
  });

  it("writes central SteamID bans natively and reads listed ones back as central identifiers", () => {
    const store = rustWebRcon.nativeBans!;
    expect(
      store.identities([
        { kind: "steam", value: "76561198000000001" },
        { kind: "ip", value: "1.2.3.4" },
      ]),
    ).toEqual([{ kind: "steamid", value: "76561198000000001" }]);
    expect(store.central({ kind: "steamid", value: "76561198000000001" })).toEqual({
      kind: "steam",
      value: "76561198000000001",
    });
    expect(store.key({ kind: "steamid", value: "76561198000000001" })).toBe("steam 76561198000000001");
  });
});
