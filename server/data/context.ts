import { AppError } from "../../lib/errors.ts";
import { can, type Actor, type Permission } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";

/** Who is acting, from where, on which database: the first argument of every data function. */
export interface DataContext {
  db: Db;
  actor: Actor;
  ip: string | null;
}

/**
 * Checks a permission inside the data layer. A refusal is written to the audit log (so probing is
 * visible) and thrown as FORBIDDEN.
 */
export async function requirePermission(
  ctx: DataContext,
  permission: Permission,
  action: string,
  serverId?: string,
): Promise<void> {
  if (can(ctx.actor, permission, serverId)) return;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    serverId: serverId ?? null,
    outcome: "denied",
    detail: `missing permission ${permission}`,
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", "You do not have permission to do that.");
}
