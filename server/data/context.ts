import { AppError } from "../../lib/errors.ts";
import { can, type Actor, type Permission } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";

/** What a user whose role requires two-factor sign-in, and who has not enrolled, is told everywhere. */
export const TWO_FACTOR_REQUIRED_MESSAGE = "Your role requires two-factor sign-in. Set it up to continue.";

/** Who is acting, from where, on which database: the first argument of every data function. */
export interface DataContext {
  db: Db;
  actor: Actor;
  ip: string | null;
}

/**
 * Checks a permission inside the data layer. A refusal is written to the audit log (so probing is
 * visible) and thrown as FORBIDDEN (TWO_FACTOR_REQUIRED for an actor whose role requires a
 * second factor it has not enrolled).
 */
export async function requirePermission(
  ctx: DataContext,
  permission: Permission,
  action: string,
  serverId?: string,
): Promise<void> {
  if (can(ctx.actor, permission, serverId)) return;
  const pending = ctx.actor.twoFactorPending === true;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    serverId: serverId ?? null,
    outcome: "denied",
    detail: pending ? "two-factor sign-in required" : `missing permission ${permission}`,
    sourceIp: ctx.ip,
  });
  if (pending) throw new AppError("TWO_FACTOR_REQUIRED", TWO_FACTOR_REQUIRED_MESSAGE);
  throw new AppError("FORBIDDEN", "You do not have permission to do that.");
}
