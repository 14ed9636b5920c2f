/**
 * BattlEye servers speak UTF-8 (docs/protocols.md §1.1). For that encoding the built-in
 * TextEncoder/TextDecoder are used directly (the same U+FFFD replacement as iconv-lite, without its
 * per-call lookups: this is on the path of every command); other encodings go through iconv-lite.
 */
import { createTextCodec } from "../encoding.ts";
import type { TextCodec } from "../protocol/text.ts";

const UTF8_NAMES = new Set(["utf-8", "utf8"]);

export function battlEyeCodec(name: string): TextCodec {
  if (!UTF8_NAMES.has(name.toLowerCase())) return createTextCodec(name);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  return { name: "utf-8", encode: (text) => encoder.encode(text), decode: (bytes) => decoder.decode(bytes) };
}
