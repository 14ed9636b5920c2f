/**
 * What linking writes (linking.ts and late-links.ts): a plan gathers what a batch of stays showed,
 * per player, identity, server and stay, and is written in a handful of multi-row statements
 * whatever its size (raw INSERT ... ON CONFLICT: sql.ts), newer values winning over older ones.
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "../../../prisma/generated/sqlite/client.ts";
import { asDate, chunks, type Tx } from "./sql.ts";
import { identityKey, type StayIdentities, type StayIdentity, type StayToLink } from "./stay-identities.ts";
import { addStayTotals } from "./totals.ts";

/** A stay and the player it goes to. */
export interface Decided {
  stay: StayToLink;
  ids: StayIdentities;
  playerId: string;
}

interface PlayerRow {
  id: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastName: string;
  lastNameKey: string;
  lastServerId: string;
}

interface IdentityRow {
  playerId: string;
  kind: string;
  value: string;
  display: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  timesSeen: number;
  servers: Map<string, { firstSeenAt: Date; lastSeenAt: Date }>;
}

export interface Plan {
  players: Map<string, PlayerRow>;
  identities: Map<string, IdentityRow>;
  playerServers: Map<string, { playerId: string; serverId: string; firstSeenAt: Date; lastSeenAt: Date }>;
  /** Stays to point at their player (only where not linked yet). */
  sessions: { stayId: string; playerId: string }[];
}

export function emptyPlan(): Plan {
  return { players: new Map(), identities: new Map(), playerServers: new Map(), sessions: [] };
}

const earlier = (a: Date, b: Date) => (a < b ? a : b);
const later = (a: Date, b: Date) => (a > b ? a : b);

/** Adds what one stay showed to the plan (`identities`: those to count; the player row always). */
export function planStay(
  plan: Plan,
  d: Decided,
  identities: readonly StayIdentity[],
  now: Date,
  withServer: boolean,
): void {
  const { stay, playerId } = d;
  const first = stay.joinedAt;
  const last = stay.leftAt ?? now;
  const nameKey = d.ids.name?.value ?? "";
  const p = plan.players.get(playerId);
  if (!p)
    plan.players.set(playerId, {
      id: playerId,
      firstSeenAt: first,
      lastSeenAt: last,
      lastName: stay.name,
      lastNameKey: nameKey,
      lastServerId: stay.serverId,
    });
  else {
    p.firstSeenAt = earlier(p.firstSeenAt, first);
    if (last >= p.lastSeenAt)
      Object.assign(p, {
        lastSeenAt: last,
        lastName: stay.name,
        lastNameKey: nameKey,
        lastServerId: stay.serverId,
      });
  }
  for (const identity of identities) {
    const key = `${playerId}\u0000${identityKey(identity)}`;
    const row = plan.identities.get(key);
    if (!row) {
      plan.identities.set(key, {
        playerId,
        ...identity,
        firstSeenAt: first,
        lastSeenAt: last,
        timesSeen: 1,
        servers: new Map([[stay.serverId, { firstSeenAt: first, lastSeenAt: last }]]),
      });
      continue;
    }
    row.timesSeen++;
    row.firstSeenAt = earlier(row.firstSeenAt, first);
    if (last >= row.lastSeenAt) {
      row.lastSeenAt = last;
      row.display = identity.display ?? row.display;
    }
    const s = row.servers.get(stay.serverId);
    row.servers.set(
      stay.serverId,
      s
        ? { firstSeenAt: earlier(s.firstSeenAt, first), lastSeenAt: later(s.lastSeenAt, last) }
        : { firstSeenAt: first, lastSeenAt: last },
    );
  }
  if (withServer) {
    const key = `${playerId}\u0000${stay.serverId}`;
    const s = plan.playerServers.get(key);
    plan.playerServers.set(
      key,
      s
        ? { ...s, firstSeenAt: earlier(s.firstSeenAt, first), lastSeenAt: later(s.lastSeenAt, last) }
        : { playerId, serverId: stay.serverId, firstSeenAt: first, lastSeenAt: last },
    );
  }
}

/** `"T"."col"` replaced by the row's newer value, for ON CONFLICT ... DO UPDATE. */
const latest = (table: string, column: string) =>
  Prisma.raw(
    `CASE WHEN excluded."${column}" > "${table}"."${column}" THEN excluded."${column}" ELSE "${table}"."${column}" END`,
  );
const earliest = (table: string, column: string) =>
  Prisma.raw(
    `CASE WHEN excluded."${column}" < "${table}"."${column}" THEN excluded."${column}" ELSE "${table}"."${column}" END`,
  );
/** A column taken from the new row only when the new row was seen at least as late. */
const ifNewer = (table: string, column: string) =>
  Prisma.raw(
    `CASE WHEN excluded."lastSeenAt" >= "${table}"."lastSeenAt" THEN excluded."${column}" ELSE "${table}"."${column}" END`,
  );

