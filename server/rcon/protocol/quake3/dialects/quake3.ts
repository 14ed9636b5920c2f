/**
 * Quake 3 Arena 1.32 and OpenArena builds on the pre-2014 engine: the `num score ping name lastmsg
 * address qport rate` table (CNCT/ZMBI states), the original colour rule (`^` + any character but
 * `^`), a global 500 ms gate between accepted rcons, game-module IP filters only, and no `tell`.
 * Rows are synthesised from the engine's printf formats (not verified against a live 1.32 server).
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
import { QUAKE3_DANGEROUS, QUAKE3_INDIRECT } from "./dangerous.ts";

export const Q3_PROFILE: Quake3Profile = {
  colourRule: "q3",
  statusFormat: Q3_LEGACY_STATUS,
  // The server drops any rcon < 500 ms after the last accepted one, from anyone.
  pacing: { kind: "interval", minIntervalMs: 600, includesQueries: false },
  quietMs: 40,
  framing: IOQ3_FRAMING,
  probeCommand: "",
  readOnlyCommands: ["status", "serverinfo", "systeminfo", "cvarlist", "cmdlist", "dumpuser", "g_banIPs"],
  server: {
    framing: IOQ3_FRAMING,
    outputBufferLength: 1008,
    badPasswordText: "Bad rconpassword.\n",
    noPasswordText: "No rconpassword set on the server.\n",
    rateLimit: { kind: "global-interval", intervalMs: 500 },
    minPasswordLength: 0,
  },
  semicolonSplits: false,
  maxMessageLength: 900,
  emulatorMap: "q3dm17",
};

const operations = buildOperations(Q3_PROFILE, {
  kick: (slot) => `clientkick ${slot}`,
  say: (message) => `say ${message}`,
  bans: gameModuleBans,
});

const commands = IOQ3_COMMANDS.filter(
  (c) => !["banaddr", "bandel", "listbans", "exceptaddr", "flushbans", "kicknum", "tell"].includes(c.name),
);

export const QUAKE3: Quake3Dialect = {
  id: "q3",
  family: "quake3",
  dangerous: QUAKE3_DANGEROUS,
  indirect: QUAKE3_INDIRECT,
  label: "Quake 3 Arena 1.32",
  defaultPort: 27960,
  defaultEncoding: "latin1",
  capabilities: { pushesJoins: false, whisper: false, timedBans: false, banKinds: ["ip"] },
  commands,
  operations,
  privacy: quake3Privacy(Q3_PROFILE),
  quake3: Q3_PROFILE,
};

/** OpenArena releases before 0.8.8's ioq3 1.36 engine print the same old table (with `^` + alnum colours). */
export const OPENARENA_LEGACY: Quake3Dialect = {
  ...QUAKE3,
  id: "openarena-legacy",
  label: "OpenArena (pre-2014 engine)",
  privacy: quake3Privacy({ ...Q3_PROFILE, colourRule: "ioq3" }),
  quake3: {
    ...Q3_PROFILE,
    colourRule: "ioq3",
    pacing: { kind: "bucket", burst: 9, periodMs: 1050, includesQueries: true },
    server: { ...Q3_PROFILE.server, rateLimit: { kind: "ioq3-buckets", burst: 10, periodMs: 1000 } },
  },
};
