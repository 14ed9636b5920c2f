/**
 * Identities a stay shows after it was linked (BattlEye GUIDs arrive after the connect, a rename, a
 * SteamID that was pending), stored on the stay's player (system work for the hub: no DataContext,
 * no audit). A certain identity another player already holds moves the stay there only when the
 * stay's player is a placeholder (rule 2 of linking.ts); otherwise both keep it (a conflict shown as
 * a suggestion, never merged).
 *
 * A batch is linked in rounds, each read and written set-wise: a round's stays touch disjoint
 * stays, players and identities, so their order does not matter and one query of each kind serves
 * them all. A stay sharing any of these with an earlier stay of the batch waits for a later round
 * and sees what that one stored. At 1,000 bench servers about 12 stays a second learn their GUID,
 * in batches of one to ten; linked one by one, each was ten Prisma operations in sequence.
 */
import type { Db } from "../../db/client.ts";
import { badgesFor } from "./badges.ts";
import { emptyPlan, planStay, writePlan } from "./link-plan.ts";
import {
  currentOwners,
  holders,
  linkInTransaction,
  retryOnce,
  TRANSACTION,
  withCertainIdentity,
  type LinkedStay,
  type Owner,
} from "./linking.ts";
import { chunks, type Tx } from "./sql.ts";
import {
  identitiesOfStay,
  identityKey,
  isBotStay,
  type StayFields,
  type StayGame,
  type StayIdentities,
  type StayIdentity,
  type StayToLink,
} from "./stay-identities.ts";

export type LateFields = StayFields & { game: StayGame; isBot?: boolean };

export interface LateStay {
  stayId: string;
  fields: LateFields;
}

/** One stay's late identities; its player and badge, or null (unknown stay, a bot). */
export async function linkLateIdentities(
  db: Db,
  stayId: string,
  fields: LateFields,
  now: Date,
): Promise<LinkedStay | null> {
  return (await linkLateIdentitiesOfStays(db, [{ stayId, fields }], now))[0]!;
}

/** Several stays' late identities in one transaction, as if one after the other; results in the stays' order. */
export async function linkLateIdentitiesOfStays(
  db: Db,
  stays: readonly LateStay[],
  now: Date,
): Promise<(LinkedStay | null)[]> {
  const people = stays.filter((s) => !isBotStay(s.fields));
  if (people.length === 0) return stays.map(() => null);
  const linked = await retryOnce(() =>
    db.$transaction(async (tx) => {
      const out = new Map<LateStay, LinkedStay | null>();
      let pending: readonly LateStay[] = people;
      while (pending.length > 0) {
        const seen = await readStays(tx, pending);
        const { round, later } = splitRound(pending, seen);
        await linkRound(tx, round, seen, now, out);
        pending = later;
      }
      return out;
    }, TRANSACTION),
  );
  return stays.map((s) => linked.get(s) ?? null);
}

/** What the database holds of a stay: the stored stay, its player's current owner, what it shows. */
interface Seen {
  stay: StayToLink;
  ids: StayIdentities;
  /** Null: not linked yet, or its player was erased (the stay is linked afresh). */
  owner: Owner | null;
  /** The identities the stay shows that its owner does not hold yet. */
  added: StayIdentity[];
}

async function readStays(tx: Tx, stays: readonly LateStay[]): Promise<Map<LateStay, Seen>> {
  const rows = new Map<
    string,
    { serverId: string; playerId: string | null; joinedAt: Date; leftAt: Date | null }
  >();
  for (const group of chunks([...new Set(stays.map((s) => s.stayId))], 500))
    for (const row of await tx.playerSession.findMany({
      where: { id: { in: group } },
      select: { id: true, serverId: true, playerId: true, joinedAt: true, leftAt: true },
    }))
      rows.set(row.id, row);
  const owners = await currentOwners(
    tx,
    [...rows.values()].flatMap((r) => (r.playerId ? [r.playerId] : [])),
  );
  const out = new Map<LateStay, Seen>();
  for (const s of stays) {
    const row = rows.get(s.stayId);
    if (!row) continue;
    const stay: StayToLink = {
      ...s.fields,
      stayId: s.stayId,
      serverId: row.serverId,
      joinedAt: row.joinedAt,
      leftAt: row.leftAt,
    };
    const owner = row.playerId ? (owners.get(row.playerId) ?? null) : null;
    out.set(s, { stay, ids: identitiesOfStay(s.fields, s.fields.game), owner, added: [] });
  }
  const held = await heldIdentities(
    tx,
    [...out.values()].flatMap((v) =>
      v.owner ? v.ids.all.map((identity) => ({ playerId: v.owner!.id, identity })) : [],
    ),
  );
  for (const v of out.values())
    if (v.owner) v.added = v.ids.all.filter((i) => !held.has(`${v.owner!.id}\u0000${identityKey(i)}`));
  return out;
}

