/**
 * Call of Duty 4 1.7 and CoD4x (legacy status layout): a GUID column, `^` + digit colours,
 * `clientkick`, `banclient`, `tell`. Stock CoD4 drops rcons < 500 ms apart (global) and answers
 * `Invalid password.`; CoD4x answers `Bad rcon` and refuses passwords under 8 characters.
 * Layouts and texts come from CoD4x sources and the CoD4 disassembly (docs/protocols.md §3.4, §3.8);
 * not verified against a live server.
 */
import { RconCommandError } from "../../../types.ts";
import { IOQ3_FRAMING } from "../packet.ts";
import { COD4_LEGACY_STATUS } from "../status-table.ts";
import {
  buildOperations,
  quake3Privacy,
  checkGuid,
  checkSlot,
  type BanSystem,
  type Quake3Dialect,
  type Quake3Profile,
} from "./common.ts";
import { QUAKE3_DANGEROUS, QUAKE3_INDIRECT } from "./dangerous.ts";

export const COD4_PROFILE: Quake3Profile = {
  colourRule: "cod",
  statusFormat: COD4_LEGACY_STATUS,
  pacing: { kind: "interval", minIntervalMs: 600, includesQueries: false },
  // IW4M-Admin waits 150 ms for CoD4x's later datagrams.
  quietMs: 150,
  framing: IOQ3_FRAMING,
  probeCommand: "status",
  readOnlyCommands: ["status", "serverinfo", "systeminfo", "cvarlist", "cmdlist", "dumpuser"],
  server: {
    framing: IOQ3_FRAMING,
    outputBufferLength: 1024,
    badPasswordText: "Invalid password.\n",
    noPasswordText: "The server must set 'rcon_password' for clients to use 'rcon'.\n",
    rateLimit: { kind: "global-interval", intervalMs: 500 },
    minPasswordLength: 0,
  },
  semicolonSplits: true,
  maxMessageLength: 150,
  emulatorMap: "mp_crash",
};

const mutating = { idempotent: false } as const;

const stockBans: BanSystem = {
  async ban(run, request) {
    const { target } = request;
    if (target.kind !== "player")
      throw new RconCommandError("UNSUPPORTED", "CoD4 bans connected players only (banclient)");
    const slot = checkSlot(target.playerId);
    return run(request.minutes === null ? `banclient ${slot}` : `tempbanclient ${slot}`, mutating);
  },
  unban: () =>
    Promise.reject(
      new RconCommandError(
        "UNSUPPORTED",
        "stock CoD4 lifts bans by player name only (unbanUser); edit ban.txt",
      ),
    ),
  // Stock CoD4 keeps bans in ban.txt with no rcon command to list them.
  listBans: () => Promise.resolve([]),
};

const COD4X_MAX_TEMPBAN_MINUTES = 30 * 24 * 60;

const cod4xBans: BanSystem = {
  async ban(run, request) {
    const { target } = request;
    const who =
      target.kind === "player"
        ? checkSlot(target.playerId)
        : target.kind === "guid"
          ? checkGuid(target.value)
          : null;
    if (who === null)
      throw new RconCommandError("UNSUPPORTED", `CoD4x bans by slot or GUID, not by ${target.kind}`);
    // CoD4x refuses reasons with " ; % / \ (src/sv_ccmds.c) and caps temp bans at 30 days.
    const reason = request.reason
      .replace(/[^\x20-\x7e]|["%;/\\]/g, " ")
      .trim()
      .slice(0, 100);
    if (request.minutes !== null && request.minutes > COD4X_MAX_TEMPBAN_MINUTES)
      throw new RconCommandError("INVALID_ARGUMENT", "CoD4x temp bans last 30 days at most");
    return run(
      request.minutes === null
        ? `permban ${who} ${reason}`.trim()
        : `tempban ${who} ${request.minutes}m ${reason}`.trim(),
      mutating,
    );
  },
  async unban(run, ban) {
    if (ban.kind !== "guid") throw new RconCommandError("UNSUPPORTED", "CoD4x lifts bans by GUID");
    return run(`unban ${checkGuid(ban.value)}`, mutating);
  },
  listBans: () => Promise.resolve([]),
};

const COMMANDS = [
  { name: "status", description: "List players (slot, score, ping, GUID, name, address)" },
  { name: "serverinfo", description: "Show the server info cvars" },
  { name: "clientkick", usage: "<slot> [reason]", description: "Kick the player in a slot" },
  { name: "banclient", usage: "<slot>", description: "Ban the player in a slot" },
  { name: "tempbanclient", usage: "<slot>", description: "Ban for sv_kickBanTime" },
  { name: "banUser", usage: "<name>", description: "Ban by name" },
  { name: "unbanUser", usage: "<name>", description: "Lift a ban by name" },
  { name: "say", usage: "<text>", description: "Message everyone" },
  { name: "tell", usage: "<slot> <text>", description: "Message one player" },
  { name: "map_rotate", description: "Next map in the rotation" },
  { name: "map_restart", description: "Restart the map" },
  { name: "fast_restart", description: "Restart the round" },
];

const capabilities = {
  pushesJoins: false,
  whisper: true,
  timedBans: true,
  banKinds: [],
  listsAccounts: true,
} as const;

export const COD4: Quake3Dialect = {
  id: "cod4",
  family: "quake3",
  dangerous: QUAKE3_DANGEROUS,
  indirect: QUAKE3_INDIRECT,
  label: "Call of Duty 4 (1.7)",
  defaultPort: 28960,
  defaultEncoding: "windows-1252",
  capabilities,
  commands: COMMANDS,
  operations: buildOperations(COD4_PROFILE, {
    kick: (slot) => `clientkick ${slot}`,
    say: (message) => `say ${message}`,
    tell: (slot, message) => `tell ${slot} ${message}`,
    bans: stockBans,
  }),
  privacy: quake3Privacy(COD4_PROFILE),
  quake3: COD4_PROFILE,
};

export const COD4X_PROFILE: Quake3Profile = {
  ...COD4_PROFILE,
  // No per-address rcon limit on CoD4x; a small gap keeps bursts polite.
  pacing: { kind: "interval", minIntervalMs: 100, includesQueries: false },
  server: {
    ...COD4_PROFILE.server,
    badPasswordText: "Bad rcon",
    noPasswordText: "No rconpassword set on server or password is shorter than 8 characters.\n",
    rateLimit: { kind: "none" },
    minPasswordLength: 8,
  },
};

export const COD4X: Quake3Dialect = {
  ...COD4,
  id: "cod4x",
  label: "Call of Duty 4 (CoD4x)",
  capabilities: { ...capabilities, banKinds: ["guid"] },
  commands: [
    ...COMMANDS,
    { name: "permban", usage: "<slot|guid> <reason>", description: "Ban permanently" },
    { name: "tempban", usage: "<slot|guid> <duration> <reason>", description: "Ban for a time (e.g. 30m)" },
    { name: "unban", usage: "<guid>", description: "Lift a ban" },
  ],
  operations: buildOperations(COD4X_PROFILE, {
    kick: (slot, reason) => (reason === "" ? `clientkick ${slot}` : `clientkick ${slot} ${reason}`),
    say: (message) => `say ${message}`,
    tell: (slot, message) => `tell ${slot} ${message}`,
    bans: cod4xBans,
  }),
  quake3: COD4X_PROFILE,
};
