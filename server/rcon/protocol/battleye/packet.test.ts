import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RconLocalError, RconRemoteError } from "../errors.ts";
import { crc32, decodePacket, encodePacket, toHex, type Packet } from "./packet.ts";

const ascii = (s: string) => new TextEncoder().encode(s);
/** Offset of the body of a message packet (header, seq). */
const HELLO_AT = 9;
const fromHex = (s: string) =>
  new Uint8Array(
    s
      .split(/\s+/)
      .filter(Boolean)
      .map((h) => parseInt(h, 16)),
  );

describe("BattlEye packets: docs/protocols.md §1.2.5 vectors", () => {
  it.each([
    [
      "login password",
      { type: "login-request", password: ascii("password") },
      "42 45 de 26 2d 52 ff 00 70 61 73 73 77 6f 72 64",
    ],
    ["login OK", { type: "login-reply", success: true }, "42 45 69 dd de 36 ff 00 01"],
    ["login refused", { type: "login-reply", success: false }, "42 45 ff ed d9 41 ff 00 00"],
    [
      "command players",
      { type: "command", seq: 0, body: ascii("players") },
      "42 45 f9 37 94 ae ff 01 00 70 6c 61 79 65 72 73",
    ],
    ["keep-alive", { type: "command", seq: 0, body: new Uint8Array() }, "42 45 be dc c2 58 ff 01 00"],
    ["ack of message 0", { type: "message", seq: 0, body: new Uint8Array() }, "42 45 7d 8f ef 73 ff 02 00"],
    [
      "fragment",
      { type: "command-part", seq: 5, total: 2, index: 0, body: ascii("Hello ") },
      "42 45 90 f9 a1 73 ff 01 05 00 02 00 48 65 6c 6c 6f 20",
    ],
  ] as [string, Packet, string][])("%s", (_name, packet, hex) => {
    expect(toHex(encodePacket(packet))).toBe(hex);
  });

  it("server message vector", () => {
    const bytes = encodePacket({
      type: "message",
      seq: 0,
      body: ascii("RCon admin #0 (127.0.0.1:62676) logged in"),
    });
    expect(toHex(bytes.subarray(0, 10))).toBe("42 45 ea 5b 3f e6 ff 02 00 52");
  });

  it("keeps leading zeros of the CRC (the DA5JQxtvFZO password of arma-rcon-class-php#45)", () => {
    const bytes = encodePacket({ type: "login-request", password: ascii("DA5JQxtvFZO") });
    expect(crc32(bytes, 6)).toBe(0x0b7d5b22);
    expect(toHex(bytes.subarray(2, 6))).toBe("22 5b 7d 0b");
    expect(decodePacket(bytes, "to-server")).toEqual({
      type: "login-request",
      password: ascii("DA5JQxtvFZO"),
    });
  });

  it("the empty answer to seq 0 decodes as such towards the client", () => {
    expect(decodePacket(fromHex("42 45 be dc c2 58 ff 01 00"), "to-client")).toEqual({
      type: "command",
      seq: 0,
      body: new Uint8Array(),
    });
  });
});

describe("BattlEye packets: body copies and views", () => {
  it("copies bodies by default and shares the datagram's memory only when asked", () => {
    const bytes = encodePacket({ type: "message", seq: 3, body: ascii("hello") });
    const copied = decodePacket(bytes, "to-client") as { body: Uint8Array };
    const viewed = decodePacket(bytes, "to-client", false) as { body: Uint8Array };
    expect(viewed).toEqual(copied);
    bytes[HELLO_AT] = 0x4a; // "Jello": the view sees it, the copy does not
    expect(new TextDecoder().decode(viewed.body)).toBe("Jello");
    expect(new TextDecoder().decode(copied.body)).toBe("hello");
  });

  it("decodes the same packets (or rejects them the same way) either way, parts included", () => {
    const outcome = (bytes: Uint8Array, copy: boolean) => {
      try {
        return decodePacket(bytes, "to-client", copy);
      } catch (error) {
        return (error as RconRemoteError).code;
      }
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ maxLength: 64 }),
        (seq, total, body) => {
          for (const packet of [
            encodePacket({ type: "command", seq, body }),
            encodePacket({ type: "command-part", seq, total, index: total - 1, body }),
            encodePacket({ type: "message", seq, body }),
          ]) {
            // (A single-part answer whose body starts with 0 reads as a part header: the protocol's own ambiguity.)
            expect(outcome(packet, false)).toEqual(outcome(packet, true));
          }
        },
      ),
    );
  });
});

