/**
 * Custom commands (lib/commands, server/data/custom-commands.ts): the list a server page offers and
 * the run. A run needs commands.run on the server and the role rule, never console.execute: the
 * rendered text is built only from the Admin's template and checked argument values, so it does
 * not pass the raw console policy. It is audited (name, checked arguments, rendered command)
 * before it is sent.
 */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import { argumentValuesSchema } from "../../../lib/commands/arguments.ts";
import { renderCustomCommand } from "../../../lib/commands/render.ts";
import { AppError } from "../../../lib/errors.ts";
import { can } from "../../../lib/permissions.ts";
import { recordAudit } from "../../data/audit.ts";
import { commandForRun, runnableCommands } from "../../data/custom-commands.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { commandForRecord, redactLine } from "../redact.ts";
import { auditedFor } from "../../operations/audited.ts";
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
  const audited = auditedFor(deps, socket.data.address);
  const ctxOf = (actor: Parameters<typeof commandForRun>[0]["actor"]) => ({
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
      async (input, actor) => {
        const dialect = hub.dialectOf(input.serverId);
        if (!dialect) throw new AppError("NOT_FOUND", "That server does not exist.");
        const ctx = ctxOf(actor);
        const command = await commandForRun(ctx, input.serverId, input.commandId, dialect.id);
        const rendered = renderCustomCommand(command, input.args, {
          gameId: dialect.id,
          players: hub.players(input.serverId),
        });
        if (!rendered.ok) {
          // Probing shows in the log; the refused values are not stored (they may be anything).
          await recordAudit(deps.db, {
            actor,
            action: "command.custom",
            serverId: input.serverId,
            targetType: "custom_command",
            targetId: command.id,
            input: { command: command.name },
            outcome: "denied",
            detail: `invalid arguments: ${Object.keys(rendered.fieldErrors ?? {}).join(", ") || rendered.message}`,
            sourceIp: socket.data.address,
          });
          throw new AppError("INVALID_INPUT", rendered.message, rendered.fieldErrors);
        }
        if (command.dangerous && input.confirmed !== true)
          throw new AppError(
            "CONFIRMATION_REQUIRED",
            `"${command.name}" needs a confirmation: run it again to confirm.`,
          );
        const result = await audited(
          {
            actor,
            action: "command.custom",
            serverId: input.serverId,
            targetType: "custom_command",
            targetId: command.id,
            input: {
              command: command.name,
              args: rendered.recorded,
              rendered: commandForRecord(rendered.command, dialect),
            },
          },
          () => hub.exec(input.serverId, actor, rendered.command),
          (r) => r.answer.text.slice(0, 500),
        );
        return can(actor, "players.identities", input.serverId)
          ? result
          : { command: redactLine(result.command, dialect), answer: redactLine(result.answer, dialect) };
      },
    ),
  );
}
