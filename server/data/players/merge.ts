/**
 * Merging two player records that staff know to be one person, and splitting them again.
 *
 * A merge moves the merged player's identities, stays, notes, sanctions and bans to the target
 * (an identity the target already holds is folded: earliest first seen, latest last seen, times
 * seen added, server sightings joined), adds its per-server summaries and totals to the target's,
 * and marks it merged. `originPlayerId` is never changed, so a split can give the rows back.
 * Players merged into the merged one are re-pointed at the target, so merges never chain.
 *
 * Reversal: the merged player's own row, summaries and folded identity rows stay untouched while
 * it is merged, and are subtracted from the target's at split (counts are exact whatever happened
 * since). Dates, the shown name and the watch flag come back from the merge record
 * (merge-record.ts) unless a newer sighting changed them. A split also takes back the players the
 * merge re-pointed; one of those cannot be split on its own before (it came with the other).
 * Splits in the reverse order of merges restore every row exactly; in another order the counts
 * are still exact, dates may keep the other record's extremes.
 *
 * Names and watch flags: the target shows the name of whichever record was seen last; a flag on
 * either record keeps the person flagged (the target's own flag wins, the merged one's is taken
 * when the target had none, and handed back at split unless staff changed it meanwhile).
 */
import { AppError } from "../../../lib/errors.ts";
import { canOnPlayer } from "../../../lib/permissions.ts";
import type { Db } from "../../db/client.ts";
import { recordAudit } from "../audit.ts";
import type { DataContext } from "../context.ts";
import { denyOnPlayer, loadPlayerTarget, requireAnywhere, type PlayerTarget } from "./access.ts";
import {
  deleteMergeRecords,
  iso,
  readMergeRecord,
  restored,
  span,
  writeMergeRecord,
  type MergeRecord,
  type PlayerShown,
  type SeenSpan,
} from "./merge-record.ts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface MergeResult {
  intoId: string;
  fromId: string;
  /** Every record whose rows changed (for the hub to refresh online players' badges). */
  playerIds: string[];
}

const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);
const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

async function reachable(
  ctx: DataContext,
  playerId: string,
  action: string,
  field = "playerId",
): Promise<PlayerTarget> {
  const player = await loadPlayerTarget(ctx, playerId);
  if (!player)
    throw new AppError("NOT_FOUND", "That player does not exist.", { [field]: ["No such player"] });
  if (!canOnPlayer(ctx.actor, "players.merge", player.serverIds))
    await denyOnPlayer(ctx, action, playerId, "missing permission players.merge on the player's servers");
  return player;
}

function shownOf(row: {
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastName: string;
  lastNameKey: string;
  lastServerId: string | null;
  watchReason: string | null;
  watchedAt: Date | null;
  watchedById: string | null;
  watchedByName: string | null;
}): PlayerShown {
  return {
    firstSeenAt: iso(row.firstSeenAt),
    lastSeenAt: iso(row.lastSeenAt),
    lastName: row.lastName,
    lastNameKey: row.lastNameKey,
    lastServerId: row.lastServerId,
    watchReason: row.watchReason,
    watchedAt: row.watchedAt && iso(row.watchedAt),
    watchedById: row.watchedById,
    watchedByName: row.watchedByName,
  };
}

