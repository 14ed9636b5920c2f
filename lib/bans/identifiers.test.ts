import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDuration, renderBanMessage } from "./duration.ts";
import {
  addressOfEndpoint,
  containingNetworks,
  formatAddress,
  identifiersOfPlayer,
  lookupKeys,
  normaliseSteamId,
  parseAddress,
  parseIdentifier,
  type IdentifierKind,
} from "./identifiers.ts";

function value(kind: IdentifierKind, input: string) {
  const result = parseIdentifier(kind, input);
  if (!result.ok) throw new Error(`${kind} ${input}: ${result.error}`);
  return result.identifier;
}
function error(kind: IdentifierKind, input: string): string {
  const result = parseIdentifier(kind, input);
  if (result.ok) throw new Error(`${kind} ${input} parsed as ${result.identifier.value}`);
  return result.error;
}

describe("SteamID", () => {
  it("normalises SteamID2 (universe 0 and 1), SteamID3 and SteamID64 to one SteamID64", () => {
    // STEAM_0:1:123 -> account 247 -> 76561197960265975
    for (const input of [
      "STEAM_0:1:123",
      "STEAM_1:1:123",
      "steam_1:1:123",
      "[U:1:247]",
      "U:1:247",
      "76561197960265975",
      " 76561197960265975 ",
    ]) {
      expect(value("steam", input)).toEqual({ kind: "steam", value: "76561197960265975" });
    }
  });
  it("refuses other account types, universes, account 0 and out-of-range ids", () => {
    for (const input of [
      "[G:1:4242424]",
      "[U:2:5]",
      "STEAM_0:2:1",
      "STEAM_0:0:0",
      "76561197960265728",
      "85568392924242424",
      "7656119796026597",
      "abc",
      "STEAM_0:1:99999999999",
    ]) {
      expect(normaliseSteamId(input), input).toBeNull();
    }
    expect(error("steam", "nope")).toMatch(/SteamID/);
  });
  it("round-trips every account id through all three notations (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), (account) => {
        const id64 = (76561197960265728n + BigInt(account)).toString();
        const v2 = `STEAM_${account % 2 === 0 ? 0 : 1}:${account % 2}:${Math.floor(account / 2)}`;
        expect(normaliseSteamId(v2)).toBe(id64);
        expect(normaliseSteamId(`[U:1:${account}]`)).toBe(id64);
        expect(normaliseSteamId(id64)).toBe(id64);
      }),
    );
  });
});

