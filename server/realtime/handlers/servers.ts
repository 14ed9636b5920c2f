/**
 * Live servers: subscribing to one server's stream (history first, then live), the overview's
 * statuses, and scrolling back through the console history.
 */
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import { can } from "../../../lib/permissions.ts";
import type { ServerSnapshot } from "../../../lib/realtime/contract.ts";
import { listOwnRecentCommands } from "../../data/history.ts";
import { listServers } from "../../data/servers.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { socketLimits } from "../budget.ts";
import type { PlayerLists } from "../player-streams.ts";
import { redactLine, withoutIdentities } from "../redact.ts";
import { consoleRoom, playersRoom, serverRoom, WATCH_ALL_ROOM, watchRoom } from "../rooms.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

const serverIdSchema = z.object({ serverId: z.string().min(1).max(64) });
const subscribeSchema = z.object({
  serverId: z.string().min(1).max(64),
  afterSeq: z.number().int().min(0).optional(),
});
const historySchema = z.object({
  serverId: z.string().min(1).max(64),
  beforeSeq: z.number().int().min(1),
  limit: z.number().int().min(1).max(1000).optional(),
});

export function registerServerHandlers(
  _io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  /** The revisions of the lists snapshots hand out (the next delta starts from them); none: whole lists only. */
  playerLists: Pick<PlayerLists, "snapshotRevision"> | null = null,
): void {
  const { hub } = deps;
  /** Fast player polling while this socket watches a server. */
  const watching = new Map<string, () => void>();
  // Each subscription joins up to three rooms and keeps fast polling on: bounded per socket.
  const maxWatched = socketLimits(deps.limits).subscriptionsPerSocket;
  socket.on("disconnect", () => {
    for (const release of watching.values()) release();
    watching.clear();
  });

  socket.on(
    "server:subscribe",
    guarded(
      socket,
      deps,
      {
        event: "server:subscribe",
        schema: subscribeSchema,
        permission: "console.read",
        serverId: (i) => i.serverId,
      },
      async ({ serverId, afterSeq }, actor): Promise<ServerSnapshot> => {
        if (!watching.has(serverId) && watching.size >= maxWatched)
          throw new AppError(
            "CONFLICT",
            `This connection already follows ${maxWatched} servers: close one first.`,
          );
        const exists = await deps.db.server.count({ where: { id: serverId } });
        if (!exists) throw new AppError("NOT_FOUND", "That server does not exist.");
        const identities = can(actor, "players.identities", serverId);
        const seesPlayers = can(actor, "players.view", serverId);
        // Join first, then take the snapshot: a line emitted meanwhile arrives twice at worst (the
        // client merges on seq), never zero times.
        await socket.join([serverRoom(serverId), consoleRoom(serverId, identities)]);
        await socket.leave(consoleRoom(serverId, !identities));
        await socket.leave(playersRoom(serverId, !identities));
        if (seesPlayers) await socket.join(playersRoom(serverId, identities));
        if (!watching.has(serverId)) watching.set(serverId, hub.watch(serverId));
        const [history, commandHistory] = await Promise.all([
          hub.lines(serverId, { afterSeq }),
          listOwnRecentCommands(deps.db, actor.id, serverId),
        ]);
        // Read together: the list and the revision it is (the next delta starts from it).
        const players = seesPlayers ? hub.players(serverId) : [];
        const playersRevision =
          seesPlayers && playerLists ? playerLists.snapshotRevision(serverId, players) : null;
        const dialect = hub.dialectOf(serverId);
        return {
          serverId,
          status: hub.statusOf(serverId),
          players: identities ? players : withoutIdentities(serverId, players, dialect),
          playersRevision,
          history: identities ? history : history.map((line) => redactLine(line, dialect)),
          commands: (dialect?.commands ?? []).map((c) => ({
            name: c.name,
            description: c.description,
            ...(c.usage !== undefined ? { usage: c.usage } : {}),
          })),
          capabilities: {
            whisper: dialect?.capabilities.whisper ?? false,
            pushesJoins: dialect?.capabilities.pushesJoins ?? false,
          },
          commandHistory,
        };
      },
    ),
  );

  socket.on(
    "server:unsubscribe",
    guarded(
      socket,
      deps,
      { event: "server:unsubscribe", schema: serverIdSchema, permission: "server.view" },
      async ({ serverId }) => {
        for (const room of [
          serverRoom(serverId),
          consoleRoom(serverId, true),
          consoleRoom(serverId, false),
          playersRoom(serverId, true),
          playersRoom(serverId, false),
        ])
          await socket.leave(room);
        watching.get(serverId)?.();
        watching.delete(serverId);
        return { serverId };
      },
    ),
  );

  socket.on(
    "servers:watch",
    guarded(
      socket,
      deps,
      { event: "servers:watch", schema: z.object({}).strict(), permission: "server.view" },
      async (_input, actor) => {
        const servers = await listServers({ db: deps.db, actor, ip: socket.data.address });
        if (actor.serverIds === null || actor.role === "OWNER") await socket.join(WATCH_ALL_ROOM);
        else await socket.join(servers.map((s) => watchRoom(s.id)));
        return { statuses: hub.statuses(servers.map((s) => s.id)) };
      },
    ),
  );

  socket.on(
    "console:history",
    guarded(
      socket,
      deps,
      {
        event: "console:history",
        schema: historySchema,
        permission: "console.read",
        serverId: (i) => i.serverId,
      },
      async ({ serverId, beforeSeq, limit }, actor) => {
        // Through the hub: lines not yet written are still in its memory.
        const lines = await hub.lines(serverId, { beforeSeq, limit: limit ?? 200 });
        return {
          lines: can(actor, "players.identities", serverId)
            ? lines
            : lines.map((line) => redactLine(line, hub.dialectOf(serverId))),
        };
      },
    ),
  );
}
