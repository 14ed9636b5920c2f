/**
 * BattlEye RCon packets (docs/protocols.md §1.2): `B E crc32-LE FF type payload`, the CRC taken over
 * everything from the 0xFF byte to the end. Pure functions over Uint8Array; decoding rejects what
 * §1.4.1 says to reject with an RconRemoteError naming the fault.
 */
import { RconLocalError, RconRemoteError } from "../errors.ts";

export const PACKET_LOGIN = 0x00;
export const PACKET_COMMAND = 0x01;
export const PACKET_MESSAGE = 0x02;

/** Largest UDP payload over IPv4; larger datagrams cannot exist, so nothing bigger is accepted or built. */
export const MAX_PACKET_SIZE = 65_507;
export const HEADER_SIZE = 8;

export type Packet =
  /** Client → server login with the password bytes. */
  | { type: "login-request"; password: Uint8Array }
  /** Server → client login answer. */
  | { type: "login-reply"; success: boolean }
  /** Client → server command (empty body = keep-alive), or a single-part server answer. */
  | { type: "command"; seq: number; body: Uint8Array }
  /** One part of a multi-part server answer. */
  | { type: "command-part"; seq: number; total: number; index: number; body: Uint8Array }
  /** Server → client message, or (empty body) client → server acknowledgement. */
  | { type: "message"; seq: number; body: Uint8Array };

