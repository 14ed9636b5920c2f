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

/**
 * Active bans that apply on `serverId` with no sync row there yet, one that failed before
 * `retryBefore`, or one removed earlier (back in scope: a list re-attached), newest first.
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
    ],
  };
  const rows = await db.ban.findMany({
    where: { AND: [stateWhere("active", now), appliesToServerWhere(serverId), unsynced] },
    select: candidateSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map((r) => ({
    banId: r.id,
    reason: r.reason,
    expiresAt: r.expiresAt,
    identifiers: r.identifiers,
  }));
}

/** Bans the game holds (applied) that no longer should be there: revoked, expired, out of scope, or made timed. */
export async function bansToLift(
  db: Db,
  serverId: string,
  now: Date,
  limit: number,
): Promise<SyncCandidate[]> {
  const rows = await db.banSync.findMany({
    where: {
      serverId,
      state: "applied",
      ban: { NOT: { AND: [stateWhere("active", now), appliesToServerWhere(serverId), { expiresAt: null }] } },
    },
    select: { ban: { select: candidateSelect } },
    take: limit,
  });
  return rows.map(({ ban: r }) => ({
    banId: r.id,
    reason: r.reason,
    expiresAt: r.expiresAt,
    identifiers: r.identifiers,
  }));
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

export async function banSyncRows(db: Db, serverId: string) {
  return db.banSync.findMany({ where: { serverId }, orderBy: { createdAt: "asc" } });
}
