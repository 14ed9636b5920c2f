/**
 * The dialects' native ban stores against the games' real list formats: what RconDeck writes and
 * what the game lists back must meet on one key (so verify-by-listing works), and listed entries
 * read back as central identifiers (for drift and adopting).
 */
import { describe, expect, it } from "vitest";
import { BATTLEYE_NATIVE_BANS } from "./battleye/dialects/arma.ts";
import { parseBans } from "./battleye/dialects/parsers.ts";
import { parseEngineBans } from "./quake3/dialects/common.ts";
import { IOQ3_NATIVE_BANS } from "./quake3/dialects/ioq3.ts";
import { MINECRAFT_NATIVE_BANS, parseMinecraftBanlist } from "./source/dialects/minecraft.ts";
import { SRCDS_NATIVE_BANS } from "./source/dialects/srcds.ts";
import type { BanEntry, NativeBanStore } from "../types.ts";

function keysOf(store: NativeBanStore, entries: readonly BanEntry[]) {
  return entries.map((e) => store.key(e));
}

describe("native ban stores against real list formats", () => {
  it("BattlEye `bans`: GUID and IP sections with one numbering; written GUIDs and IPs meet the listed ones", () => {
    const listed = parseBans(
      [
        "GUID Bans:",
        "[#] [GUID] [Minutes left] [Reason]",
        "----------------------------------------",
        "0  B57C2F0A6B3C4E8D9A0F1E2D3C4B5A69 perm Script Detection: Gerk",
        "1  0123456789abcdef0123456789abcdef 1440 griefing",
        "",
        "IP Bans:",
        "[#] [IP Address] [Minutes left] [Reason]",
        "----------------------------------------------",
        "2  1.2.3.4 perm VPN",
        "3  5.6.7.8 - lapsed",
      ].join("\n"),
    );
    expect(listed.map((e) => [e.ref, e.minutesLeft])).toEqual([
      ["0", null],
      ["1", 1440],
      ["2", null],
      ["3", 0],
    ]);
    const written = BATTLEYE_NATIVE_BANS.identities([
      { kind: "battleye", value: "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69" },
      { kind: "ip", value: "1.2.3.4" },
      { kind: "steam", value: "76561197960265729" }, // BattlEye has no SteamID bans
    ]);
    expect(written).toEqual([
      { kind: "guid", value: "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69" },
      { kind: "ip", value: "1.2.3.4" },
    ]);
    expect(keysOf(BATTLEYE_NATIVE_BANS, listed)).toEqual(
      expect.arrayContaining(written.map((w) => BATTLEYE_NATIVE_BANS.key(w))),
    );
    expect(listed.map((e) => BATTLEYE_NATIVE_BANS.central(e))).toEqual([
      { kind: "battleye", value: "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69" },
      { kind: "battleye", value: "0123456789abcdef0123456789abcdef" },
      { kind: "ip", value: "1.2.3.4" },
      { kind: "ip", value: "5.6.7.8" },
    ]);
  });

  it("ioq3 `listbans`: a single address is listed as /32, a range as itself", () => {
    const listed = parseEngineBans(
      "Ban #1: 203.0.113.7/32\nBan #2: 198.51.100.0/24\nExcept #1: 10.0.0.1/32\n",
    );
    expect(listed.map((e) => e.ref)).toEqual(["1", "2"]);
    const written = IOQ3_NATIVE_BANS.identities([
      { kind: "ip", value: "203.0.113.7" },
      { kind: "cidr", value: "198.51.100.0/24" },
      { kind: "ip", value: "2001:db8::1" }, // banaddr here is IPv4 only
    ]);
    expect(written.map((w) => IOQ3_NATIVE_BANS.key(w))).toEqual(keysOf(IOQ3_NATIVE_BANS, listed));
    expect(listed.map((e) => IOQ3_NATIVE_BANS.central(e))).toEqual([
      { kind: "ip", value: "203.0.113.7" },
      { kind: "cidr", value: "198.51.100.0/24" },
    ]);
  });

  it("Minecraft `banlist` runs entries together; names are case-insensitive", () => {
    const listed = parseMinecraftBanlist(
      "There are 2 ban(s):Griefer_1 was banned by Rcon: x-ray.203.0.113.9 was banned by Rcon: alt accounts.",
    );
    expect(listed.map((e) => [e.kind, e.value, e.reason])).toEqual([
      ["name", "Griefer_1", "x-ray."],
      ["ip", "203.0.113.9", "alt accounts."],
    ]);
    const written = MINECRAFT_NATIVE_BANS.identities([
      { kind: "mc_name", value: "griefer_1" },
      { kind: "ip", value: "203.0.113.9" },
    ]);
    expect(written.map((w) => MINECRAFT_NATIVE_BANS.key(w))).toEqual(keysOf(MINECRAFT_NATIVE_BANS, listed));
    expect(MINECRAFT_NATIVE_BANS.central(listed[0]!)).toEqual({ kind: "mc_name", value: "griefer_1" });
  });

  it("SRCDS `listid` prints SteamID2; RconDeck writes [U:1:n]: both meet as SteamID64", () => {
    const [written] = SRCDS_NATIVE_BANS.identities([{ kind: "steam", value: "76561197960512181" }]);
    expect(written).toEqual({ kind: "steamid", value: "[U:1:246453]" });
    const listedEntry = { kind: "steamid" as const, value: "STEAM_0:1:123226" };
    expect(SRCDS_NATIVE_BANS.key(listedEntry)).toBe(SRCDS_NATIVE_BANS.key(written!));
    expect(SRCDS_NATIVE_BANS.central(listedEntry)).toEqual({ kind: "steam", value: "76561197960512181" });
    expect(SRCDS_NATIVE_BANS.timed).toEqual({ mode: "join_only" });
  });
});
