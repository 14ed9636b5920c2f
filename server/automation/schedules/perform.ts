/**
 * One step of a schedule on one server, as its owner: the owner's actor is loaded now (runAs), must
 * still hold automation.manage there, and the step goes through the same operations a user's
 * action does (permissions, command policies, dangerous-command confirmation, the audit row written
 * before sending). The outcome is what the run row records.
 */
import { AppError, NotSentError } from "../../../lib/errors.ts";
import { can } from "../../../lib/permissions.ts";
import { recordAudit } from "../../data/audit.ts";
import type { HubPort } from "../../hub/port.ts";
import { broadcastMessage } from "../../operations/broadcast.ts";
import { execConsoleCommand } from "../../operations/console.ts";
import { runCustomCommand } from "../../operations/custom-commands.ts";
import type { OperationDeps } from "../../operations/deps.ts";
import { runAs } from "../run-as.ts";

export type PerformDeps = OperationDeps & { hub: OperationDeps["hub"] & Pick<HubPort, "broadcast"> };

export type Step =
  | { kind: "broadcast"; message: string }
  | { kind: "command"; command: string; confirmed: boolean }
  | { kind: "custom"; commandId: string; args: Record<string, string>; confirmed: boolean };

export interface StepOutcome {
  state: "done" | "failed" | "refused";
  detail: string;
  /** Failed before anything reached the game server (NotSentError): the run may be handed over. */
  notSent?: true;
}

const REFUSALS = new Set(["FORBIDDEN", "CONFIRMATION_REQUIRED", "TWO_FACTOR_REQUIRED"]);

export async function performStep(
  deps: PerformDeps,
  schedule: { id: string; name: string; ownerId: string | null },
  serverId: string,
  step: Step,
): Promise<StepOutcome> {
  const as = await runAs(deps.db, schedule);
  if (!as.ok) return { state: "refused", detail: `Refused: ${as.reason}.` };
  const { caller } = as;
  if (!can(caller.actor, "automation.manage", serverId)) {
    await recordAudit(deps.db, {
      actor: caller.actor,
      action: "automation.schedule.run",
      serverId,
      targetType: "automation_schedule",
      targetId: schedule.id,
      outcome: "denied",
      detail: "the owner no longer holds automation.manage on this server",
    });
    return { state: "refused", detail: "Refused: its owner may no longer manage automation on this server." };
  }
  try {
    if (step.kind === "broadcast") {
      const result = await broadcastMessage(deps, caller, { serverId, message: step.message });
      return { state: "done", detail: result.message };
    }
    if (step.kind === "custom") {
      const result = await runCustomCommand(deps, caller, { serverId, ...step });
      return { state: "done", detail: `Ran: ${result.answer.text.slice(0, 300)}` };
    }
    const result = await execConsoleCommand(deps, caller, {
      serverId,
      command: step.command,
      confirmed: step.confirmed,
    });
    return { state: "done", detail: `Ran: ${result.answer.text.slice(0, 300)}` };
  } catch (error) {
    if (error instanceof NotSentError)
      return { state: "failed", detail: error.message.slice(0, 500), notSent: true };
    if (error instanceof AppError)
      return { state: REFUSALS.has(error.code) ? "refused" : "failed", detail: error.message.slice(0, 500) };
    deps.logger.error("schedule step failed", {
      schedule: schedule.id,
      serverId,
      error: String(error).slice(0, 200),
    });
    return { state: "failed", detail: "The step failed (see the server log)." };
  }
}
