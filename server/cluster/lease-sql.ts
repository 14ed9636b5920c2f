/**
 * The SQL of server leases (PostgreSQL only; multi-instance mode requires it). Every time in these
 * statements is the DATABASE's clock (`now()`), never an instance's: instances' wall clocks drift
 * and jump, while one database clock orders every grant, renewal and expiry the same way for all.
 * Columns are TIMESTAMP(3) holding UTC (Prisma's convention), so "now" is `now() AT TIME ZONE
 * 'UTC'`, which does not depend on each session's TimeZone setting.
 *
 * The epoch of a lease grows by one at each takeover (a fresh row starts at 1): it is the fencing
 * number that writes carry (lease-fence.ts), so a stale owner's late writes are recognised.
 * Lifetimes are numbers this process computes (never user input), inlined as interval literals.
 */
import type { Db } from "../db/client.ts";
import { Prisma } from "../../prisma/generated/sqlite/client.ts";

const NOW = Prisma.raw(`(now() AT TIME ZONE 'UTC')`);
const CHUNK = 1000;

function interval(ms: number): Prisma.Sql {
  return Prisma.raw(`interval '${Math.max(0, Math.round(ms))} milliseconds'`);
}

export interface LeaseRow {
  serverId: string;
  epoch: number;
}

export interface Survey {
  /** Enabled (non-demo) servers: what the fleet shares. */
  servers: number;
  /** Of those, the ones with no lease or an expired one: free to take. */
  free: number;
  /**
   * Live instances, smallest id first, with their unexpired lease counts: heartbeat within
   * `liveMs`, and either recent (within `staleMs`) or still holding a lease. This one always.
   */
  live: { id: string; held: number }[];
  /**
   * Milliseconds until the earliest unexpired lease of an owner that looks dead (heartbeat older
   * than `staleMs`, or no row) runs out; null if there is none. Lets a survivor tick right after it.
   */
  orphanExpiresInMs: number | null;
}

/** The servers a fleet leases: enabled, and not the in-process demo emulators (a cluster starts none). */
const LEASABLE = Prisma.sql`s."enabled" = true AND s."isDemo" = false`;

/** Upserts this instance's heartbeat and forgets instances silent for longer than `forgetMs`. */
export async function heartbeat(db: Db, instanceId: string, forgetMs: number): Promise<void> {
  await db.$executeRaw`INSERT INTO "ClusterInstance" ("id", "startedAt", "heartbeatAt") VALUES (${instanceId}, ${NOW}, ${NOW})
    ON CONFLICT ("id") DO UPDATE SET "heartbeatAt" = EXCLUDED."heartbeatAt"`;
  await db.$executeRaw`DELETE FROM "ClusterInstance" WHERE "heartbeatAt" < ${NOW} - ${interval(forgetMs)} AND "id" <> ${instanceId}`;
}

/**
 * Renews, in one statement, every unexpired lease this instance owns on a leasable server. Leases
 * of disabled servers are left out (not renewed): the caller releases what is missing.
 */
export async function renewLeases(db: Db, instanceId: string, leaseMs: number): Promise<LeaseRow[]> {
  return db.$queryRaw<LeaseRow[]>`UPDATE "ServerLease" AS l SET "expiresAt" = ${NOW} + ${interval(leaseMs)}
    FROM "Server" AS s
    WHERE s."id" = l."serverId" AND ${LEASABLE} AND l."ownerId" = ${instanceId} AND l."expiresAt" > ${NOW}
    RETURNING l."serverId" AS "serverId", l."epoch" AS "epoch"`;
}

export async function survey(db: Db, instanceId: string, liveMs: number, staleMs: number): Promise<Survey> {
  const [counts] = await db.$queryRaw<
    { servers: bigint | number; free: bigint | number; orphanMs: number | null }[]
  >`SELECT
      (SELECT count(*) FROM "Server" AS s WHERE ${LEASABLE}) AS "servers",
      (SELECT count(*) FROM "Server" AS s LEFT JOIN "ServerLease" AS l ON l."serverId" = s."id"
         WHERE ${LEASABLE} AND (l."serverId" IS NULL OR l."expiresAt" <= ${NOW})) AS "free",
      (SELECT EXTRACT(EPOCH FROM (min(l."expiresAt") - ${NOW})) * 1000
         FROM "ServerLease" AS l LEFT JOIN "ClusterInstance" AS i ON i."id" = l."ownerId"
         WHERE l."expiresAt" > ${NOW} AND l."ownerId" <> ${instanceId}
           AND (i."id" IS NULL OR i."heartbeatAt" < ${NOW} - ${interval(staleMs)}))::float8 AS "orphanMs"`;
  const rows = await db.$queryRaw<
    { id: string; held: bigint | number; ageMs: number }[]
  >`SELECT i."id" AS "id",
      (SELECT count(*) FROM "ServerLease" AS l WHERE l."ownerId" = i."id" AND l."expiresAt" > ${NOW}) AS "held",
      (EXTRACT(EPOCH FROM (${NOW} - i."heartbeatAt")) * 1000)::float8 AS "ageMs"
    FROM "ClusterInstance" AS i WHERE i."heartbeatAt" > ${NOW} - ${interval(liveMs)} OR i."id" = ${instanceId}
    ORDER BY i."id"`;
  // An instance that missed a heartbeat and holds nothing unexpired is most likely dead (its
  // leases ran out): not counting it lets its servers be taken as soon as they expire.
  const live = rows.filter((r) => r.id === instanceId || Number(r.held) > 0 || Number(r.ageMs) < staleMs);
  return {
    servers: Number(counts?.servers ?? 0),
    free: Number(counts?.free ?? 0),
    live: live.map((r) => ({ id: r.id, held: Number(r.held) })),
    orphanExpiresInMs:
      counts?.orphanMs === null || counts?.orphanMs === undefined ? null : Number(counts.orphanMs),
  };
}

