/**
 * UTF-8 (the common case) goes through Node's native codec, on the path of every command; other
 * encodings through iconv-lite.
 */
import { createTextCodec } from "../encoding.ts";
import type { TextCodec } from "../protocol/text.ts";

const UTF8_NAMES = new Set(["utf-8", "utf8"]);

export function sourceCodec(name: string): TextCodec {
  if (!UTF8_NAMES.has(name.toLowerCase())) return createTextCodec(name);
  return {
    name: "utf-8",
    encode: (text) => {
      const bytes = Buffer.from(text, "utf8");
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    // Invalid sequences become U+FFFD; decoding never throws.
    decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  };
}
