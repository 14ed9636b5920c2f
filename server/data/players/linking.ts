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
 *    together. When the identity arrives (late-links.ts) and belongs to someone already
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
import type { Db } from "../../db/client.ts";
import { badgesFor } from "./badges.ts";
import { emptyPlan, planStay, writePlan, type Decided } from "./link-plan.ts";
import { chunks, isUniqueViolation, type Tx } from "./sql.ts";
import {
  CERTAIN_ORDER,
  identitiesOfStay,
  identityKey,
  isBotStay,
  type StayIdentities,
  type StayIdentity,
  type StayToLink,
} from "./stay-identities.ts";

export { badgesFor } from "./badges.ts";
export type { StayFields, StayGame, StayToLink } from "./stay-identities.ts";

export interface LinkedStay {
  playerId: string;
  badge: PlayerRecordBadge;
}

export const TRANSACTION = { maxWait: 30_000, timeout: 120_000 } as const;

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

export async function retryOnce<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return attempt(); // another process created the same row meanwhile: look again
  }
}

// ------------------------------------------------------------------------------------------------
// Deciding

export interface Owner {
  id: string;
  lastSeenAt: Date;
  /** The name the player's record shows (late links compare it with the stay's). */
  lastName: string;
  lastNameKey: string;
}

/** The current owner of each player id: merges followed, erased players null. */
export async function currentOwners(
  tx: Tx,
  playerIds: readonly string[],
): Promise<Map<string, Owner | null>> {
  type Row = { mergedIntoId: string | null; erasedAt: Date | null } & Omit<Owner, "id">;
  const rows = new Map<string, Row>();
  let pending = [...new Set(playerIds)];
  for (let depth = 0; depth < 8 && pending.length > 0; depth++) {
    const found = await tx.player.findMany({
      where: { id: { in: pending } },
      select: {
        id: true,
        mergedIntoId: true,
        erasedAt: true,
        lastSeenAt: true,
        lastName: true,
        lastNameKey: true,
      },
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
        owner = { id, lastSeenAt: row.lastSeenAt, lastName: row.lastName, lastNameKey: row.lastNameKey };
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
export async function holders(tx: Tx, identities: readonly StayIdentity[]): Promise<Map<string, Owner[]>> {
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
export async function withCertainIdentity(tx: Tx, playerIds: readonly string[]): Promise<Set<string>> {
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

export async function linkInTransaction(
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