/**
 * Takes up to `limit` leasable servers that have no lease or an expired one, in random order (so
 * instances starting together spread instead of colliding), with epoch + 1 on a takeover. The
 * conflict branch re-checks expiry on the row as committed: of two instances racing for one
 * server, the second finds it unexpired and gets nothing. `lock_timeout` bounds the wait on a row
 * a stale owner's write still locks (FOR SHARE), so a renewal tick is never held up for long.
 */
export async function acquireLeases(
  db: Db,
  instanceId: string,
  leaseMs: number,
  limit: number,
  lockTimeoutMs: number,
): Promise<LeaseRow[]> {
  if (limit <= 0) return [];
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
    return tx.$queryRaw<
      LeaseRow[]
    >`INSERT INTO "ServerLease" ("serverId", "ownerId", "epoch", "expiresAt", "acquiredAt")
      SELECT s."id", ${instanceId}, 1, ${NOW} + ${interval(leaseMs)}, ${NOW}
        FROM "Server" AS s LEFT JOIN "ServerLease" AS l ON l."serverId" = s."id"
        WHERE ${LEASABLE} AND (l."serverId" IS NULL OR l."expiresAt" <= ${NOW})
        ORDER BY random() LIMIT ${limit}
      ON CONFLICT ("serverId") DO UPDATE SET "ownerId" = EXCLUDED."ownerId", "epoch" = "ServerLease"."epoch" + 1,
        "expiresAt" = EXCLUDED."expiresAt", "acquiredAt" = EXCLUDED."acquiredAt"
        WHERE "ServerLease"."expiresAt" <= ${NOW}
      RETURNING "serverId", "epoch"`;
  });
}

/** Expires these leases of this instance (only at the epochs given), so another can take them at once. */
export async function expireLeases(db: Db, instanceId: string, leases: readonly LeaseRow[]): Promise<void> {
  for (let i = 0; i < leases.length; i += CHUNK) {
    const pairs = leases.slice(i, i + CHUNK).map((l) => Prisma.sql`(${l.serverId}, ${l.epoch}::int)`);
    await db.$executeRaw`UPDATE "ServerLease" SET "expiresAt" = ${NOW}
      WHERE "ownerId" = ${instanceId} AND "expiresAt" > ${NOW} AND ("serverId", "epoch") IN (${Prisma.join(pairs)})`;
  }
}

/** Graceful stop: every lease of this instance expires now and the instance leaves the live set, in one transaction. */
export async function leaveCluster(db: Db, instanceId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`UPDATE "ServerLease" SET "expiresAt" = ${NOW} WHERE "ownerId" = ${instanceId} AND "expiresAt" > ${NOW}`;
    await tx.$executeRaw`DELETE FROM "ClusterInstance" WHERE "id" = ${instanceId}`;
  });
}

/**
 * The leases of these servers that this instance owns, locked FOR SHARE until the caller's
 * transaction ends (lease-fence.ts explains why).
 */
export async function lockOwnLeases(
  tx: Db,
  instanceId: string,
  serverIds: readonly string[],
): Promise<LeaseRow[]> {
  const rows: LeaseRow[] = [];
  for (let i = 0; i < serverIds.length; i += CHUNK) {
    const ids = serverIds.slice(i, i + CHUNK);
    rows.push(
      ...(await tx.$queryRaw<LeaseRow[]>`SELECT "serverId", "epoch" FROM "ServerLease"
        WHERE "serverId" IN (${Prisma.join(ids)}) AND "ownerId" = ${instanceId} FOR SHARE`),
    );
  }
  return rows;
}
