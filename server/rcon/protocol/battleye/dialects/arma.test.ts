import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RconCommandError, type RunCommand } from "../../../types.ts";
import { BATTLEYE_COMMANDS, createArmaDialect } from "./arma.ts";
import { BATTLEYE_DIALECTS } from "./index.ts";
import { arma3 } from "./arma3.ts";

function recorder(answers: Record<string, string> = {}) {
  const commands: string[] = [];
  const run: RunCommand = (command) => {
    commands.push(command);
    return Promise.resolve(answers[command.split(" ")[0]!] ?? "");
  };
  return { commands, run };
}

const ops = arma3.operations;

describe("Arma dialect operations", () => {
  it("kick, say to all, say to one", async () => {
    const { commands, run } = recorder();
    await ops.kick(run, "3", "  spamming chat ");
    await ops.kick(run, "04", "");
    await ops.sayAll(run, "restart in 5 minutes");
    await ops.sayTo!(run, "7", "привет");
    expect(commands).toEqual([
      "kick 3 spamming chat",
      "kick 4",
      "say -1 restart in 5 minutes",
      "say 7 привет",
    ]);
  });

  it("bans a player by id, a GUID or an IP with minutes and reason, then writes bans.txt", async () => {
    const { commands, run } = recorder();
    await ops.ban(run, { target: { kind: "player", playerId: "2" }, minutes: 60, reason: "teamkilling" });
    await ops.ban(run, {
      target: { kind: "guid", value: "ABCDEF0123456789ABCDEF0123456789" },
      minutes: null,
      reason: "",
    });
    await ops.ban(run, { target: { kind: "ip", value: "203.0.113.7" }, minutes: 1440, reason: "vpn" });
    expect(commands).toEqual([
      "ban 2 60 teamkilling",
      "writeBans",
      "addBan abcdef0123456789abcdef0123456789 0",
      "writeBans",
      "addBan 203.0.113.7 1440 vpn",
      "writeBans",
    ]);
  });

  it("unbans by looking up the current index first (indexes shift)", async () => {
    const bans =
      "GUID Bans:\n0 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa perm x\n1 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 30 y\nIP Bans:\n2 1.2.3.4 perm z\n";
    const { commands, run } = recorder({ bans });
    await ops.unban(run, { kind: "ip", value: "1.2.3.4" });
    await ops.unban(run, { kind: "guid", value: "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" });
    expect(commands).toEqual(["bans", "removeBan 2", "writeBans", "bans", "removeBan 1", "writeBans"]);
    await expect(ops.unban(run, { kind: "ip", value: "9.9.9.9" })).rejects.toMatchObject({
      code: "REJECTED",
    });
    await expect(ops.unban(run, { kind: "name", value: "x" })).rejects.toMatchObject({ code: "UNSUPPORTED" });
  });

  it("turns Unknown/Disallowed command answers into REJECTED errors", async () => {
    const { run } = recorder({ players: "Disallowed command", say: "Unknown command" });
    await expect(ops.listPlayers(run)).rejects.toMatchObject({ code: "REJECTED" });
    await expect(ops.sayAll(run, "x")).rejects.toMatchObject({ code: "REJECTED" });
  });

  it("rejects arguments that could become another command, before sending anything", async () => {
    const { commands, run } = recorder();
    const bad = [
      () => ops.kick(run, "3", "bye\nkick 4"),
      () => ops.kick(run, "3 4", "x"),
      () => ops.kick(run, "-1", "x"),
      () => ops.sayAll(run, "hi\r#shutdown"),
      () => ops.sayAll(run, "   "),
      () => ops.sayTo!(run, "1; say -1 x", "hi"),
      () => ops.ban(run, { target: { kind: "guid", value: "abc 0 x" }, minutes: null, reason: "" }),
      () => ops.ban(run, { target: { kind: "ip", value: "1.2.3.4 0" }, minutes: null, reason: "" }),
      () => ops.ban(run, { target: { kind: "ip", value: "1.2.3.400" }, minutes: null, reason: "" }),
      () => ops.ban(run, { target: { kind: "player", playerId: "1" }, minutes: -5, reason: "" }),
      () => ops.ban(run, { target: { kind: "player", playerId: "1" }, minutes: 1.5, reason: "" }),
      () => ops.ban(run, { target: { kind: "player", playerId: "1" }, minutes: 1, reason: "x".repeat(201) }),
    ];
    for (const call of bad) await expect(call()).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      ops.ban(run, { target: { kind: "steamid", value: "7656" }, minutes: null, reason: "" }),
    ).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
    expect(commands).toEqual([]);
  });

  it("no user text ever produces a command with a line break or control character", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (id, text) => {
        const { commands, run } = recorder();
        for (const call of [
          () => ops.kick(run, id, text),
          () => ops.sayTo!(run, id, text),
          () => ops.sayAll(run, text),
        ]) {
          try {
            await call();
          } catch (error) {
            expect(error).toBeInstanceOf(RconCommandError);
          }
        }
        for (const command of commands) expect(command).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
    );
  });

  it("every dialect is a BattlEye dialect with the typed message reader", () => {
    expect(BATTLEYE_DIALECTS.map((d) => d.id)).toEqual(["arma3", "dayz", "arma2"]);
    for (const d of BATTLEYE_DIALECTS) {
      expect(d.family).toBe("battleye");
      expect(d.parseServerMessage?.("Player #1 a disconnected")).toEqual({
        kind: "player.disconnected",
        playerId: "1",
        name: "a",
      });
    }
  });

  it("lists bans from bans, and refuses when RestrictRCon disallows it", async () => {
    const bans =
      "GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n----\n0  b57c222222a76f458893641000000005 perm Script Detection: Gerk\n\nIP Bans:\n[#] [IP Address] [Minutes left] [Reason]\n----\n1 8.8.8.8 163901\n";
    const { commands, run } = recorder({ bans });
    expect((await ops.listBans(run)).map((b) => [b.ref, b.kind, b.value, b.minutesLeft])).toEqual([
      ["0", "guid", "b57c222222a76f458893641000000005", null],
      ["1", "ip", "8.8.8.8", 163901],
    ]);
    expect(commands).toEqual(["bans"]);
    await expect(ops.listBans(recorder({ bans: "Disallowed command" }).run)).rejects.toMatchObject({
      code: "REJECTED",
    });
  });

  it("a game without writeBansAfterChange or extra commands sends no writeBans", async () => {
    const bare = createArmaDialect({
      id: "bare",
      label: "Bare BattlEye",
      defaultPort: 2302,
      writeBansAfterChange: false,
    });
    expect(bare.commands).toEqual(BATTLEYE_COMMANDS);
    const { commands, run } = recorder({ bans: "IP Bans:\n0 203.0.113.7 perm vpn\n" });
    await bare.operations.ban(run, {
      target: { kind: "ip", value: "203.0.113.7" },
      minutes: null,
      reason: "vpn",
    });
    await bare.operations.unban(run, { kind: "ip", value: "203.0.113.7" });
    expect(commands).toEqual(["addBan 203.0.113.7 0 vpn", "bans", "removeBan 0"]);
  });
});
