/**
 * Commands the Quake 3 family (ioq3, OpenArena, ET: Legacy, CoD4, Urban Terror) marks dangerous.
 * A cvar is set by `set`/`seta`/`sets`/`setu` or by typing its name and a value, so password
 * changes are listed both ways.
 */
import type { CommandPattern, DangerousCommand } from "../../../../../lib/commands/policy.ts";

const RCON_PASSWORD = "changes the RCON password: RconDeck and every other admin tool lose access";
const JOIN_PASSWORD = "changes the join password: players can no longer join with the old one";
const SETTERS = ["set", "seta", "sets", "setu"];

function setting(cvar: string, reason: string): DangerousCommand[] {
  return [
    { command: cvar, args: "?*", reason },
    ...SETTERS.map((command) => ({ command, args: `${cvar} *`, reason })),
  ];
}

export const QUAKE3_DANGEROUS: readonly DangerousCommand[] = [
  { command: "quit", reason: "stops the game server process" },
  { command: "killserver", reason: "shuts the game down (the process stays, empty)" },
  { command: "exec", reason: "runs every command in a config file, unchecked by command policies" },
  { command: "flushbans", reason: "removes every address ban" },
  { command: "kickall", reason: "kicks every player" },
  ...setting("rconpassword", RCON_PASSWORD),
  ...setting("rcon_password", RCON_PASSWORD),
  ...setting("g_password", JOIN_PASSWORD),
  ...setting("sv_privatepassword", "changes the password of the private slots"),
  ...setting("g_banips", "replaces the game's list of banned addresses"),
];

/** Commands that run other commands (`set x "quit"; vstr x`). */
export const QUAKE3_INDIRECT: readonly CommandPattern[] = [{ command: "vstr" }, { command: "exec" }];
