/**
 * Drift between a game server's own ban list and the central bans: native-only bans (held by the
 * game, known to no central ban on that server), recorded by the native sync each pass
 * (server/hub/ban-sync-drift.ts) and shown on the server's page. An Admin of the server adopts one
 * (a central ban scoped to that server, audited) or asks for its native removal (audited; the next
 * sync pass removes it and verifies by listing). Central bans missing natively are the sync's job.
 *
 * Anyone who sees the server sees its native-only bans; identifiers are identities, so users
 * without players.identities (Viewers) get no value. Adopt and remove need bans.manage there.
 */
import type { IdentifierKind } from "../../lib/bans/identifiers.ts";
import { AppError } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";
import { appliesToServerWhere, createBan, stateWhere, type BanDto } from "./bans.ts";
import { chunked, ID_CHUNK } from "./chunks.ts";
import { requirePermission, type DataContext } from "./context.ts";

/** One listed native entry, in central and native terms. */
export interface NativeListEntry {
  kind: string;
  value: string;
  nativeKind: string;
  nativeValue: string;
  reason: string;
  minutesLeft: number | null;
}

export interface NativeOnlyBanDto {
  id: string;
  serverId: string;
  kind: string;
  /** null for users without players.identities. */
  value: string | null;
  reason: string;
  minutesLeft: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
  removeRequested: boolean;
  removeError: string | null;
}

const MAX_RECORDED = 5_000;

/**
 * Replaces `serverId`'s native-only record with what the game lists now (the whole list: entries
 * gone from it are dropped). Known = an identifier of a ban the sync handles there, or of an
 * active ban in scope there.
 */
export async function recordNativeList(
  db: Db,
  serverId: string,
  entries: readonly NativeListEntry[],
  now: Date,
): Promise<number> {
  const listed = entries.slice(0, MAX_RECORDED);
  const known = new Set<string>();
  // Two parameters per entry plus the scope's: half a chunk of entries per statement.
  for (const chunk of chunked(listed, Math.floor(ID_CHUNK / 2))) {
    const rows = await db.banIdentifier.findMany({
      where: {
        OR: chunk.map((e) => ({ kind: e.kind, value: e.value })),
        ban: {
          OR: [
            { syncs: { some: { serverId, state: { in: ["applied", "pending", "failed"] } } } },
            { AND: [stateWhere("active", now), appliesToServerWhere(serverId)] },
          ],
        },
      },
      select: { kind: true, value: true },
    });
    for (const r of rows) known.add(`${r.kind} ${r.value}`);
  }
  const unknown = listed.filter((e) => !known.has(`${e.kind} ${e.value}`));
  for (const e of unknown) {
    await db.nativeBan.upsert({
      where: {
        serverId_nativeKind_nativeValue: { serverId, nativeKind: e.nativeKind, nativeValue: e.nativeValue },
      },
      create: { serverId, ...e, firstSeenAt: now, lastSeenAt: now },
      update: { kind: e.kind, value: e.value, reason: e.reason, minutesLeft: e.minutesLeft, lastSeenAt: now },
    });
  }
  // Gone from the list (removed by hand, expired, or adopted and now known): no longer drift.
  // Read the stored ids and delete by id in chunks: a NOT (OR ...) over thousands of listed
  // entries would exceed the databases' parameter limits (chunks.ts).
  const listedNow = new Set(unknown.map((e) => `${e.nativeKind}\u0000${e.nativeValue}`));
  const stored = await db.nativeBan.findMany({
    where: { serverId },
    select: { id: true, nativeKind: true, nativeValue: true },
  });
  const gone = stored.filter((r) => !listedNow.has(`${r.nativeKind}\u0000${r.nativeValue}`)).map((r) => r.id);
  for (const ids of chunked(gone)) await db.nativeBan.deleteMany({ where: { id: { in: ids } } });
  return unknown.length;
}

/** Native removals an admin asked for on `serverId`. */
export function nativeRemovalsRequested(db: Db, serverId: string) {
  return db.nativeBan.findMany({
    where: { serverId, removeRequestedAt: { not: null } },
    select: { id: true, nativeKind: true, nativeValue: true },
    take: 50,
  });
}

export async function noteNativeRemovalError(db: Db, id: string, error: string): Promise<void> {
  await db.nativeBan.updateMany({ where: { id }, data: { removeError: error.slice(0, 300) } });
}

export async function listNativeOnlyBans(ctx: DataContext, serverId: string): Promise<NativeOnlyBanDto[]> {
  await requirePermission(ctx, "server.view", "ban.native.list", serverId);
  const identities = can(ctx.actor, "players.identities", serverId);
  const rows = await ctx.db.nativeBan.findMany({
    where: { serverId },
    orderBy: [{ firstSeenAt: "desc" }, { id: "asc" }],
    take: 500,
  });
  return rows.map((r) => ({
    id: r.id,
    serverId: r.serverId,
    kind: r.kind,
    value: identities ? r.value : null,
    reason: r.reason,
    minutesLeft: r.minutesLeft,
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    removeRequested: r.removeRequestedAt !== null,
    removeError: r.removeError,
  }));
}

async function nativeBanFor(ctx: DataContext, id: string, action: string) {
  const row = await ctx.db.nativeBan.findUnique({ where: { id } });
  if (!row || !can(ctx.actor, "server.view", row.serverId))
    throw new AppError("NOT_FOUND", "That native ban does not exist.");
  await requirePermission(ctx, "bans.manage", action, row.serverId);
  return row;
}

/** Adopts a native-only ban as a central ban on that server (its reason and time left kept). */
export async function adoptNativeBan(ctx: DataContext, id: string, now = new Date()): Promise<BanDto> {
  const row = await nativeBanFor(ctx, id, "ban.native.adopt");
  const ban = await createBan(
    ctx,
    {
      identifiers: [{ kind: row.kind as IdentifierKind, value: row.value }],
      reason: row.reason.trim().slice(0, 200) || "Adopted from the game's ban list",
      duration: row.minutesLeft === null ? "permanent" : `${Math.max(1, row.minutesLeft)}m`,
      target: { scope: "servers", serverIds: [row.serverId] },
    },
    now,
  );
  await ctx.db.nativeBan.deleteMany({ where: { id: row.id } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban.native.adopt",
    targetType: "ban",
    targetId: ban.id,
    serverId: row.serverId,
    input: { kind: row.kind, value: row.value },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return ban;
}

/** Asks the native sync to remove a native-only ban from the game's list (done and verified at its next pass). */
export async function removeNativeBan(
  ctx: DataContext,
  id: string,
  now = new Date(),
): Promise<{ serverId: string }> {
  const row = await nativeBanFor(ctx, id, "ban.native.remove");
  await ctx.db.nativeBan.update({
    where: { id: row.id },
    data: { removeRequestedAt: now, removeError: null },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban.native.remove",
    targetType: "native_ban",
    targetId: row.id,
    serverId: row.serverId,
    input: { kind: row.kind, value: row.value },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { serverId: row.serverId };
}
