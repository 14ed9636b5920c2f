/**
 * A peer that answers the login in another protocol (an HTTP server on the RCON port, a DNS server,
 * a game's query port) is "not an RCON server", never "packet size 1347703880": the first bytes it
 * sent tell an admin what they reached instead. Pure (Sans-IO); the families share it.
 */

/** Bytes kept from the start of a conversation to recognise a foreign protocol. */
export const FOREIGN_PREFIX_BYTES = 16;

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** What the first bytes of a foreign answer look like ("HTTP", "SSH", ...), or null when unclear. */
export function guessForeignProtocol(bytes: Uint8Array): string | null {
  if (startsWith(bytes, "HTTP/")) return "HTTP";
  if (startsWith(bytes, "SSH-")) return "SSH";
  if (startsWith(bytes, "RFB ")) return "VNC";
  if (bytes.length >= 2 && (bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03) return "TLS";
  if (startsWith(bytes, "\xff\xff\xff\xff")) return "a Quake 3 or Source query server";
  if (
    bytes.length > 0 &&
    bytes.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))
  )
    return "a text protocol";
  return null;
}

/** The status reason for such a peer, naming what it seems to speak. */
export function describeForeignPeer(prefix: Uint8Array | null): string {
  const guess = prefix ? guessForeignProtocol(prefix) : null;
  return guess
    ? `not an RCON server (it answered like ${guess}); check the host and port`
    : "not an RCON server (its answer is not RCON); check the host and port";
}

/** Appends to a bounded prefix; returns the same array once it is full. */
export function growPrefix(prefix: Uint8Array, bytes: Uint8Array): Uint8Array {
  if (prefix.length >= FOREIGN_PREFIX_BYTES || bytes.length === 0) return prefix;
  const take = bytes.subarray(0, FOREIGN_PREFIX_BYTES - prefix.length);
  const out = new Uint8Array(prefix.length + take.length);
  out.set(prefix);
  out.set(take, prefix.length);
  return out;
}
