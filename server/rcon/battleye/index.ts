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
 * - `battleye/connection.ts`: a SupervisedConnection whose sessions own a connected UDP socket, one
 *   client core and one timer.
 * - `battleye/emulator.ts`: an Arma 3/DayZ-like server on the server core, with seeded player
 *   activity and `loss`/`duplicate`/`reorder` fault injection (`transport/impairment.ts`).
 */
import { BATTLEYE_DIALECTS, DEFAULT_BATTLEYE_DIALECT } from "../protocol/battleye/dialects/index.ts";
import type { ProtocolFamily } from "../types.ts";
import { createBattlEyeConnection } from "./connection.ts";
import { BATTLEYE_EMULATOR_FLAGS, startBattlEyeEmulator } from "./emulator.ts";

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
  emulatorFlags: BATTLEYE_EMULATOR_FLAGS,
  startEmulator: (options) => startBattlEyeEmulator(options),
};
