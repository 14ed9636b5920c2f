/**
 * Stays stored before player records existed have no player. The hub links them in the
 * background (server/hub/player-backfill.ts), oldest first, in small batches; these are its reads
 * and its bookmark. The bookmark only saves work: a stay is linked (and counted) only while its
 * playerId is null, so a batch repeated after a crash changes nothing twice.
 */
import type { Db } from "../../db/client.ts";

const KEY = "players.backfill";

export interface BackfillCursor {
  joinedAt: Date;
  id: string;
}

export interface UnlinkedStay {
  stayId: string;
  serverId: string;
  game: string;
  protocol: string;
  name: string;
  plainName: string;
  guid: string | null;
  steamId: string | null;
  address: string | null;
  joinedAt: Date;
  leftAt: Date | null;
}

/** Where the backfill stopped: null = from the start, "done" = nothing left. */
export async function readBackfillCursor(db: Db): Promise<BackfillCursor | "done" | null> {
  const row = await db.appSetting.findUnique({ where: { key: KEY } });
  if (!row) return null;
  if (row.value === "done") return "done";
  try {
    const parsed = JSON.parse(row.value) as { joinedAt?: unknown; id?: unknown };
    if (typeof parsed.joinedAt === "string" && typeof parsed.id === "string")
      return { joinedAt: new Date(parsed.joinedAt), id: parsed.id };
  } catch {
    // a damaged bookmark only costs a re-scan
  }
  return null;
}

export async function saveBackfillCursor(db: Db, cursor: BackfillCursor | "done"): Promise<void> {
  const value =
    cursor === "done" ? "done" : JSON.stringify({ joinedAt: cursor.joinedAt.toISOString(), id: cursor.id });
  await db.appSetting.upsert({ where: { key: KEY }, create: { key: KEY, value }, update: { value } });
}

/**
 * The next unlinked stays after the cursor, oldest first (the playerId/joinedAt index), among
 * those stored before `createdBefore` (the hub links its own stays itself).
 */
export async function listUnlinkedStays(
  db: Db,
  after: BackfillCursor | null,
  createdBefore: Date,
  limit: number,
): Promise<UnlinkedStay[]> {
  const rows = await db.playerSession.findMany({
    where: {
      playerId: null,
      createdAt: { lt: createdBefore },
      ...(after
        ? { OR: [{ joinedAt: { gt: after.joinedAt } }, { joinedAt: after.joinedAt, id: { gt: after.id } }] }
        : {}),
    },
    orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: {
      id: true,
      serverId: true,
      name: true,
      plainName: true,
      guid: true,
      steamId: true,
      address: true,
      joinedAt: true,
      leftAt: true,
      server: { select: { game: true, protocol: true } },
    },
  });
  return rows.map(({ id, server, ...r }) => ({
    ...r,
    stayId: id,
    game: server.game,
    protocol: server.protocol,
  }));
}
