/**
 * What the Bans page needs beyond listBans: per-server sync states of the rows shown, the authors
 * to filter by, bulk revoke, and which servers a changed ban concerns (so native sync re-runs there
 * promptly). Every function checks its permission; the single-ban rules stay in bans.ts.
 */
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { can, limitedServerIds } from "../../lib/permissions.ts";
import { banReasonSchema } from "../../lib/schemas/bans.ts";
import type { Db } from "../db/client.ts";
import { getBanSettings } from "./ban-settings.ts";
import { revokeBan, visibilityWhere, type BanScope } from "./bans.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { serverIdScope } from "./scope.ts";

export interface BanSyncView {
  serverId: string;
  /** pending | applied | join_only | failed | removed */
  state: string;
  /** The game's error, for staff only (native answers may quote identities). */
  error: string | null;
  lastVerifiedAt: string | null;
}

/** Sync records of the given bans, on the servers the actor may see. */
export async function banSyncStates(
  ctx: DataContext,
  banIds: readonly string[],
): Promise<Record<string, BanSyncView[]>> {
  await requirePermission(ctx, "players.view", "ban.list");
  const limit = limitedServerIds(ctx.actor);
  const rows = await ctx.db.banSync.findMany({
    where: {
      banId: { in: banIds.slice(0, 200) },
      ...(limit === null ? {} : serverIdScope(ctx.actor)),
    },
    select: { banId: true, serverId: true, state: true, error: true, lastVerifiedAt: true },
    orderBy: { serverId: "asc" },
  });
  const staff = can(ctx.actor, "players.ban");
  const out: Record<string, BanSyncView[]> = {};
  for (const row of rows)
    (out[row.banId] ??= []).push({
      serverId: row.serverId,
      state: row.state,
      error: staff ? row.error : null,
      lastVerifiedAt: row.lastVerifiedAt?.toISOString() ?? null,
    });
  return out;
}

/**
 * Distinct authors of the bans the actor may see (id and the name snapshot), for the author filter.
 * A skip scan on the (authorId, createdAt) index: one seek per author, not a pass over every ban.
 */
export async function listBanAuthors(ctx: DataContext): Promise<{ id: string; name: string }[]> {
  await requirePermission(ctx, "players.view", "ban.list");
  const visible = visibilityWhere(ctx.actor);
  const out: { id: string; name: string }[] = [];
  let last: string | null = null;
  while (out.length < 500) {
    const row: { authorId: string | null; authorName: string | null } | null = await ctx.db.ban.findFirst({
      where: { AND: [{ authorId: last === null ? { not: null } : { gt: last } }, visible] },
      orderBy: { authorId: "asc" },
      select: { authorId: true, authorName: true },
    });
    if (!row?.authorId) break;
    out.push({ id: row.authorId, name: row.authorName ?? "?" });
    last = row.authorId;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export const bulkRevokeSchema = z.object({
  ids: z
    .array(z.string().min(1).max(64))
    .min(1, "Choose at least one ban")
    .max(200, "At most 200 bans at once"),
  reason: banReasonSchema,
});

export interface BulkRevokeResult {
  revoked: string[];
  /** Bans left as they were, with why (not the actor's, already revoked, not found). */
  refused: { id: string; message: string }[];
}

/** Revokes each ban through revokeBan (its own authority check and audit); one refusal stops none. */
export async function revokeBans(
  ctx: DataContext,
  raw: { ids: string[]; reason: string },
  now = new Date(),
): Promise<BulkRevokeResult> {
  await requirePermission(ctx, "players.ban", "ban.revoke");
  const parsed = bulkRevokeSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(parsed.error).fieldErrors,
    );
  const result: BulkRevokeResult = { revoked: [], refused: [] };
  for (const id of new Set(parsed.data.ids)) {
    try {
      await revokeBan(ctx, { id, reason: parsed.data.reason }, now);
      result.revoked.push(id);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      result.refused.push({ id, message: error.message });
    }
  }
  return result;
}

/**
 * The servers whose native lists and online players a change to these bans concerns; undefined
 * means every server (a ban on every server). A list's bans concern the list's servers.
 */
export async function serversOfBans(db: Db, banIds: readonly string[]): Promise<string[] | undefined> {
  const bans = await db.ban.findMany({
    where: { id: { in: [...banIds] } },
    select: {
      scope: true,
      servers: { select: { serverId: true } },
      banList: { select: { servers: { select: { serverId: true } } } },
    },
  });
  const ids = new Set<string>();
  for (const ban of bans) {
    if (ban.scope === "all") return undefined;
    for (const s of ban.scope === "list" ? (ban.banList?.servers ?? []) : ban.servers) ids.add(s.serverId);
  }
  return [...ids];
}

/** The servers a scope reaches now (undefined: every server), for the hub's re-check after an import. */
export async function serversOfScope(db: Db, scope: BanScope): Promise<string[] | undefined> {
  if (scope.scope === "all") return undefined;
  if (scope.scope === "servers") return [...scope.serverIds];
  const rows = await db.banListServer.findMany({
    where: { banListId: scope.banListId },
    select: { serverId: true },
  });
  return rows.map((r) => r.serverId);
}

/**
 * The duration limit to show the actor ("7 days"), or null when it may ban permanently (bans.manage
 * on `serverId`, or on every server without one). The data layer enforces it either way.
 */
export async function banLimitFor(ctx: DataContext, serverId?: string): Promise<string | null> {
  const unlimited = serverId
    ? can(ctx.actor, "bans.manage", serverId)
    : can(ctx.actor, "bans.manage") && limitedServerIds(ctx.actor) === null;
  if (unlimited) return null;
  const { moderatorMaxSeconds } = await getBanSettings(ctx.db);
  const days = Math.round((moderatorMaxSeconds / 86_400) * 10) / 10;
  return `${days} days`;
}
