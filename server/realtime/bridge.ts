/**
 * Hub events -> socket.io rooms. The only place live-server events are emitted: statuses to a
 * server's subscribers and overview watchers; watch notices to the server's console readers;
 * console lines, player lists (as deltas after the first: player-streams.ts) and their pings and
 * scores each to two rooms, with identities and without (redact.ts: the dialect's reading of the
 * text, then the regex safety net; player ids that are identities become handles), so a Viewer's
 * socket never receives a GUID, SteamID, UUID or IP.
 *
 * socket.io encodes a broadcast before it looks at the room, so events for rooms nobody is in are
 * skipped here. That shortcut sees only this process's sockets: with several instances (the Redis
 * adapter) every event goes out, since browsers on other instances may be in the room.
 */
import type { HubPort } from "../hub/port.ts";
import type { RealtimeServer } from "./io.ts";
import type { PlayerListStreams } from "./player-streams.ts";
import { playerRefFor, redactLine, withoutIdentities } from "./redact.ts";
import { consoleRoom, playersRoom, serverRoom, WATCH_ALL_ROOM, watchRoom } from "./rooms.ts";

export function bridgeHubToRooms(
  io: RealtimeServer,
  hub: Pick<HubPort, "on" | "dialectOf">,
  options: { cluster?: boolean; streams?: PlayerListStreams } = {},
): () => void {
  const { streams } = options;
  const occupied =
    options.cluster === true
      ? () => true
      : (room: string) => (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
  return hub.on((event) => {
    switch (event.type) {
      case "line":
        if (occupied(consoleRoom(event.line.serverId, true)))
          io.to(consoleRoom(event.line.serverId, true)).emit("console:line", event.line);
        if (occupied(consoleRoom(event.line.serverId, false)))
          io.to(consoleRoom(event.line.serverId, false)).emit(
            "console:line",
            redactLine(event.line, hub.dialectOf(event.line.serverId)),
          );
        break;
      case "status":
        io.to([serverRoom(event.status.serverId), WATCH_ALL_ROOM, watchRoom(event.status.serverId)]).emit(
          "server:status",
          event.status,
        );
        break;
      case "players": {
        const identityRoom = playersRoom(event.serverId, true);
        const publicRoom = playersRoom(event.serverId, false);
        const toIdentities = occupied(identityRoom);
        const toPublic = occupied(publicRoom);
        // In a cluster `occupied` is always true: the owner keeps every list it holds, since browsers
        // on other instances may watch (their snapshots read the revision from its mirror entry).
        const step = streams ? streams.next(event.serverId, event.players, toIdentities || toPublic) : null;
        const dialect = hub.dialectOf(event.serverId);
        if (step?.kind === "delta") {
          const delta = {
            serverId: event.serverId,
            stream: step.revision.stream,
            base: step.base,
            n: step.revision.n,
          };
          if (toIdentities)
            io.to(identityRoom).emit("players:delta", { ...delta, ids: step.ids, rows: step.rows });
          if (toPublic)
            io.to(publicRoom).emit("players:delta", {
              ...delta,
              ids: step.ids.map((id) => playerRefFor(event.serverId, id, dialect, false)),
              rows: withoutIdentities(event.serverId, step.rows, dialect),
            });
          break;
        }
        const revision = step?.revision ?? null;
        if (toIdentities)
          io.to(identityRoom).emit("players:update", {
            serverId: event.serverId,
            players: event.players,
            revision,
          });
        if (toPublic)
          io.to(publicRoom).emit("players:update", {
            serverId: event.serverId,
            players: withoutIdentities(event.serverId, event.players, dialect),
            revision,
          });
        break;
      }
      case "players-live":
        if (occupied(playersRoom(event.serverId, true)))
          io.to(playersRoom(event.serverId, true)).emit("players:live", {
            serverId: event.serverId,
            players: event.players,
          });
        if (occupied(playersRoom(event.serverId, false))) {
          // The same ids as that room's lists: handles where the game's id is an identity.
          const dialect = hub.dialectOf(event.serverId);
          io.to(playersRoom(event.serverId, false)).emit("players:live", {
            serverId: event.serverId,
            players: event.players.map((p) => ({
              ...p,
              id: playerRefFor(event.serverId, p.id, dialect, false),
            })),
          });
        }
        break;
      case "watch": {
        // To everyone who reads the server's console (the notice names no identity; the watch
        // reason is shown to every role on the profile and in the player table too).
        const rooms = [
          consoleRoom(event.notice.serverId, true),
          consoleRoom(event.notice.serverId, false),
        ].filter(occupied);
        if (rooms.length > 0) io.to(rooms).emit("players:watch", event.notice);
        break;
      }
      case "removed": {
        streams?.forget(event.serverId);
        const rooms = [
          serverRoom(event.serverId),
          consoleRoom(event.serverId, true),
          consoleRoom(event.serverId, false),
          playersRoom(event.serverId, true),
          playersRoom(event.serverId, false),
          watchRoom(event.serverId),
        ];
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
        io.in(rooms).socketsLeave(rooms);
        break;
      }
    }
  });
}
