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
import { recordPlayerSanction, type PlayerSanctionInput } from "../../data/players/sanctions.ts";
import type { RealtimeDeps, RealtimeServer } from "../io.ts";
import { auditedFor } from "./audited.ts";
import { guarded, type RealtimeSocket } from "./guard.ts";

/** What the handlers need of the hub's player records (ConnectionHub implements it). */
export interface PlayerRecordLinks {
  /** The record the current stay of `gameId` on `serverId` is linked to, or null. */
  recordOf(serverId: string, gameId: string): Promise<string | null>;
  /** These records changed: re-send their online players' badges. */
  refreshRecords(playerIds: readonly string[]): Promise<void>;
}

const warnSchema = z.object({
  serverId: z.string().min(1).max(64),
  playerId: z.string().min(1).max(64),
  reason: warnReasonSchema,
});

/** The record of an online player, or null (not linked, or the lookup failed: the action still runs). */
export async function recordOf(deps: RealtimeDeps, serverId: string, gameId: string): Promise<string | null> {
  const links: PlayerRecordLinks = deps.hub;
  return links.recordOf(serverId, gameId).catch((error: unknown) => {
    deps.logger.warn("player record lookup failed", { serverId, error: String(error).slice(0, 200) });
    return null;
  });
}

/**
 * Stores a done warning or kick on the record and refreshes its badges. The action already
 * reached the player, so a failed write is logged and reported in the audit detail, not thrown.
 */
export async function linkSanction(
  deps: RealtimeDeps,
  input: Omit<PlayerSanctionInput, "playerId" | "author"> & {
    playerId: string | null;
    author: { id: string; email: string; name: string };
  },
): Promise<"recorded" | "no-record" | "failed"> {
  if (input.playerId === null) return "no-record";
  try {
    const id = await recordPlayerSanction(deps.db, { ...input, playerId: input.playerId });
    if (id === null) return "no-record";
    void (deps.hub as PlayerRecordLinks)
      .refreshRecords([input.playerId])
      .catch((error: unknown) => deps.logger.warn("player badge refresh failed", { error: String(error).slice(0, 200) }));
    return "recorded";
  } catch (error) {
    deps.logger.error("sanction not stored", { kind: input.kind, error: String(error).slice(0, 200) });
    return "failed";
  }
}

/** For the audit detail: whether the action is on the player's profile. */
export const ON_PROFILE = {
  recorded: "",
  "no-record": " (no player record yet: not on a profile)",
  failed: " (not stored on the profile: see the log)",
} as const;

export function registerPlayerHandlers(
  _io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  limiter: RateLimiterAbstract,
): void {
  const { hub } = deps;
  const audited = auditedFor(socket, deps);

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
