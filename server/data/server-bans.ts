/**
 * A server page's "Bans on this server": the central bans in scope there (active ones, and any the
 * native sync still tracks there, e.g. one being lifted) with their BanSync state on that server.
 * Anyone who sees the server sees the list; identifiers only with players.identities (as the Bans
 * page), the game's error text only for staff (players.ban): native answers may quote identities.
 */
import { can, limitedServerIds } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { appliesToServerWhere, banState, stateWhere } from "./bans.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { serverIdScope } from "./scope.ts";

export interface ServerBanDto {
  id: string;
  playerNames: string[];
  /** Absent for users without players.identities. */
  identifiers?: { kind: string; value: string }[];
  reason: string;
  createdAt: string;
  expiresAt: string | null;
  /** The central state: active | expired | revoked. */
  state: string;
  /** The ban's sync record on this server; "none" before the first sync pass there. */
  sync: { state: string; error: string | null; lastVerifiedAt: string | null };
}

const MAX_ROWS = 200;
const DAY = 86_400_000;

async function rows(db: Db, serverId: string, now: Date) {
  return db.ban.findMany({
    where: {
      OR: [
        { AND: [stateWhere("active", now), appliesToServerWhere(serverId)] },
        { syncs: { some: { serverId, state: { not: "removed" } } } },
        // A lift done in the last day stays visible (a timed ban removed natively on time).
        { syncs: { some: { serverId, state: "removed", updatedAt: { gt: new Date(now.getTime() - DAY) } } } },
      ],
    },
    include: {
      identifiers: { select: { kind: true, value: true } },
      syncs: { where: { serverId }, select: { state: true, error: true, lastVerifiedAt: true } },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MAX_ROWS,
  });
}

function names(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export async function listServerBans(
  ctx: DataContext,
  serverId: string,
  now = new Date(),
): Promise<ServerBanDto[]> {
  await requirePermission(ctx, "server.view", "ban.server.list", serverId);
  const identities = can(ctx.actor, "players.identities", serverId);
  const staff = can(ctx.actor, "players.ban", serverId);
  return (await rows(ctx.db, serverId, now)).map((r) => {
    const sync = r.syncs[0];
    const dto: ServerBanDto = {
      id: r.id,
      playerNames: names(r.playerNames),
      reason: r.reason,
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt?.toISOString() ?? null,
      state: banState(r, now),
      sync: {
        state: sync?.state ?? "none",
        error: staff ? (sync?.error ?? null) : null,
        lastVerifiedAt: sync?.lastVerifiedAt?.toISOString() ?? null,
      },
    };
    if (identities) dto.identifiers = r.identifiers;
    return dto;
  });
}

export interface NativeOnlyRowDto {
  id: string;
  serverId: string;
  serverName: string;
  kind: string;
  /** null for users without players.identities on that server. */
  value: string | null;
  reason: string;
  minutesLeft: number | null;
  removeRequested: boolean;
}

/** The Bans page's "native-only" section: drift on every server the actor may see, newest first. */
export async function listNativeOnlyForActor(ctx: DataContext, take = 200): Promise<NativeOnlyRowDto[]> {
  await requirePermission(ctx, "players.view", "ban.native.list");
  const limit = limitedServerIds(ctx.actor);
  const rows = await ctx.db.nativeBan.findMany({
    where: limit === null ? {} : (serverIdScope(ctx.actor) ?? {}),
    include: { server: { select: { name: true } } },
    orderBy: [{ firstSeenAt: "desc" }, { id: "asc" }],
    take,
  });
  return rows
    .filter((r) => can(ctx.actor, "server.view", r.serverId))
    .map((r) => ({
      id: r.id,
      serverId: r.serverId,
      serverName: r.server.name,
      kind: r.kind,
      value: can(ctx.actor, "players.identities", r.serverId) ? r.value : null,
      reason: r.reason,
      minutesLeft: r.minutesLeft,
      removeRequested: r.removeRequestedAt !== null,
    }));
}
