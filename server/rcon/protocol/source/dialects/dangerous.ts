/**
 * Commands the Source-protocol games mark dangerous: the raw console asks a second confirmation,
 * the API wants `confirm: true` (lib/commands/policy.ts matches them, any `;` part, any reading).
 * Data only: shutting down or restarting the process, changing the RCON or join password, running
 * config files or code, granting operator rights, and emptying or disabling protective lists.
 */
import type { CommandPattern, DangerousCommand } from "../../../../../lib/commands/policy.ts";

const STOPS = "stops the game server process";
const RCON_PASSWORD = "changes the RCON password: RconDeck and every other admin tool lose access";
const JOIN_PASSWORD = "changes the join password: players can no longer join with the old one";

/** SRCDS games (CS2, CS:GO, TF2, Garry's Mod, L4D2). */
export const SRCDS_DANGEROUS: readonly DangerousCommand[] = [
  { command: "quit", reason: STOPS },
  { command: "exit", reason: STOPS },
  { command: "killserver", reason: "shuts the game down (the process stays, empty)" },
  { command: "_restart", reason: "restarts the game server process" },
  { command: "restart", reason: "restarts the game server" },
  { command: "rcon_password", args: "?*", reason: RCON_PASSWORD },
  { command: "sv_password", args: "?*", reason: JOIN_PASSWORD },
  {
    command: "sv_setsteamaccount",
    reason: "replaces the server's login token (the server may drop off the server list)",
  },
  { command: "exec", reason: "runs every command in a config file, unchecked by command policies" },
  { command: "writeid", reason: "overwrites banned_user.cfg with the bans in memory" },
  { command: "writeip", reason: "overwrites banned_ip.cfg with the bans in memory" },
  { command: "plugin_unload", reason: "unloads a server plugin (admin and anti-cheat tools)" },
];

/** Source commands that run other commands: `alias x "quit"; x` would walk around a deny rule. */
export const SRCDS_INDIRECT: readonly CommandPattern[] = [{ command: "alias" }, { command: "exec" }];

/** Minecraft (vanilla, Paper/Spigot): `minecraft:stop` is read as `stop` too. */
export const MINECRAFT_DANGEROUS: readonly DangerousCommand[] = [
  { command: "stop", reason: STOPS },
  { command: "restart", reason: "restarts the server (Spigot and Paper)" },
  { command: "reload", reason: "reloads every plugin (Bukkit); plugins often break" },
  { command: "op", reason: "gives a player operator rights (every command in game)" },
  { command: "save-off", reason: "stops saving the world: a crash loses everything since" },
  { command: "whitelist", args: "off", reason: "lets anyone join" },
];

/** Minecraft functions run a list of commands unchecked. */
export const MINECRAFT_INDIRECT: readonly CommandPattern[] = [
  { command: "function" },
  { command: "execute" },
];

export const RUST_DANGEROUS: readonly DangerousCommand[] = [
  { command: "quit", reason: STOPS },
  { command: "global.quit", reason: STOPS },
  { command: "restart", reason: "restarts the server after a countdown" },
  { command: "global.restart", reason: "restarts the server after a countdown" },
  { command: "rcon.password", args: "?*", reason: RCON_PASSWORD },
  { command: "ownerid", reason: "makes a player a server owner (every command in game)" },
  { command: "moderatorid", reason: "makes a player a server moderator" },
];

export const ARK_DANGEROUS: readonly DangerousCommand[] = [
  { command: "DoExit", reason: STOPS },
  { command: "DestroyWildDinos", reason: "kills every wild creature on the map" },
  { command: "DestroyAll", reason: "destroys every actor of a class on the map" },
  { command: "EnableCheats", reason: "makes the sender an admin in game with the given password" },
];

export const SQUAD_DANGEROUS: readonly DangerousCommand[] = [
  { command: "AdminEndMatch", reason: "ends the running match for everyone" },
  { command: "AdminRestartMatch", reason: "restarts the running match for everyone" },
  { command: "AdminSetServerPassword", reason: JOIN_PASSWORD },
  { command: "AdminKillServer", reason: STOPS },
];

export const FACTORIO_DANGEROUS: readonly DangerousCommand[] = [
  { command: "quit", reason: STOPS },
  { command: "config", args: "set password*", reason: JOIN_PASSWORD },
  { command: "promote", reason: "makes a player a server admin" },
  { command: "c", reason: "runs Lua code on the server (and disables achievements)" },
  { command: "command", reason: "runs Lua code on the server (and disables achievements)" },
  { command: "silent-command", reason: "runs Lua code on the server, unseen by players" },
];

/** Factorio's Lua commands can do anything a command can. */
export const FACTORIO_INDIRECT: readonly CommandPattern[] = [
  { command: "c" },
  { command: "command" },
  { command: "silent-command" },
];

export const PALWORLD_DANGEROUS: readonly DangerousCommand[] = [
  { command: "Shutdown", reason: "stops the game server after a countdown" },
  { command: "DoExit", reason: "stops the game server process at once" },
];