describe("addresses", () => {
  it("canonicalises IPv4 and IPv6 (RFC 5952) and turns IPv4-mapped IPv6 into IPv4", () => {
    expect(value("ip", "203.0.113.7").value).toBe("203.0.113.7");
    expect(value("ip", "2001:0DB8:0000:0000:0000:0000:0000:0001").value).toBe("2001:db8::1");
    expect(value("ip", "2001:db8:0:0:1:0:0:1").value).toBe("2001:db8::1:0:0:1");
    expect(value("ip", "[::1]").value).toBe("::1");
    expect(value("ip", "::").value).toBe("::");
    expect(value("ip", "::ffff:198.51.100.4").value).toBe("198.51.100.4");
    expect(value("ip", "64:ff9b::192.0.2.33").value).toBe("64:ff9b::c000:221");
    expect(value("ip", "1:2:3:4:5:6:7:8").value).toBe("1:2:3:4:5:6:7:8");
  });
  it("refuses malformed addresses, leading zeros, ports and zones", () => {
    for (const input of [
      "256.1.1.1",
      "1.2.3",
      "01.2.3.4",
      "1.2.3.4:27015",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "fe80::1%eth0",
      "12345::",
      "1.2.3.4.5",
      "::ffff:1.2.3",
    ]) {
      expect(parseIdentifier("ip", input).ok, input).toBe(false);
    }
  });
  it("normalises CIDR ranges, refuses host bits (with a hint) and over-wide ranges", () => {
    expect(value("cidr", "203.0.113.0/24")).toEqual({ kind: "cidr", value: "203.0.113.0/24" });
    expect(value("ip", "2001:DB8::/48")).toEqual({ kind: "cidr", value: "2001:db8::/48" });
    expect(value("cidr", "203.0.113.9/32")).toEqual({ kind: "ip", value: "203.0.113.9" });
    expect(value("cidr", "::ffff:10.0.0.0/104")).toEqual({ kind: "cidr", value: "10.0.0.0/8" });
    expect(error("cidr", "10.1.2.3/8")).toContain("10.0.0.0/8");
    expect(error("cidr", "0.0.0.0/0")).toMatch(/too wide/);
    expect(error("cidr", "2000::/16")).toMatch(/too wide/);
    expect(error("cidr", "1.2.3.0/33")).toMatch(/at most/);
    expect(parseIdentifier("cidr", "1.2.3.0/x").ok).toBe(false);
  });
  it("reads the address of a player's endpoint", () => {
    expect(formatAddress(addressOfEndpoint("81.2.3.4:27005")!)).toBe("81.2.3.4");
    expect(formatAddress(addressOfEndpoint("[2001:db8::5]:27005")!)).toBe("2001:db8::5");
    expect(formatAddress(addressOfEndpoint("2001:db8::5")!)).toBe("2001:db8::5");
    expect(addressOfEndpoint("bot")).toBeNull();
    expect(addressOfEndpoint("loopback")).toBeNull();
    expect(addressOfEndpoint(null)).toBeNull();
  });
  it("formats and re-parses every IPv4 and IPv6 address to the same bits (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const parsed = parseAddress(text);
        expect(parsed).not.toBeNull();
        const canonical = formatAddress(parsed!);
        expect(parseAddress(canonical)).toEqual(parsed);
        expect(formatAddress(parseAddress(canonical.toUpperCase())!)).toBe(canonical);
      }),
    );
  });
  it("looks an address up as every range that contains it, and a range ban matches exactly one of them (property)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 8, max: 31 }), (text, prefix) => {
        const address = parseAddress(text)!;
        const hostBits = BigInt(32 - prefix);
        const net = formatAddress({ family: 4, bits: (address.bits >> hostBits) << hostBits });
        const ban = value("cidr", `${net}/${prefix}`);
        expect(containingNetworks(address)).toContain(ban.value);
      }),
    );
    // An address outside the range does not produce it.
    expect(containingNetworks(parseAddress("203.0.114.1")!)).not.toContain("203.0.113.0/24");
    expect(containingNetworks(parseAddress("2001:db8::1")!)).toContain("2001:db8::/32");
  });
});

