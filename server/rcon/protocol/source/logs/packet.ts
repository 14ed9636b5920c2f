/**
 * SRCDS UDP log packets (`logaddress_add ip:port`), Sans-IO. Layout (docs/game-logs.md):
 * four 0xFF bytes, then 'R' (0x52: no secret) or 'S' (0x53: the `sv_logsecret` digits follow,
 * directly before the line), then the log line "L MM/DD/YYYY - HH:MM:SS: ..." ending in "\n\0".
 * The secret is digits and the line starts with "L ", so where one ends and the other starts is
 * unambiguous.
 */
import type { TextCodec } from "../../text.ts";

const HEADER = [0xff, 0xff, 0xff, 0xff] as const;
const NO_SECRET = 0x52; // 'R'
const WITH_SECRET = 0x53; // 'S'
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** sv_logsecret is a number; more digits than this is not a secret SRCDS would send. */
const MAX_SECRET_DIGITS = 20;

export type LogPacket =
  | { ok: true; secret: string | null; line: string }
  | { ok: false; reason: "not-a-log-packet" | "bad-secret" };

export function decodeLogPacket(bytes: Uint8Array, codec: Pick<TextCodec, "decode">): LogPacket {
  if (bytes.length < 6 || HEADER.some((b, i) => bytes[i] !== b))
    return { ok: false, reason: "not-a-log-packet" };
  const kind = bytes[4];
  let start = 5;
  let secret: string | null = null;
  if (kind === WITH_SECRET) {
    while (
      start < bytes.length &&
      start - 5 < MAX_SECRET_DIGITS + 1 &&
      (bytes[start] as number) >= DIGIT_0 &&
      (bytes[start] as number) <= DIGIT_9
    )
      start++;
    const digits = start - 5;
    if (digits === 0 || digits > MAX_SECRET_DIGITS) return { ok: false, reason: "bad-secret" };
    secret = String.fromCharCode(...bytes.subarray(5, start));
  } else if (kind !== NO_SECRET) return { ok: false, reason: "not-a-log-packet" };
  let end = bytes.length;
  while (end > start && (bytes[end - 1] === 0 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return { ok: true, secret, line: codec.decode(bytes.subarray(start, end)) };
}

/** The packet SRCDS sends for one line (the emulator's sender, tests). */
export function encodeLogPacket(
  line: string,
  secret: string | null,
  codec: Pick<TextCodec, "encode">,
): Uint8Array {
  const head =
    secret === null
      ? [...HEADER, NO_SECRET]
      : [...HEADER, WITH_SECRET, ...[...secret].map((c) => c.charCodeAt(0))];
  const text = codec.encode(`${line}\n`);
  const out = new Uint8Array(head.length + text.length + 1);
  out.set(head, 0);
  out.set(text, head.length);
  return out; // last byte stays 0: the terminating NUL
}
