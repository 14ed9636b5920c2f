/**
 * BanSync rows: how each central ban stands in one game server's native list. Server-side only
 * (no actor): written by the native sync (server/hub/ban-sync.ts). The central ban is the truth;
 * these rows only say what the game holds, so a game server that is down or refuses never
 * changes a ban.
 */
import type { Db } from "../db/client.ts";
import { appliesToServerWhere, stateWhere } from "./bans.ts";

export type BanSyncState = "pending" | "applied" | "join_only" | "failed" | "removed";

export interface SyncCandidate {
  banId: string;
  reason: string;
  expiresAt: Date | null;
  identifiers: { kind: string; value: string }[];
}

const candidateSelect = {
  id: true,
  reason: true,
  expiresAt: true,
  identifiers: { select: { kind: true, value: true } },
} as const;

function candidateOf(row: {
  id: string;
  reason: string;
  expiresAt: Date | null;
  identifiers: { kind: string; value: string }[];
}): SyncCandidate {
  return { banId: row.id, reason: row.reason, expiresAt: row.expiresAt, identifiers: row.identifiers };
}

/**
 * Active bans that apply on `serverId` with no sync row there yet, one that failed before
 * `retryBefore`, one removed earlier (back in scope: a list re-attached), or one pending (found
 * missing from the game's list: re-applied), newest first.
 */
export async function bansToApply(
  db: Db,
  serverId: string,
  now: Date,
  retryBefore: Date,
  limit: number,
): Promise<SyncCandidate[]> {
  const unsynced = {
    OR: [
      { syncs: { none: { serverId } } },
      { syncs: { some: { serverId, state: "failed", updatedAt: { lt: retryBefore } } } },
      { syncs: { some: { serverId, state: "removed" } } },
      { syncs: { some: { serverId, state: "pending" } } },
    ],
  };
  const rows = await db.ban.findMany({
    where: { AND: [stateWhere("active", now), appliesToServerWhere(serverId), unsynced] },
    select: candidateSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map(candidateOf);
}

/**
 * The retries alone, read from this server's sync rows (index serverId, state) instead of every
 * active ban: rows pending or failed before `retryBefore` whose ban is still active here. A quiet
 * pass (server/hub/ban-sync.ts) reads these instead of bansToApply, whose cost grows with the
 * whole ban store.
 */
export async function bansToRetry(
  db: Db,
  serverId: string,
  now: Date,
  retryBefore: Date,
  limit: number,
): Promise<SyncCandidate[]> {
  const rows = await db.banSync.findMany({
    where: {
      serverId,
      OR: [{ state: "pending" }, { state: "failed", updatedAt: { lt: retryBefore } }],
      ban: { AND: [stateWhere("active", now), appliesToServerWhere(serverId)] },
    },
    select: { ban: { select: candidateSelect } },
    orderBy: { updatedAt: "asc" },
    take: limit,
  });
  return rows.map(({ ban }) => candidateOf(ban));
}

/**
 * Bans the game holds (applied) that no longer should be there: revoked, expired (checked against
 * `now`, so a timed ban is lifted on time whatever the sweep did), out of scope, or, where the game
 * holds permanent bans only (`keepTimed` false), made timed.
 */
export async function bansToLift(
  db: Db,
  serverId: string,
  now: Date,
  limit: number,
  keepTimed = false,
): Promise<SyncCandidate[]> {
  const stays = [
    stateWhere("active", now),
    appliesToServerWhere(serverId),
    ...(keepTimed ? [] : [{ expiresAt: null }]),
  ];
  const rows = await db.banSync.findMany({
    where: {
      serverId,
      state: "applied",
      ban: { NOT: { AND: stays } },
    },
    select: { ban: { select: candidateSelect } },
    take: limit,
  });
  return rows.map(({ ban }) => candidateOf(ban));
}

export async function recordBanSync(
  db: Db,
  banId: string,
  serverId: string,
  state: BanSyncState,
  now: Date,
  error: string | null = null,
): Promise<void> {
  const verified = state === "applied" || state === "removed" ? now : undefined;
  await db.banSync.upsert({
    where: { banId_serverId: { banId, serverId } },
    create: { banId, serverId, state, error, attempts: 1, lastVerifiedAt: verified ?? null },
    update: { state, error, attempts: { increment: 1 }, ...(verified ? { lastVerifiedAt: verified } : {}) },
  });
}

/** A native removal that failed: the row stays "applied" (retried at the next pass) with the error. */
export async function noteBanSyncError(
  db: Db,
  banId: string,
  serverId: string,
  error: string,
): Promise<void> {
  await db.banSync.updateMany({ where: { banId, serverId }, data: { error, attempts: { increment: 1 } } });
}

export function appliedBanCount(db: Db, serverId: string): Promise<number> {
  return db.banSync.count({ where: { serverId, state: "applied" } });
}

/**
 * Whether any sync row of this server is waiting for a pass: pending or failed (retries), or
 * applied (a lift, should its ban end). None: a quiet pass has nothing to read (server/hub/ban-sync.ts).
 */
export async function hasSyncRowsInPlay(db: Db, serverId: string): Promise<boolean> {
  const row = await db.banSync.findFirst({
    where: { serverId, state: { in: ["pending", "failed", "applied"] } },
    select: { banId: true },
  });
  return row !== null;
}

export async function banSyncRows(db: Db, serverId: string) {
  return db.banSync.findMany({ where: { serverId }, orderBy: { createdAt: "asc" } });
}

/** Bans the sync holds as applied on `serverId`, oldest verification first, to check against the game's list. */
export async function appliedBans(db: Db, serverId: string, limit: number): Promise<SyncCandidate[]> {
  const rows = await db.banSync.findMany({
    where: { serverId, state: "applied" },
    select: { ban: { select: candidateSelect } },
    orderBy: [{ lastVerifiedAt: "asc" }, { banId: "asc" }],
    take: limit,
  });
  return rows.map(({ ban }) => candidateOf(ban));
}

/** An applied ban the game's list no longer holds (a lapsed time-to-live, a hand edit): pending, re-applied next pass. */
export async function markBanSyncMissing(
  db: Db,
  banId: string,
  serverId: string,
  error: string,
): Promise<void> {
  await db.banSync.updateMany({
    where: { banId, serverId, state: "applied" },
    data: { state: "pending", error },
  });
}

/** Applied bans seen in the game's list just now. */
export async function markBanSyncVerified(
  db: Db,
  banIds: readonly string[],
  serverId: string,
  now: Date,
): Promise<void> {
  if (banIds.length === 0) return;
  await db.banSync.updateMany({
    where: { serverId, state: "applied", banId: { in: [...banIds] } },
    data: { lastVerifiedAt: now, error: null },
  });
}
