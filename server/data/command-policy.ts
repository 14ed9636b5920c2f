/**
 * The raw console's gate: whether an actor may send one console command to one server. Every path
 * that sends a raw console command (socket `console:exec`, REST `/api/v1`, automation) calls
 * `authorizeConsoleCommand` before the hub; it audits refusals and throws:
 * - FORBIDDEN, naming what refused (the permission, or the role's command rule);
 * - CONFIRMATION_REQUIRED for a command the dialect marks dangerous, sent without `confirmed`.
 * The decision itself is lib/commands/policy.ts, with the role that applies on that server.
 */
import { dangerMessage, evaluateCommand, refusalMessage } from "../../lib/commands/policy.ts";
import { maskSecretCommand, NO_SECRETS } from "../../lib/console/secrets.ts";
import { AppError } from "../../lib/errors.ts";
import { roleOn } from "../../lib/permissions.ts";
import type { Dialect } from "../rcon/types.ts";
import { recordAudit } from "./audit.ts";
import { policyRoleOf } from "./command-rules.ts";
import { requirePermission, type DataContext } from "./context.ts";

export interface ConsoleCommandRequest {
  serverId: string;
  command: string;
  /** The user confirmed a dangerous command (a second click in the UI, `confirm: true` over the API). */
  confirmed: boolean;
  /** The server's dialect (null while the hub does not know the server). */
  dialect: Dialect | null;
}

export async function authorizeConsoleCommand(
  ctx: DataContext,
  request: ConsoleCommandRequest,
): Promise<void> {
  const { serverId, command, dialect } = request;
  await requirePermission(ctx, "console.execute", "console.command", serverId);
  const role = await policyRoleOf(ctx.db, roleOn(ctx.actor, serverId));
  const decision = evaluateCommand(role, dialect, command);
  // Without the game a restricted role's default (the Quake 3 allowlist) cannot be known: fail closed.
  const refusal =
    dialect === null && !role.unrestricted
      ? `Refused: the game of this server is not known yet, so the console policy of role "${role.name}" cannot be applied. Try again in a moment.`
      : refusalMessage(decision);
  if (refusal !== null) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "console.command",
      serverId,
      targetType: "server",
      targetId: serverId,
      // Masked like every stored command: a refused `rcon_password x` must not store x.
      input: { command: maskSecretCommand(command, dialect?.privacy.secrets ?? NO_SECRETS).text },
      outcome: "denied",
      detail: refusal,
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", refusal);
  }
  const danger = dangerMessage(decision);
  // Not audited: it is the first half of a normal two-click send; the confirmed send is audited.
  if (danger !== null && !request.confirmed) throw new AppError("CONFIRMATION_REQUIRED", danger);
}
