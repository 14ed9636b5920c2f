/**
 * Source RCON family (TCP): SRCDS games (CS2, CS:GO, TF2, GMod, L4D2), Minecraft, Rust (legacy),
 * ARK, Squad, Factorio, Palworld.
 *
 * Pieces:
 * - protocol/source/packet.ts   packet codec (size, id, type, body, two NULs), size limits
 * - protocol/source/framer.ts   TCP stream -> whole frames (splits anywhere, coalesced packets)
 * - protocol/source/client.ts   Sans-IO client: login variants, id allocation, multi-packet
 *                               assembly by end strategy, pipelining limits, late-answer discard
 * - protocol/source/server.ts   Sans-IO game-server side (emulator, in-memory pair tests)
 * - protocol/source/dialects/   per-game data: wire profile, command catalogue, parsers, operations
 * - transport/tcp.ts            the only TCP socket code
 * - source/connection.ts        SupervisedConnection + TCP + client core: timers, waiters, status
 * - source/emulator*.ts         a believable game server on loopback (`rcondeck emulate source`)
 */
import { findDialect } from "../registry.ts";
import { SOURCE_DIALECTS, type SourceDialect } from "../protocol/source/dialects/index.ts";
import type { ProtocolFamily } from "../types.ts";
import { createSourceConnection } from "./connection.ts";
import { SOURCE_EMULATOR_FLAGS, startSourceEmulator } from "./emulator.ts";

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
  emulatorFlags: SOURCE_EMULATOR_FLAGS,
  startEmulator: startSourceEmulator,
};