describe("other identifiers", () => {
  it("normalises GUIDs, UUIDs and names, and refuses malformed ones with a field message", () => {
    expect(value("battleye", "B57C2F0A6B3C4E8D9A0F1E2D3C4B5A69").value).toBe(
      "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69",
    );
    expect(error("battleye", "b57c2f0a")).toMatch(/32 hexadecimal/);
    expect(value("eos", "0002A8F7C1E14F5E9C2A3B4C5D6E7F80").value).toBe("0002a8f7c1e14f5e9c2a3b4c5d6e7f80");
    expect(value("mc_uuid", "069A79F444E94726A5BEFCA90E38AAF5").value).toBe(
      "069a79f4-44e9-4726-a5be-fca90e38aaf5",
    );
    expect(value("mc_uuid", "069a79f4-44e9-4726-a5be-fca90e38aaf5").value).toBe(
      "069a79f4-44e9-4726-a5be-fca90e38aaf5",
    );
    expect(error("mc_uuid", "069a79f4-44e9")).toMatch(/UUID/);
    expect(value("mc_name", "Notch_99").value).toBe("notch_99");
    expect(error("mc_name", "no")).toMatch(/3 to 16/);
    expect(error("mc_name", "has space")).toMatch(/3 to 16/);
    expect(value("cod_guid", "ABCDEF12").value).toBe("abcdef12");
    expect(value("cod_guid", "1234567").value).toBe("1234567");
    expect(error("cod_guid", "xyz")).toMatch(/CoD GUID/);
    expect(value("name", "  Big   Bad  Wolf ").value).toBe("big bad wolf");
    expect(error("name", "a\nb")).toMatch(/control/);
    expect(error("name", "x".repeat(65))).toMatch(/64/);
    expect(error("steam", "   ")).toBe("Enter a value.");
  });

  it("offers a joining player's identities as lookup keys", () => {
    const keys = lookupKeys({
      guid: "B57C2F0A6B3C4E8D9A0F1E2D3C4B5A69",
      steamId: "STEAM_1:1:123",
      address: "203.0.113.7:2304",
      name: "Wolf",
    });
    expect(keys).toContainEqual({ kind: "battleye", value: "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69" });
    expect(keys).toContainEqual({ kind: "eos", value: "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69" });
    expect(keys).toContainEqual({ kind: "steam", value: "76561197960265975" });
    expect(keys).toContainEqual({ kind: "ip", value: "203.0.113.7" });
    expect(keys).toContainEqual({ kind: "cidr", value: "203.0.113.0/24" });
    expect(keys).toContainEqual({ kind: "name", value: "wolf" });
    expect(keys).toContainEqual({ kind: "mc_name", value: "wolf" });
    expect(lookupKeys({ guid: null, steamId: null, address: "bot", name: "" })).toEqual([]);
  });

  it("stores an online player's identities by what the game's guid column is", () => {
    const player = {
      guid: "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69",
      steamId: null,
      address: "203.0.113.7:2304",
      name: "Wolf",
    };
    expect(identifiersOfPlayer(player, { id: "arma3", family: "battleye" })).toEqual([
      { kind: "battleye", value: "b57c2f0a6b3c4e8d9a0f1e2d3c4b5a69" },
      { kind: "ip", value: "203.0.113.7" },
    ]);
    expect(
      identifiersOfPlayer(
        { guid: null, steamId: "[U:1:247]", address: null, name: "Wolf" },
        { id: "cs2", family: "source" },
      ),
    ).toEqual([{ kind: "steam", value: "76561197960265975" }]);
    expect(
      identifiersOfPlayer(
        { guid: "069a79f444e94726a5befca90e38aaf5", steamId: null, address: null, name: "Notch" },
        { id: "minecraft", family: "source" },
      ),
    ).toEqual([
      { kind: "mc_uuid", value: "069a79f4-44e9-4726-a5be-fca90e38aaf5" },
      { kind: "mc_name", value: "notch" },
    ]);
    expect(
      identifiersOfPlayer(
        { guid: null, steamId: null, address: "loopback", name: "Bob" },
        { id: "openarena", family: "quake3" },
      ),
    ).toEqual([{ kind: "name", value: "bob" }]);
  });
});

describe("durations and messages", () => {
  it("parses durations and refuses bad ones", () => {
    expect(parseDuration("30m")).toEqual({ ok: true, seconds: 1_800 });
    expect(parseDuration("1d12h")).toEqual({ ok: true, seconds: 129_600 });
    expect(parseDuration("2W")).toEqual({ ok: true, seconds: 1_209_600 });
    expect(parseDuration("permanent")).toEqual({ ok: true, seconds: null });
    for (const bad of ["", "7", "7x", "-1d", "0m", "1.5d", "99999d", "d"])
      expect(parseDuration(bad).ok, bad).toBe(false);
  });
  it("renders the kick message template", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(
      renderBanMessage(
        "Banned: {reason} ({timeLeft})",
        { reason: "cheating", expiresAt: new Date(now + 3 * 86_400_000 + 4 * 3_600_000) },
        now,
      ),
    ).toBe("Banned: cheating (3d 4h)");
    expect(renderBanMessage("{reason} until {expires}, {other}", { reason: "x", expiresAt: null }, now)).toBe(
      "x until never, {other}",
    );
    expect(renderBanMessage("{timeLeft}", { reason: "x", expiresAt: new Date(now + 90_000) }, now)).toBe(
      "1m",
    );
  });
});