/** Merges `fromId` into `intoId` (players.merge on both), in one transaction, audited. */
export async function mergePlayers(
  ctx: DataContext,
  input: { intoId: string; fromId: string },
  now = new Date(),
): Promise<MergeResult> {
  const { intoId, fromId } = input;
  await requireAnywhere(ctx, "players.merge", "player.merge", fromId);
  if (intoId === fromId)
    throw new AppError("INVALID_INPUT", "A player cannot be merged with itself.", {
      intoId: ["Choose another player"],
    });
  const [into, from] = [
    await reachable(ctx, intoId, "player.merge", "intoId"),
    await reachable(ctx, fromId, "player.merge", "fromId"),
  ];
  for (const player of [into, from]) {
    if (player.mergedIntoId !== null)
      throw new AppError(
        "CONFLICT",
        "One of these players was already merged into another record: merge with that one.",
      );
    if (player.erasedAt !== null) throw new AppError("CONFLICT", "An erased player cannot be merged.");
  }
  const repointed = await ctx.db.$transaction((tx) => mergeRows(tx, intoId, fromId, now), {
    maxWait: 10_000,
    timeout: 120_000,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "player.merge",
    targetType: "player",
    targetId: fromId,
    input: { intoId, fromId, repointed },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { intoId, fromId, playerIds: [intoId, fromId, ...repointed] };
}

async function mergeRows(tx: Tx, intoId: string, fromId: string, now: Date): Promise<string[]> {
  // Re-checked inside the transaction: a concurrent merge or erase of either one loses.
  const claimed = await tx.player.updateMany({
    where: { id: fromId, mergedIntoId: null, erasedAt: null },
    data: { mergedIntoId: intoId, mergedAt: now },
  });
  const into = await tx.player.findUnique({ where: { id: intoId } });
  const from = await tx.player.findUnique({ where: { id: fromId } });
  if (claimed.count !== 1 || !into || !from || into.mergedIntoId !== null || into.erasedAt !== null)
    throw new AppError("CONFLICT", "One of these players changed meanwhile: reload and try again.");

  const folded = await foldIdentities(tx, intoId, fromId);
  const playerServers = await addSummaries(tx, intoId, fromId);
  for (const table of ["playerSession", "playerNote", "playerSanction"] as const)
    await (tx[table] as Tx["playerNote"]).updateMany({
      where: { playerId: fromId },
      data: { playerId: intoId },
    });
  const bans = (await tx.ban.findMany({ where: { playerId: fromId }, select: { id: true } })).map(
    (b) => b.id,
  );
  if (bans.length > 0) await tx.ban.updateMany({ where: { id: { in: bans } }, data: { playerId: intoId } });
  const repointed = (await tx.player.findMany({ where: { mergedIntoId: fromId }, select: { id: true } })).map(
    (p) => p.id,
  );
  if (repointed.length > 0)
    await tx.player.updateMany({ where: { id: { in: repointed } }, data: { mergedIntoId: intoId } });

  const fromIsNewer = from.lastSeenAt.getTime() > into.lastSeenAt.getTime();
  const takesFlag = into.watchReason === null && from.watchReason !== null;
  const updated = await tx.player.update({
    where: { id: intoId },
    data: {
      staysCount: { increment: from.staysCount },
      secondsPlayed: { increment: from.secondsPlayed },
      firstSeenAt: earlier(into.firstSeenAt, from.firstSeenAt),
      lastSeenAt: later(into.lastSeenAt, from.lastSeenAt),
      ...(fromIsNewer
        ? { lastName: from.lastName, lastNameKey: from.lastNameKey, lastServerId: from.lastServerId }
        : {}),
      ...(takesFlag
        ? {
            watchReason: from.watchReason,
            watchedAt: from.watchedAt,
            watchedById: from.watchedById,
            watchedByName: from.watchedByName,
          }
        : {}),
    },
  });
  const record: MergeRecord = {
    version: 1,
    intoId,
    fromId,
    mergedAt: iso(now),
    player: { before: shownOf(into), after: shownOf(updated) },
    playerServers,
    folded,
    bans,
    repointed,
  };
  await writeMergeRecord(tx, record);
  return repointed;
}

/** Moves the merged player's identities; folds those the target already holds. */
async function foldIdentities(tx: Tx, intoId: string, fromId: string): Promise<MergeRecord["folded"]> {
  const own = await tx.playerIdentity.findMany({ where: { playerId: intoId }, include: { servers: true } });
  const byKey = new Map(own.map((row) => [`${row.kind}\n${row.value}`, row]));
  const theirs = await tx.playerIdentity.findMany({
    where: { playerId: fromId },
    include: { servers: true },
  });
  const moved: string[] = [];
  const folded: MergeRecord["folded"] = [];
  for (const identity of theirs) {
    const target = byKey.get(`${identity.kind}\n${identity.value}`);
    if (!target) {
      moved.push(identity.id);
      continue;
    }
    const newer = identity.lastSeenAt.getTime() > target.lastSeenAt.getTime();
    const after = await tx.playerIdentity.update({
      where: { id: target.id },
      data: {
        firstSeenAt: earlier(target.firstSeenAt, identity.firstSeenAt),
        lastSeenAt: later(target.lastSeenAt, identity.lastSeenAt),
        timesSeen: { increment: identity.timesSeen },
        ...(newer && identity.display !== null ? { display: identity.display } : {}),
      },
    });
    const servers: MergeRecord["folded"][number]["servers"] = [];
    for (const sighting of identity.servers) {
      const existing = target.servers.find((s) => s.serverId === sighting.serverId);
      const next = existing
        ? {
            firstSeenAt: earlier(existing.firstSeenAt, sighting.firstSeenAt),
            lastSeenAt: later(existing.lastSeenAt, sighting.lastSeenAt),
          }
        : { firstSeenAt: sighting.firstSeenAt, lastSeenAt: sighting.lastSeenAt };
      if (existing)
        await tx.playerIdentityServer.update({
          where: { identityId_serverId: { identityId: target.id, serverId: sighting.serverId } },
          data: next,
        });
      else
        await tx.playerIdentityServer.create({
          data: { identityId: target.id, serverId: sighting.serverId, ...next },
        });
      servers.push({
        serverId: sighting.serverId,
        before: existing ? span(existing) : null,
        after: span(next),
      });
    }
    folded.push({
      identityId: target.id,
      fromIdentityId: identity.id,
      before: { ...span(target), display: target.display },
      after: { ...span(after), display: after.display },
      servers,
    });
  }
  if (moved.length > 0)
    await tx.playerIdentity.updateMany({ where: { id: { in: moved } }, data: { playerId: intoId } });
  return folded;
}

/** Adds the merged player's per-server summaries to the target's (its own rows stay as they are). */
async function addSummaries(tx: Tx, intoId: string, fromId: string): Promise<MergeRecord["playerServers"]> {
  const theirs = await tx.playerServer.findMany({ where: { playerId: fromId } });
  const out: MergeRecord["playerServers"] = [];
  for (const summary of theirs) {
    const where = { playerId_serverId: { playerId: intoId, serverId: summary.serverId } };
    const existing = await tx.playerServer.findUnique({ where });
    const next = existing
      ? {
          firstSeenAt: earlier(existing.firstSeenAt, summary.firstSeenAt),
          lastSeenAt: later(existing.lastSeenAt, summary.lastSeenAt),
        }
      : { firstSeenAt: summary.firstSeenAt, lastSeenAt: summary.lastSeenAt };
    if (existing)
      await tx.playerServer.update({
        where,
        data: {
          ...next,
          staysCount: { increment: summary.staysCount },
          secondsPlayed: { increment: summary.secondsPlayed },
        },
      });
    else
      await tx.playerServer.create({
        data: {
          playerId: intoId,
          serverId: summary.serverId,
          ...next,
          staysCount: summary.staysCount,
          secondsPlayed: summary.secondsPlayed,
        },
      });
    out.push({ serverId: summary.serverId, before: existing ? span(existing) : null, after: span(next) });
  }
  return out;
}

/** Gives a merged player its rows back (players.merge on both records), in one transaction, audited. */
export async function splitPlayer(ctx: DataContext, mergedPlayerId: string): Promise<MergeResult> {
  await requireAnywhere(ctx, "players.merge", "player.split", mergedPlayerId);
  const from = await reachable(ctx, mergedPlayerId, "player.split");
  if (from.mergedIntoId === null)
    throw new AppError("CONFLICT", "That player is not merged into another record.");
  const into = await reachable(ctx, from.mergedIntoId, "player.split");
  if (from.erasedAt !== null || into.erasedAt !== null)
    throw new AppError("CONFLICT", "An erased player cannot be split.");
  const record = await readMergeRecord(ctx.db, mergedPlayerId);
  if (!record) throw new AppError("CONFLICT", "There is no record of this merge to undo.");
  if (record.intoId !== into.id)
    throw new AppError(
      "CONFLICT",
      "This player came along when the record it was merged into was merged: split that record first.",
    );
  const returned = await ctx.db.$transaction((tx) => splitRows(tx, record), {
    maxWait: 10_000,
    timeout: 120_000,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "player.split",
    targetType: "player",
    targetId: mergedPlayerId,
    input: { playerId: mergedPlayerId, intoId: into.id, returned },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { intoId: into.id, fromId: mergedPlayerId, playerIds: [into.id, mergedPlayerId, ...returned] };
}

async function splitRows(tx: Tx, record: MergeRecord): Promise<string[]> {
  const { intoId, fromId } = record;
  const freed = await tx.player.updateMany({
    where: { id: fromId, mergedIntoId: intoId },
    data: { mergedIntoId: null, mergedAt: null },
  });
  const into = await tx.player.findUnique({ where: { id: intoId } });
  const from = await tx.player.findUnique({ where: { id: fromId } });
  if (freed.count !== 1 || !into || !from)
    throw new AppError("CONFLICT", "These players changed meanwhile: reload and try again.");
  const returned = (
    await tx.player.findMany({
      where: { id: { in: record.repointed }, mergedIntoId: intoId },
      select: { id: true },
    })
  ).map((p) => p.id);
  if (returned.length > 0)
    await tx.player.updateMany({ where: { id: { in: returned } }, data: { mergedIntoId: fromId } });
  const origins = [fromId, ...returned];

  for (const table of ["playerIdentity", "playerSession", "playerNote", "playerSanction"] as const)
    await (tx[table] as Tx["playerNote"]).updateMany({
      where: { playerId: intoId, originPlayerId: { in: origins } },
      data: { playerId: fromId },
    });
  if (record.bans.length > 0)
    await tx.ban.updateMany({
      where: { id: { in: record.bans }, playerId: intoId },
      data: { playerId: fromId },
    });
  await unfoldIdentities(tx, record);
  await subtractSummaries(tx, record);

  const before = record.player.before;
  const after = record.player.after;
  const unchanged = into.lastSeenAt.toISOString() === after.lastSeenAt;
  const flagUnchanged =
    into.watchReason === after.watchReason && (into.watchedAt?.toISOString() ?? null) === after.watchedAt;
  await tx.player.update({
    where: { id: intoId },
    data: {
      staysCount: { decrement: from.staysCount },
      secondsPlayed: { decrement: from.secondsPlayed },
      firstSeenAt: restored(into.firstSeenAt, before.firstSeenAt, after.firstSeenAt),
      ...(unchanged
        ? {
            lastSeenAt: new Date(before.lastSeenAt),
            lastName: before.lastName,
            lastNameKey: before.lastNameKey,
            lastServerId: before.lastServerId,
          }
        : {}),
      ...(flagUnchanged
        ? {
            watchReason: before.watchReason,
            watchedAt: before.watchedAt === null ? null : new Date(before.watchedAt),
            watchedById: before.watchedById,
            watchedByName: before.watchedByName,
          }
        : {}),
    },
  });
  await deleteMergeRecords(tx, [fromId]);
  return returned;
}

/** Takes the merged player's folded counts and sightings back out of the target's identities. */
async function unfoldIdentities(tx: Tx, record: MergeRecord): Promise<void> {
  for (const fold of record.folded) {
    const target = await tx.playerIdentity.findUnique({
      where: { id: fold.identityId },
      include: { servers: true },
    });
    const theirs = await tx.playerIdentity.findUnique({
      where: { id: fold.fromIdentityId },
      select: { timesSeen: true },
    });
    if (!target || !theirs) continue; // erased meanwhile: nothing left to give back
    const unchanged = target.lastSeenAt.toISOString() === fold.after.lastSeenAt;
    await tx.playerIdentity.update({
      where: { id: target.id },
      data: {
        timesSeen: { decrement: theirs.timesSeen },
        firstSeenAt: restored(target.firstSeenAt, fold.before.firstSeenAt, fold.after.firstSeenAt),
        ...(unchanged ? { lastSeenAt: new Date(fold.before.lastSeenAt), display: fold.before.display } : {}),
      },
    });
    for (const sighting of fold.servers) await restoreSighting(tx, target.id, sighting);
  }
}

/** Subtracts the merged player's per-server summaries (its own rows, untouched) from the target's. */
async function subtractSummaries(tx: Tx, record: MergeRecord): Promise<void> {
  const theirs = new Map(
    (await tx.playerServer.findMany({ where: { playerId: record.fromId } })).map((s) => [s.serverId, s]),
  );
  for (const summary of record.playerServers) {
    const own = theirs.get(summary.serverId);
    const where = { playerId_serverId: { playerId: record.intoId, serverId: summary.serverId } };
    const current = await tx.playerServer.findUnique({ where });
    if (!current) continue;
    const stays = current.staysCount - (own?.staysCount ?? 0);
    const seconds = current.secondsPlayed - (own?.secondsPlayed ?? 0);
    const untouched =
      span(current).firstSeenAt === summary.after.firstSeenAt &&
      span(current).lastSeenAt === summary.after.lastSeenAt;
    // Created by the merge and not seen there since: the target was never on that server.
    if (summary.before === null && untouched && stays === 0 && seconds === 0) {
      await tx.playerServer.delete({ where });
      continue;
    }
    await tx.playerServer.update({
      where,
      data: {
        staysCount: stays,
        secondsPlayed: seconds,
        ...(summary.before ? restoredSpan(current, summary.before, summary.after) : {}),
      },
    });
  }
}

function restoredSpan(current: { firstSeenAt: Date; lastSeenAt: Date }, before: SeenSpan, after: SeenSpan) {
  return {
    firstSeenAt: restored(current.firstSeenAt, before.firstSeenAt, after.firstSeenAt),
    lastSeenAt: restored(current.lastSeenAt, before.lastSeenAt, after.lastSeenAt),
  };
}

/** A sighting the merge created goes unless seen since; one it widened gets its dates back. */
async function restoreSighting(
  tx: Tx,
  identityId: string,
  sighting: { serverId: string; before: SeenSpan | null; after: SeenSpan },
): Promise<void> {
  const where = { identityId_serverId: { identityId, serverId: sighting.serverId } };
  const current = await tx.playerIdentityServer.findUnique({ where });
  if (!current) return;
  const untouched =
    span(current).firstSeenAt === sighting.after.firstSeenAt &&
    span(current).lastSeenAt === sighting.after.lastSeenAt;
  if (sighting.before === null) {
    if (untouched) await tx.playerIdentityServer.delete({ where });
    return;
  }
  await tx.playerIdentityServer.update({
    where,
    data: restoredSpan(current, sighting.before, sighting.after),
  });
}
