/** Raw console commands and player actions over the socket: validation, then the shared operations (server/operations). */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import { consoleCommandSchema, kickReasonSchema, playerMessageSchema } from "../../../lib/schemas/console.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { execConsoleCommand } from "../../operations/console.ts";
import { kickPlayer, messagePlayer } from "../../operations/players.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

const execSchema = z.object({
  serverId: z.string().min(1).max(64),
  command: consoleCommandSchema,
  /** A second confirmation for a command the dialect marks dangerous. */
  confirmed: z.boolean().optional(),
});
const kickSchema = z.object({
  serverId: z.string().min(1).max(64),
  playerId: z.string().min(1).max(64),
  reason: kickReasonSchema,
});
const messageSchema = z.object({
  serverId: z.string().min(1).max(64),
  playerId: z.string().min(1).max(64),
  message: playerMessageSchema,
});

export function registerConsoleHandlers(
  _io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  limiter: RateLimiterAbstract,
): void {
  const caller = (actor: Parameters<typeof execConsoleCommand>[1]["actor"]) => ({
    actor,
    ip: socket.data.address,
  });
  socket.on(
    "console:exec",
    guarded(
      socket,
      deps,
      {
        event: "console:exec",
        schema: execSchema,
        permission: "console.execute",
        serverId: (i) => i.serverId,
        limiter,
      },
      ({ serverId, command, confirmed }, actor) =>
        execConsoleCommand(deps, caller(actor), { serverId, command, confirmed: confirmed === true }),
    ),
  );

  socket.on(
    "players:kick",
    guarded(
      socket,
      deps,
      {
        event: "players:kick",
        schema: kickSchema,
        permission: "players.kick",
        serverId: (i) => i.serverId,
        limiter,
      },
      (input, actor) => kickPlayer(deps, caller(actor), input),
    ),
  );

  socket.on(
    "players:message",
    guarded(
      socket,
      deps,
      {
        event: "players:message",
        schema: messageSchema,
        permission: "players.message",
        serverId: (i) => i.serverId,
        limiter,
      },
      (input, actor) => messagePlayer(deps, caller(actor), input),
    ),
  );
}
