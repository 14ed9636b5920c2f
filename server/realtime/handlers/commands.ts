/**
 * Custom commands (lib/commands, server/data/custom-commands.ts): the list a server page offers and
 * the run (`runCustomCommand` in server/operations/custom-commands.ts, shared with schedules). A
 * run needs commands.run on the server and the role rule, never console.execute: the rendered text
 * is built only from the Admin's template and checked argument values, so it does not pass the raw
 * console policy. It is audited (name, checked arguments, rendered command) before it is sent.
 */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import { argumentValuesSchema } from "../../../lib/commands/arguments.ts";
import { runnableCommands } from "../../data/custom-commands.ts";
import type { Actor } from "../../../lib/permissions.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { runCustomCommand } from "../../operations/custom-commands.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

const serverId = z.string().min(1).max(64);
const runSchema = z.object({
  serverId,
  commandId: z.string().min(1).max(64),
  args: argumentValuesSchema.default({}),
  /** The second click a dangerous command needs. */
  confirmed: z.boolean().optional(),
});

export function registerCommandHandlers(
  _io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  limiter: RateLimiterAbstract,
): void {
  const { hub } = deps;
  const ctxOf = (actor: Actor) => ({
    db: deps.db,
    actor,
    ip: socket.data.address,
  });

  socket.on(
    "commands:list",
    guarded(
      socket,
      deps,
      {
        event: "commands:list",
        schema: z.object({ serverId }),
        permission: "commands.run",
        serverId: (i) => i.serverId,
      },
      async (input, actor) => {
        const dialect = hub.dialectOf(input.serverId);
        return { commands: dialect ? await runnableCommands(ctxOf(actor), input.serverId, dialect.id) : [] };
      },
    ),
  );

  socket.on(
    "commands:run",
    guarded(
      socket,
      deps,
      {
        event: "commands:run",
        schema: runSchema,
        permission: "commands.run",
        serverId: (i) => i.serverId,
        limiter,
      },
      (input, actor) => runCustomCommand(deps, { actor, ip: socket.data.address }, input),
    ),
  );
}
