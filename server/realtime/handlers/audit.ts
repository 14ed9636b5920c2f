import { z } from "zod";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { AUDIT_ROOM } from "../rooms.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

/** The live audit feed, for those who may read the audit log. */
export function registerAuditHandlers(_io: RealtimeServer, socket: RealtimeSocket, deps: RealtimeDeps): void {
  socket.on(
    "audit:subscribe",
    guarded(socket, deps, { event: "audit:subscribe", schema: z.object({}).strict(), permission: "audit.read" }, async () => {
      await socket.join(AUDIT_ROOM);
      return { subscribed: true as const };
    }),
  );
}
