/**
 * Source RCON family (TCP): SRCDS games (CS2, CS:GO, TF2, GMod, L4D2), Minecraft, Rust (legacy),
 * ARK, Squad, Factorio, Palworld.
 *
 * Pieces:
 * - protocol/source/packet.ts   packet codec (size, id, type, body, two NULs), size limits
 * - protocol/source/framer.ts   TCP stream -> whole frames (splits anywhere, coalesced packets)
 * - protocol/source/client.ts   Sans-IO client: login variants, id allocation, multi-packet
 *                               assembly by end strategy, pipelining limits, late-answer discard
 * - protocol/source/recent-ids.ts  the client's bounded memory of ids whose packets are dropped
 * - protocol/source/server.ts   Sans-IO game-server side (emulator, in-memory pair tests)
 * - protocol/source/dialects/   per-game data: wire profile, command catalogue, parsers, operations
 * - transport/tcp.ts            the only TCP socket code
 * - here: createSourceConnection, the shared session driver (session/) running the client core over
 *   a TCP stream with coalesced writes, and Source's words for how a login fails
 * - emulators/source/           a believable game server on loopback (`rcondeck emulate source`)
 */
import { systemClock } from "../clock.ts";
import { createTextCodec } from "../encoding.ts";
import { describeForeignPeer } from "../protocol/foreign-peer.ts";
import { SourceClient } from "../protocol/source/client.ts";
import { SOURCE_DIALECTS, type SourceDialect } from "../protocol/source/dialects/index.ts";
import { findDialect } from "../registry.ts";
import { createSessionConnection } from "../session/connection.ts";
import { tcpTransport } from "../session/transport.ts";
import { SessionError } from "../supervised-connection.ts";
import type { ConnectionOptions, ProtocolFamily, RconConnection } from "../types.ts";
import { sourceCodec } from "./codec.ts";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
/** Commands written together at most (see PumpOptions.batchWrites). */
const WRITE_BATCH = 16;

const UNREADABLE_WORDS: Partial<Record<string, string>> = {
  FRAME_TOO_LARGE: "larger than the size limit",
  FRAME_TOO_SMALL: "shorter than any valid packet",
};

export function createSourceConnection(options: ConnectionOptions, dialect: SourceDialect): RconConnection {
  const encoding = options.encoding ?? dialect.defaultEncoding;
  createTextCodec(encoding); // an unknown encoding fails here, loudly, not at first use
  const codec = sourceCodec(encoding);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const where = `${options.host}:${options.port}`;
  return createSessionConnection(options, dialect, {
    protocol: "source",
    clock: options.clock ?? systemClock,
    createCore: () =>
      new SourceClient({
        profile: dialect.client,
        codec,
        loginTimeoutMs: connectTimeoutMs,
        ...(options.maxAnswerBytes !== undefined ? { maxResponseBytes: options.maxAnswerBytes } : {}),
      }),
    openTransport: tcpTransport(options.host, options.port, connectTimeoutMs),
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    batchWrites: WRITE_BATCH,
    maxReadBytesPerSecond: options.maxReadBytesPerSecond,
    normaliseAnswer: dialect.normaliseAnswer?.bind(dialect),
    wording: {
      loginUnanswered: ({ foreign }) =>
        // Only unreadable packets came back: something answers there, but not in Source RCON.
        foreign
          ? describeForeignPeer(foreign)
          : `no answer to login from ${where} within ${connectTimeoutMs} ms`,
      closedDuringLogin: (reason) =>
        dialect.server.authFailure === "close"
          ? // This game answers a wrong password by closing the socket: never retry it automatically.
            new SessionError("auth", "login refused: the server closed the connection (wrong RCON password?)")
          : new SessionError(
              "unreachable",
              `${reason} during login (is this address banned for failed logins?)`,
            ),
      unreadable: (error) =>
        `the server sent a packet that cannot be read (${UNREADABLE_WORDS[error.code] ?? "malformed"}); reconnecting`,
    },
  });
}

export const family: ProtocolFamily = {
  id: "source",
  label: "Source RCON (TCP)",
  defaultPort: 27015,
  dialects: SOURCE_DIALECTS,
  defaultDialect: "cs2",
  checkPassword(password) {
    if (password === "")
      return "Source RCON needs a password: an empty rcon_password disables RCON on the server";
    if (password.includes("\u0000")) return "the password must not contain NUL characters";
    if (password.length > 1000) return "the password is too long for Source RCON";
    return null;
  },
  createConnection(options) {
    return createSourceConnection(options, findDialect(family, options.dialect) as SourceDialect);
  },
};
