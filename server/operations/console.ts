/**
 * A raw console command, shared by the socket event and the REST API: the console gate
 * (`authorizeConsoleCommand`: permission, role rules, dangerous commands need `confirmed`), the
 * audit row first (secrets masked), the hub call, and identities hidden from who may not see them.
 */
import { can } from "../../lib/permissions.ts";
import type { ConsoleLineMessage } from "../../lib/realtime/contract.ts";
import { authorizeConsoleCommand } from "../data/command-policy.ts";
import { commandForRecord, redactLine } from "../realtime/redact.ts";
import { auditedFor } from "./audited.ts";
import type { OperationDeps } from "./deps.ts";
import type { OperationCaller } from "./players.ts";

export interface ConsoleExecInput {
  serverId: string;
  command: string;
  /** The caller confirmed a command the dialect marks dangerous. */
  confirmed: boolean;
}

export async function execConsoleCommand(
  deps: OperationDeps,
  caller: OperationCaller,
  { serverId, command, confirmed }: ConsoleExecInput,
): Promise<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }> {
  const { actor } = caller;
  const dialect = deps.hub.dialectOf(serverId);
  await authorizeConsoleCommand({ db: deps.db, ...caller }, { serverId, command, confirmed, dialect });
  const result = await auditedFor(deps, caller.ip)(
    {
      actor,
      action: "console.command",
      serverId,
      targetType: "server",
      targetId: serverId,
      input: {
        command: commandForRecord(command, dialect),
        // A dangerous command's record says it was confirmed.
        ...(confirmed ? { confirmed: true } : {}),
      },
    },
    () => deps.hub.exec(serverId, actor, command),
    (r) => r.answer.text.slice(0, 500),
  );
  return can(actor, "players.identities", serverId)
    ? result
    : { command: redactLine(result.command, dialect), answer: redactLine(result.answer, dialect) };
}
