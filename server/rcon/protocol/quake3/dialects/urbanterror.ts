/**
 * Urban Terror 4.x: an ioq3 engine of 2012, so the legacy status table and the ioq3 rate-limit
 * buckets, with game-module `addip` bans (as B3 uses) and `tell`. Not verified against a live server.
 */
import { IOQ3_FRAMING } from "../packet.ts";
import { Q3_LEGACY_STATUS } from "../status-table.ts";
import {
  buildOperations,
  quake3Privacy,
  gameModuleBans,
  IOQ3_COMMANDS,
  type Quake3Dialect,
  type Quake3Profile,
} from "./common.ts";
import { IOQ3_PROFILE } from "./ioq3.ts";
import { QUAKE3_DANGEROUS, QUAKE3_INDIRECT } from "./dangerous.ts";

export const URBANTERROR_PROFILE: Quake3Profile = {
  ...IOQ3_PROFILE,
  statusFormat: Q3_LEGACY_STATUS,
  framing: IOQ3_FRAMING,
  emulatorMap: "ut4_turnpike",
};

export const URBANTERROR: Quake3Dialect = {
  id: "urbanterror",
  family: "quake3",
  dangerous: QUAKE3_DANGEROUS,
  indirect: QUAKE3_INDIRECT,
  label: "Urban Terror 4.x",
  defaultPort: 27960,
  defaultEncoding: "latin1",
  capabilities: { pushesJoins: false, whisper: true, timedBans: false, banKinds: ["ip"] },
  commands: IOQ3_COMMANDS.filter(
    (c) => !["banaddr", "bandel", "listbans", "exceptaddr", "flushbans"].includes(c.name),
  ),
  operations: buildOperations(URBANTERROR_PROFILE, {
    kick: (slot) => `clientkick ${slot}`,
    say: (message) => `say ${message}`,
    tell: (slot, message) => `tell ${slot} ${message}`,
    bans: gameModuleBans,
  }),
  privacy: quake3Privacy(URBANTERROR_PROFILE),
  quake3: URBANTERROR_PROFILE,
};
