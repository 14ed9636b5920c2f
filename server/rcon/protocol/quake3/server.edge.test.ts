/**
 * Quake3Server against requests the engine treats specially: a bare `rcon`, non-out-of-band traffic,
 * bursts against Quake 3 1.32's global gate and ioq3's global bad-password bucket, and queries
 * without a challenge.
 */
import { describe, expect, it } from "vitest";
import { IOQ3_PROFILE } from "./dialects/ioq3.ts";
import { Q3_PROFILE } from "./dialects/quake3.ts";
import { encodeOutOfBand, latin1Decode } from "./packet.ts";
import { parseInfoResponse, parseStatusResponse } from "./query.ts";
import { Quake3Server, splitRconLine, type ServerProfile } from "./server.ts";

function makeServer(profile: ServerProfile, password = "secret"): Quake3Server {
  return new Quake3Server(profile, password, {
    executeRcon: (command, print) => print(`ran <${command}>\n`),
    statusInfo: () => ({ info: { mapname: "q3dm17" }, players: [] }),
    info: () => ({ hostname: "x" }),
  });
}

function ask(server: Quake3Server, request: string, now: number, address = "10.0.0.1"): string[] {
  server.receive(encodeOutOfBand(request), { address, port: 27960 }, now);
  return server.takeOutgoing().map((o) => latin1Decode(o.bytes.subarray(4)));
}

describe("Quake3Server request lines", () => {
  it("a bare `rcon` carries an empty password and no command: refused with the engine's text", () => {
    expect(splitRconLine("rcon")).toEqual({ password: "", command: "" });
    expect(splitRconLine("rcon   ")).toEqual({ password: "", command: "" });
    expect(ask(makeServer(IOQ3_PROFILE.server), "rcon", 0)).toEqual(["print\nBad rconpassword.\n"]);
  });

  it("ignores datagrams without the out-of-band header (in-game traffic)", () => {
    const server = makeServer(IOQ3_PROFILE.server);
    server.receive(new TextEncoder().encode("rcon secret status"), { address: "10.0.0.1", port: 1 }, 0);
    expect(server.takeOutgoing()).toEqual([]);
    expect(server.dropped).toBe(0);
  });
});

describe("Quake3Server rate limits", () => {
  it("Quake 3 1.32 drops any rcon within 500 ms of the last accepted one, from anyone; queries pass", () => {
    const server = makeServer(Q3_PROFILE.server);
    expect(ask(server, "rcon secret a", 0, "10.0.0.1")).toEqual(["print\nran <a>\n"]);
    expect(ask(server, "rcon secret b", 499, "10.0.0.2")).toEqual([]);
    expect(server.dropped).toBe(1);
    expect(ask(server, "getinfo", 499)).toHaveLength(1);
    // The dropped one did not restart the gate: 500 ms after the accepted one is fine.
    expect(ask(server, "rcon secret c", 500, "10.0.0.2")).toEqual(["print\nran <c>\n"]);
    expect(ask(server, "rcon secret d", 999)).toEqual([]);
    expect(server.dropped).toBe(2);
  });

  it("ioq3 answers 10 bad passwords from anywhere, then drops the rest; a good password still gets in", () => {
    const server = makeServer(IOQ3_PROFILE.server);
    const bad = Array.from({ length: 11 }, (_, i) => ask(server, "rcon guess status", 0, `10.0.1.${i}`));
    expect(bad.slice(0, 10).every((out) => out[0] === "print\nBad rconpassword.\n")).toBe(true);
    expect(bad[10]).toEqual([]);
    expect(server.dropped).toBe(1);
    expect(ask(server, "rcon secret status", 0, "10.0.2.1")).toEqual(["print\nran <status>\n"]);
    // One more bad password slot opens per period.
    expect(ask(server, "rcon guess status", 1_000, "10.0.1.99")).toEqual(["print\nBad rconpassword.\n"]);
  });
});

describe("Quake3Server queries without a challenge", () => {
  it("answers getinfo and getstatus without inventing a challenge key", () => {
    const server = makeServer(IOQ3_PROFILE.server);
    const [info] = ask(server, "getinfo", 0);
    expect(parseInfoResponse(info!.slice("infoResponse\n".length))).toEqual({ hostname: "x" });
    const [status] = ask(server, "getstatus", 0);
    expect(parseStatusResponse(status!.slice("statusResponse\n".length))).toEqual({
      info: { mapname: "q3dm17" },
      players: [],
    });
  });
});
