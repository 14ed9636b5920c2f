import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RconRemoteError } from "../errors.ts";
import {
  encodeInfoString,
  formatStatusResponse,
  parseInfoResponse,
  parseInfoString,
  parseStatusResponse,
  summariseServer,
} from "./query.ts";
import { capture } from "./test-helpers.ts";

const body = (name: string, header: string) => (capture(name).packets[0] as string).slice(4 + header.length);

describe("getstatus / getinfo", () => {
  it("parses the real captures", () => {
    const status = parseStatusResponse(body("getstatus", "statusResponse\n"));
    expect(status.info.sv_hostname).toBe("^1Red ^7Test Server");
    expect(status.info.mapname).toBe("oa_dm1");
    expect(status.players).toEqual(
      ["Grism", "Angelyss", "Gargoyle", "Sarge"].map((name) => ({ score: 0, ping: 0, name, team: null })),
    );
    const info = parseInfoResponse(body("getinfo", "infoResponse\n"));
    expect(info).toMatchObject({
      hostname: "^1Red ^7Test Server",
      clients: "4",
      sv_maxclients: "16",
      gametype: "0",
      challenge: "xyz",
      voip: "opus",
    });
    expect(summariseServer(status, info)).toMatchObject({
      hostname: "^1Red ^7Test Server",
      map: "oa_dm1",
      gameType: "0",
      maxClients: 16,
      clients: 4,
      needPassword: false,
    });
    expect(summariseServer(null, info)).toMatchObject({ clients: 4, players: [] });
    expect(summariseServer(null, null)).toMatchObject({
      hostname: null,
      maxClients: null,
      clients: null,
      needPassword: null,
    });
  });

  it("handles the edge cases of §4.3.7", () => {
    expect(parseInfoString("")).toEqual({});
    expect(parseInfoString("a\\1\\b\\")).toEqual({ a: "1", b: "" });
    expect(() => parseInfoString("\\a\\1\\b")).toThrow(RconRemoteError);
    expect(parseStatusResponse('\\a\\1\n5 20 "The "Doctor""\n-1 999 3 "dp"\n').players).toEqual([
      { score: 5, ping: 20, team: null, name: 'The "Doctor"' },
      { score: -1, ping: 999, team: 3, name: "dp" },
    ]);
    expect(parseStatusResponse("\\a\\1").players).toEqual([]);
    expect(() => parseStatusResponse("\\a\\1\nnot a player\n")).toThrow(RconRemoteError);
  });

  it("property: what the server side formats parses back", () => {
    const token = fc.string({ unit: fc.constantFrom("a", "Z", "0", "_", " ", "^", "."), maxLength: 8 });
    fc.assert(
      fc.property(
        fc.dictionary(
          token.filter((k) => k !== "" && k !== "__proto__"),
          token,
        ),
        fc.array(
          fc.record({
            score: fc.integer({ min: -99, max: 999 }),
            ping: fc.integer({ min: 0, max: 999 }),
            name: token,
            team: fc.constant(null),
          }),
          { maxLength: 5 },
        ),
        (info, players) => {
          expect(parseInfoString(encodeInfoString(info))).toEqual({ ...info });
          expect(parseStatusResponse(formatStatusResponse(info, players))).toEqual({
            info: { ...info },
            players,
          });
        },
      ),
    );
  });

  it("fuzz: random bodies parse or fail with a remote error", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        for (const parse of [parseStatusResponse, parseInfoResponse]) {
          try {
            parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(RconRemoteError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("server summary from odd infostrings", () => {
  it("numbers that do not parse become null instead of NaN", () => {
    const summary = summariseServer(null, { sv_maxclients: "sixteen", clients: "4x", hostname: "h" });
    expect(summary).toMatchObject({ hostname: "h", maxClients: null, clients: null });
    expect(summariseServer(null, { sv_maxclients: " ", clients: "" })).toMatchObject({
      maxClients: null,
      clients: null,
    });
  });
});
