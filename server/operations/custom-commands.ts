/**
 * Running a custom command (lib/commands, server/data/custom-commands.ts), shared by the socket
 * event and schedules: commands.run on the server and the role rule (`commandForRun`, audited
 * refusals), the arguments checked against their types (refused values are audited, not stored),
 * a dangerous command only with `confirmed`, then the audit row first and the hub. It does not pass
 * the raw console policy: the text comes only from the Admin's template and checked values.
 */
import type { ArgumentValues } from "../../lib/commands/arguments.ts";
import { renderCustomCommand } from "../../lib/commands/render.ts";
import { AppError } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import type { ConsoleLineMessage } from "../../lib/realtime/contract.ts";
import { recordAudit } from "../data/audit.ts";
import { commandForRun } from "../data/custom-commands.ts";
import { commandForRecord, redactLine } from "../realtime/redact.ts";
import { auditedFor } from "./audited.ts";
import type { OperationDeps } from "./deps.ts";
import type { OperationCaller } from "./players.ts";

export interface CustomCommandRunInput {
  serverId: string;
  commandId: string;
  args: ArgumentValues;
  /** The second click (or a schedule editor's stored confirmation) a dangerous command needs. */
  confirmed?: boolean | undefined;
}

export async function runCustomCommand(
  deps: OperationDeps,
  caller: OperationCaller,
  input: CustomCommandRunInput,
): Promise<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }> {
  const { actor } = caller;
  const dialect = deps.hub.dialectOf(input.serverId);
  if (!dialect) throw new AppError("NOT_FOUND", "That server does not exist.");
  const command = await commandForRun(
    { db: deps.db, ...caller },
    input.serverId,
    input.commandId,
    dialect.id,
  );
  const rendered = renderCustomCommand(command, input.args, {
    gameId: dialect.id,
    players: deps.hub.players(input.serverId),
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
      sourceIp: caller.ip,
    });
    throw new AppError("INVALID_INPUT", rendered.message, rendered.fieldErrors);
  }
  if (command.dangerous && input.confirmed !== true)
    throw new AppError(
      "CONFIRMATION_REQUIRED",
      `"${command.name}" needs a confirmation: run it again to confirm.`,
    );
  const result = await auditedFor(deps, caller.ip)(
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
    () => deps.hub.exec(input.serverId, actor, rendered.command),
    (r) => r.answer.text.slice(0, 500),
  );
  return can(actor, "players.identities", input.serverId)
    ? result
    : { command: redactLine(result.command, dialect), answer: redactLine(result.answer, dialect) };
}
