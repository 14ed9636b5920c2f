import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RconLocalError, RconRemoteError } from "../errors.ts";
import {
  checkRconPassword,
  decodeReply,
  encodeOutOfBand,
  encodePrint,
  encodeQuery,
  encodeRconRequest,
  latin1Decode,
  readRequestLine,
} from "./packet.ts";
import { CAPTURES, capture, packetBytes } from "./test-helpers.ts";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

describe("out-of-band packets", () => {
  it("encodes the rcon request of docs/protocols.md §3.2 byte for byte", () => {
    expect(hex(encodeRconRequest("secret", "status"))).toBe(
      "ff ff ff ff 72 63 6f 6e 20 73 65 63 72 65 74 20 73 74 61 74 75 73",
    );
    // Every captured request is what we would send.
    for (const [name, entry] of Object.entries(CAPTURES)) {
      const m = /^rcon (\S+) (.*)$/s.exec(entry.request);
      if (
        !m ||
        name.includes("injection") ||
        name === "colour_name_say" ||
        name === "quoted_password" ||
        name === "bad_password"
      )
        continue;
      expect(latin1Decode(encodeRconRequest(m[1] as string, m[2] as string).subarray(4))).toBe(entry.request);
    }
    expect(latin1Decode(encodeRconRequest("secret", ""))).toBe("\xff\xff\xff\xffrcon secret");
  });

  it("refuses what the server would misread", () => {
    expect(() => encodeRconRequest("secret", "say a\nstatus")).toThrow(RconLocalError);
    expect(() => encodeRconRequest("secret", "say a\0b")).toThrow(RconLocalError);
    expect(() => encodeRconRequest("two words", "status")).toThrow(/spaces/);
    expect(() => encodeRconRequest("secret", "say " + "x".repeat(1100))).toThrow(/too long/);
    expect(() => encodeRconRequest("secret", "say \u4e2d")).toThrow(RconLocalError);
    expect(() => encodeQuery("getinfo", "bad challenge")).toThrow(RconLocalError);
  });

  it("checkRconPassword explains passwords that cannot work", () => {
    expect(checkRconPassword("secret")).toBeNull();
    expect(checkRconPassword("")).toMatch(/empty/);
    expect(checkRconPassword("has space")).toMatch(/spaces/);
    expect(checkRconPassword("tab\there")).toMatch(/spaces/);
    expect(checkRconPassword("pässword")).toMatch(/ASCII/);
    expect(checkRconPassword('"quoted"')).toMatch(/quote/);
    expect(checkRconPassword("a//b")).toMatch(/comment/);
  });

  it("decodes every captured reply", () => {
    for (const entry of Object.values(CAPTURES)) {
      for (const packet of entry.packets) {
        const reply = decodeReply(packetBytes(packet));
        expect(["print", "statusResponse", "infoResponse"]).toContain(reply.kind);
      }
    }
    expect(decodeReply(packetBytes(capture("addip").packets[0] as string))).toEqual({
      kind: "print",
      body: new Uint8Array(),
    });
    expect(decodeReply(packetBytes("\xff\xff\xff\xffnhello"), { printHeader: "n" }).kind).toBe("print");
  });

  it("rejects foreign datagrams as the remote's fault", () => {
    expect(() => decodeReply(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(RconRemoteError);
    expect(() => decodeReply(packetBytes("\xff\xff\xff\xffdisconnect"))).toThrow(RconRemoteError);
    expect(() => decodeReply(packetBytes("\xfe\xff\xff\xffprint\nx"))).toThrow(RconRemoteError);
  });

  it("reads the request line like MSG_ReadStringLine", () => {
    const line = (text: string) => readRequestLine(encodeOutOfBand(text));
    expect(line("rcon secret say a\nstatus")).toBe("rcon secret say a");
    expect(line("rcon secret say 100%\xe9")).toBe("rcon secret say 100..");
    expect(line("rcon secret\0junk")).toBe("rcon secret");
    expect(line("x".repeat(2000))?.length).toBe(1023);
    expect(readRequestLine(new Uint8Array([1, 2, 3, 4]))).toBeNull();
  });

  it("fuzz: decodeReply and readRequestLine never fail with anything but a remote error", () => {
    const arbBytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 64 }).map((b) => new Uint8Array([0xff, 0xff, 0xff, 0xff, ...b])),
      fc
        .constantFrom("print\n", "statusResponse\n", "infoResponse\n", "n")
        .chain((h) =>
          fc
            .uint8Array({ maxLength: 64 })
            .map(
              (b) => new Uint8Array([0xff, 0xff, 0xff, 0xff, ...Array.from(h, (c) => c.charCodeAt(0)), ...b]),
            ),
        ),
    );
    fc.assert(
      fc.property(arbBytes, (bytes) => {
        try {
          decodeReply(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(RconRemoteError);
        }
        const line = readRequestLine(bytes);
        if (line !== null) expect(line).toMatch(/^[^\n\0%\x80-\xff]*$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("out-of-band size limits and bare queries", () => {
  const MAX_DATAGRAM = 65_507;

  it("refuses to build a print larger than one UDP datagram, as our fault", () => {
    const fits = "x".repeat(MAX_DATAGRAM - 4 - "print\n".length);
    expect(encodePrint(fits)).toHaveLength(MAX_DATAGRAM);
    let thrown: unknown;
    try {
      encodePrint(`${fits}x`);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RconLocalError);
    expect((thrown as RconLocalError).code).toBe("TOO_LARGE");
  });

  it("rejects a received datagram larger than UDP allows, as the peer's fault", () => {
    const huge = new Uint8Array(MAX_DATAGRAM + 1).fill(0x41);
    huge.set(encodePrint(""), 0);
    let thrown: unknown;
    try {
      decodeReply(huge);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RconRemoteError);
    expect((thrown as RconRemoteError).code).toBe("FRAME_TOO_LARGE");
    expect(decodeReply(huge.subarray(0, MAX_DATAGRAM)).kind).toBe("print");
  });

  it("a query without a challenge is the bare verb", () => {
    expect(readRequestLine(encodeQuery("getstatus", ""))).toBe("getstatus");
    expect(readRequestLine(encodeQuery("getinfo", "abc"))).toBe("getinfo abc");
  });
});
