/**
 * Source RCON packet codec (Valve Developer wiki, "Source RCON Protocol", Basic Packet Structure):
 *   size:int32le (bytes after this field) | id:int32le | type:int32le | body | 00 | 00
 * The body is kept as raw bytes, embedded NULs included (SRCDS splits cvarlist text across
 * "string1" and "string2"); text decoding happens later, after a multi-packet answer is whole.
 */
import { RconLocalError, RconRemoteError } from "../errors.ts";

export const PacketType = {
  RESPONSE_VALUE: 0,
  /** Client to server. Shares the value 2 with AUTH_RESPONSE: direction disambiguates. */
  EXECCOMMAND: 2,
  AUTH_RESPONSE: 2,
  AUTH: 3,
} as const;

/** Bytes after the size field in the smallest packet: id + type + two NULs. */
export const MIN_PACKET_SIZE = 10;
/** Default cap on the size field we accept. CS2 sends single packets above 4096 bytes. */
export const DEFAULT_MAX_PACKET_SIZE = 4 * 1024 * 1024;
/** Size-field value of a packet carrying a full 4096-byte SRCDS fragment. */
export const SRCDS_MAX_PACKET_SIZE = 4096 + MIN_PACKET_SIZE;
export const HEADER_BYTES = 12;

export interface SourcePacket {
  id: number;
  type: number;
  body: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Encodes one packet. `maxSize` bounds the size field (what the peer will accept). */
export function encodePacket(packet: SourcePacket, maxSize: number = DEFAULT_MAX_PACKET_SIZE): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + packet.body.length + 2);
  writePacketInto(out, 0, packet.id, packet.type, packet.body, maxSize);
  return out;
}

/** Writes a packet at `offset` of `out` (which must have room); returns the offset after it. */
export function writePacketInto(
  out: Uint8Array,
  offset: number,
  id: number,
  type: number,
  body: Uint8Array,
  maxSize: number = DEFAULT_MAX_PACKET_SIZE,
): number {
  const size = body.length + MIN_PACKET_SIZE;
  if (size > maxSize) {
    throw new RconLocalError("TOO_LARGE", `packet of ${size} bytes exceeds the limit of ${maxSize}`);
  }
  if (!Number.isInteger(id) || id < -0x80000000 || id > 0x7fffffff) {
    throw new RconLocalError("INVALID_ARGUMENT", `packet id ${id} is not a 32-bit integer`);
  }
  // Byte writes instead of a DataView per packet: this runs for every command on the hot path.
  writeInt32LE(out, offset, size);
  writeInt32LE(out, offset + 4, id);
  writeInt32LE(out, offset + 8, type);
  if (body.length > 0) out.set(body, offset + HEADER_BYTES);
  out[offset + HEADER_BYTES + body.length] = 0;
  out[offset + HEADER_BYTES + body.length + 1] = 0;
  return offset + HEADER_BYTES + body.length + 2;
}

/** Bytes a packet with this body takes on the wire. */
export function packetLength(bodyLength: number): number {
  return HEADER_BYTES + bodyLength + 2;
}

/** Validates a size field; throws the RconRemoteError the framer reports. */
export function checkPacketSize(size: number, maxSize: number): void {
  if (size < MIN_PACKET_SIZE) {
    throw new RconRemoteError(
      "FRAME_TOO_SMALL",
      `Source RCON packet size ${size} is below the minimum of ${MIN_PACKET_SIZE}`,
    );
  }
  if (size > maxSize) {
    throw new RconRemoteError(
      "FRAME_TOO_LARGE",
      `Source RCON packet size ${size} exceeds the limit of ${maxSize}`,
    );
  }
}

/**
 * Decodes one complete frame (size field included). The body is a view into `frame`, not a copy.
 * Anything malformed is an RconRemoteError: wrong length, bad size, padding other than 00 00.
 */
export function decodePacket(frame: Uint8Array, maxSize: number = DEFAULT_MAX_PACKET_SIZE): SourcePacket {
  return decodePacketAt(frame, 0, frame.length, maxSize);
}

/**
 * decodePacket of the `length` bytes at `offset` in `bytes` (SourceFramer.nextFrameAt), without a
 * view of the frame first: one typed array fewer per packet.
 */
export function decodePacketAt(
  bytes: Uint8Array,
  offset: number,
  length: number,
  maxSize: number = DEFAULT_MAX_PACKET_SIZE,
): SourcePacket {
  if (length < 4 + MIN_PACKET_SIZE) {
    throw new RconRemoteError(
      "FRAME_TOO_SMALL",
      `Source RCON frame of ${length} bytes is shorter than the minimum of 14`,
    );
  }
  const size = readInt32LE(bytes, offset);
  checkPacketSize(size, maxSize);
  if (size + 4 !== length) {
    throw new RconRemoteError(
      "MALFORMED_PACKET",
      `Source RCON size field says ${size + 4} bytes but the frame has ${length}`,
    );
  }
  const end = offset + length;
  if (bytes[end - 1] !== 0 || bytes[end - 2] !== 0) {
    throw new RconRemoteError("MALFORMED_PACKET", "Source RCON packet does not end with two NUL bytes");
  }
  const bodyStart = offset + HEADER_BYTES;
  return {
    id: readInt32LE(bytes, offset + 4),
    type: readInt32LE(bytes, offset + 8),
    body: size === MIN_PACKET_SIZE ? EMPTY : bytes.subarray(bodyStart, end - 2),
  };
}

function writeInt32LE(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  out[offset + 2] = (value >>> 16) & 0xff;
  out[offset + 3] = (value >>> 24) & 0xff;
}

export function readInt32LE(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] as number) |
    ((bytes[offset + 1] as number) << 8) |
    ((bytes[offset + 2] as number) << 16) |
    ((bytes[offset + 3] as number) << 24)
  );
}
