/**
 * Warnings and kicks done through RconDeck, on the player's profile. A system call: the socket
 * handler has already checked the permission and audited the action; this only links it to the
 * record (the player the hub resolved for the stay before acting).
 */
import type { Db } from "../../db/client.ts";

export interface PlayerSanctionInput {
  playerId: string;
  kind: "warning" | "kick";
  serverId: string;
  reason: string;
  /** Warnings only: how it reached the player. */
  delivery?: "whisper" | "say" | null;
  author: { id: string; email: string; name: string } | null;
  now?: Date;
}

/** Merges never chain (mergePlayers re-points), so one hop finds the record that holds the rows. */
async function currentRecord(db: Db, playerId: string): Promise<string | null> {
  const row = await db.player.findUnique({
    where: { id: playerId },
    select: { id: true, mergedIntoId: true },
  });
  return row ? (row.mergedIntoId ?? row.id) : null;
}

/** Stores the sanction on the player's current record; null when the record is gone. */
export async function recordPlayerSanction(db: Db, input: PlayerSanctionInput): Promise<string | null> {
  // The player may have been merged between the action and now: the sanction follows the rows.
  const playerId = await currentRecord(db, input.playerId);
  if (playerId === null) return null;
  const row = await db.playerSanction.create({
    data: {
      playerId,
      originPlayerId: playerId,
      kind: input.kind,
      serverId: input.serverId,
      reason: input.reason,
      delivery: input.kind === "warning" ? (input.delivery ?? null) : null,
      authorId: input.author?.id ?? null,
      authorEmail: input.author?.email ?? null,
      authorName: input.author?.name ?? null,
      ...(input.now ? { createdAt: input.now } : {}),
    },
    select: { id: true },
  });
  return row.id;
}
