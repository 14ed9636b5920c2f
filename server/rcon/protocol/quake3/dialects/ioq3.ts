/**
 * ioquake3 since 2014 and Debian's OpenArena 0.8.8 (engine ioq3 1.36): the `cl score ping name
 * address rate` table with bots as `^7bot`, engine bans, per-IP leaky-bucket rate limit (10 burst,
 * then 1 per second, shared by rcon and queries). Verified against the real server
 * (fixtures/openarena-0.8.8-captures.json and the shared test suite).
 */
import { IOQ3_FRAMING } from "../packet.ts";
import type { NativeBanStore } from "../../../types.ts";
import { centralIdentifier, ipv4Identities, ipv4RangeIdentities, nativeKey } from "../../native-bans.ts";
import { IOQ3_STATUS } from "../status-table.ts";
import {
  buildOperations,
  quake3Privacy,
  engineBans,
  IOQ3_COMMANDS,
  type Quake3Dialect,
  type Quake3Profile,
} from "./common.ts";
import { QUAKE3_DANGEROUS, QUAKE3_INDIRECT } from "./dangerous.ts";

export const IOQ3_PROFILE: Quake3Profile = {
  colourRule: "ioq3",
  statusFormat: IOQ3_STATUS,
  // One token of slack and a 5 % longer period than the server's bucket absorb network jitter.
  pacing: { kind: "bucket", burst: 9, periodMs: 1050, includesQueries: true },
  // The engine sends every datagram of an answer back to back in the same frame.
  quietMs: 40,
  framing: IOQ3_FRAMING,
  probeCommand: "",
  readOnlyCommands: [
    "status",
    "serverinfo",
    "systeminfo",
    "cvarlist",
    "cmdlist",
    "listbans",
    "listip",
    "dumpuser",
    "g_banIPs",
  ],
  server: {
    framing: IOQ3_FRAMING,
    outputBufferLength: 1008,
    badPasswordText: "Bad rconpassword.\n",
    noPasswordText: "No rconpassword set on the server.\n",
    rateLimit: { kind: "ioq3-buckets", burst: 10, periodMs: 1000 },
    minPasswordLength: 0,
  },
  semicolonSplits: false,
  maxMessageLength: 900,
  emulatorMap: "oa_dm1",
};

const operations = buildOperations(IOQ3_PROFILE, {
  kick: (slot) => `clientkick ${slot}`,
  say: (message) => `say ${message}`,
  tell: (slot, message) => `tell ${slot} ${message}`,
  bans: engineBans,
});

const capabilities = { pushesJoins: false, whisper: true, timedBans: false, banKinds: ["ip"] } as const;

/**
 * The engine's address bans (`banaddr`, `bandel <number>`, `listbans`; written to sv_banFile after
 * every change). No expiry and no reason: timed bans are lifted by RconDeck on time. `bandel`
 * takes a number that shifts after each deletion (the dialect looks it up right before).
 */
export const IOQ3_NATIVE_BANS: NativeBanStore = {
  identities: (identifiers) => [...ipv4Identities(identifiers), ...ipv4RangeIdentities(identifiers)],
  key: nativeKey,
  central: centralIdentifier({}),
  timed: { mode: "lifted" },
  removeByIndex: true,
};

export const OPENARENA: Quake3Dialect = {
  id: "openarena",
  family: "quake3",
  dangerous: QUAKE3_DANGEROUS,
  indirect: QUAKE3_INDIRECT,
  label: "OpenArena 0.8.8",
  defaultPort: 27960,
  defaultEncoding: "latin1",
  capabilities,
  commands: IOQ3_COMMANDS,
  operations,
  nativeBans: IOQ3_NATIVE_BANS,
  privacy: quake3Privacy(IOQ3_PROFILE),
  quake3: IOQ3_PROFILE,
};

export const IOQ3: Quake3Dialect = { ...OPENARENA, id: "ioq3", label: "ioquake3 (2014 and later)" };
