/**
 * ET:Legacy: 240-byte redirect buffer (status floods many datagrams), error texts without the
 * final period, the ioq3 rate-limit buckets (when sv_protect enables them), the original colour
 * rule, game-module `addip` bans. From etlegacy sources; not verified against a live server.
 */
import { IOQ3_FRAMING } from "../packet.ts";
import { ETLEGACY_STATUS } from "../status-table.ts";
import {
  buildOperations,
  QUAKE3_SECRETS,
  quake3Privacy,
  gameModuleBans,
  IOQ3_COMMANDS,
  type Quake3Dialect,
  type Quake3Profile,
} from "./common.ts";
import { QUAKE3_DANGEROUS, QUAKE3_INDIRECT } from "./dangerous.ts";

export const ETLEGACY_PROFILE: Quake3Profile = {
  colourRule: "q3",
  statusFormat: ETLEGACY_STATUS,
  pacing: { kind: "bucket", burst: 9, periodMs: 1050, includesQueries: true },
  quietMs: 60,
  framing: IOQ3_FRAMING,
  probeCommand: "",
  readOnlyCommands: ["status", "serverinfo", "systeminfo", "cvarlist", "cmdlist", "dumpuser", "g_banIPs"],
  server: {
    framing: IOQ3_FRAMING,
    outputBufferLength: 240,
    badPasswordText: "Bad rconpassword\n",
    noPasswordText: "No rconpassword set on the server\n",
    rateLimit: { kind: "ioq3-buckets", burst: 10, periodMs: 1000 },
    minPasswordLength: 0,
  },
  semicolonSplits: false,
  maxMessageLength: 900,
  emulatorMap: "oasis",
};

export const ETLEGACY: Quake3Dialect = {
  id: "etlegacy",
  family: "quake3",
  dangerous: QUAKE3_DANGEROUS,
  indirect: QUAKE3_INDIRECT,
  label: "ET: Legacy",
  defaultPort: 27960,
  defaultEncoding: "latin1",
  capabilities: { pushesJoins: false, whisper: false, timedBans: false, banKinds: ["ip"] },
  commands: IOQ3_COMMANDS.filter(
    (c) => !["banaddr", "bandel", "listbans", "exceptaddr", "flushbans", "tell"].includes(c.name),
  ),
  operations: buildOperations(ETLEGACY_PROFILE, {
    kick: (slot) => `clientkick ${slot}`,
    say: (message) => `say ${message}`,
    bans: gameModuleBans,
  }),
  // ET adds the referee and shoutcaster passwords.
  privacy: quake3Privacy(ETLEGACY_PROFILE, {
    ...QUAKE3_SECRETS,
    settings: [...QUAKE3_SECRETS.settings, "refereePassword", "shoutcastPassword"],
  }),
  quake3: ETLEGACY_PROFILE,
};
