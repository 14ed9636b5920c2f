import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RconLocalError, RconRemoteError } from "../errors.ts";
import { decodePacket, encodePacket, PacketType } from "./packet.ts";

const hex = (text: string) => new Uint8Array(text.split(" ").map((h) => parseInt(h, 16)));
const ascii = (text: string) => new TextEncoder().encode(text);

// Test vectors from the packet layout of the Valve Developer wiki, "Source RCON Protocol".
const VECTORS = [
  {
    name: "AUTH id=1 password",
    packet: { id: 1, type: PacketType.AUTH, body: ascii("password") },
    bytes: "12 00 00 00 01 00 00 00 03 00 00 00 70 61 73 73 77 6f 72 64 00 00",
  },
  {
    name: "RESPONSE_VALUE id=1 empty",
    packet: { id: 1, type: PacketType.RESPONSE_VALUE, body: new Uint8Array(0) },
    bytes: "0a 00 00 00 01 00 00 00 00 00 00 00 00 00",
  },
  {
    name: "AUTH_RESPONSE id=1",
    packet: { id: 1, type: PacketType.AUTH_RESPONSE, body: new Uint8Array(0) },
    bytes: "0a 00 00 00 01 00 00 00 02 00 00 00 00 00",
  },
  {
    name: "AUTH_RESPONSE id=-1",
    packet: { id: -1, type: PacketType.AUTH_RESPONSE, body: new Uint8Array(0) },
    bytes: "0a 00 00 00 ff ff ff ff 02 00 00 00 00 00",
  },
  {
    name: "EXECCOMMAND id=2 status",
    packet: { id: 2, type: PacketType.EXECCOMMAND, body: ascii("status") },
    bytes: "10 00 00 00 02 00 00 00 02 00 00 00 73 74 61 74 75 73 00 00",
  },
  {
    name: "sentinel id=3",
    packet: { id: 3, type: PacketType.RESPONSE_VALUE, body: new Uint8Array(0) },
    bytes: "0a 00 00 00 03 00 00 00 00 00 00 00 00 00",
  },
  {
    name: "SRCDS trailer id=3",
    packet: { id: 3, type: PacketType.RESPONSE_VALUE, body: hex("00 01 00 00") },
    bytes: "0e 00 00 00 03 00 00 00 00 00 00 00 00 01 00 00 00 00",
  },
];

describe("Source packet codec", () => {
  for (const vector of VECTORS) {
    it(`encodes and decodes ${vector.name}`, () => {
      expect(encodePacket(vector.packet)).toEqual(hex(vector.bytes));
      const decoded = decodePacket(hex(vector.bytes));
      expect({ ...decoded, body: [...decoded.body] }).toEqual({
        ...vector.packet,
        body: [...vector.packet.body],
      });
    });
  }

  it("keeps NUL bytes inside a body", () => {
    const body = hex("41 00 42 00 43");
    expect([...decodePacket(encodePacket({ id: 9, type: 0, body })).body]).toEqual([...body]);
  });

  it("rejects sizes below 10, negative sizes and sizes above the limit", () => {
    const small = hex("09 00 00 00 01 00 00 00 00 00 00 00 00 00");
    expect(() => decodePacket(small)).toThrow(expect.objectContaining({ code: "FRAME_TOO_SMALL" }));
    const negative = hex("ff ff ff ff 01 00 00 00 00 00 00 00 00 00");
    expect(() => decodePacket(negative)).toThrow(expect.objectContaining({ code: "FRAME_TOO_SMALL" }));
    const big = encodePacket({ id: 1, type: 0, body: new Uint8Array(100) });
    expect(() => decodePacket(big, 50)).toThrow(expect.objectContaining({ code: "FRAME_TOO_LARGE" }));
    expect(() => decodePacket(hex("0a 00 00"))).toThrow(RconRemoteError);
  });

  it("rejects padding other than 00 00 and a size that disagrees with the frame", () => {
    expect(() => decodePacket(hex("0a 00 00 00 01 00 00 00 00 00 00 00 00 01"))).toThrow(
      expect.objectContaining({ code: "MALFORMED_PACKET" }),
    );
    expect(() => decodePacket(hex("0b 00 00 00 01 00 00 00 00 00 00 00 00 00"))).toThrow(
      expect.objectContaining({ code: "MALFORMED_PACKET" }),
    );
  });

  it("refuses to encode what the peer would reject", () => {
    expect(() => encodePacket({ id: 1, type: 2, body: new Uint8Array(5000) }, 4106)).toThrow(RconLocalError);
    expect(() => encodePacket({ id: 2 ** 31, type: 2, body: new Uint8Array(0) })).toThrow(RconLocalError);
  });

  it("decode(encode(p)) is p", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.uint8Array({ maxLength: 5000 }),
        (id, type, body) => {
          const decoded = decodePacket(encodePacket({ id, type, body }));
          expect(decoded.id).toBe(id);
          expect(decoded.type).toBe(type);
          expect([...decoded.body]).toEqual([...body]);
        },
      ),
    );
  });

  it("random bytes never throw anything but RconRemoteError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodePacket(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(RconRemoteError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
