/**
 * Actions that reach a game server are stored "pending" first: if the audit log cannot be written,
 * nothing is sent. Then the action runs and the record is completed with its outcome either way:
 * "unknown" when it went to another instance that did not answer in time (it may have run there).
 * Shared by both transports (socket events and the REST API): the row carries the caller's address
 * and, for an actor that came with an API token, the token's name (`recordAudit` reads `actor.token`).
 */
import { AppError } from "../../lib/errors.ts";
import type { Actor } from "../../lib/permissions.ts";
import { completeAudit, recordAudit } from "../data/audit.ts";
import { describeError } from "../hub/errors.ts";
import { isOutcomeUnknown } from "../cluster/rpc.ts";
import type { OperationDeps } from "./deps.ts";

export interface AuditedEntry {
  actor: Pick<Actor, "id" | "email"> & Partial<Pick<Actor, "token" | "automation">>;
  action: string;
  serverId: string;
  targetType: string;
  targetId: string;
  input: unknown;
}

export type Audited = <T>(
  entry: AuditedEntry,
  run: () => Promise<T>,
  detail: (result: T) => string,
) => Promise<T>;

/** `sourceIp`: the caller's address (socket handshake, or the HTTP request's). */
export function auditedFor(deps: Pick<OperationDeps, "db" | "logger">, sourceIp: string | null): Audited {
  return async (entry, run, detail) => {
    const pending = await recordAudit(deps.db, {
      ...entry,
      outcome: "pending",
      sourceIp,
    }).catch((error: unknown) => {
      deps.logger.error("audit log not writable: action refused", {
        action: entry.action,
        error: String(error).slice(0, 200),
      });
      throw new AppError(
        "UNAVAILABLE",
        "The audit log cannot be written right now, so nothing was sent to the game server.",
      );
    });
    const complete = (outcome: "success" | "failure" | "unknown", text: string) =>
      completeAudit(deps.db, pending, outcome, text).catch((error: unknown) => {
        // The action ran: its row stays "pending" (outcome unknown to the log); the answer still goes out.
        deps.logger.error("audit outcome not stored", {
          id: pending.id,
          outcome,
          error: String(error).slice(0, 200),
        });
      });
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run();
    } catch (error) {
      if (isOutcomeUnknown(error)) await complete("unknown", error.auditDetail);
      else await complete("failure", describeError(error));
      throw error;
    }
    await complete("success", detail(result));
    return result;
  };
}
