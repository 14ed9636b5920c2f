/**
 * Every socket event goes through `guarded`: validate the payload, re-load the actor (so a
 * disabled user or lowered role is refused at the next event), check the permission and the
 * user's rate limit where the event has one, then act and ack a Result. Refusals are audited.
 */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Socket } from "socket.io";
import type { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import { can, type Actor, type Permission } from "../../../lib/permissions.ts";
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from "../../../lib/realtime/contract.ts";
import { fail, ok, toFailure, type Result } from "../../../lib/result.ts";
import { recordAudit } from "../../data/audit.ts";
import { TWO_FACTOR_REQUIRED_MESSAGE } from "../../data/context.ts";
import { actorForClaims } from "../../auth/session.ts";
import type { RealtimeDeps } from "../io.ts";

export type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export function guarded<S extends z.ZodType, T>(
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  options: {
    event: string;
    schema: S;
    permission: Permission;
    serverId?: (input: z.infer<S>) => string;
    /** Counts one point per allowed event, per user (across their sockets and tabs). */
    limiter?: RateLimiterAbstract;
  },
  handler: (input: z.infer<S>, actor: Actor) => Promise<T>,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    const reply = (result: Result<T>) => {
      if (typeof ack === "function") (ack as (r: Result<T>) => void)(result);
    };
    void (async (): Promise<Result<T>> => {
      const parsed = options.schema.safeParse(payload);
      if (!parsed.success) return fail("INVALID_INPUT", "Invalid request.");
      const actor = await actorForClaims(deps.db, {
        uid: socket.data.userId,
        sv: socket.data.sessionVersion,
        sid: socket.data.sessionId,
      });
      if (!actor) {
        setTimeout(() => socket.disconnect(true), 0);
        return fail("UNAUTHENTICATED", "Your session has ended. Sign in again.");
      }
      const input = parsed.data;
      const serverId = options.serverId?.(input);
      if (!can(actor, options.permission, serverId)) {
        const pending = actor.twoFactorPending === true;
        await recordAudit(deps.db, {
          actor,
          action: `socket.${options.event}`,
          serverId: null,
          targetType: serverId ? "server" : null,
          targetId: serverId ?? null,
          outcome: "denied",
          detail: pending ? "two-factor sign-in required" : `missing permission ${options.permission}`,
          sourceIp: socket.data.address,
        });
        if (pending) return fail("TWO_FACTOR_REQUIRED", TWO_FACTOR_REQUIRED_MESSAGE);
        return fail("FORBIDDEN", "You do not have permission to do that.");
      }
      if (options.limiter) {
        const limited = await options.limiter.consume(actor.id).then(
          () => null,
          (refusal: { msBeforeNext?: number }) =>
            Math.max(1, Math.ceil((refusal.msBeforeNext ?? 1000) / 1000)),
        );
        if (limited !== null)
          return fail("RATE_LIMITED", `Too many actions in a row: try again in ${limited} s.`);
      }
      return ok(await handler(input, actor));
    })()
      .catch((error: unknown) => {
        if (!(error instanceof AppError))
          deps.logger.error("socket handler failed", { event: options.event, error: String(error) });
        return toFailure(error);
      })
      .then(reply);
  };
}
