/**
 * Player records for data-layer tests, stored as the linking stores them: the player, its
 * identities and where they were seen, its closed stays (linked, with their origin), and the
 * per-server summaries and totals those stays add up to.
 */
import { nameSearchKey } from "../../lib/players/search-key.ts";
import type { Db } from "../db/client.ts";

export interface TestStay {
  serverId: string;
  joinedAt: Date;
  leftAt: Date;
  name?: string;
  guid?: string | null;
  steamId?: string | null;
  address?: string | null;
}

export interface TestIdentity {
  kind: string;
  value: string;
  /** Names: the name as shown. */
  display?: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  timesSeen?: number;
  serverIds: string[];
}

export async function createPlayerRecord(
  db: Db,
  record: { name: string; identities: TestIdentity[]; stays: TestStay[] },
): Promise<string> {
  const joined = record.stays.map((s) => s.joinedAt.getTime());
  const left = record.stays.map((s) => s.leftAt.getTime());
  const seconds = (s: TestStay) => Math.round((s.leftAt.getTime() - s.joinedAt.getTime()) / 1000);
  const last = [...record.stays].sort((a, b) => b.leftAt.getTime() - a.leftAt.getTime())[0];
  const player = await db.player.create({
    data: {
      lastName: record.name,
      lastNameKey: nameSearchKey(record.name),
      firstSeenAt: new Date(Math.min(...joined)),
      lastSeenAt: new Date(Math.max(...left)),
      lastServerId: last?.serverId ?? null,
      staysCount: record.stays.length,
      secondsPlayed: record.stays.reduce((sum, s) => sum + seconds(s), 0),
    },
  });
  for (const identity of record.identities) {
    await db.playerIdentity.create({
      data: {
        playerId: player.id,
        originPlayerId: player.id,
        kind: identity.kind,
        value: identity.value,
        display: identity.display ?? null,
        firstSeenAt: identity.firstSeenAt,
        lastSeenAt: identity.lastSeenAt,
        timesSeen: identity.timesSeen ?? 1,
        servers: {
          create: identity.serverIds.map((serverId) => ({
            serverId,
            firstSeenAt: identity.firstSeenAt,
            lastSeenAt: identity.lastSeenAt,
          })),
        },
      },
    });
  }
  for (const serverId of new Set(record.stays.map((s) => s.serverId))) {
    const here = record.stays.filter((s) => s.serverId === serverId);
    await db.playerServer.create({
      data: {
        playerId: player.id,
        serverId,
        firstSeenAt: new Date(Math.min(...here.map((s) => s.joinedAt.getTime()))),
        lastSeenAt: new Date(Math.max(...here.map((s) => s.leftAt.getTime()))),
        staysCount: here.length,
        secondsPlayed: here.reduce((sum, s) => sum + seconds(s), 0),
      },
    });
  }
  for (const [i, stay] of record.stays.entries()) {
    const name = stay.name ?? record.name;
    await db.playerSession.create({
      data: {
        serverId: stay.serverId,
        gameId: String(i),
        name,
        plainName: name,
        guid: stay.guid ?? null,
        steamId: stay.steamId ?? null,
        address: stay.address ?? null,
        joinedAt: stay.joinedAt,
        leftAt: stay.leftAt,
        playerId: player.id,
        originPlayerId: player.id,
      },
    });
  }
  return player.id;
}

/** Everything a merge or split may touch of one record, comparable with toEqual. */
export async function recordRows(db: Db, playerId: string) {
  const player = await db.player.findUniqueOrThrow({ where: { id: playerId } });
  const { updatedAt: _updated, ...row } = player;
  const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    player: row,
    identities: byId(
      await db.playerIdentity.findMany({
        where: { playerId },
        include: {
          servers: {
            orderBy: { serverId: "asc" },
            select: { serverId: true, firstSeenAt: true, lastSeenAt: true },
          },
        },
      }),
    ),
    servers: await db.playerServer.findMany({ where: { playerId }, orderBy: { serverId: "asc" } }),
    stays: byId(
      await db.playerSession.findMany({ where: { playerId }, select: { id: true, originPlayerId: true } }),
    ),
    notes: byId(await db.playerNote.findMany({ where: { playerId }, select: { id: true, text: true } })),
    sanctions: byId(
      await db.playerSanction.findMany({ where: { playerId }, select: { id: true, kind: true } }),
    ),
    bans: byId(await db.ban.findMany({ where: { playerId }, select: { id: true } })),
  };
}
