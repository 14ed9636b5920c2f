/**
 * Player-record actions over the socket: `players:warn` messages an online player in game (the
 * dialect's whisper, else a say naming them) and records the warning on the player's record
 * (`warnPlayer` in server/operations/players.ts, shared with automation triggers). Kicks
 * (console.ts) and bans (bans.ts) link to the record the same way.
 */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import { warnReasonSchema } from "../../../lib/schemas/players.ts";
import { warnPlayer } from "../../operations/players.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

const warnSchema = z.object({
  serverId: z.string().min(1).max(64),
  playerId: z.string().min(1).max(64),
  reason: warnReasonSchema,
});

export function registerPlayerHandlers(
  _io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  limiter: RateLimiterAbstract,
): void {
  socket.on(
    "players:warn",
    guarded(
      socket,
      deps,
      {
        event: "players:warn",
        schema: warnSchema,
        permission: "players.warn",
        serverId: (i) => i.serverId,
        limiter,
      },
      ({ serverId, playerId, reason }, actor) =>
        warnPlayer(deps, { actor, ip: socket.data.address }, { serverId, playerId, reason }),
    ),
  );
}
