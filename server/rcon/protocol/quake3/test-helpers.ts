/** Shared by the quake3 protocol tests: the real captures and a Latin-1 codec. */
import captures from "./fixtures/openarena-0.8.8-captures.json" with { type: "json" };
import { latin1Decode, latin1Encode } from "./packet.ts";
import type { TextCodec } from "../text.ts";

export interface Capture {
  request: string;
  packets: string[];
}

export const CAPTURES = captures as Record<string, Capture>;

export function capture(name: string): Capture {
  const found = CAPTURES[name];
  if (!found) throw new Error(`no capture ${name}`);
  return found;
}

/** The raw bytes of a captured datagram (stored as Latin-1 text). */
export function packetBytes(packet: string): Uint8Array {
  return latin1Encode(packet);
}

/** The answer text as the capture tool reassembled it: payloads after `\xFF\xFF\xFF\xFFprint\n`, concatenated. */
export function printedText(name: string): string {
  return capture(name)
    .packets.map((p) => p.slice("\xff\xff\xff\xffprint\n".length))
    .join("");
}

export const LATIN1: TextCodec = { name: "latin1", encode: latin1Encode, decode: latin1Decode };
