/** Shared by the protocol tests: a plain UTF-8 codec and joining byte chunks into one read. */
import type { TextCodec } from "../protocol/text.ts";

export const utf8: TextCodec = {
  name: "utf-8",
  encode: (text) => new TextEncoder().encode(text),
  decode: (bytes) => new TextDecoder().decode(bytes),
};

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
