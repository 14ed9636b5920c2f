/**
 * Out-of-band (connectionless) packets of id Tech 3: four 0xFF bytes then one text line
 * (docs/protocols.md §3.1-3.3). Requests: `rcon <password> <command>`, `getstatus`, `getinfo`.
 * Answers: `print\n<text>` (ioq3, CoD), `n<text>` (DarkPlaces), `statusResponse\n`, `infoResponse\n`.
 * Text is Latin-1 on the wire for this family: every byte maps to one code point, so nothing is lost.
 */
import { RconLocalError, RconRemoteError } from "../errors.ts";

export const OOB_MARKER = 0xff;
export const OOB_HEADER_LENGTH = 4;
/** Largest UDP payload; anything bigger cannot be a datagram. */
export const MAX_DATAGRAM = 65507;
/** ioq3 reads at most MAX_STRING_CHARS - 1 characters of the request line (MSG_ReadStringLine). */
export const MAX_REQUEST_LINE = 1023;

export function isOutOfBand(bytes: Uint8Array): boolean {
  return (
    bytes.length >= OOB_HEADER_LENGTH &&
    bytes[0] === OOB_MARKER &&
    bytes[1] === OOB_MARKER &&
    bytes[2] === OOB_MARKER &&
    bytes[3] === OOB_MARKER
  );
}

/** Latin-1: one byte per code point; code points above 255 cannot be sent and are an error. */
export function latin1Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff)
      throw new RconLocalError("UNSAFE_ARGUMENT", `character U+${code.toString(16)} cannot be sent`);
    out[i] = code;
  }
  return out;
}

export function latin1Decode(bytes: Uint8Array): string {
  let out = "";
  // Chunked to stay clear of argument-count limits on large answers.
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** Wraps a payload in the out-of-band header. */
export function encodeOutOfBand(payload: string): Uint8Array {
  const body = latin1Encode(payload);
  if (body.length + OOB_HEADER_LENGTH > MAX_DATAGRAM)
    throw new RconLocalError("TOO_LARGE", "out-of-band payload too large");
  const out = new Uint8Array(OOB_HEADER_LENGTH + body.length);
  out.fill(OOB_MARKER, 0, OOB_HEADER_LENGTH);
  out.set(body, OOB_HEADER_LENGTH);
  return out;
}

/**
 * Why a password can never work over plaintext rcon, or null. The server takes the password as the
 * text up to the next space (ioq3 SVC_RemoteCommand), and the request is one line.
 */
export function checkRconPassword(password: string): string | null {
  if (password === "") return "the rcon password is empty: Quake 3 servers refuse rcon without a password";
  if (/\s/.test(password))
    return "Quake 3-family servers cannot accept an rcon password containing spaces or line breaks";
  if (/[^\x21-\x7e]/.test(password))
    return "the rcon password must be printable ASCII: the server turns other bytes into '.'";
  if (password.includes('"'))
    return "the rcon password must not contain a double quote (the server strips quotes)";
  if (password.includes("//") || password.includes("/*"))
    return "the rcon password must not contain // or /* (the server reads them as comments)";
  return null;
}

/** `\xFF\xFF\xFF\xFFrcon <password> <command>`; the command must already be a single safe line. */
export function encodeRconRequest(password: string, command: string): Uint8Array {
  const problem = checkRconPassword(password);
  if (problem) throw new RconLocalError("INVALID_ARGUMENT", problem);
  if (/[\r\n\0]/.test(command))
    throw new RconLocalError("UNSAFE_ARGUMENT", "a command is one line: no line breaks or NUL");
  const line = command === "" ? `rcon ${password}` : `rcon ${password} ${command}`;
  if (line.length > MAX_REQUEST_LINE)
    throw new RconLocalError(
      "TOO_LARGE",
      `command too long (the server reads ${MAX_REQUEST_LINE} characters)`,
    );
  return encodeOutOfBand(line);
}

export function encodeQuery(kind: "getstatus" | "getinfo", challenge: string): Uint8Array {
  if (!/^[0-9A-Za-z_-]{0,128}$/.test(challenge))
    throw new RconLocalError("INVALID_ARGUMENT", "challenge must be short and alphanumeric");
  return encodeOutOfBand(challenge === "" ? kind : `${kind} ${challenge}`);
}

export type ReplyKind = "print" | "statusResponse" | "infoResponse";

export interface DecodedReply {
  kind: ReplyKind;
  /** Everything after the header line (for `print`: the printed text, possibly empty). */
  body: Uint8Array;
}

/** Header strings that start a reply, per framing ("n" is DarkPlaces' rcon print). */
export interface ReplyFraming {
  /** Bytes after the 0xFF marker that start a print reply: "print\n" or "n". */
  printHeader: string;
}

export const IOQ3_FRAMING: ReplyFraming = { printHeader: "print\n" };

function startsWithAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Decodes one datagram a server sent. Throws RconRemoteError for anything that is not a known
 * out-of-band reply (the connection counts and drops it).
 */
export function decodeReply(bytes: Uint8Array, framing: ReplyFraming = IOQ3_FRAMING): DecodedReply {
  if (bytes.length > MAX_DATAGRAM)
    throw new RconRemoteError("FRAME_TOO_LARGE", "datagram larger than UDP allows");
  if (!isOutOfBand(bytes))
    throw new RconRemoteError("MALFORMED_PACKET", "datagram without the out-of-band 0xFFFFFFFF header");
  const candidates: [ReplyKind, string][] = [
    ["print", framing.printHeader],
    ["statusResponse", "statusResponse\n"],
    ["infoResponse", "infoResponse\n"],
  ];
  for (const [kind, header] of candidates) {
    if (startsWithAscii(bytes, OOB_HEADER_LENGTH, header)) {
      return { kind, body: bytes.subarray(OOB_HEADER_LENGTH + header.length) };
    }
  }
  throw new RconRemoteError("UNEXPECTED_PACKET", "out-of-band datagram of an unknown kind");
}

/**
 * The request line as the server reads it (ioq3 MSG_ReadStringLine): stops at NUL or newline, at
 * most 1023 characters, and every '%' and every byte above 127 becomes '.'.
 * Returns null when the datagram is not out-of-band.
 */
export function readRequestLine(bytes: Uint8Array): string | null {
  if (!isOutOfBand(bytes)) return null;
  let line = "";
  for (let i = OOB_HEADER_LENGTH; i < bytes.length && line.length < MAX_REQUEST_LINE; i++) {
    const b = bytes[i] as number;
    if (b === 0 || b === 0x0a) break;
    line += b === 0x25 || b > 127 ? "." : String.fromCharCode(b);
  }
  return line;
}

/** Builds one `print` datagram (the server side). */
export function encodePrint(text: string, framing: ReplyFraming = IOQ3_FRAMING): Uint8Array {
  return encodeOutOfBand(framing.printHeader + text);
}
