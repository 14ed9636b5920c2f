/**
 * Hub events -> socket.io rooms. The only place live-server events are emitted: console lines and
 * statuses to a server's subscribers (statuses also to overview watchers), player lists with
 * identities to one room and without to another, so a Viewer's socket never receives them.
 *
 * socket.io encodes a broadcast before it looks at the room, so events for rooms nobody is in are
 * skipped here (the in-memory adapter knows every member; a cluster adapter would need another test).
 */
import { withoutIdentities, type ConnectionHub } from "../hub/hub.ts";
import type { RealtimeServer } from "./io.ts";
import { playersRoom, serverRoom, WATCH_ALL_ROOM, watchRoom } from "./rooms.ts";

export function bridgeHubToRooms(io: RealtimeServer, hub: ConnectionHub): () => void {
  const occupied = (room: string) => (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
  return hub.on((event) => {
    switch (event.type) {
      case "line":
        if (occupied(serverRoom(event.line.serverId))) io.to(serverRoom(event.line.serverId)).emit("console:line", event.line);
        break;
      case "status":
        io.to([serverRoom(event.status.serverId), WATCH_ALL_ROOM, watchRoom(event.status.serverId)]).emit("server:status", event.status);
        break;
      case "players":
        if (occupied(playersRoom(event.serverId, true))) io.to(playersRoom(event.serverId, true)).emit("players:update", { serverId: event.serverId, players: event.players });
        if (occupied(playersRoom(event.serverId, false))) io.to(playersRoom(event.serverId, false)).emit("players:update", { serverId: event.serverId, players: withoutIdentities(event.players) });
        break;
      case "removed":
        io.to([serverRoom(event.serverId), WATCH_ALL_ROOM, watchRoom(event.serverId)]).emit("server:status", {
          serverId: event.serverId,
          state: "closed",
          reason: "The server was removed.",
          since: new Date().toISOString(),
          latencyMs: null,
          nextRetryAt: null,
          playerCount: null,
          lastEventAt: null,
        });
        io.in([serverRoom(event.serverId), playersRoom(event.serverId, true), playersRoom(event.serverId, false), watchRoom(event.serverId)]).socketsLeave([
          serverRoom(event.serverId),
          playersRoom(event.serverId, true),
          playersRoom(event.serverId, false),
          watchRoom(event.serverId),
        ]);
        break;
    }
  });
}
