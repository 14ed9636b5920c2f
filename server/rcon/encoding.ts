import iconv from "iconv-lite";
import type { TextCodec } from "./protocol/text.ts";

/** Encodings offered in the UI; any other name iconv-lite knows is accepted too. */
export const COMMON_ENCODINGS = ["utf-8", "latin1", "windows-1252", "windows-1251", "utf-16le"] as const;

export function isKnownEncoding(name: string): boolean {
  return iconv.encodingExists(name);
}

/**
 * Builds a codec for a configured encoding name. Unknown names are a configuration error and are
 * rejected here, so a server record with a typo fails loudly at save time instead of garbling text.
 */
export function createTextCodec(name: string): TextCodec {
  if (!iconv.encodingExists(name)) throw new Error(`unknown text encoding "${String(name)}"`);
  return {
    name,
    encode: (text) => new Uint8Array(iconv.encode(text, name)),
    decode: (bytes) => iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name),
  };
}
