/** Raw console commands and player actions: permission, the dialect's escaping, audit, answer. */
import type { RateLimiterMemory } from "rate-limiter-flexible";
import { z } from "zod";
import { describeError } from "../../hub/errors.ts";
import { completeAudit, recordAudit } from "../../data/audit.ts";
import { AppError } from "../../../lib/errors.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { can } from "../../../lib/permissions.ts";
import { commandForRecord, redactLine } from "../redact.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

const noControl = (v: string) => !/[\r\n\0]/.test(v);
const execSchema = z.object({ serverId: z.string().min(1).max(64), command: z.string().trim().min(1).max(2000).refine(noControl) });
const kickSchema = z.object({ serverId: z.string().min(1).max(64), playerId: z.string().min(1).max(64), reason: z.string().trim().max(200).refine(noControl) });
const messageSchema = z.object({ serverId: z.string().min(1).max(64), playerId: z.string().min(1).max(64), message: z.string().trim().min(1).max(200).refine(noControl) });

export function registerConsoleHandlers(_io: RealtimeServer, socket: RealtimeSocket, deps: RealtimeDeps, limiter: RateLimiterMemory): void {
  const { hub } = deps;
  const sourceIp = () => socket.data.address;

  /**
   * Stores the action as "pending" first: if the audit log cannot be written, nothing reaches the
   * game server. Then runs it and completes the record with its outcome either way.
   */
  async function audited<T>(entry: { actor: { id: string; email: string }; action: string; serverId: string; targetType: string; targetId: string; input: unknown }, run: () => Promise<T>, detail: (result: T) => string): Promise<T> {
    const pending = await recordAudit(deps.db, { ...entry, outcome: "pending", sourceIp: sourceIp() }).catch((error: unknown) => {
      deps.logger.error("audit log not writable: action refused", { action: entry.action, error: String(error).slice(0, 200) });
      throw new AppError("UNAVAILABLE", "The audit log cannot be written right now, so nothing was sent to the game server.");
    });
    const complete = (outcome: "success" | "failure", text: string) =>
      completeAudit(deps.db, pending, outcome, text).catch((error: unknown) => {
        // The action ran: its row stays "pending" (outcome unknown to the log); the answer still goes out.
        deps.logger.error("audit outcome not stored", { id: pending.id, outcome, error: String(error).slice(0, 200) });
      });
    let result: T;
    try {
      result = await run();
    } catch (error) {
      await complete("failure", describeError(error));
      throw error;
    }
    await complete("success", detail(result));
    return result;
  }

  socket.on(
    "console:exec",
    guarded(socket, deps, { event: "console:exec", schema: execSchema, permission: "console.execute", serverId: (i) => i.serverId, limiter }, ({ serverId, command }, actor) =>
      audited(
        { actor, action: "console.command", serverId, targetType: "server", targetId: serverId, input: { command: commandForRecord(command, hub.dialectOf(serverId)) } },
        () => hub.exec(serverId, actor, command),
        (r) => r.answer.text.slice(0, 500),
      ).then((r) => (can(actor, "players.identities", serverId) ? r : { command: redactLine(r.command, hub.dialectOf(serverId)), answer: redactLine(r.answer, hub.dialectOf(serverId)) })),
    ),
  );

  socket.on(
    "players:kick",
    guarded(socket, deps, { event: "players:kick", schema: kickSchema, permission: "players.kick", serverId: (i) => i.serverId, limiter }, async ({ serverId, playerId, reason }, actor) => {
      const result = await audited(
        { actor, action: "player.kick", serverId, targetType: "player", targetId: playerId, input: { playerId, playerName: hub.players(serverId).find((p) => p.id === playerId)?.plainName ?? null, reason } },
        () => hub.kick(serverId, actor, playerId, reason),
        (r) => r.message,
      );
      return { message: result.message };
    }),
  );

  socket.on(
    "players:message",
    guarded(socket, deps, { event: "players:message", schema: messageSchema, permission: "players.message", serverId: (i) => i.serverId, limiter }, async ({ serverId, playerId, message }, actor) => {
      const result = await audited(
        { actor, action: "player.message", serverId, targetType: "player", targetId: playerId, input: { playerId, message } },
        () => hub.message(serverId, actor, playerId, message),
        (r) => r.message,
      );
      return { message: result.message };
    }),
  );
}