/** Writes a plan: players, identities and where seen upserted, stays linked (and counted when closed). */
export async function writePlan(tx: Tx, plan: Plan, now: Date): Promise<void> {
  for (const rows of chunks([...plan.players.values()])) {
    const values = rows.map(
      (p) =>
        Prisma.sql`(${p.id}, ${p.lastName}, ${p.lastNameKey}, ${p.firstSeenAt}, ${p.lastSeenAt}, ${p.lastServerId}, ${now}, ${now})`,
    );
    await tx.$executeRaw`INSERT INTO "Player" ("id", "lastName", "lastNameKey", "firstSeenAt", "lastSeenAt", "lastServerId", "createdAt", "updatedAt") VALUES ${Prisma.join(values)}
      ON CONFLICT ("id") DO UPDATE SET "lastName" = ${ifNewer("Player", "lastName")}, "lastNameKey" = ${ifNewer("Player", "lastNameKey")}, "lastServerId" = ${ifNewer("Player", "lastServerId")},
        "lastSeenAt" = ${latest("Player", "lastSeenAt")}, "firstSeenAt" = ${earliest("Player", "firstSeenAt")}, "updatedAt" = excluded."updatedAt"`;
  }
  const identityIds = new Map<string, string>();
  const identities = [...plan.identities.values()];
  for (const rows of chunks(identities)) {
    const values = rows.map(
      (i) =>
        Prisma.sql`(${randomUUID()}, ${i.playerId}, ${i.playerId}, ${i.kind}, ${i.value}, ${i.display}, ${i.firstSeenAt}, ${i.lastSeenAt}, ${i.timesSeen})`,
    );
    const stored = await tx.$queryRaw<
      { id: string; playerId: string; kind: string; value: string }[]
    >`INSERT INTO "PlayerIdentity" ("id", "playerId", "originPlayerId", "kind", "value", "display", "firstSeenAt", "lastSeenAt", "timesSeen") VALUES ${Prisma.join(values)}
      ON CONFLICT ("playerId", "kind", "value") DO UPDATE SET "timesSeen" = "PlayerIdentity"."timesSeen" + excluded."timesSeen",
        "display" = CASE WHEN excluded."lastSeenAt" >= "PlayerIdentity"."lastSeenAt" THEN COALESCE(excluded."display", "PlayerIdentity"."display") ELSE "PlayerIdentity"."display" END,
        "lastSeenAt" = ${latest("PlayerIdentity", "lastSeenAt")}, "firstSeenAt" = ${earliest("PlayerIdentity", "firstSeenAt")}
      RETURNING "id", "playerId", "kind", "value"`;
    for (const r of stored) identityIds.set(`${r.playerId}\u0000${identityKey(r)}`, r.id);
  }
  const seenOn = identities.flatMap((i) => {
    const id = identityIds.get(`${i.playerId}\u0000${identityKey(i)}`);
    return id ? [...i.servers].map(([serverId, s]) => ({ id, serverId, ...s })) : [];
  });
  for (const rows of chunks(seenOn)) {
    const values = rows.map((r) => Prisma.sql`(${r.id}, ${r.serverId}, ${r.firstSeenAt}, ${r.lastSeenAt})`);
    await tx.$executeRaw`INSERT INTO "PlayerIdentityServer" ("identityId", "serverId", "firstSeenAt", "lastSeenAt") VALUES ${Prisma.join(values)}
      ON CONFLICT ("identityId", "serverId") DO UPDATE SET "lastSeenAt" = ${latest("PlayerIdentityServer", "lastSeenAt")}, "firstSeenAt" = ${earliest("PlayerIdentityServer", "firstSeenAt")}`;
  }
  for (const rows of chunks([...plan.playerServers.values()])) {
    const values = rows.map(
      (r) => Prisma.sql`(${r.playerId}, ${r.serverId}, ${r.firstSeenAt}, ${r.lastSeenAt})`,
    );
    await tx.$executeRaw`INSERT INTO "PlayerServer" ("playerId", "serverId", "firstSeenAt", "lastSeenAt") VALUES ${Prisma.join(values)}
      ON CONFLICT ("playerId", "serverId") DO UPDATE SET "lastSeenAt" = ${latest("PlayerServer", "lastSeenAt")}, "firstSeenAt" = ${earliest("PlayerServer", "firstSeenAt")}`;
  }
  for (const rows of chunks(plan.sessions)) {
    const values = rows.map((r) => Prisma.sql`(${r.stayId}, ${r.playerId})`);
    // Only stays not linked yet: a stay already closed counts in the totals exactly here (totals.ts).
    const linked = await tx.$queryRaw<
      { playerId: string; serverId: string; joinedAt: unknown; leftAt: unknown }[]
    >`UPDATE "PlayerSession" SET "playerId" = v.column2, "originPlayerId" = v.column2, "updatedAt" = ${now}
      FROM (VALUES ${Prisma.join(values)}) AS v WHERE "PlayerSession"."id" = v.column1 AND "PlayerSession"."playerId" IS NULL
      RETURNING "playerId", "serverId", "joinedAt", "leftAt"`;
    await addStayTotals(
      tx,
      linked.map((r) => ({
        playerId: r.playerId,
        serverId: r.serverId,
        joinedAt: asDate(r.joinedAt),
        leftAt: r.leftAt === null ? null : asDate(r.leftAt),
      })),
    );
  }
}
