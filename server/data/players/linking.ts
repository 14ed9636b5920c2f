/**
 * Linking stays to player records (system work for the hub: no DataContext, no audit).
 *
 * The rules, per stay (bots are nobody: no record):
 * 1. Certain identities (steam, battleye, eos, mc_uuid, cod_guid as identifiersOfPlayer reads the
 *    game's columns) name one person. The stay goes to the player already holding one of them,
 *    asked in the order steam, battleye, eos, mc_uuid, cod_guid; within a kind, the player that
 *    held it first. Merged players are followed to the player they were merged into; erased ones
 *    are nobody. When two certain identities point at two players, the first kind wins and the
 *    other identity is NOT moved: it is added to the winner too, so two players share it, which
 *    the profile shows as a suggestion ("shares the same ..."). Nothing is ever merged here.
 * 2. A stay without a certain identity in a game whose players have accounts (the SteamID or GUID
 *    is not known yet) gets a NEW player: a guess on a name or address could glue two people
 *    together. When the identity arrives (linkLateIdentities) and belongs to someone already
 *    known, that stay moves there and the placeholder player is dropped, as long as nothing but
 *    this stay made it (no other stay, note, warning, ban, flag or merge).
 * 3. Games whose player lists show no account id (CS2, plain Quake 3 and OpenArena, Minecraft and
 *    Factorio; dialect data, capabilities.listsAccounts) offer nothing better than the address and
 *    the name: such a stay goes to a player seen
 *    with the same address AND the same name key (nameSearchKey), or, where the game shows no
 *    address at all, the same name key alone (there the name is the account). Players holding a
 *    certain identity are never matched this way. Among several, the one seen last wins.
 * Every identity the stay showed is stored on its player (names by search key, with the name as
 * shown), with first and last seen, times seen and the servers where seen; the player's last name,
 * last seen and last server follow the stay. Closed stays (the backfill) add to the totals once
 * (totals.ts).
 *
 * A batch is a handful of statements, whatever its size (lookups by the (kind, value) index, then
 * multi-row upserts), in one transaction; two stays of one new person in a batch give one player.
 * Batches never overlap in one process (the hub's write queue is serial); a unique-constraint
 * race with another process is retried once.
 */
import { randomUUID } from "node:crypto";
import type { PlayerRecordBadge } from "../../../lib/realtime/contract.ts";
import { Prisma } from "../../../prisma/generated/sqlite/client.ts";
import type { Db } from "../../db/client.ts";
import { badgesFor } from "./badges.ts";
import { asDate, chunks, isUniqueViolation, type Tx } from "./sql.ts";
import {
  CERTAIN_ORDER,
  identitiesOfStay,
  identityKey,
  isBotStay,
  type StayFields,
  type StayGame,
  type StayIdentities,
  type StayIdentity,
} from "./stay-identities.ts";
import { addStayTotals } from "./totals.ts";

export { badgesFor } from "./badges.ts";
export type { StayFields, StayGame } from "./stay-identities.ts";

export interface StayToLink extends StayFields {
  stayId: string;
  serverId: string;
  game: StayGame;
  joinedAt: Date;
  /** Stays already closed (the backfill): last seen is when they left, and they count in the totals. */
  leftAt?: Date | null;
  /** The live list's word; stored stays of bots are recognised by their address "bot". */
  isBot?: boolean;
}

export interface LinkedStay {
  playerId: string;
  badge: PlayerRecordBadge;
}

const TRANSACTION = { maxWait: 30_000, timeout: 120_000 } as const;

/** Links a batch of stays (up to a few hundred); per stay its player and badge, or null for bots. */
export async function linkStays(
  db: Db,
  stays: readonly StayToLink[],
  now: Date,
): Promise<(LinkedStay | null)[]> {
  const people = stays.filter((s) => !isBotStay(s));
  if (people.length === 0) return stays.map(() => null);
  const attempt = () => db.$transaction((tx) => linkInTransaction(tx, people, now), TRANSACTION);
  const linked = await retryOnce(attempt);
  return stays.map((s) => linked.get(s.stayId) ?? null);
}

async function retryOnce<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return attempt(); // another process created the same row meanwhile: look again
  }
}

// ------------------------------------------------------------------------------------------------
// Deciding

interface Owner {
  id: string;
  lastSeenAt: Date;
}

