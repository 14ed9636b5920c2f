import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { serverRoom } from "../rooms.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

const serverIdSchema = z.object({ serverId: z.string().min(1).max(64) });

/** Joining a server's room: only for servers the user may see. */
export function registerServerHandlers(_io: RealtimeServer, socket: RealtimeSocket, deps: RealtimeDeps): void {
  socket.on(
    "server:subscribe",
    guarded(socket, deps, { event: "server:subscribe", schema: serverIdSchema, permission: "server.view", serverId: (i) => i.serverId }, async ({ serverId }) => {
      const exists = await deps.db.server.count({ where: { id: serverId } });
      if (!exists) throw new AppError("NOT_FOUND", "That server does not exist.");
      await socket.join(serverRoom(serverId));
      return { serverId };
    }),
  );
  socket.on(
    "server:unsubscribe",
    guarded(socket, deps, { event: "server:unsubscribe", schema: serverIdSchema, permission: "server.view" }, async ({ serverId }) => {
      await socket.leave(serverRoom(serverId));
      return { serverId };
    }),
  );
}
