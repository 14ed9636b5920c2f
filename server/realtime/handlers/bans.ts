/**
 * Banning a player who is online (the player table's Ban dialog). The ban is written centrally
 * (createBan checks the scope and the Moderator maximum, and audits) and the hub's enforcement
 * kicks the player wherever it applies, so the console and the player list follow as for any join.
 */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import { banReasonSchema, banScopeSchema } from "../../../lib/schemas/bans.ts";
import { banOnlinePlayer } from "../../hub/ban-player.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

const banSchema = z.object({
  serverId: z.string().min(1).max(64),
  playerId: z.string().min(1).max(64),
  reason: banReasonSchema,
  duration: z.string().max(40),
  note: z.string().max(2000).optional(),
  target: banScopeSchema.optional(),
});

export function registerBanHandlers(
  _io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  limiter: RateLimiterAbstract,
): void {
  socket.on(
    "players:ban",
    guarded(
      socket,
      deps,
      {
        event: "players:ban",
        schema: banSchema,
        permission: "players.ban",
        serverId: (i) => i.serverId,
        limiter,
      },
      async ({ serverId, playerId, reason, duration, note, target }, actor) => {
        const ban = await banOnlinePlayer(
          { db: deps.db, actor, ip: socket.data.address },
          deps.hub,
          serverId,
          playerId,
          { reason, duration, note, target },
        );
        return { banId: ban.id, message: `Banned ${ban.playerNames[0] ?? "the player"}.` };
      },
    ),
  );
}