/** The current owner of each player id: merges followed, erased players null. */
async function currentOwners(tx: Tx, playerIds: readonly string[]): Promise<Map<string, Owner | null>> {
  const rows = new Map<string, { mergedIntoId: string | null; erasedAt: Date | null; lastSeenAt: Date }>();
  let pending = [...new Set(playerIds)];
  for (let depth = 0; depth < 8 && pending.length > 0; depth++) {
    const found = await tx.player.findMany({
      where: { id: { in: pending } },
      select: { id: true, mergedIntoId: true, erasedAt: true, lastSeenAt: true },
    });
    for (const r of found) rows.set(r.id, r);
    pending = [
      ...new Set(found.map((r) => r.mergedIntoId).filter((id): id is string => id !== null && !rows.has(id))),
    ];
  }
  const out = new Map<string, Owner | null>();
  for (const start of new Set(playerIds)) {
    let id: string | null = start;
    let owner: Owner | null = null;
    for (let hops = 0; id !== null && hops < 8; hops++) {
      const row = rows.get(id);
      if (!row || row.erasedAt) break;
      if (!row.mergedIntoId) {
        owner = { id, lastSeenAt: row.lastSeenAt };
        break;
      }
      id = row.mergedIntoId;
    }
    out.set(start, owner);
  }
  return out;
}

interface HolderRow {
  playerId: string;
  kind: string;
  value: string;
}

/**
 * The identity rows of each (kind, value), oldest first; with `among`, only rows on those players.
 */
async function identityRows(
  tx: Tx,
  identities: readonly StayIdentity[],
  among?: readonly string[],
): Promise<HolderRow[]> {
  const byKind = new Map<string, Set<string>>();
  for (const i of identities) (byKind.get(i.kind) ?? byKind.set(i.kind, new Set()).get(i.kind)!).add(i.value);
  const rows: HolderRow[] = [];
  if (among?.length === 0) return rows;
  const playerGroups = among ? chunks([...new Set(among)], 250) : [undefined];
  for (const [kind, values] of byKind) {
    for (const group of chunks([...values], 250)) {
      for (const players of playerGroups) {
        rows.push(
          ...(await tx.playerIdentity.findMany({
            where: { kind, value: { in: group }, ...(players ? { playerId: { in: players } } : {}) },
            orderBy: [{ firstSeenAt: "asc" }, { id: "asc" }],
            select: { playerId: true, kind: true, value: true },
          })),
        );
      }
    }
  }
  return rows;
}

/** Players (current owners) holding each (kind, value), oldest holder first. */
async function holders(tx: Tx, identities: readonly StayIdentity[]): Promise<Map<string, Owner[]>> {
  return ownersOfRows(tx, await identityRows(tx, identities));
}

