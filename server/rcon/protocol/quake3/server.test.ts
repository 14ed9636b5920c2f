import { describe, expect, it } from "vitest";
import { IOQ3_PROFILE } from "./dialects/ioq3.ts";
import { COD4X_PROFILE } from "./dialects/cod4.ts";
import { ETLEGACY_PROFILE } from "./dialects/etlegacy.ts";
import { decodeReply, encodeOutOfBand, latin1Decode } from "./packet.ts";
import {
  rateLimitExceeded,
  redirectPrints,
  splitRconLine,
  Quake3Server,
  type ServerProfile,
} from "./server.ts";
import { parseInfoResponse, parseStatusResponse } from "./query.ts";

const FROM = { address: "127.0.0.1", port: 4000 };

function serve(
  profile: ServerProfile,
  password: string,
  request: string,
  now = 0,
  server?: Quake3Server,
): string[] {
  const s =
    server ??
    new Quake3Server(profile, password, {
      executeRcon: (command, print) => print(`ran <${command}>\n`),
      statusInfo: () => ({
        info: { sv_hostname: "^1Red", mapname: "oa_dm1" },
        players: [{ score: 3, ping: 40, name: "A B", team: null }],
      }),
      info: () => ({ hostname: "^1Red", clients: "1" }),
    });
  s.receive(encodeOutOfBand(request), FROM, now);
  return s.takeOutgoing().map((o) => latin1Decode(o.bytes.subarray(4)));
}

describe("Quake3Server", () => {
  it("takes the password token like SVC_RemoteCommand", () => {
    expect(splitRconLine("rcon secret status")).toEqual({ password: "secret", command: "status" });
    expect(splitRconLine("RCON   secret    say  hi  there")).toEqual({
      password: "secret",
      command: "say  hi  there",
    });
    expect(splitRconLine('rcon "secret" status')).toEqual({ password: "secret", command: "status" });
    expect(splitRconLine("rcon secret")).toEqual({ password: "secret", command: "" });
    expect(splitRconLine("getinfo")).toBeNull();
    // A password with a space: the tokenizer and the command skipper disagree, so it can never work.
    expect(splitRconLine('rcon "two words" status')).toEqual({
      password: "two words",
      command: 'words" status',
    });
  });

  it("answers like OpenArena: the quoted password works, wrong ones get the engine's text", () => {
    expect(serve(IOQ3_PROFILE.server, "secret", 'rcon "secret" status')).toEqual(["print\nran <status>\n"]);
    expect(serve(IOQ3_PROFILE.server, "secret", "rcon wrong status")).toEqual(["print\nBad rconpassword.\n"]);
    expect(serve(IOQ3_PROFILE.server, "", "rcon secret status")).toEqual([
      "print\nNo rconpassword set on the server.\n",
    ]);
    expect(serve(ETLEGACY_PROFILE.server, "secret", "rcon wrong status")).toEqual([
      "print\nBad rconpassword\n",
    ]);
    expect(serve(IOQ3_PROFILE.server, "secret", "connect foo")).toEqual([]);
  });

  it("CoD4x refuses short passwords, but only tells a client that knows them", () => {
    expect(serve(COD4X_PROFILE.server, "short", "rcon short status")).toEqual([
      "print\nNo rconpassword set on server or password is shorter than 8 characters.\n",
    ]);
    expect(serve(COD4X_PROFILE.server, "short", "rcon other status")).toEqual(["print\nBad rcon"]);
    expect(serve(COD4X_PROFILE.server, "longenough", "rcon longenough status")).toEqual([
      "print\nran <status>\n",
    ]);
  });

  it("splits output like the redirect buffer: flush before overflow, always flush at the end", () => {
    expect(redirectPrints([], 1008)).toEqual([""]);
    expect(redirectPrints(["abc", "def"], 6)).toEqual(["abc", "def"]);
    expect(redirectPrints(["ab", "cd", "e"], 6)).toEqual(["abcde"]);
    // A single print longer than the buffer is truncated (Q_strcat).
    expect(redirectPrints(["0123456789"], 6)).toEqual(["", "01234"]);
  });

  it("answers getstatus and getinfo with the challenge echoed", () => {
    const [status] = serve(IOQ3_PROFILE.server, "secret", "getstatus abc");
    expect(status?.startsWith("statusResponse\n\\challenge\\abc\\")).toBe(true);
    expect(parseStatusResponse((status ?? "").slice("statusResponse\n".length))).toEqual({
      info: { challenge: "abc", sv_hostname: "^1Red", mapname: "oa_dm1" },
      players: [{ score: 3, ping: 40, name: "A B", team: null }],
    });
    const [info] = serve(IOQ3_PROFILE.server, "secret", "getinfo xyz");
    expect(parseInfoResponse((info ?? "").slice("infoResponse\n".length))).toEqual({
      hostname: "^1Red",
      clients: "1",
      challenge: "xyz",
    });
  });

  it("rate-limits per address like SVC_RateLimitAddress: 10 at once, then one per second", () => {
    const server = new Quake3Server(IOQ3_PROFILE.server, "secret", {
      executeRcon: (c, p) => p(c),
      statusInfo: () => ({ info: {}, players: [] }),
      info: () => ({}),
    });
    const answered = (now: number) => serve(IOQ3_PROFILE.server, "", "rcon secret x", now, server).length;
    expect(Array.from({ length: 12 }, () => answered(0))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(server.dropped).toBe(2);
    expect(answered(999)).toBe(0);
    expect(answered(1000)).toBe(1);
    expect(answered(1500)).toBe(0);
    // Queries share the bucket.
    expect(serve(IOQ3_PROFILE.server, "", "getinfo", 1600, server)).toEqual([]);
    expect(answered(2000)).toBe(1);
  });

  it("leaky bucket arithmetic matches ioq3 (quantised refill, reset after a long pause)", () => {
    const bucket = { count: 0, lastTime: 0 };
    for (let i = 0; i < 3; i++) expect(rateLimitExceeded(bucket, 3, 1000, 0)).toBe(false);
    expect(rateLimitExceeded(bucket, 3, 1000, 1500)).toBe(false);
    expect(bucket).toEqual({ count: 3, lastTime: 1000 });
    expect(rateLimitExceeded(bucket, 3, 1000, 1999)).toBe(true);
    expect(rateLimitExceeded(bucket, 3, 1000, 60_000)).toBe(false);
    expect(bucket).toEqual({ count: 1, lastTime: 60_000 });
  });

  it("every datagram it sends decodes as a print", () => {
    const server = new Quake3Server(IOQ3_PROFILE.server, "secret", {
      executeRcon: (_c, print) => {
        for (let i = 0; i < 500; i++) print(`line ${i} `);
      },
      statusInfo: () => ({ info: {}, players: [] }),
      info: () => ({}),
    });
    server.receive(encodeOutOfBand("rcon secret spam"), FROM, 0);
    const out = server.takeOutgoing();
    expect(out.length).toBeGreaterThan(3);
    for (const o of out) {
      expect(decodeReply(o.bytes).kind).toBe("print");
      expect(o.bytes.length).toBeLessThanOrEqual(4 + 6 + 1007);
    }
  });
});
