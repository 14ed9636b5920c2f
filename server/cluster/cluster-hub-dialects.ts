/**
 * The game of every server (dialect, enabled), known on every instance whoever holds the server,
 * so redaction, the command catalogue and capabilities stay synchronous reads. Loaded from the
 * database at start (with every protocol family, so no lookup waits for an import) and re-read per
 * server when it changes.
 */
import type { Db } from "../db/client.ts";
import { findDialect, isProtocolId, loadAllFamilies } from "../rcon/registry.ts";
import type { Dialect, ProtocolFamily } from "../rcon/types.ts";

export interface ServerGame {
  dialect: Dialect | null;
  enabled: boolean;
}

export interface DialectCache {
  load(): Promise<void>;
  /** Re-reads one server (created, edited or deleted). */
  refresh(serverId: string): Promise<void>;
  forget(serverId: string): void;
  get(serverId: string): ServerGame | null;
  /** Every server known (the overview's default list). */
  ids(): string[];
}

export function createDialectCache(db: Db): DialectCache {
  const games = new Map<string, ServerGame>();
  let families: ProtocolFamily[] = [];

  const dialectOf = (protocol: string, game: string): Dialect | null => {
    if (!isProtocolId(protocol)) return null;
    const family = families.find((f) => f.id === protocol);
    if (!family) return null;
    try {
      return findDialect(family, game);
    } catch {
      return null; // an unknown game: shown as such by the instance that holds it
    }
  };

  return {
    async load() {
      families = await loadAllFamilies();
      const rows = await db.server.findMany({
        select: { id: true, game: true, protocol: true, enabled: true },
      });
      games.clear();
      for (const row of rows)
        games.set(row.id, { dialect: dialectOf(row.protocol, row.game), enabled: row.enabled });
    },
    async refresh(serverId) {
      const row = await db.server.findUnique({
        where: { id: serverId },
        select: { game: true, protocol: true, enabled: true },
      });
      if (!row) games.delete(serverId);
      else games.set(serverId, { dialect: dialectOf(row.protocol, row.game), enabled: row.enabled });
    },
    forget(serverId) {
      games.delete(serverId);
    },
    get: (serverId) => games.get(serverId) ?? null,
    ids: () => [...games.keys()],
  };
}