/** The rows' current owners by identity key, each owner once per key, in the rows' order. */
async function ownersOfRows(tx: Tx, rows: readonly HolderRow[]): Promise<Map<string, Owner[]>> {
  const out = new Map<string, Owner[]>();
  if (rows.length === 0) return out;
  const owners = await currentOwners(
    tx,
    rows.map((r) => r.playerId),
  );
  // A common name can have thousands of holders: one set per identity, not a scan per row.
  const seen = new Set<string>();
  for (const r of rows) {
    const owner = owners.get(r.playerId);
    if (!owner) continue;
    const key = identityKey(r);
    const pair = `${key}\u0000${owner.id}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const list = out.get(key) ?? out.set(key, []).get(key)!;
    list.push(owner);
  }
  return out;
}

/** Of these players, those holding any certain identity (never matched on address and name). */
async function withCertainIdentity(tx: Tx, playerIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const group of chunks([...new Set(playerIds)], 500)) {
    const rows = await tx.playerIdentity.findMany({
      where: { playerId: { in: group }, kind: { in: [...CERTAIN_ORDER] } },
      distinct: ["playerId"],
      select: { playerId: true },
    });
    for (const r of rows) out.add(r.playerId);
  }
  return out;
}

function fallbackKey(ids: StayIdentities): string | null {
  if (!ids.name) return null;
  return ids.ip ? `ip+name\u0000${ids.ip.value}\u0000${ids.name.value}` : `name\u0000${ids.name.value}`;
}

interface Decided {
  stay: StayToLink;
  ids: StayIdentities;
  playerId: string;
}

async function decide(tx: Tx, stays: readonly StayToLink[]): Promise<Decided[]> {
  const all = stays.map((stay) => ({ stay, ids: identitiesOfStay(stay, stay.game) }));
  const certainHolders = await holders(
    tx,
    all.flatMap((s) => s.ids.certain),
  );
  const fallback = all.filter(
    (s) => s.ids.certain.length === 0 && s.stay.game.accounts === false && s.ids.name,
  );
  // A common name ("Player", "Unnamed") is held by thousands of players, most of them at other
  // addresses: where the game shows an address, the name is looked up only on the players holding
  // that address (measured at 1,000 bench servers: 95-120 ms per batch reading all the holders).
  // Both the rows' players and their owners: a merge moves identities to the player kept, but a
  // row left on a merged player still counts for its owner.
  const addressRows = await identityRows(
    tx,
    fallback.flatMap((s) => (s.ids.ip ? [s.ids.ip] : [])),
  );
  const byAddress = await ownersOfRows(tx, addressRows);
  const addressPlayers = [
    ...addressRows.map((r) => r.playerId),
    ...[...byAddress.values()].flat().map((o) => o.id),
  ];
  const nameRows = [
    ...(await identityRows(
      tx,
      fallback.filter((s) => !s.ids.ip).map((s) => s.ids.name!),
    )),
    ...(await identityRows(
      tx,
      fallback.filter((s) => s.ids.ip).map((s) => s.ids.name!),
      addressPlayers,
    )),
  ];
  const looseHolders = new Map([...byAddress, ...(await ownersOfRows(tx, nameRows))]);
  const excluded = await withCertainIdentity(
    tx,
    [...looseHolders.values()].flat().map((o) => o.id),
  );

  const batchCertain = new Map<string, string>();
  const batchLoose = new Map<string, string>();
  const decided: Decided[] = [];
  for (const { stay, ids } of all) {
    let playerId: string | null = null;
    for (const identity of ids.certain) {
      playerId =
        certainHolders.get(identityKey(identity))?.[0]?.id ?? batchCertain.get(identityKey(identity)) ?? null;
      if (playerId) break;
    }
    const loose = ids.certain.length === 0 && stay.game.accounts === false ? fallbackKey(ids) : null;
    if (!playerId && loose) {
      const byName = looseHolders.get(identityKey(ids.name!)) ?? [];
      const byIp = ids.ip ? new Set((looseHolders.get(identityKey(ids.ip)) ?? []).map((o) => o.id)) : null;
      const candidates = byName.filter((o) => !excluded.has(o.id) && (byIp === null || byIp.has(o.id)));
      candidates.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
      playerId = candidates[0]?.id ?? batchLoose.get(loose) ?? null;
    }
    playerId ??= randomUUID();
    for (const identity of ids.certain) {
      const key = identityKey(identity);
      if (!certainHolders.has(key) && !batchCertain.has(key)) batchCertain.set(key, playerId);
    }
    if (loose && !batchLoose.has(loose)) batchLoose.set(loose, playerId);
    decided.push({ stay, ids, playerId });
  }
  return decided;
}

// ------------------------------------------------------------------------------------------------
// Writing

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

interface Plan {
  players: Map<string, PlayerRow>;
  identities: Map<string, IdentityRow>;
  playerServers: Map<string, { playerId: string; serverId: string; firstSeenAt: Date; lastSeenAt: Date }>;
  /** Stays to point at their player (only where not linked yet). */
  sessions: { stayId: string; playerId: string }[];
}

function emptyPlan(): Plan {
  return { players: new Map(), identities: new Map(), playerServers: new Map(), sessions: [] };
}

const earlier = (a: Date, b: Date) => (a < b ? a : b);
const later = (a: Date, b: Date) => (a > b ? a : b);

/** Adds what one stay showed to the plan (`identities`: those to count; the player row always). */
function planStay(
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
async function writePlan(tx: Tx, plan: Plan, now: Date): Promise<void> {
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

async function linkInTransaction(
  tx: Tx,
  stays: readonly StayToLink[],
  now: Date,
): Promise<Map<string, LinkedStay>> {
  const decided = await decide(tx, stays);
  const plan = emptyPlan();
  for (const d of decided) {
    planStay(plan, d, d.ids.all, now, true);
    plan.sessions.push({ stayId: d.stay.stayId, playerId: d.playerId });
  }
  await writePlan(tx, plan, now);
  const badges = await badgesFor(
    tx,
    decided.map((d) => d.playerId),
  );
  const out = new Map<string, LinkedStay>();
  for (const d of decided) {
    const badge = badges.get(d.playerId);
    if (badge) out.set(d.stay.stayId, { playerId: d.playerId, badge });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Identities that arrive during a stay

/**
 * A stay's identities that became known later (BattlEye GUIDs arrive after the connect, a rename,
 * a SteamID that was pending): stored on the stay's player. A certain identity another player
 * already holds moves the stay there only when the stay's player is a placeholder (rule 2 above);
 * otherwise both keep it (a conflict shown as a suggestion, never merged). Returns the stay's
 * player and badge, or null (unknown stay, a bot).
 */
export async function linkLateIdentities(
  db: Db,
  stayId: string,
  fields: LateFields,
  now: Date,
): Promise<LinkedStay | null> {
  return (await linkLateIdentitiesOfStays(db, [{ stayId, fields }], now))[0]!;
}

type LateFields = StayFields & { game: StayGame; isBot?: boolean };

/**
 * Several stays' late identities in one transaction, each linked as linkLateIdentities does, one
 * after the other (a stay sees what the ones before it stored). BattlEye stays learn their GUID a
 * moment after the connect: at 1,000 bench servers, 17 such links a second, each a transaction of
 * its own. Results in the stays' order.
 */
export async function linkLateIdentitiesOfStays(
  db: Db,
  stays: readonly { stayId: string; fields: LateFields }[],
  now: Date,
): Promise<(LinkedStay | null)[]> {
  const people = stays.filter((s) => !isBotStay(s.fields));
  if (people.length === 0) return stays.map(() => null);
  const linked = await retryOnce(() =>
    db.$transaction(async (tx) => {
      const out = new Map<(typeof people)[number], LinkedStay | null>();
      for (const s of people) out.set(s, await lateInTransaction(tx, s.stayId, s.fields, now));
      return out;
    }, TRANSACTION),
  );
  return stays.map((s) => linked.get(s) ?? null);
}

async function lateInTransaction(
  tx: Tx,
  stayId: string,
  fields: StayFields & { game: StayGame },
  now: Date,
): Promise<LinkedStay | null> {
  const row = await tx.playerSession.findUnique({
    where: { id: stayId },
    select: { serverId: true, playerId: true, joinedAt: true, leftAt: true },
  });
  if (!row) return null;
  const stay: StayToLink = {
    ...fields,
    stayId,
    serverId: row.serverId,
    joinedAt: row.joinedAt,
    leftAt: row.leftAt,
  };
  const relink = async () => (await linkInTransaction(tx, [stay], now)).get(stayId) ?? null;
  if (!row.playerId) return relink();
  const playerId = (await currentOwners(tx, [row.playerId])).get(row.playerId)?.id;
  if (!playerId) return relink();

  const ids = identitiesOfStay(fields, fields.game);
  const known = await tx.playerIdentity.findMany({
    where: { playerId, OR: ids.all.map((i) => ({ kind: i.kind, value: i.value })) },
    select: { kind: true, value: true },
  });
  const knownKeys = new Set(known.map(identityKey));
  const added = ids.all.filter((i) => !knownKeys.has(identityKey(i)));
  const addedCertain = added.filter((i) => ids.certain.includes(i));
  if (addedCertain.length > 0) {
    const others = await holders(tx, addedCertain);
    const owner = addedCertain
      .map((i) => others.get(identityKey(i))?.find((o) => o.id !== playerId))
      .find((o) => o !== undefined);
    if (owner && (await isPlaceholder(tx, playerId, stayId, row.leftAt !== null))) {
      // The placeholder made for this stay goes; the stay is linked afresh, to the known person.
      await tx.playerSession.update({
        where: { id: stayId },
        data: { playerId: null, originPlayerId: null },
      });
      await tx.player.delete({ where: { id: playerId } });
      return relink();
    }
  }
  const name = ids.name?.value ?? "";
  const current = await tx.player.findUnique({
    where: { id: playerId },
    select: { lastName: true, lastNameKey: true },
  });
  if (added.length === 0 && current?.lastName === fields.name && current.lastNameKey === name) {
    return { playerId, badge: (await badgesFor(tx, [playerId])).get(playerId)! };
  }
  const plan = emptyPlan();
  planStay(plan, { stay, ids, playerId }, added, now, false);
  await writePlan(tx, plan, now);
  return { playerId, badge: (await badgesFor(tx, [playerId])).get(playerId)! };
}

/** A player made only for this stay: no certain identity, no other stay, nothing staff did to it. */
async function isPlaceholder(
  tx: Tx,
  playerId: string,
  stayId: string,
  stayClosed: boolean,
): Promise<boolean> {
  const player = await tx.player.findUnique({
    where: { id: playerId },
    select: {
      staysCount: true,
      watchReason: true,
      erasedAt: true,
      mergedIntoId: true,
      _count: {
        select: {
          stays: { where: { id: { not: stayId } } },
          notes: true,
          sanctions: true,
          bans: true,
          merged: true,
        },
      },
    },
  });
  if (!player || player.watchReason !== null || player.erasedAt || player.mergedIntoId) return false;
  const c = player._count;
  if (c.stays + c.notes + c.sanctions + c.bans + c.merged > 0) return false;
  if (player.staysCount > (stayClosed ? 1 : 0)) return false; // stays of it were pruned: it is someone
  return (await withCertainIdentity(tx, [playerId])).size === 0;
}

/** The player each stay is linked to now (merges and splits move stays); absent stays are left out. */
export async function currentPlayersOfStays(
  db: Db,
  stayIds: readonly string[],
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const group of chunks([...new Set(stayIds)], 500)) {
    const rows = await db.playerSession.findMany({
      where: { id: { in: group } },
      select: { id: true, playerId: true },
    });
    for (const r of rows) out.set(r.id, r.playerId);
  }
  return out;
}
