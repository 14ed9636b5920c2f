/**
 * Rust WebRCON messages (docs/webrcon.md): one JSON object per WebSocket text frame.
 * Client to server: {"Identifier": <int>, "Message": "<command>", "Name": "WebRcon"}.
 * Server to client: {"Identifier": <int>, "Message": "<text>", "Type": "Generic" | "Log" | ..., "Stacktrace": ...}.
 * Pure functions over Uint8Array: the transport hands over the frame's bytes as they arrived.
 */
import { RconLocalError, RconRemoteError } from "../errors.ts";

/** Rust reads Identifier as a C# int. */
export const MAX_IDENTIFIER = 2_147_483_647;

export interface WebRconMessage {
  identifier: number;
  message: string;
  /** "Generic", "Log", "Warning", "Error", "Chat", "Report"...; "Generic" when absent. */
  type: string;
}

const encoder = new TextEncoder();
// Invalid UTF-8 becomes U+FFFD; decoding never throws.
const decoder = new TextDecoder("utf-8");

/** Line breaks and NUL end a console command early on the server: never part of one command. */
const UNSAFE = /[\r\n\u0000]/;

export function encodeCommand(identifier: number, command: string, maxBytes: number): Uint8Array {
  if (!Number.isInteger(identifier) || identifier < -MAX_IDENTIFIER - 1 || identifier > MAX_IDENTIFIER) {
    throw new RconLocalError("INVALID_ARGUMENT", `identifier ${identifier} is not a 32-bit integer`);
  }
  if (UNSAFE.test(command)) {
    throw new RconLocalError(
      "UNSAFE_ARGUMENT",
      "a WebRCON command is one line: no line breaks or NUL characters",
    );
  }
  const bytes = encoder.encode(JSON.stringify({ Identifier: identifier, Message: command, Name: "WebRcon" }));
  if (bytes.length > maxBytes)
    throw new RconLocalError("TOO_LARGE", `the command is longer than ${maxBytes} bytes`);
  return bytes;
}

/** Reads one frame; throws RconRemoteError for anything that is not a WebRCON message. */
export function decodeMessage(frame: Uint8Array, maxBytes: number): WebRconMessage {
  if (frame.length > maxBytes) {
    throw new RconRemoteError(
      "FRAME_TOO_LARGE",
      `a ${frame.length}-byte message is over the ${maxBytes}-byte limit`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(frame));
  } catch {
    throw new RconRemoteError("MALFORMED_PACKET", "a message that is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RconRemoteError("MALFORMED_PACKET", "a message that is not a JSON object");
  }
  const fields = value as Record<string, unknown>;
  const identifier = fields.Identifier;
  if (typeof identifier !== "number" || !Number.isInteger(identifier)) {
    throw new RconRemoteError("MALFORMED_PACKET", "a message without an integer Identifier");
  }
  if (typeof fields.Message !== "string")
    throw new RconRemoteError("MALFORMED_PACKET", "a message without a Message text");
  const type = typeof fields.Type === "string" && fields.Type !== "" ? fields.Type : "Generic";
  return { identifier, message: fields.Message, type };
}

/** Server side (the emulator): one message as the frame Rust sends. */
export function encodeMessage(message: WebRconMessage): Uint8Array {
  return encoder.encode(
    JSON.stringify({
      Identifier: message.identifier,
      Message: message.message,
      Type: message.type,
      Stacktrace: "",
    }),
  );
}

/** Server side (the emulator): a client's command frame; null when it is not one. */
export function decodeCommand(
  frame: Uint8Array,
  maxBytes: number,
): { identifier: number; command: string } | null {
  if (frame.length > maxBytes) return null;
  try {
    const value = JSON.parse(decoder.decode(frame)) as Record<string, unknown> | null;
    if (typeof value !== "object" || value === null) return null;
    const identifier = value.Identifier;
    const command = value.Message;
    if (typeof identifier !== "number" || !Number.isInteger(identifier) || typeof command !== "string")
      return null;
    return { identifier, command };
  } catch {
    return null;
  }
}
