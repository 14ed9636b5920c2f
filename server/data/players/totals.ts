/**
 * A player's totals (stays and seconds played, overall and per server) are kept on Player and
 * PlayerServer, so they outlive the stays themselves (pruned after CONSOLE_RETENTION_DAYS).
 *
 * Exactly once: a stay counts at the moment it has both an end (leftAt) and a player, whichever
 * comes second, and each side is a conditional write that reports the rows it changed:
 * - closing (history.ts) sets leftAt only where it was null and counts the changed rows that
 *   already had a player;
 * - linking (linking.ts) sets playerId only where it was null and counts the changed rows that
 *   were already closed (a stay closed before its link finished, or a stay from before player
 *   records, linked by the backfill).
 * The count happens in the same transaction as the write, so a crash loses or repeats neither.
 */
import { Prisma } from "../../../prisma/generated/sqlite/client.ts";
import { chunks, type Tx } from "./sql.ts";

export interface ClosedStay {
  playerId: string | null;
  serverId: string;
  joinedAt: Date;
  leftAt: Date | null;
}

export function secondsOfStay(stay: { joinedAt: Date; leftAt: Date | null }): number {
  if (!stay.leftAt) return 0;
  return Math.max(0, Math.floor((stay.leftAt.getTime() - stay.joinedAt.getTime()) / 1000));
}

/** Adds closed, linked stays to their players' totals (others are ignored). */
export async function addStayTotals(tx: Tx, stays: readonly ClosedStay[]): Promise<void> {
  const perPlayer = new Map<string, { stays: number; seconds: number }>();
  const perServer = new Map<string, { playerId: string; serverId: string; stays: number; seconds: number }>();
  const lastLeft = new Map<number, Set<string>>();
  for (const stay of stays) {
    if (!stay.playerId || !stay.leftAt) continue;
    const seconds = secondsOfStay(stay);
    const p = perPlayer.get(stay.playerId) ?? { stays: 0, seconds: 0 };
    p.stays++;
    p.seconds += seconds;
    perPlayer.set(stay.playerId, p);
    const key = `${stay.playerId}\u0000${stay.serverId}`;
    const s = perServer.get(key) ?? {
      playerId: stay.playerId,
      serverId: stay.serverId,
      stays: 0,
      seconds: 0,
    };
    s.stays++;
    s.seconds += seconds;
    perServer.set(key, s);
    const at = stay.leftAt.getTime();
    (lastLeft.get(at) ?? lastLeft.set(at, new Set()).get(at)!).add(key);
  }
  for (const rows of chunks([...perPlayer])) {
    const values = rows.map(([id, t]) => Prisma.sql`(${id}, ${t.stays}, ${t.seconds})`);
    await tx.$executeRaw`UPDATE "Player" SET "staysCount" = "staysCount" + CAST(v.column2 AS INTEGER), "secondsPlayed" = "secondsPlayed" + CAST(v.column3 AS INTEGER) FROM (VALUES ${Prisma.join(values)}) AS v WHERE "Player"."id" = v.column1`;
  }
  for (const rows of chunks([...perServer.values()])) {
    const values = rows.map((t) => Prisma.sql`(${t.playerId}, ${t.serverId}, ${t.stays}, ${t.seconds})`);
    await tx.$executeRaw`UPDATE "PlayerServer" SET "staysCount" = "staysCount" + CAST(v.column3 AS INTEGER), "secondsPlayed" = "secondsPlayed" + CAST(v.column4 AS INTEGER) FROM (VALUES ${Prisma.join(values)}) AS v WHERE "PlayerServer"."playerId" = v.column1 AND "PlayerServer"."serverId" = v.column2`;
  }
  // Last seen is when they left. Closes come in groups sharing one time (a poll, a restart), so
  // this is one statement per distinct time, not per stay. Raw: Prisma's query compiler was the
  // largest cost of a busy hub's closes with these id lists and (player, server) OR lists.
  for (const [at, keys] of lastLeft) {
    const leftAt = new Date(at);
    const pairs = [...keys].map((k) => k.split("\u0000") as [string, string]);
    for (const group of chunks(pairs)) {
      const players = [...new Set(group.map(([p]) => p))].map((id) => Prisma.sql`(${id})`);
      await tx.$executeRaw`UPDATE "Player" SET "lastSeenAt" = ${leftAt} FROM (VALUES ${Prisma.join(players)}) AS v WHERE "Player"."id" = v.column1 AND "Player"."lastSeenAt" < ${leftAt}`;
      const both = group.map(([playerId, serverId]) => Prisma.sql`(${playerId}, ${serverId})`);
      await tx.$executeRaw`UPDATE "PlayerServer" SET "lastSeenAt" = ${leftAt} FROM (VALUES ${Prisma.join(both)}) AS v WHERE "PlayerServer"."playerId" = v.column1 AND "PlayerServer"."serverId" = v.column2 AND "PlayerServer"."lastSeenAt" < ${leftAt}`;
    }
  }
}