/** Which of these (player, identity) pairs the database holds, as `player \0 kind \0 value`. */
async function heldIdentities(
  tx: Tx,
  pairs: readonly { playerId: string; identity: StayIdentity }[],
): Promise<Set<string>> {
  const out = new Set<string>();
  // ROW_CHUNK pairs: at most twice as many bound values, below SQLite's 999 for a model query.
  for (const group of chunks(pairs)) {
    const byKind = new Map<string, Set<string>>();
    for (const { identity: i } of group)
      (byKind.get(i.kind) ?? byKind.set(i.kind, new Set()).get(i.kind)!).add(i.value);
    const found = await tx.playerIdentity.findMany({
      where: {
        playerId: { in: [...new Set(group.map((p) => p.playerId))] },
        OR: [...byKind].map(([kind, values]) => ({ kind, value: { in: [...values] } })),
      },
      select: { playerId: true, kind: true, value: true },
    });
    for (const r of found) out.add(`${r.playerId}\u0000${identityKey(r)}`);
  }
  return out;
}

/**
 * The first round: the stays that share no stay, player or identity with an earlier stay of the
 * batch (kept or deferred, so that stays of one person keep their order); the rest wait.
 */
function splitRound(
  pending: readonly LateStay[],
  seen: ReadonlyMap<LateStay, Seen>,
): { round: LateStay[]; later: LateStay[] } {
  const used = new Set<string>();
  const round: LateStay[] = [];
  const later: LateStay[] = [];
  for (const s of pending) {
    const v = seen.get(s);
    const keys = [
      `stay\u0000${s.stayId}`,
      ...(v?.owner ? [`player\u0000${v.owner.id}`] : []),
      ...(v?.ids.all ?? []).map(identityKey),
    ];
    (keys.some((k) => used.has(k)) ? later : round).push(s);
    for (const k of keys) used.add(k);
  }
  return { round, later };
}

/** Links one round: new identities stored in one plan, placeholders moved, unlinked stays linked afresh. */
async function linkRound(
  tx: Tx,
  round: readonly LateStay[],
  seen: ReadonlyMap<LateStay, Seen>,
  now: Date,
  out: Map<LateStay, LinkedStay | null>,
): Promise<void> {
  const relink: { s: LateStay; stay: StayToLink }[] = [];
  const linked: { s: LateStay; v: Seen; owner: Owner }[] = [];
  for (const s of round) {
    const v = seen.get(s);
    if (!v)
      out.set(s, null); // no such stay (pruned, or never stored)
    else if (!v.owner) relink.push({ s, stay: v.stay });
    else linked.push({ s, v, owner: v.owner });
  }
  const others = await holders(
    tx,
    linked.flatMap(({ v }) => v.added.filter((i) => v.ids.certain.includes(i))),
  );
  const plan = emptyPlan();
  const kept: typeof linked = [];
  for (const entry of linked) {
    const { owner } = entry;
    const { stay, ids, added } = entry.v;
    const known = added
      .filter((i) => ids.certain.includes(i))
      .map((i) => others.get(identityKey(i))?.find((o) => o.id !== owner.id))
      .find((o) => o !== undefined);
    if (known && (await isPlaceholder(tx, owner.id, stay.stayId, stay.leftAt != null))) {
      // The placeholder made for this stay goes; the stay is linked afresh, to the known person.
      await tx.playerSession.update({
        where: { id: stay.stayId },
        data: { playerId: null, originPlayerId: null },
      });
      await tx.player.delete({ where: { id: owner.id } });
      relink.push({ s: entry.s, stay });
      continue;
    }
    kept.push(entry);
    const sameName = owner.lastName === stay.name && owner.lastNameKey === (ids.name?.value ?? "");
    if (added.length > 0 || !sameName) planStay(plan, { stay, ids, playerId: owner.id }, added, now, false);
  }
  await writePlan(tx, plan, now);
  const fresh =
    relink.length > 0
      ? await linkInTransaction(
          tx,
          relink.map((r) => r.stay),
          now,
        )
      : new Map<string, LinkedStay>();
  for (const { s, stay } of relink) out.set(s, fresh.get(stay.stayId) ?? null);
  const badges = await badgesFor(
    tx,
    kept.map(({ owner }) => owner.id),
  );
  for (const { s, owner } of kept) {
    const badge = badges.get(owner.id);
    out.set(s, badge ? { playerId: owner.id, badge } : null);
  }
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
