/**
 * Running a custom command (lib/commands, server/data/custom-commands.ts) on one server, shared by
 * the socket event `commands:run` and automation triggers: commands.run and the role rule
 * (`commandForRun`), argument values checked against their types (refusals audited without the
 * values), a dangerous command only when `confirmed`, the audit row first, then the hub. It never
 * passes the raw console policy: the text comes only from the Admin's template and checked values.
 */
import type { ArgumentValues } from "../../lib/commands/arguments.ts";
import { renderCustomCommand } from "../../lib/commands/render.ts";
import { AppError } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import { recordAudit } from "../data/audit.ts";
import { commandForRun } from "../data/custom-commands.ts";
import type { ExecResult } from "../hub/port.ts";
import { commandForRecord, redactLine } from "../realtime/redact.ts";
import { auditedFor } from "./audited.ts";
import type { OperationDeps } from "./deps.ts";
import type { OperationCaller } from "./players.ts";

export interface CustomCommandRunInput {
  serverId: string;
  commandId: string;
  args: ArgumentValues;
  /** The second click a dangerous command needs (automation: the editor's stored confirmation). */
  confirmed: boolean;
}

export async function runCustomCommand(
  deps: OperationDeps,
  caller: OperationCaller,
  { serverId, commandId, args, confirmed }: CustomCommandRunInput,
): Promise<ExecResult> {
  const { actor } = caller;
  const dialect = deps.hub.dialectOf(serverId);
  if (!dialect) throw new AppError("NOT_FOUND", "That server does not exist.");
  const ctx = { db: deps.db, ...caller };
  const command = await commandForRun(ctx, serverId, commandId, dialect.id);
  const rendered = renderCustomCommand(command, args, {
    gameId: dialect.id,
    players: deps.hub.players(serverId),
  });
  if (!rendered.ok) {
    // Probing shows in the log; the refused values are not stored (they may be anything).
    await recordAudit(deps.db, {
      actor,
      action: "command.custom",
      serverId,
      targetType: "custom_command",
      targetId: command.id,
      input: { command: command.name },
      outcome: "denied",
      detail: `invalid arguments: ${Object.keys(rendered.fieldErrors ?? {}).join(", ") || rendered.message}`,
      sourceIp: caller.ip,
    });
    throw new AppError("INVALID_INPUT", rendered.message, rendered.fieldErrors);
  }
  if (command.dangerous && !confirmed)
    throw new AppError(
      "CONFIRMATION_REQUIRED",
      `"${command.name}" needs a confirmation: run it again to confirm.`,
    );
  const result = await auditedFor(deps, caller.ip)(
    {
      actor,
      action: "command.custom",
      serverId,
      targetType: "custom_command",
      targetId: command.id,
      input: {
        command: command.name,
        args: rendered.recorded,
        rendered: commandForRecord(rendered.command, dialect),
        ...(confirmed && command.dangerous ? { confirmed: true } : {}),
      },
    },
    () => deps.hub.exec(serverId, actor, rendered.command),
    (r) => r.answer.text.slice(0, 500),
  );
  return can(actor, "players.identities", serverId)
    ? result
    : { command: redactLine(result.command, dialect), answer: redactLine(result.answer, dialect) };
}
