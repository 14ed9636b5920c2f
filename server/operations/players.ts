/**
 * Player actions on an online player, shared by the socket events and the REST API: permission
 * (audited refusal), the audit row first, the hub call, the sanction on the player's record.
 *
 * The record is resolved through the hub before acting (`recordOf`: the stay ends with a kick);
 * a player not linked yet (the linking runs off the hot path) is still acted on, and the audit row
 * says the action is on no profile.
 */
import type { Actor } from "../../lib/permissions.ts";
import { requirePermission } from "../data/context.ts";
import { recordPlayerSanction, type PlayerSanctionInput } from "../data/players/sanctions.ts";
import { auditedFor } from "./audited.ts";
import type { OperationDeps } from "./deps.ts";

/** Who acts, from where: the operations' first argument (a DataContext without the database). */
export interface OperationCaller {
  actor: Actor;
  ip: string | null;
}

/** The record of an online player, or null (not linked, or the lookup failed: the action still runs). */
export async function recordOf(
  deps: OperationDeps,
  serverId: string,
  gameId: string,
): Promise<string | null> {
  return deps.hub.recordOf(serverId, gameId).catch((error: unknown) => {
    deps.logger.warn("player record lookup failed", { serverId, error: String(error).slice(0, 200) });
    return null;
  });
}

/**
 * Stores a done warning or kick on the record and refreshes its badges. The action already
 * reached the player, so a failed write is logged and reported in the audit detail, not thrown.
 */
export async function linkSanction(
  deps: OperationDeps,
  input: Omit<PlayerSanctionInput, "playerId" | "author"> & {
    playerId: string | null;
    author: { id: string; email: string; name: string };
  },
): Promise<"recorded" | "no-record" | "failed"> {
  if (input.playerId === null) return "no-record";
  try {
    const id = await recordPlayerSanction(deps.db, { ...input, playerId: input.playerId });
    if (id === null) return "no-record";
    void deps.hub
      .refreshRecords([input.playerId])
      .catch((error: unknown) =>
        deps.logger.warn("player badge refresh failed", { error: String(error).slice(0, 200) }),
      );
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

export interface PlayerActionInput {
  serverId: string;
  /** The id the actor's player list carries (the game's id, or an opaque handle). */
  playerId: string;
}

export async function kickPlayer(
  deps: OperationDeps,
  caller: OperationCaller,
  { serverId, playerId, reason }: PlayerActionInput & { reason: string },
): Promise<{ message: string }> {
  const { actor } = caller;
  await requirePermission({ db: deps.db, ...caller }, "players.kick", "player.kick", serverId);
  // Resolved before the kick: the stay ends with it.
  const record = await recordOf(deps, serverId, playerId);
  const result = await auditedFor(deps, caller.ip)(
    {
      actor,
      action: "player.kick",
      serverId,
      targetType: "player",
      targetId: playerId,
      input: {
        playerId,
        playerName: deps.hub.players(serverId).find((p) => p.id === playerId)?.plainName ?? null,
        reason,
        record,
      },
    },
    async () => {
      const kicked = await deps.hub.kick(serverId, actor, playerId, reason);
      const stored = await linkSanction(deps, {
        playerId: record,
        kind: "kick",
        serverId,
        reason,
        author: actor,
      });
      return { ...kicked, stored };
    },
    (r) => `${r.message}${ON_PROFILE[r.stored]}`,
  );
  return { message: result.message };
}

export async function messagePlayer(
  deps: OperationDeps,
  caller: OperationCaller,
  { serverId, playerId, message }: PlayerActionInput & { message: string },
): Promise<{ message: string }> {
  const { actor } = caller;
  await requirePermission({ db: deps.db, ...caller }, "players.message", "player.message", serverId);
  const result = await auditedFor(deps, caller.ip)(
    {
      actor,
      action: "player.message",
      serverId,
      targetType: "player",
      targetId: playerId,
      input: { playerId, message },
    },
    () => deps.hub.message(serverId, actor, playerId, message),
    (r) => r.message,
  );
  return { message: result.message };
}

/** A warning: the dialect's whisper (else a say naming the player), recorded on the player's record. */
export async function warnPlayer(
  deps: OperationDeps,
  caller: OperationCaller,
  { serverId, playerId, reason }: PlayerActionInput & { reason: string },
): Promise<{ message: string }> {
  const { actor } = caller;
  await requirePermission({ db: deps.db, ...caller }, "players.warn", "player.warn", serverId);
  const record = await recordOf(deps, serverId, playerId);
  const playerName = deps.hub.players(serverId).find((p) => p.id === playerId)?.plainName ?? null;
  const result = await auditedFor(deps, caller.ip)(
    {
      actor,
      action: "player.warn",
      serverId,
      targetType: "player",
      targetId: playerId,
      input: { playerId, playerName, reason, record },
    },
    async () => {
      const sent = await deps.hub.message(serverId, actor, playerId, `Warning: ${reason}`);
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
  const how = result.whisper ? "" : " (this game cannot message one player: said to everyone, naming them)";
  return { message: `${result.playerName} was warned${how}.` };
}
