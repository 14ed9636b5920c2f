import { z } from "zod";
import { auditScope, auditScopeIncludes } from "../../../lib/permissions.ts";
import type { AuditEventMessage } from "../../../lib/realtime/contract.ts";
import type { AuditEventDto } from "../../data/audit.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { AUDIT_ROOM, AUDIT_SCOPED_ROOM } from "../rooms.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

/** The live audit feed, for those who may read the audit log. */
export function registerAuditHandlers(_io: RealtimeServer, socket: RealtimeSocket, deps: RealtimeDeps): void {
  socket.on(
    "audit:subscribe",
    guarded(
      socket,
      deps,
      { event: "audit:subscribe", schema: z.object({}).strict(), permission: "audit.read" },
      async (_input, actor) => {
        // A server-limited reader gets only its servers' events and its own (lib/permissions.ts auditScope).
        // A change of its grants ends its sockets; a deleted server's id cannot appear in new events.
        const scope = auditScope(actor);
        if (scope === null) {
          delete socket.data.auditScope;
          await socket.leave(AUDIT_SCOPED_ROOM);
          await socket.join(AUDIT_ROOM);
        } else {
          socket.data.auditScope = { actorId: scope.actorId, serverIds: [...scope.serverIds] };
          await socket.leave(AUDIT_ROOM);
          await socket.join(AUDIT_SCOPED_ROOM);
        }
        return { subscribed: true as const };
      },
    ),
  );
}

/** Sends a new audit event to the whole-log readers, and to each limited reader whose scope holds it. */
export function broadcastAuditEvent(io: RealtimeServer, event: AuditEventDto): void {
  const message: AuditEventMessage = {
    id: event.id,
    actorEmail: event.actorEmail,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    serverId: event.serverId,
    outcome: event.outcome,
    detail: event.detail,
    createdAt: event.createdAt,
    repeats: event.repeats,
    lastAt: event.lastAt,
  };
  io.to(AUDIT_ROOM).emit("audit:event", message);
  for (const id of io.sockets.adapter.rooms.get(AUDIT_SCOPED_ROOM) ?? []) {
    const socket = io.sockets.sockets.get(id);
    const scope = socket?.data.auditScope;
    if (!socket || !scope) continue;
    if (auditScopeIncludes(scope, event)) socket.emit("audit:event", message);
  }
}
