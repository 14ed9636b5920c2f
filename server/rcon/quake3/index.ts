/**
 * # Quake 3-family rcon (id Tech 3 out-of-band UDP)
 *
 * Quake 3, OpenArena, ioquake3, Call of Duty 4 / CoD4x, Urban Terror, ET:Legacy: the connectionless
 * `\xFF\xFF\xFF\xFFrcon <password> <command>` of docs/protocols.md §3.
 *
 * Pieces:
 * - `protocol/quake3/` (Sans-IO, no sockets, no clock):
 *   - `packet.ts`: out-of-band packets, request encoding, reply decoding, the server's line reader.
 *   - `request-line.ts`: one request at a time; an answer is every `print` datagram until `quietMs` of
 *     silence; stale datagrams dropped; idempotent requests re-sent once; auth-failure texts classified.
 *   - `client.ts`: the ClientCore over that line (login = a probe command, the silent-requests rule,
 *     getstatus/getinfo as extras).
 *   - `pacing.ts`: the client-side mirror of each engine's rate limit (ioq3 leaky bucket, 500 ms gate).
 *   - `server.ts`: the server role (redirect-buffer splitting, error texts, rate limits) for the emulator.
 *   - `query.ts`: getstatus/getinfo parsing; `status-table.ts`: the `status` tables per engine.
 *   - `dialects/`: per-game data (pacing, quiet period, table, colour rule, commands, bans, say/tell).
 * - here: `createQuake3Connection` (the shared session driver, `session/`, running the core over a
 *   connected UDP socket), `core.ts` (the core with one shared pacer per server), `query.ts`
 *   (`queryServer()` without a password); the emulated server is in `emulators/quake3/`.
 *
 * Live events: these engines push nothing; joins and leaves come from polling `status` and
 * `server/rcon/player-diff.ts`.
 */
import { systemClock } from "../clock.ts";
import { createTextCodec } from "../encoding.ts";
import { findDialect } from "../registry.ts";
import { isQuake3Dialect, type Quake3Dialect } from "../protocol/quake3/dialects/common.ts";
import { QUAKE3_DIALECTS } from "../protocol/quake3/dialects/index.ts";
import { checkRconPassword } from "../protocol/quake3/packet.ts";
import { createSessionConnection } from "../session/connection.ts";
import { udpTransport } from "../session/transport.ts";
import type { ConnectionOptions, ProtocolFamily, RconConnection } from "../types.ts";
import { createQuake3Core } from "./core.ts";

const DEFAULT_CONNECT_TIMEOUT_MS = 2_500;
const DEFAULT_COMMAND_TIMEOUT_MS = 3_000;
const NOT_QUAKE3_RCON =
  'not an RCON server (it answered, but never with a Quake 3 "print" reply); check the host and port';

export function createQuake3Connection(options: ConnectionOptions, dialect: Quake3Dialect): RconConnection {
  const clock = options.clock ?? systemClock;
  const codec = createTextCodec(options.encoding ?? dialect.defaultEncoding);
  const where = `${options.host}:${options.port}`;
  return createSessionConnection(options, dialect, {
    protocol: "quake3",
    clock,
    createCore: () =>
      createQuake3Core({
        host: options.host,
        port: options.port,
        dialect,
        codec,
        clock,
        loginTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      }),
    openTransport: udpTransport(options.host, options.port),
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    checkPassword: checkRconPassword,
    wording: {
      loginUnanswered: ({ foreign, transportError }) =>
        // Datagrams came back, none of them a Quake 3 "print": something else listens there.
        foreign
          ? NOT_QUAKE3_RCON
          : `no answer to rcon from ${where}${transportError ? `: ${transportError}` : " (server down, wrong port or firewall)"}`,
    },
  });
}

export { queryServer, type QueryResult } from "./query.ts";

export const family: ProtocolFamily = {
  id: "quake3",
  label: "Quake 3 family (rcon over UDP)",
  defaultPort: 27960,
  dialects: QUAKE3_DIALECTS,
  defaultDialect: "openarena",
  checkPassword: checkRconPassword,
  createConnection(options) {
    const dialect = findDialect(family, options.dialect);
    if (!isQuake3Dialect(dialect)) throw new Error(`"${dialect.id}" is not a Quake 3 dialect`);
    return createQuake3Connection(options, dialect);
  },
};
