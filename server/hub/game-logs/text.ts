/** The console line a log event becomes (the raw line is not shown: it is long and can carry secrets). */
import type { GameEvent } from "../../rcon/types.ts";

export function logEventText(event: GameEvent): string {
  switch (event.kind) {
    case "player.connected":
      return `${event.name} joined`;
    case "player.disconnected":
      return `${event.name} left`;
    case "chat":
      return `${event.channel === "team" ? "(team) " : ""}${event.from}: ${event.text}`;
    case "kill":
      return `${event.killer} killed ${event.victim} with ${event.weapon}`;
    case "admin.command":
      return `RCON command from ${event.source}: ${event.command}`;
    case "admin.message":
      return `Console: ${event.text}`;
    case "admin.login":
      return `RCON admin #${event.adminId} logged in from ${event.address}`;
    case "player.kicked":
      return `${event.name} was kicked (${event.reason})`;
    case "player.banned":
      return `${event.name} was banned (${event.reason})`;
    case "player.guid":
      return `${event.name}: GUID ${event.guid}`;
  }
}