describe("BattlEye packets: what §1.4.1 rejects", () => {
  const good = encodePacket({ type: "command", seq: 1, body: ascii("x") });
  const code = (bytes: Uint8Array, direction: "to-client" | "to-server" = "to-client") => {
    try {
      decodePacket(bytes, direction);
      return "accepted";
    } catch (error) {
      expect(error).toBeInstanceOf(RconRemoteError);
      return (error as RconRemoteError).code;
    }
  };
  const reframe = (type: number, payload: number[]) => {
    // Build a packet with a valid CRC but arbitrary content.
    const bytes = new Uint8Array([0x42, 0x45, 0, 0, 0, 0, 0xff, type, ...payload]);
    new DataView(bytes.buffer).setUint32(2, crc32(bytes, 6), true);
    return bytes;
  };

  it("short, wrong magic, wrong 0xFF, bad CRC, unknown type", () => {
    expect(code(good.subarray(0, 7))).toBe("FRAME_TOO_SMALL");
    expect(code(new Uint8Array(65_508))).toBe("FRAME_TOO_LARGE");
    const magic = good.slice();
    magic[0] = 0x41;
    expect(code(magic)).toBe("MALFORMED_PACKET");
    const ff = good.slice();
    ff[6] = 0xfe;
    expect(code(ff)).toBe("MALFORMED_PACKET");
    const crc = good.slice();
    crc[9]! ^= 1;
    expect(code(crc)).toBe("BAD_CHECKSUM");
    expect(code(reframe(3, [0]))).toBe("MALFORMED_PACKET");
  });

  it("login answers of the wrong length or value", () => {
    expect(code(reframe(0, [1, 1]))).toBe("MALFORMED_PACKET");
    expect(code(reframe(0, []))).toBe("MALFORMED_PACKET");
    expect(code(reframe(0, [2]))).toBe("MALFORMED_PACKET");
  });

  it("impossible parts: total 0, index >= total, truncated sub-header", () => {
    expect(code(reframe(1, [5, 0, 0, 0]))).toBe("MALFORMED_PACKET");
    expect(code(reframe(1, [5, 0, 2, 2]))).toBe("MALFORMED_PACKET");
    expect(code(reframe(1, [5, 0, 2]))).toBe("MALFORMED_PACKET");
    expect(code(reframe(1, []))).toBe("MALFORMED_PACKET");
    expect(code(reframe(2, []))).toBe("MALFORMED_PACKET");
    expect(code(reframe(1, [5, 0, 1, 0]))).toBe("accepted"); // one part with a sub-header is legal
  });

  it("an acknowledgement carrying data is rejected by the server side", () => {
    expect(code(reframe(2, [0, 65]), "to-server")).toBe("MALFORMED_PACKET");
    expect(code(reframe(1, [5, 0, 2, 2]), "to-server")).toBe("accepted"); // towards the server there are no parts
  });

  it("refuses to build what cannot be sent", () => {
    expect(() => encodePacket({ type: "command", seq: 256, body: new Uint8Array() })).toThrow(RconLocalError);
    expect(() =>
      encodePacket({ type: "command-part", seq: 1, total: 2, index: 2, body: new Uint8Array() }),
    ).toThrow(RconLocalError);
    expect(() => encodePacket({ type: "login-request", password: new Uint8Array([65, 0]) })).toThrow(
      RconLocalError,
    );
    expect(() => encodePacket({ type: "command", seq: 1, body: new Uint8Array(65_500) })).toThrow(/exceeds/);
  });
});

describe("BattlEye packets: properties and fuzzing", () => {
  const seq = fc.integer({ min: 0, max: 255 });
  const body = fc.uint8Array({ maxLength: 300 });
  const toClient: fc.Arbitrary<Packet> = fc.oneof(
    fc.boolean().map((success) => ({ type: "login-reply" as const, success })),
    fc
      .record({ seq, body })
      .filter((p) => p.body[0] !== 0)
      .map((p) => ({ type: "command" as const, ...p })),
    fc
      .record({ seq, total: fc.integer({ min: 1, max: 255 }), index: fc.integer({ min: 0, max: 254 }), body })
      .filter((p) => p.index < p.total)
      .map((p) => ({ type: "command-part" as const, ...p })),
    fc.record({ seq, body }).map((p) => ({ type: "message" as const, ...p })),
  );
  const toServer: fc.Arbitrary<Packet> = fc.oneof(
    body.filter((b) => !b.includes(0)).map((password) => ({ type: "login-request" as const, password })),
    fc.record({ seq, body }).map((p) => ({ type: "command" as const, ...p })),
    seq.map((s) => ({ type: "message" as const, seq: s, body: new Uint8Array() })),
  );

  it("decode(encode(p)) == p in both directions", () => {
    fc.assert(
      fc.property(toClient, (p) => {
        expect(decodePacket(encodePacket(p), "to-client")).toEqual(p);
      }),
    );
    fc.assert(
      fc.property(toServer, (p) => {
        expect(decodePacket(encodePacket(p), "to-server")).toEqual(p);
      }),
    );
  });

  it("any single flipped bit is caught", () => {
    fc.assert(
      fc.property(toClient, fc.nat(), fc.integer({ min: 0, max: 7 }), (p, at, bit) => {
        const bytes = encodePacket(p);
        const i = at % bytes.length;
        bytes[i]! ^= 1 << bit;
        expect(() => decodePacket(bytes, "to-client")).toThrow(RconRemoteError);
      }),
    );
  });

  it("random bytes only ever produce a packet or an RconRemoteError", () => {
    const framed = fc.uint8Array({ maxLength: 64 }).map((payload) => {
      const bytes = new Uint8Array([0x42, 0x45, 0, 0, 0, 0, 0xff, ...payload]);
      new DataView(bytes.buffer).setUint32(2, crc32(bytes, 6), true);
      return bytes;
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 80 }), framed),
        fc.boolean(),
        (bytes, towardsClient) => {
          try {
            decodePacket(bytes, towardsClient ? "to-client" : "to-server");
          } catch (error) {
            expect(error).toBeInstanceOf(RconRemoteError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