/** Which side sent the bytes: the same type byte means different things in each direction. */
export type Direction = "to-server" | "to-client";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE / zlib) of `bytes[start..]`. */
export function crc32(bytes: Uint8Array, start = 0): number {
  let crc = 0xffffffff;
  for (let i = start; i < bytes.length; i++) {
    crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A packet of `size` bytes with the `B E .... FF type` header filled in; the caller writes the
 * payload from byte 8 and then calls `seal`. Every command and answer goes through here, so no
 * intermediate arrays or DataViews.
 */
function open(type: number, size: number): Uint8Array {
  if (size > MAX_PACKET_SIZE)
    throw new RconLocalError("TOO_LARGE", `packet of ${size} bytes exceeds ${MAX_PACKET_SIZE}`);
  const out = new Uint8Array(size);
  out[0] = 0x42;
  out[1] = 0x45;
  out[6] = 0xff;
  out[7] = type;
  return out;
}

/** Writes the CRC32 (little-endian) of everything from the 0xFF byte on. */
function seal(out: Uint8Array): Uint8Array {
  const crc = crc32(out, 6);
  out[2] = crc & 0xff;
  out[3] = (crc >>> 8) & 0xff;
  out[4] = (crc >>> 16) & 0xff;
  out[5] = crc >>> 24;
  return out;
}

function checkSeq(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new RconLocalError("INVALID_ARGUMENT", `${what} must be 0..255, got ${value}`);
  }
}

/** `type seq body`: commands, single-part answers, messages and acknowledgements. */
function withSeq(type: number, seq: number, body: Uint8Array): Uint8Array {
  checkSeq(seq, "sequence number");
  const out = open(type, HEADER_SIZE + 1 + body.length);
  out[8] = seq;
  out.set(body, HEADER_SIZE + 1);
  return seal(out);
}

export function encodePacket(packet: Packet): Uint8Array {
  switch (packet.type) {
    case "login-request": {
      if (packet.password.includes(0))
        throw new RconLocalError("INVALID_ARGUMENT", "password contains a NUL byte");
      const out = open(PACKET_LOGIN, HEADER_SIZE + packet.password.length);
      out.set(packet.password, HEADER_SIZE);
      return seal(out);
    }
    case "login-reply": {
      const out = open(PACKET_LOGIN, HEADER_SIZE + 1);
      out[8] = packet.success ? 1 : 0;
      return seal(out);
    }
    case "command":
      return withSeq(PACKET_COMMAND, packet.seq, packet.body);
    case "command-part": {
      checkSeq(packet.seq, "sequence number");
      checkSeq(packet.total, "part count");
      checkSeq(packet.index, "part index");
      if (packet.total === 0 || packet.index >= packet.total) {
        throw new RconLocalError("INVALID_ARGUMENT", `part ${packet.index} of ${packet.total} is impossible`);
      }
      const out = open(PACKET_COMMAND, HEADER_SIZE + 4 + packet.body.length);
      out[8] = packet.seq;
      out[9] = 0;
      out[10] = packet.total;
      out[11] = packet.index;
      out.set(packet.body, HEADER_SIZE + 4);
      return seal(out);
    }
    case "message":
      return withSeq(PACKET_MESSAGE, packet.seq, packet.body);
  }
}

function tail(bytes: Uint8Array, start: number, copy: boolean): Uint8Array {
  return copy ? bytes.slice(start) : bytes.subarray(start);
}

/**
 * Decodes one datagram. `direction` says who sent it: a type 0x00 packet is a login request towards
 * the server and a one-byte answer towards the client; a type 0x01 packet only carries the
 * multi-part sub-header towards the client.
 *
 * Bodies are copies unless `copy` is false: then they are views into `bytes`, for a caller that
 * decodes them at once or owns `bytes` (the client, on the path of every answer).
 */
export function decodePacket(bytes: Uint8Array, direction: Direction, copy = true): Packet {
  if (bytes.length < HEADER_SIZE)
    throw new RconRemoteError("FRAME_TOO_SMALL", `packet of ${bytes.length} bytes`);
  if (bytes.length > MAX_PACKET_SIZE)
    throw new RconRemoteError("FRAME_TOO_LARGE", `packet of ${bytes.length} bytes`);
  if (bytes[0] !== 0x42 || bytes[1] !== 0x45 || bytes[6] !== 0xff) {
    throw new RconRemoteError("MALFORMED_PACKET", "missing BE header");
  }
  const expected = (bytes[2]! | (bytes[3]! << 8) | (bytes[4]! << 16) | (bytes[5]! << 24)) >>> 0;
  if (crc32(bytes, 6) !== expected) throw new RconRemoteError("BAD_CHECKSUM", "CRC32 mismatch");
  const type = bytes[7]!;
  switch (type) {
    case PACKET_LOGIN:
      if (direction === "to-server")
        return { type: "login-request", password: tail(bytes, HEADER_SIZE, copy) };
      if (bytes.length !== HEADER_SIZE + 1)
        throw new RconRemoteError("MALFORMED_PACKET", "login answer must be one byte");
      if (bytes[8]! > 1) throw new RconRemoteError("MALFORMED_PACKET", "login answer byte must be 0 or 1");
      return { type: "login-reply", success: bytes[8] === 1 };
    case PACKET_COMMAND: {
      if (bytes.length < HEADER_SIZE + 1)
        throw new RconRemoteError("MALFORMED_PACKET", "command packet without sequence");
      const seq = bytes[8]!;
      if (direction === "to-client" && bytes.length >= HEADER_SIZE + 2 && bytes[9] === 0) {
        if (bytes.length < HEADER_SIZE + 4)
          throw new RconRemoteError("MALFORMED_PACKET", "truncated multi-part header");
        const total = bytes[10]!;
        const index = bytes[11]!;
        if (total === 0 || index >= total) {
          throw new RconRemoteError("MALFORMED_PACKET", `part ${index} of ${total} is impossible`);
        }
        return { type: "command-part", seq, total, index, body: tail(bytes, HEADER_SIZE + 4, copy) };
      }
      return { type: "command", seq, body: tail(bytes, HEADER_SIZE + 1, copy) };
    }
    case PACKET_MESSAGE:
      if (bytes.length < HEADER_SIZE + 1)
        throw new RconRemoteError("MALFORMED_PACKET", "message packet without sequence");
      if (direction === "to-server" && bytes.length !== HEADER_SIZE + 1) {
        throw new RconRemoteError("MALFORMED_PACKET", "acknowledgement carries data");
      }
      return { type: "message", seq: bytes[8]!, body: tail(bytes, HEADER_SIZE + 1, copy) };
    default:
      throw new RconRemoteError("MALFORMED_PACKET", `unknown packet type ${type}`);
  }
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
