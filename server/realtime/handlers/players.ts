/**
 * Player-record actions over the socket: `players:warn` messages an online player in game (the
 * dialect's whisper, else a say naming them: `hub.message`) and records the warning on the
 * player's record. Kicks (console.ts) and bans (bans.ts) link to the record the same way.
 *
 * The record is resolved through the hub before acting (`recordOf`: the stay ends with a kick);
 * a player not linked yet (the linking runs off the hot path) is still warned, and the audit row
 * says the warning is on no profile.
 */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import { warnReasonSchema } from "../../../lib/schemas/players.ts";
import { auditedFor } from "../../operations/audited.ts";
import { linkSanction, ON_PROFILE, recordOf } from "../../operations/players.ts";
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
  const { hub } = deps;
  const audited = auditedFor(deps, socket.data.address);

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
      async ({ serverId, playerId, reason }, actor) => {
        const record = await recordOf(deps, serverId, playerId);
        const playerName = hub.players(serverId).find((p) => p.id === playerId)?.plainName ?? null;
        const result = await audited(
          {
            actor,
            action: "player.warn",
            serverId,
            targetType: "player",
            targetId: playerId,
            input: { playerId, playerName, reason, record },
          },
          async () => {
            const sent = await hub.message(serverId, actor, playerId, `Warning: ${reason}`);
            const stored = await linkSanction(deps, {
              playerId: record,
              kind: "warning",
              serverId,
              reason,
              delivery: sent.whisper ? "whisper" : "say",
              author: actor,
            });
            return { ...sent, stored };
          },
          (r) => `${r.whisper ? "whispered" : "said to everyone"}${ON_PROFILE[r.stored]}`,
        );
        const how = result.whisper
          ? ""
          : " (this game cannot message one player: said to everyone, naming them)";
        return { message: `${result.playerName} was warned${how}.` };
      },
    ),
  );
}
