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
  const perServer = new Map<
    string,
    { playerId: string; serverId: string; stays: number; seconds: number; leftAt: Date }
  >();
  // The latest leave per player and per (player, server): last seen is when they left.
  const lastLeftPlayer = new Map<string, Date>();
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
      leftAt: stay.leftAt,
    };
    s.stays++;
    s.seconds += seconds;
    perServer.set(key, s);
    if (stay.leftAt > s.leftAt) s.leftAt = stay.leftAt;
    const last = lastLeftPlayer.get(stay.playerId);
    if (!last || stay.leftAt > last) lastLeftPlayer.set(stay.playerId, stay.leftAt);
  }
  for (const rows of chunks([...perPlayer])) {
    const values = rows.map(([id, t]) => Prisma.sql`(${id}, ${t.stays}, ${t.seconds})`);
    await tx.$executeRaw`UPDATE "Player" SET "staysCount" = "staysCount" + CAST(v.column2 AS INTEGER), "secondsPlayed" = "secondsPlayed" + CAST(v.column3 AS INTEGER) FROM (VALUES ${Prisma.join(values)}) AS v WHERE "Player"."id" = v.column1`;
  }
  for (const rows of chunks([...perServer.values()])) {
    const values = rows.map((t) => Prisma.sql`(${t.playerId}, ${t.serverId}, ${t.stays}, ${t.seconds})`);
    await tx.$executeRaw`UPDATE "PlayerServer" SET "staysCount" = "staysCount" + CAST(v.column3 AS INTEGER), "secondsPlayed" = "secondsPlayed" + CAST(v.column4 AS INTEGER) FROM (VALUES ${Prisma.join(values)}) AS v WHERE "PlayerServer"."playerId" = v.column1 AND "PlayerServer"."serverId" = v.column2`;
  }
  // Last seen moves forward only. One statement per chunk, each row with its own time: a CASE on
  // the key, whose bound times take the column's type on PostgreSQL (a VALUES list has none), and
  // compare as the stored text on SQLite. One statement per distinct time was about 48 statements
  // a second at 1,000 bench servers, where leaves rarely share a time.
  for (const rows of chunks([...lastLeftPlayer])) {
    const cases = rows.map(([id, at]) => Prisma.sql`WHEN ${id} THEN ${later(at)}`);
    const ids = rows.map(([id]) => Prisma.sql`${id}`);
    await tx.$executeRaw`UPDATE "Player" SET "lastSeenAt" = CASE "id" ${Prisma.join(cases, " ")} ELSE "lastSeenAt" END WHERE "id" IN (${Prisma.join(ids)})`;
  }
  for (const rows of chunks([...perServer.values()])) {
    const cases = rows.map(
      (t) =>
        Prisma.sql`WHEN "playerId" = ${t.playerId} AND "serverId" = ${t.serverId} THEN ${later(t.leftAt)}`,
    );
    const both = rows.map((t) => Prisma.sql`(${t.playerId}, ${t.serverId})`);
    await tx.$executeRaw`UPDATE "PlayerServer" SET "lastSeenAt" = CASE ${Prisma.join(cases, " ")} ELSE "lastSeenAt" END FROM (VALUES ${Prisma.join(both)}) AS v WHERE "PlayerServer"."playerId" = v.column1 AND "PlayerServer"."serverId" = v.column2`;
  }
}

/** `at` where it is later than the row's "lastSeenAt", else the row's own. */
const later = (at: Date) => Prisma.sql`CASE WHEN ${at} > "lastSeenAt" THEN ${at} ELSE "lastSeenAt" END`;
