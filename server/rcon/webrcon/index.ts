/**
 * Rust WebRCON family (JSON over a WebSocket; docs/webrcon.md).
 *
 * Pieces:
 * - protocol/webrcon/message.ts   the JSON messages (encode a command, read a message, caps)
 * - protocol/webrcon/client.ts    Sans-IO ClientCore: login by a probe command, Identifier matching,
 *                                 pushed messages, keep-alive and silence, caps
 * - protocol/webrcon/dialects/    Rust: playerlist/serverinfo JSON, chat, kick/ban, native bans
 * - transport/websocket.ts        the only WebSocket client code (ws)
 * - here: createWebRconConnection, the shared session driver (session/) running the client core
 *   over a WebSocket whose path is the password (session/transport.ts), and WebRCON's words for
 *   how a login fails
 * - emulators/webrcon/           an emulated Rust server on loopback (`rcondeck emulate webrcon`)
 */
import { systemClock } from "../clock.ts";
import { WebRconClient, WEBRCON_DEFAULTS } from "../protocol/webrcon/client.ts";
import { WEBRCON_DIALECTS, type WebRconDialect } from "../protocol/webrcon/dialects/index.ts";
import { findDialect } from "../registry.ts";
import { createSessionConnection } from "../session/connection.ts";
import { webSocketTransport } from "../session/transport.ts";
import { SessionError } from "../supervised-connection.ts";
import { WebSocketOpenError } from "../transport/websocket.ts";
import type { ConnectionOptions, ProtocolFamily, RconConnection } from "../types.ts";
import { checkWebRconPassword } from "./password.ts";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
/** A frame this many times over the answer cap ends the session (ws maxPayload) instead of being read whole. */
const PAYLOAD_FACTOR = 4;

/** The upgrade's answer: 401/403 is a refusal (never retried); another HTTP status means something else listens. */
function openFailed(error: unknown, where: string): SessionError | null {
  if (!(error instanceof WebSocketOpenError) || error.code !== "HTTP") return null;
  if (error.status === 401 || error.status === 403)
    return new SessionError(
      "auth",
      `login refused: ${where} answered HTTP ${error.status} (wrong RCON password?)`,
    );
  return new SessionError(
    "unreachable",
    `not a WebRCON server (it answered HTTP ${error.status ?? "?"} instead of accepting the WebSocket); check the host and port`,
  );
}

export function createWebRconConnection(options: ConnectionOptions, dialect: WebRconDialect): RconConnection {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const maxAnswerBytes =
    options.maxAnswerBytes ?? dialect.client.maxMessageBytes ?? WEBRCON_DEFAULTS.maxMessageBytes;
  const where = `${options.host}:${options.port}`;
  return createSessionConnection(options, dialect, {
    protocol: "webrcon",
    clock: options.clock ?? systemClock,
    createCore: () =>
      new WebRconClient({
        ...dialect.client,
        loginTimeoutMs: connectTimeoutMs,
        maxMessageBytes: maxAnswerBytes,
      }),
    // The password is the URL's path: checked by checkPassword before any socket opens, never logged.
    openTransport: webSocketTransport({
      host: options.host,
      port: options.port,
      path: options.password,
      connectTimeoutMs,
      maxMessageBytes: maxAnswerBytes * PAYLOAD_FACTOR,
    }),
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    checkPassword: checkWebRconPassword,
    maxReadBytesPerSecond: options.maxReadBytesPerSecond,
    renderPushed: (text, channel) => dialect.renderPushed(channel ?? "Generic", text),
    wording: {
      loginUnanswered: ({ reason, foreign }) =>
        foreign
          ? `not a WebRCON server (${where} accepted the WebSocket, but its messages are not WebRCON JSON); check the host and port`
          : `${where} accepted the WebSocket but never answered (${reason})`,
      // Rust answers a wrong password by accepting the upgrade and closing the socket without a word.
      closedDuringLogin: () =>
        new SessionError(
          "auth",
          "login refused: the server closed the WebSocket without answering (wrong RCON password?)",
        ),
      openFailed: (error) => openFailed(error, where),
    },
  });
}

export const family: ProtocolFamily = {
  id: "webrcon",
  label: "Rust WebRCON (WebSocket)",
  defaultPort: 28016,
  dialects: WEBRCON_DIALECTS,
  defaultDialect: "rust-webrcon",
  checkPassword: checkWebRconPassword,
  createConnection(options) {
    return createWebRconConnection(options, findDialect(family, options.dialect) as WebRconDialect);
  },
};
