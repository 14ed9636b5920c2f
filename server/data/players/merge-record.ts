/**
 * What a merge changed on the target record, kept until the merge is split so that the split
 * restores it exactly. Counts need no record: the merged player's own row, summaries and folded
 * identities stay untouched while it is merged and are subtracted at split. First/last-seen dates,
 * the shown name and the watch flag cannot be subtracted, so their values before and after the
 * merge are kept here; at split a value is put back only if nothing changed it since (a newer
 * sighting stays).
 *
 * One PlayerMerge row per merged player (JSON in `undo`): ids, dates and the target's earlier
 * shown name. Deleted at split and when the record is erased (and with the merged player).
 */
import type { Db } from "../../db/client.ts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type Store = Pick<Db, "playerMerge"> | Pick<Tx, "playerMerge">;

export interface SeenSpan {
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface PlayerShown {
  firstSeenAt: string;
  lastSeenAt: string;
  lastName: string;
  lastNameKey: string;
  lastServerId: string | null;
  watchReason: string | null;
  watchedAt: string | null;
  watchedById: string | null;
  watchedByName: string | null;
}

export interface MergeRecord {
  version: 1;
  intoId: string;
  fromId: string;
  mergedAt: string;
  /** The target's shown fields before and after the merge. */
  player: { before: PlayerShown; after: PlayerShown };
  /** The target's per-server summaries the merge touched (before null: created by the merge). */
  playerServers: { serverId: string; before: SeenSpan | null; after: SeenSpan }[];
  /** Identities of the merged player folded into the target's same (kind, value); the merged one's row stays on it. */
  folded: {
    identityId: string;
    fromIdentityId: string;
    before: SeenSpan & { display: string | null };
    after: SeenSpan & { display: string | null };
    servers: { serverId: string; before: SeenSpan | null; after: SeenSpan }[];
  }[];
  /** Bans moved to the target (Ban has no origin column). */
  bans: string[];
  /** Players that were merged into the merged one, re-pointed at the target (no chains). */
  repointed: string[];
}

export async function writeMergeRecord(db: Store, record: MergeRecord): Promise<void> {
  const data = { intoId: record.intoId, mergedAt: new Date(record.mergedAt), undo: JSON.stringify(record) };
  await db.playerMerge.upsert({
    where: { fromId: record.fromId },
    create: { fromId: record.fromId, ...data },
    update: data,
  });
}

export async function readMergeRecord(db: Store, playerId: string): Promise<MergeRecord | null> {
  const row = await db.playerMerge.findUnique({ where: { fromId: playerId } });
  if (!row) return null;
  const value = JSON.parse(row.undo) as MergeRecord;
  return value.version === 1 ? value : null;
}

export async function deleteMergeRecords(db: Store, playerIds: readonly string[]): Promise<void> {
  if (playerIds.length > 0) await db.playerMerge.deleteMany({ where: { fromId: { in: [...playerIds] } } });
}

export const iso = (date: Date) => date.toISOString();
export const span = (row: { firstSeenAt: Date; lastSeenAt: Date }): SeenSpan => ({
  firstSeenAt: iso(row.firstSeenAt),
  lastSeenAt: iso(row.lastSeenAt),
});

/** The value to restore at split: the one before the merge, unless something changed it since. */
export function restored(current: Date, before: string, after: string): Date {
  return current.toISOString() === after ? new Date(before) : current;
}
