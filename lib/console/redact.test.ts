import { describe, expect, it } from "vitest";
import { redactIdentities } from "./redact.ts";

describe("redactIdentities", () => {
  it("hides what BattlEye pushes about a player", () => {
    expect(redactIdentities("Player #3 Ivan Petrov (203.0.113.9:2304) connected")).toBe(
      "Player #3 Ivan Petrov ([IP hidden]) connected",
    );
    expect(redactIdentities("Player #3 Ivan Petrov - BE GUID: 0123456789abcdef0123456789ABCDEF")).toBe(
      "Player #3 Ivan Petrov - BE GUID: [GUID hidden]",
    );
  });

  it("hides SteamIDs in every spelling and Squad's Online IDs", () => {
    expect(redactIdentities('#  3 "Sniper_Wolf" [U:1:12345678] 05:12 45 0 active 192.168.1.10:27005')).toBe(
      '#  3 "Sniper_Wolf" [SteamID hidden] 05:12 45 0 active [IP hidden]',
    );
    expect(redactIdentities("banid STEAM_0:1:2345 and 76561197960287930")).toBe(
      "banid [SteamID hidden] and [SteamID hidden]",
    );
    expect(
      redactIdentities(
        "Online IDs: EOS: 00020000000000000000000000001234 steam: 76561198000000001 | Name: Bob",
      ),
    ).toBe("Online IDs: EOS: [GUID hidden] steam: [SteamID hidden] | Name: Bob");
  });

  it("hides bracketed IPv6 addresses and leaves ordinary text alone", () => {
    expect(redactIdentities("from [2001:db8::1]:27005")).toBe("from [IP hidden]");
    const plain =
      "map: oa_dm1  players : 3 humans, 1 bots (32 max)  time 12:30:45  [1: de_dust2 | main lump]";
    expect(redactIdentities(plain)).toBe(plain);
  });
});

describe("redactIdentities: what the regex pass used to miss", () => {
  it("hides a Quake 3 address glued to a colour code, and SteamIDs and GUIDs glued the same way", () => {
    expect(
      redactIdentities(" 3     0   48 Bob             ^7166.185.128.157:65208                    25000"),
    ).toBe(" 3     0   48 Bob             ^7[IP hidden]                    25000");
    expect(redactIdentities("^776561198000000001 and ^7STEAM_0:1:2345")).toBe(
      "^7[SteamID hidden] and ^7[SteamID hidden]",
    );
    expect(redactIdentities("^70123456789abcdef0123456789abcdef")).toBe("^[GUID hidden]");
  });

  it("hides IPv6 addresses without brackets, with ports and zones, and IPv4-mapped ones", () => {
    expect(redactIdentities("from 2001:db8::1 and 2001:db8:0:0:0:0:2:1 and fe80::1%eth0")).toBe(
      "from [IP hidden] and [IP hidden] and [IP hidden]%eth0",
    );
    expect(redactIdentities("adr [2001:db8::7]:27005 and ::ffff:203.0.113.9")).toBe(
      "adr [IP hidden] and ::ffff:[IP hidden]",
    );
    expect(redactIdentities("uptime 12:30:45, std::string, 1:05:12")).toBe(
      "uptime 12:30:45, std::string, 1:05:12",
    );
  });

  it("hides Minecraft UUIDs, dashed and undashed, and Palworld player uids", () => {
    expect(
      redactIdentities(
        "There are 1 of a max of 20 players online: Steve (069a79f4-44e9-4726-a5be-fca90e38aaf5)",
      ),
    ).toBe("There are 1 of a max of 20 players online: Steve ([UUID hidden])");
    expect(redactIdentities("Steve 069a79f444e94726a5befca90e38aaf5")).toBe("Steve [GUID hidden]");
    expect(
      redactIdentities(
        "name,playeruid,steamid\nBob,1234567890,76561198000000001\nAnn,2C8D4E6F,steam_76561198000000002",
      ),
    ).toBe(
      "name,playeruid,steamid\nBob,[ID hidden],[SteamID hidden]\nAnn,[ID hidden],steam_[SteamID hidden]",
    );
  });

  it("hides what the dialect found exactly, and keeps what the dialect says is no identity", () => {
    const found = [
      { kind: "id" as const, value: "8675309" },
      { kind: "ip" as const, value: "203.0.113.9:2304" },
      { kind: "ip" as const, value: "bot" },
    ];
    expect(
      redactIdentities("uid 8675309 at 203.0.113.9:2304 (also 203.0.113.9), bot, 186753091", { found }),
    ).toBe("uid [ID hidden] at [IP hidden] (also [IP hidden]), bot, 186753091");
    const status =
      "version  : 1.40.4.5/14045 secure  public\nudp/ip   : 0.0.0.0:27015 (public 203.0.113.7:27015)";
    expect(redactIdentities(status, { keep: [/(?<=^version\s*:\s*)\d+(?:\.\d+)+(?=\/)/m] })).toBe(
      "version  : 1.40.4.5/14045 secure  public\nudp/ip   : [IP hidden] (public [IP hidden])",
    );
    expect(redactIdentities(status)).toContain("version  : [IP hidden]/14045");
  });
});
