/** Raw console commands and player actions: permission, the dialect's escaping, audit, answer. */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { can } from "../../../lib/permissions.ts";
import { authorizeConsoleCommand } from "../../data/command-policy.ts";
import { commandForRecord, redactLine } from "../redact.ts";
import { auditedFor } from "./audited.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";
import { linkSanction, ON_PROFILE, recordOf } from "./players.ts";

const noControl = (v: string) => !/[\r\n\0]/.test(v);
const execSchema = z.object({
  serverId: z.string().min(1).max(64),
  command: z.string().trim().min(1).max(2000).refine(noControl),
  /** A second confirmation for a command the dialect marks dangerous. */
  confirmed: z.boolean().optional(),
});
const kickSchema = z.object({
  serverId: z.string().min(1).max(64),
  playerId: z.string().min(1).max(64),
  reason: z.string().trim().max(200).refine(noControl),
});
const messageSchema = z.object({
  serverId: z.string().min(1).max(64),
  playerId: z.string().min(1).max(64),
  message: z.string().trim().min(1).max(200).refine(noControl),
});

export function registerConsoleHandlers(
  _io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  limiter: RateLimiterAbstract,
): void {
  const { hub } = deps;
  const audited = auditedFor(socket, deps);
  socket.on(
    "console:exec",
    guarded(
      socket,
      deps,
      {
        event: "console:exec",
        schema: execSchema,
        permission: "console.execute",
        serverId: (i) => i.serverId,
        limiter,
      },
      async ({ serverId, command, confirmed }, actor) => {
        await authorizeConsoleCommand(
          { db: deps.db, actor, ip: socket.data.address },
          { serverId, command, confirmed: confirmed === true, dialect: hub.dialectOf(serverId) },
        );
        return audited(
          {
            actor,
            action: "console.command",
            serverId,
            targetType: "server",
            targetId: serverId,
            input: {
              command: commandForRecord(command, hub.dialectOf(serverId)),
              // A dangerous command's record says it was confirmed.
              ...(confirmed === true ? { confirmed: true } : {}),
            },
          },
          () => hub.exec(serverId, actor, command),
          (r) => r.answer.text.slice(0, 500),
        ).then((r) =>
          can(actor, "players.identities", serverId)
            ? r
            : {
                command: redactLine(r.command, hub.dialectOf(serverId)),
                answer: redactLine(r.answer, hub.dialectOf(serverId)),
              },
        );
      },
    ),
  );

  socket.on(
    "players:kick",
    guarded(
      socket,
      deps,
      {
        event: "players:kick",
        schema: kickSchema,
        permission: "players.kick",
        serverId: (i) => i.serverId,
        limiter,
      },
      async ({ serverId, playerId, reason }, actor) => {
        // Resolved before the kick: the stay ends with it.
        const record = await recordOf(deps, serverId, playerId);
        const result = await audited(
          {
            actor,
            action: "player.kick",
            serverId,
            targetType: "player",
            targetId: playerId,
            input: {
              playerId,
              playerName: hub.players(serverId).find((p) => p.id === playerId)?.plainName ?? null,
              reason,
              record,
            },
          },
          async () => {
            const kicked = await hub.kick(serverId, actor, playerId, reason);
            const stored = await linkSanction(deps, {
              playerId: record,
              kind: "kick",
              serverId,
              reason,
              author: actor,
            });
            return { ...kicked, stored };
          },
          (r) => `${r.message}${ON_PROFILE[r.stored]}`,
        );
        return { message: result.message };
      },
    ),
  );

  socket.on(
    "players:message",
    guarded(
      socket,
      deps,
      {
        event: "players:message",
        schema: messageSchema,
        permission: "players.message",
        serverId: (i) => i.serverId,
        limiter,
      },
      async ({ serverId, playerId, message }, actor) => {
        const result = await audited(
          {
            actor,
            action: "player.message",
            serverId,
            targetType: "player",
            targetId: playerId,
            input: { playerId, message },
          },
          () => hub.message(serverId, actor, playerId, message),
          (r) => r.message,
        );
        return { message: result.message };
      },
    ),
  );
}
