/**
 * The raw console's gate: whether an actor may send one console command to one server. Every path
 * that sends a raw console command (socket `console:exec`, REST `/api/v1`, automation) calls
 * `authorizeConsoleCommand` before the hub; it audits refusals and throws:
 * - FORBIDDEN, naming what refused (the permission, or the role's command rule);
 * - CONFIRMATION_REQUIRED for a command the dialect marks dangerous, sent without `confirmed`.
 */
import type { Dialect } from "../rcon/types.ts";
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
  await requirePermission(ctx, "console.execute", "console.command", request.serverId);
}
