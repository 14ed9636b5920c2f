/**
 * Commands BattlEye RCon (Arma 2, Arma 3, DayZ) marks dangerous: the raw console asks a second
 * confirmation, the API wants `confirm: true`. `#` commands are the game's own server commands
 * passed through; the rest are BattlEye's.
 */
import type { DangerousCommand } from "../../../../../lib/commands/policy.ts";

export const BATTLEYE_DANGEROUS: readonly DangerousCommand[] = [
  { command: "#shutdown", reason: "stops the game server process" },
  { command: "#restart", reason: "restarts the mission for everyone" },
  { command: "#restartserver", reason: "restarts the game server process" },
  { command: "#init", reason: "reloads server.cfg and restarts the mission" },
  { command: "#exec", reason: "runs a server command (ban, kick, a config) as the game's admin" },
  { command: "#lock", reason: "locks the server: nobody can join" },
  { command: "#missions", reason: "sends everyone back to mission selection" },
  {
    command: "RConPassword",
    args: "?*",
    reason: "changes the RCon password: RconDeck and every other admin tool lose access",
  },
  {
    command: "loadBans",
    reason: "replaces the bans in memory with bans.txt (bans not yet written are lost)",
  },
  { command: "writeBans", reason: "overwrites bans.txt with the bans in memory" },
  { command: "loadScripts", reason: "reloads scripts.txt: the script filters change at once" },
  { command: "loadEvents", reason: "reloads the event filters: the filters change at once" },
];
