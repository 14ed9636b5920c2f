/**
 * # BattlEye RCon (BERCon, UDP): Arma 2, Arma 3, DayZ
 *
 * The pieces, from the wire up:
 * - `protocol/battleye/packet.ts`: `B E crc32-LE FF type …` packets; decoding rejects what the
 *   protocol says to reject (bad header, bad CRC, impossible parts) with an RconRemoteError.
 * - `protocol/battleye/client.ts`: the Sans-IO client. Login, 8-bit sequence numbers (255 → 0),
 *   re-sends of the identical bytes, multi-part reassembly in any order, an acknowledgement for every
 *   server message with a replay window so none is delivered twice, keep-alive and the 45 s
 *   liveness rule. Time comes in as `now`; `nextDeadline()` says when to call `handleTimeout`.
 * - `protocol/battleye/server.ts`: the Sans-IO server (berconpy's RCONServerProtocol behaviour, plus a
 *   repeat cache so a lost answer can be re-sent): parts, message re-sends 5 × 2 s, idle drop at 45 s.
 * - `protocol/battleye/dialects/`: arma3, dayz, arma2 as data over shared parsers (`players`, `bans`,
 *   `admins`, `missions`) and the server-message catalogue turned into GameEvents.
 *   Arma Reforger (answers pushed as messages) is not supported.
 * - here: `createBattlEyeConnection`, the shared session driver (`session/`) running the client core
 *   over a connected UDP socket, with BattlEye's words for a login that gets no answer.
 * - `emulators/battleye/emulator.ts`: an Arma 3/DayZ-like server on the server core, with seeded player
 *   activity and `loss`/`duplicate`/`reorder` fault injection (`transport/impairment.ts`).
 */
import { systemClock } from "../clock.ts";
import { BattlEyeClient, DEFAULT_CLIENT_TIMING, type ClientTiming } from "../protocol/battleye/client.ts";
import { BATTLEYE_DIALECTS, DEFAULT_BATTLEYE_DIALECT } from "../protocol/battleye/dialects/index.ts";
import { describeForeignPeer } from "../protocol/foreign-peer.ts";
import { createSessionConnection } from "../session/connection.ts";
import { udpTransport } from "../session/transport.ts";
import type { ConnectionOptions, Dialect, ProtocolFamily, RconConnection } from "../types.ts";
import { battlEyeCodec } from "./codec.ts";

export function findBattlEyeDialect(id: string | undefined): Dialect {
  const wanted = id ?? DEFAULT_BATTLEYE_DIALECT;
  const dialect = BATTLEYE_DIALECTS.find((d) => d.id === wanted);
  if (!dialect) {
    throw new Error(
      `unknown BattlEye game "${wanted}"; known: ${BATTLEYE_DIALECTS.map((d) => d.id).join(", ")}`,
    );
  }
  return dialect;
}

/** Client timing from the shared options; `tuning` overrides it (tests shorten the 45 s rules on loopback). */
export function clientTimingFor(
  options: ConnectionOptions,
  tuning: Partial<ClientTiming> = {},
): Partial<ClientTiming> {
  return {
    loginTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CLIENT_TIMING.loginTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_CLIENT_TIMING.commandTimeoutMs,
    ...(options.maxAnswerBytes !== undefined ? { maxAnswerBytes: options.maxAnswerBytes } : {}),
    ...tuning,
  };
}

export function createBattlEyeConnection(
  options: ConnectionOptions,
  tuning: Partial<ClientTiming> = {},
): RconConnection {
  const dialect = findBattlEyeDialect(options.dialect);
  const codec = battlEyeCodec(options.encoding ?? dialect.defaultEncoding);
  const timing = clientTimingFor(options, tuning);
  const where = `${options.host}:${options.port}`;
  return createSessionConnection(options, dialect, {
    protocol: "battleye",
    clock: options.clock ?? systemClock,
    createCore: () => new BattlEyeClient(codec, timing),
    openTransport: udpTransport(options.host, options.port),
    commandTimeoutMs: timing.commandTimeoutMs ?? DEFAULT_CLIENT_TIMING.commandTimeoutMs,
    wording: {
      loginUnanswered: ({ foreign }) =>
        foreign
          ? describeForeignPeer(foreign)
          : `no answer to login from ${where} — RCon disabled, wrong port, or server still loading`,
    },
  });
}

export const family: ProtocolFamily = {
  id: "battleye",
  label: "BattlEye RCon (Arma, DayZ)",
  defaultPort: 2306,
  dialects: BATTLEYE_DIALECTS,
  defaultDialect: DEFAULT_BATTLEYE_DIALECT,
  checkPassword(password) {
    if (password.length === 0) return "BattlEye RCon needs a password (RConPassword in BEServer_x64.cfg)";
    if (password.includes("\0")) return "a BattlEye password cannot contain a NUL character";
    return null;
  },
  createConnection: (options) => createBattlEyeConnection(options),
};
