import iconv from "iconv-lite";
import type { TextCodec } from "./protocol/text.ts";
import { RconCommandError } from "./types.ts";

/**
 * Builds a codec for a configured encoding name. Unknown names are a configuration error and are
 * rejected here, so a server record with a typo fails loudly at save time instead of garbling text.
 */
export function createTextCodec(name: string): TextCodec {
  if (!iconv.encodingExists(name)) {
    throw new RconCommandError(
      "INVALID_SETTINGS",
      `unknown text encoding "${String(name).slice(0, 40)}": choose one in the server's settings`,
    );
  }
  return {
    name,
    encode: (text) => new Uint8Array(iconv.encode(text, name)),
    decode: (bytes) => iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name),
  };
}
