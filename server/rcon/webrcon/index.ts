/**
 * Rust WebRCON family (JSON over a WebSocket; docs/webrcon.md).
 *
 * Pieces:
 * - protocol/webrcon/message.ts   the JSON messages (encode a command, read a message, caps)
 * - protocol/webrcon/client.ts    Sans-IO ClientCore: login by a probe command, Identifier matching,
 *                                 pushed messages, keep-alive and silence, caps
 * - protocol/webrcon/dialects/    Rust: playerlist/serverinfo JSON, chat, kick/ban, native bans
 * - transport/websocket.ts        the only WebSocket client code (ws)
 * - webrcon/connection.ts         SupervisedConnection + WebSocket + core (thin driver)
 * - emulators/webrcon/           an emulated Rust server on loopback (`rcondeck emulate webrcon`)
 */
import { findDialect } from "../registry.ts";
import { WEBRCON_DIALECTS, type WebRconDialect } from "../protocol/webrcon/dialects/index.ts";
import type { ProtocolFamily } from "../types.ts";
import { createWebRconConnection } from "./connection.ts";
import { checkWebRconPassword } from "./password.ts";

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
