/**
 * Player records for data-layer tests, written as linking leaves them (Player, its identities with
 * the servers they were seen on, per-server summaries, stays), without running the hub.
 */
import { nameSearchKey } from "../../lib/players/search-key.ts";
import type { Db } from "../db/client.ts";

export interface SeedPlayer {
  /** Names as shown, oldest first; the last one is the player's current name. */
  names: string[];
  /** Plain forms of `names` where colour codes differ (defaults to the names). */
  plainNames?: string[];
  /** Certain identities and addresses, already normalised (kind as in lib/bans/identifiers.ts). */
  identities?: { kind: string; value: string }[];
  /** Servers seen on, each with its stays (seconds played per stay); the first is the oldest. */
  servers: string[];
  lastSeenAt: Date;
  /** Stays per server (default 1), an hour apart, ending at lastSeenAt; `openOn` leaves one open. */
  staysPerServer?: number;
  openOn?: string;
  /** Identities seen only on these servers (default: all of `servers`). */
  identityServers?: string[];
}

const HOUR = 3_600_000;

export async function seedPlayer(db: Db, spec: SeedPlayer): Promise<string> {
  const last = spec.names[spec.names.length - 1]!;
  const plain = spec.plainNames ?? spec.names;
  const lastPlain = plain[plain.length - 1]!;
  const stays = spec.staysPerServer ?? 1;
  const first = new Date(spec.lastSeenAt.getTime() - stays * HOUR);
  const player = await db.player.create({
    data: {
      lastName: last,
      lastNameKey: nameSearchKey(lastPlain),
      firstSeenAt: first,
      lastSeenAt: spec.lastSeenAt,
      lastServerId: spec.servers[spec.servers.length - 1] ?? null,
      staysCount: stays * spec.servers.length,
      secondsPlayed: stays * spec.servers.length * 600,
    },
  });
  const identityServers = spec.identityServers ?? spec.servers;
  const identities = [
    ...spec.names.map((display, i) => ({ kind: "name", value: nameSearchKey(plain[i]!), display })),
    ...(spec.identities ?? []).map((i) => ({ ...i, display: null })),
  ];
  const seen = new Set<string>();
  for (const [i, identity] of identities.entries()) {
    if (seen.has(`${identity.kind}\n${identity.value}`)) continue;
    seen.add(`${identity.kind}\n${identity.value}`);
    // Older names were seen earlier.
    const at = new Date(spec.lastSeenAt.getTime() - (identities.length - i) * 60_000);
    await db.playerIdentity.create({
      data: {
        playerId: player.id,
        originPlayerId: player.id,
        kind: identity.kind,
        value: identity.value,
        display: identity.display,
        firstSeenAt: first,
        lastSeenAt: at,
        servers: {
          create: identityServers.map((serverId) => ({ serverId, firstSeenAt: first, lastSeenAt: at })),
        },
      },
    });
  }
  for (const serverId of spec.servers) {
    await db.playerServer.create({
      data: {
        playerId: player.id,
        serverId,
        firstSeenAt: first,
        lastSeenAt: spec.lastSeenAt,
        staysCount: stays,
        secondsPlayed: stays * 600,
      },
    });
    await db.playerSession.createMany({
      data: Array.from({ length: stays }, (_, k) => {
        const joinedAt = new Date(spec.lastSeenAt.getTime() - (k + 1) * HOUR);
        const open = k === 0 && spec.openOn === serverId;
        return {
          serverId,
          gameId: String(7 + k),
          name: last,
          plainName: lastPlain,
          joinedAt,
          leftAt: open ? null : new Date(joinedAt.getTime() + 600_000),
          playerId: player.id,
          originPlayerId: player.id,
        };
      }),
    });
  }
  return player.id;
}
