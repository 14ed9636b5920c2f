/**
 * In-app alerts (issue 16): the notices webhooks get (bans, kicks, watch-list joins, servers going
 * offline or online; not chat) as toasts to connected users. A socket asks with `alerts:subscribe`;
 * its actor is re-loaded and checked per server, and it joins one room per server it may see
 * (`server.view`) and one per server whose players it may see (`players.view`: bans, kicks,
 * joins name players); a user whose one role applies everywhere joins the two "all" rooms instead. A changed role or grant ends the user's sockets (runtime.endUserSessions),
 * and the browser subscribes again on reconnect, so the rooms follow the permissions. With several
 * instances the socket.io Redis adapter carries room messages to every instance.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { WebhookNotice } from "../../../lib/automation/webhooks.ts";
import { can, limitedServerIds } from "../../../lib/permissions.ts";
import type { AlertMessage } from "../../../lib/realtime/contract.ts";
import { fail, ok, toFailure, type Result } from "../../../lib/result.ts";
import { actorForClaims } from "../../auth/session.ts";
import type { Db } from "../../db/client.ts";
import type { HubClock } from "../../hub/clock.ts";
import type { Logger } from "../../rcon/types.ts";
import type { RealtimeSocket } from "../../realtime/handlers/guard.ts";
import type { RealtimeServer } from "../../realtime/io.ts";
import type { NoticeSink } from "../webhooks/sources.ts";

const ALERT_EVENTS = new Set<AlertMessage["event"]>([
  "ban",
  "kick",
  "server_offline",
  "server_online",
  "watch_join",
]);
const ABOUT_PLAYERS = new Set<AlertMessage["event"]>(["ban", "kick", "watch_join"]);

export const alertRoom = (serverId: string, players: boolean) =>
  `alerts:${serverId}:${players ? "players" : "server"}`;
/** Users whose one role applies on every server (no server limit, no per-server role): one room, not one per server. */
export const allServersAlertRoom = (players: boolean) => `alerts:all:${players ? "players" : "server"}`;

const subscribeSchema = z.object({}).strict();

export interface Alerts {
  publish: NoticeSink;
  /** Whether alerts are made of this event (server changes, bans, kicks, watch-list joins: not chat). */
  takes(event: WebhookNotice["event"]): boolean;
  stop(): void;
}

export function startAlerts(io: RealtimeServer, deps: { db: Db; logger: Logger; clock: HubClock }): Alerts {
  const allServerIds = async () => (await deps.db.server.findMany({ select: { id: true } })).map((s) => s.id);

  const onConnection = (socket: RealtimeSocket) => {
    socket.on("alerts:subscribe", (payload: unknown, ack: unknown) => {
      const reply = (result: Result<{ servers: number }>) => {
        if (typeof ack === "function") (ack as (r: typeof result) => void)(result);
      };
      void (async (): Promise<Result<{ servers: number }>> => {
        if (!subscribeSchema.safeParse(payload).success) return fail("INVALID_INPUT", "Invalid request.");
        const actor = await actorForClaims(deps.db, {
          uid: socket.data.userId,
          sv: socket.data.sessionVersion,
          sid: socket.data.sessionId,
        });
        if (!actor) {
          setTimeout(() => socket.disconnect(true), 0);
          return fail("UNAUTHENTICATED", "Your session has ended. Sign in again.");
        }
        const rooms: string[] = [];
        let servers = 0;
        const everywhere =
          limitedServerIds(actor) === null && Object.keys(actor.serverRoles ?? {}).length === 0;
        if (everywhere && can(actor, "server.view")) {
          rooms.push(allServersAlertRoom(false));
          if (can(actor, "players.view")) rooms.push(allServersAlertRoom(true));
          servers = await deps.db.server.count();
        }
        const candidates = everywhere ? [] : (actor.serverIds ?? (await allServerIds()));
        for (const id of candidates) {
          if (!can(actor, "server.view", id)) continue;
          servers++;
          rooms.push(alertRoom(id, false));
          if (can(actor, "players.view", id)) rooms.push(alertRoom(id, true));
        }
        // A repeated subscribe starts from nothing: rooms it may no longer see are left.
        for (const room of socket.rooms) if (room.startsWith("alerts:")) await socket.leave(room);
        if (rooms.length > 0) await socket.join(rooms);
        return ok({ servers });
      })()
        .catch((error: unknown) => {
          deps.logger.error("socket handler failed", { event: "alerts:subscribe", error: String(error) });
          return toFailure(error);
        })
        .then(reply);
    });
  };
  io.on("connection", onConnection);

  const publish: NoticeSink = (notice: WebhookNotice, servers) => {
    if (!ALERT_EVENTS.has(notice.event as AlertMessage["event"])) return;
    const event = notice.event as AlertMessage["event"];
    const players = ABOUT_PLAYERS.has(event);
    const message: AlertMessage = {
      id: randomUUID(),
      event,
      serverId: notice.serverId,
      title: notice.title,
      text: notice.text,
      at: new Date(deps.clock.wall()).toISOString(),
    };
    void (async () => {
      const ids = servers === "all" ? await allServerIds() : servers;
      if (ids.length === 0) return;
      // One emit over every room: socket.io sends it once to a socket in several of them.
      io.to([allServersAlertRoom(players), ...ids.map((id) => alertRoom(id, players))]).emit(
        "alerts:notice",
        message,
      );
    })().catch((error: unknown) => deps.logger.warn("alert not sent", { error: String(error) }));
  };

  return {
    publish,
    takes: (event: WebhookNotice["event"]) => ALERT_EVENTS.has(event as AlertMessage["event"]),
    stop: () => {
      io.off("connection", onConnection);
    },
  };
}
