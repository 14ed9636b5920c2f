/**
 * Which instance holds a server right now: the lease row, read with the database's clock (a lease
 * past `expiresAt` belongs to nobody). Cached for about a second per server, because every routed
 * command asks; the lease manager's "leases" bus topic drops the cache at once when leases move.
 */
import { Prisma } from "../../prisma/generated/sqlite/client.ts";
import type { Db } from "../db/client.ts";
import type { Clock } from "../rcon/clock.ts";

export const LEASES_TOPIC = "leases";

export interface OwnerLookup {
  /** The instance holding `serverId`, or null when no live lease exists. */
  ownerOf(serverId: string): Promise<string | null>;
  /** Forget what is cached (one server, or all). */
  invalidate(serverId?: string): void;
}

/** Bounded: far more servers than any deployment, so the cache is never the memory problem. */
const MAX_CACHED = 50_000;

export function createOwnerLookup(options: { db: Db; clock: Clock; ttlMs?: number }): OwnerLookup {
  const ttlMs = options.ttlMs ?? 1_000;
  const cache = new Map<string, { owner: string | null; at: number }>();
  return {
    async ownerOf(serverId) {
      const cached = cache.get(serverId);
      if (cached && options.clock.now() - cached.at < ttlMs) return cached.owner;
      const rows = await options.db.$queryRaw<{ ownerId: string }[]>(
        Prisma.sql`SELECT "ownerId" FROM "ServerLease" WHERE "serverId" = ${serverId} AND "expiresAt" > now()`,
      );
      const owner = rows[0]?.ownerId ?? null;
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(serverId, { owner, at: options.clock.now() });
      return owner;
    },
    invalidate(serverId) {
      if (serverId === undefined) cache.clear();
      else cache.delete(serverId);
    },
  };
}
