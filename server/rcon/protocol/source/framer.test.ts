import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../testing/bytes.ts";
import { RconRemoteError } from "../errors.ts";
import { SourceFramer } from "./framer.ts";
import { decodePacket, encodePacket, SRCDS_MAX_PACKET_SIZE } from "./packet.ts";

const concat = concatBytes;

const packets = [
  encodePacket({ id: 7, type: 0, body: new Uint8Array(4096).fill(65) }),
  encodePacket({ id: 7, type: 0, body: new Uint8Array([1, 0, 2, 0, 3]) }),
  encodePacket({ id: 8, type: 0, body: new Uint8Array(0) }),
  encodePacket({ id: 8, type: 0, body: new Uint8Array([0, 1, 0, 0]) }),
];
const stream = concat(packets);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function drain(framer: SourceFramer): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let f = framer.nextFrame(); f; f = framer.nextFrame()) frames.push(f);
  return frames;
}

describe("SourceFramer", () => {
  it("returns every packet of a coalesced read", () => {
    const framer = new SourceFramer();
    framer.push(stream);
    expect(drain(framer).map((f) => [...f])).toEqual(packets.map((p) => [...p]));
    expect(framer.buffered).toBe(0);
  });

  it("reassembles the stream split at every offset, including inside the size field", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new SourceFramer();
      framer.push(stream.subarray(0, cut));
      const frames = drain(framer);
      framer.push(stream.subarray(cut));
      frames.push(...drain(framer));
      expect(frames.length).toBe(packets.length);
      expect(frames.map((f) => decodePacket(f).id)).toEqual([7, 7, 8, 8]);
      expect(sameBytes(frames[1] as Uint8Array, packets[1] as Uint8Array)).toBe(true);
    }
  });

  it("reassembles the stream fed one byte at a time and in random chunk sizes", () => {
    const framer = new SourceFramer();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) {
      framer.push(stream.subarray(i, i + 1));
      frames.push(...drain(framer));
    }
    expect(sameBytes(concat(frames), stream)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const f = new SourceFramer();
        const out: Uint8Array[] = [];
        for (let i = 1; i < points.length; i++) {
          f.push(stream.subarray(points[i - 1], points[i]));
          out.push(...drain(f));
        }
        expect(sameBytes(concat(out), stream)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("ignores empty reads and waits for an incomplete packet", () => {
    const framer = new SourceFramer();
    framer.push(new Uint8Array(0));
    framer.push(stream.subarray(0, 10));
    expect(framer.nextFrame()).toBeNull();
    expect(framer.buffered).toBe(10);
  });

  it("fails for good on a size below 10 or above the limit", () => {
    const small = new SourceFramer();
    small.push(new Uint8Array([9, 0, 0, 0, 1, 2, 3]));
    expect(() => small.nextFrame()).toThrow(
      expect.objectContaining({
        code: "FRAME_TOO_SMALL",
        message: expect.stringContaining("below the minimum") as string,
      }),
    );
    expect(() => small.nextFrame()).toThrow(RconRemoteError);
    const negative = new SourceFramer();
    negative.push(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    expect(() => negative.nextFrame()).toThrow(expect.objectContaining({ code: "FRAME_TOO_SMALL" }));
    const large = new SourceFramer(SRCDS_MAX_PACKET_SIZE);
    large.push(encodePacket({ id: 1, type: 0, body: new Uint8Array(4097) }));
    expect(() => large.nextFrame()).toThrow(expect.objectContaining({ code: "FRAME_TOO_LARGE" }));
  });

  it("random bytes never throw anything but RconRemoteError", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }), (chunks) => {
        const framer = new SourceFramer(1 << 16);
        try {
          for (const chunk of chunks) {
            framer.push(chunk);
            for (let f = framer.nextFrame(); f; f = framer.nextFrame()) {
              try {
                decodePacket(f);
              } catch (error) {
                expect(error).toBeInstanceOf(RconRemoteError);
              }
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(RconRemoteError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
