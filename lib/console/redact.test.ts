import { describe, expect, it } from "vitest";
import { redactIdentities } from "./redact.ts";

describe("redactIdentities", () => {
  it("hides what BattlEye pushes about a player", () => {
    expect(redactIdentities("Player #3 Ivan Petrov (203.0.113.9:2304) connected")).toBe("Player #3 Ivan Petrov ([IP hidden]) connected");
    expect(redactIdentities("Player #3 Ivan Petrov - BE GUID: 0123456789abcdef0123456789ABCDEF")).toBe("Player #3 Ivan Petrov - BE GUID: [GUID hidden]");
  });

  it("hides SteamIDs in every spelling and Squad's Online IDs", () => {
    expect(redactIdentities('#  3 "Sniper_Wolf" [U:1:12345678] 05:12 45 0 active 192.168.1.10:27005')).toBe('#  3 "Sniper_Wolf" [SteamID hidden] 05:12 45 0 active [IP hidden]');
    expect(redactIdentities("banid STEAM_0:1:2345 and 76561197960287930")).toBe("banid [SteamID hidden] and [SteamID hidden]");
    expect(redactIdentities("Online IDs: EOS: 00020000000000000000000000001234 steam: 76561198000000001 | Name: Bob")).toBe("Online IDs: EOS: [GUID hidden] steam: [SteamID hidden] | Name: Bob");
  });

  it("hides bracketed IPv6 addresses and leaves ordinary text alone", () => {
    expect(redactIdentities("from [2001:db8::1]:27005")).toBe("from [IP hidden]");
    const plain = "map: oa_dm1  players : 3 humans, 1 bots (32 max)  time 12:30:45  [1: de_dust2 | main lump]";
    expect(redactIdentities(plain)).toBe(plain);
  });
});
