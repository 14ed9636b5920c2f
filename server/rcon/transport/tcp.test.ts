/**
 * TcpStream.write over real loopback sockets: whatever the batch (small packets copied into one
 * buffer, or a batch too large for that written as it is), the peer reads the bytes in order.
 */
import { afterEach, describe, expect, it } from "vitest";
import { connectTcp, listenTcp, type TcpStream } from "./tcp.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A listener that collects what it reads; resolves `until(n)` once n bytes arrived. */
async function sink() {
  const received: Uint8Array[] = [];
  let total = 0;
  let waiting: { bytes: number; resolve: () => void } | null = null;
  const listener = await listenTcp("127.0.0.1", 0, () => ({
    onData(bytes) {
      received.push(Uint8Array.from(bytes));
      total += bytes.length;
      if (waiting && total >= waiting.bytes) waiting.resolve();
    },
    onClose() {},
  }));
  cleanups.push(() => listener.close());
  return {
    port: listener.port,
    until: (bytes: number) =>
      new Promise<Uint8Array>((resolve) => {
        const done = () => resolve(Buffer.concat(received));
        if (total >= bytes) done();
        else waiting = { bytes, resolve: done };
      }),
  };
}

async function client(port: number): Promise<TcpStream> {
  const stream = await connectTcp("127.0.0.1", port, 2000, { onData() {}, onClose() {} });
  cleanups.push(() => stream.destroy());
  return stream;
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

describe("TcpStream.write", () => {
  it("delivers batches of any size in order, the chunks' bytes exactly", async () => {
    const peer = await sink();
    const stream = await client(peer.port);
    const batches = [
      [pattern(23, 1)],
      [pattern(23, 2), pattern(14, 3), pattern(0, 4), pattern(4106, 5)],
      [pattern(70_000, 6)], // one chunk above the copy limit
      [pattern(40_000, 7), pattern(40_000, 8), pattern(9, 9)], // many, above it together
      [pattern(1, 10), pattern(65_535, 11)], // exactly at it
    ];
    for (const batch of batches) stream.write(batch);
    const expected = Buffer.concat(batches.flat());
    const got = await peer.until(expected.length);
    expect(got.length).toBe(expected.length);
    expect(Buffer.compare(got, expected)).toBe(0);
  });
});
