/**
 * One player's profile (GET /api/players/[id], the profile page and drawer). Every part is an
 * indexed lookup by player id (stays by (playerId, joinedAt), identities by (kind, value) for
 * bans and suggestions), so a profile costs the same with a million stays stored.
 *
 * Scope: a server-limited actor sees only what happened on its servers (per-server summaries,
 * stays, sanctions, and names and identities seen there); a player never seen on its servers is
 * NOT_FOUND, exactly like an id that does not exist.
 */
import {
  IDENTIFIER_LABELS,
  addressOfEndpoint,
  containingNetworks,
  type IdentifierKind,
} from "../../../lib/bans/identifiers.ts";
import { AppError } from "../../../lib/errors.ts";
import { can, canOnPlayer, inLimit, limitedServerIds, type Permission } from "../../../lib/permissions.ts";
import { playerIdSchema } from "../../../lib/schemas/player-search.ts";
import { banState, VISIBILITY_IDS, visibilityWhere } from "../bans.ts";
import { chunked, inChunks, mergePages } from "../chunks.ts";
import { serverIdScope } from "../scope.ts";
import { requirePermission, type DataContext } from "../context.ts";
import { playerScopeWhere } from "./search.ts";
import {
  CERTAIN_IDENTITY_KINDS,
  type PlayerBanView,
  type PlayerIdentityView,
  type PlayerNameView,
  type PlayerNoteView,
  type PlayerProfile,
  type PlayerServerView,
  type PlayerSuggestionView,
} from "./types.ts";

/** Stays listed per server (newest first); the summary counts every stay. */
export const STAYS_PER_SERVER = 50;
/** "Possible same person" entries at most. */
export const SUGGESTIONS_MAX = 10;
/** A shared name suggests the same person only when it is this long and this rare. */
export const UNUSUAL_NAME_MIN_LENGTH = 5;
export const UNUSUAL_NAME_MAX_PLAYERS = 3;
const SANCTIONS_MAX = 200;
const BANS_MAX = 100;
/** Merges are followed this far (a chain A -> B -> C is short; a loop must not hang). */
const MERGE_HOPS = 5;

/**
 * How the caller (runtime.hub) addresses an online player for this actor: the game id, or an
 * opaque handle where the game id is an identity and the actor may not see identities. The data
 * layer knows no dialect; without it, online entries go only to identity readers.
 */
export interface PlayerRefs {
  playerRef(serverId: string, gameId: string, withIdentities: boolean): string;
}

export const ERASED_NAME = "Erased player";

export async function getPlayerProfile(
  ctx: DataContext,
  rawId: string,
  now: Date,
  refs?: PlayerRefs,
): Promise<PlayerProfile> {
  await requirePermission(ctx, "players.view", "player.profile");
  const parsedId = playerIdSchema.safeParse(rawId);
  if (!parsedId.success) throw notFound();
  const player = await resolveMerged(ctx, parsedId.data);
  const actor = ctx.actor;
  const id = player.id;

  const summaries = await ctx.db.playerServer.findMany({
    where: { playerId: id },
    include: { server: { select: { name: true } } },
    orderBy: { lastSeenAt: "desc" },
  });
  const seenOn = summaries.map((s) => s.serverId);
  if (!canOnPlayer(actor, "players.view", seenOn)) throw notFound();

  const limit = limitedServerIds(actor);
  const visible = (serverId: string | null) =>
    limit === null || (serverId !== null && inLimit(limit, serverId));
  const shown = summaries.filter((s) => visible(s.serverId));
  const mayIdentities = canOnPlayer(actor, "players.identities", seenOn);
  const erased = player.erasedAt !== null;

  const servers: PlayerServerView[] = await Promise.all(
    shown.map(async (s) => {
      const stays = erased
        ? []
        : await ctx.db.playerSession.findMany({
            where: { playerId: id, serverId: s.serverId },
            orderBy: { joinedAt: "desc" },
            take: STAYS_PER_SERVER + 1,
            select: { id: true, name: true, joinedAt: true, leftAt: true },
          });
      return {
        serverId: s.serverId,
        serverName: s.server.name,
        firstSeenAt: s.firstSeenAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        staysCount: s.staysCount,
        secondsPlayed: s.secondsPlayed,
        stays: stays.slice(0, STAYS_PER_SERVER).map((st) => ({
          id: st.id,
          name: st.name,
          joinedAt: st.joinedAt.toISOString(),
          leftAt: st.leftAt?.toISOString() ?? null,
        })),
        staysTruncated: stays.length > STAYS_PER_SERVER,
      };
    }),
  );

  const identityRows = erased
    ? []
    : await ctx.db.playerIdentity.findMany({
        where: { playerId: id },
        include: { servers: { include: { server: { select: { name: true } } } } },
        orderBy: { lastSeenAt: "desc" },
      });
  // A limited actor sees the names and identities seen on its servers only.
  const identities = identityRows
    .map((row) => ({ ...row, servers: row.servers.filter((s) => visible(s.serverId)) }))
    .filter((row) => limit === null || row.servers.length > 0);

  const names: PlayerNameView[] = identities
    .filter((i) => i.kind === "name")
    .map((i) => ({
      display: i.display ?? i.value,
      firstSeenAt: i.firstSeenAt.toISOString(),
      lastSeenAt: i.lastSeenAt.toISOString(),
      timesSeen: i.timesSeen,
    }));
  const identityViews: PlayerIdentityView[] | null = mayIdentities
    ? identities
        .filter((i) => i.kind !== "name")
        .map((i) => ({
          kind: i.kind,
          value: i.value,
          firstSeenAt: i.firstSeenAt.toISOString(),
          lastSeenAt: i.lastSeenAt.toISOString(),
          timesSeen: i.timesSeen,
          servers: i.servers.map((s) => ({
            serverId: s.serverId,
            serverName: s.server.name,
            firstSeenAt: s.firstSeenAt.toISOString(),
            lastSeenAt: s.lastSeenAt.toISOString(),
          })),
        }))
    : null;

  const [online, sanctions, bans, notes, suggestions, merged] = await Promise.all([
    erased ? [] : onlineOf(ctx, id, shown, mayIdentities, refs),
    erased
      ? []
      : ctx.db.playerSanction.findMany({
          where: { playerId: id, ...(limit === null ? {} : serverIdScope(actor)) },
          include: { server: { select: { name: true } } },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: SANCTIONS_MAX,
        }),
    bansOf(ctx, id, identityRows, now),
    erased ? [] : notesOf(ctx, id, seenOn),
    erased ? [] : suggestionsOf(ctx, id, identities, mayIdentities),
    ctx.db.player.findMany({
      where: { mergedIntoId: id },
      select: { id: true, lastName: true, erasedAt: true, mergedAt: true, updatedAt: true },
      orderBy: { mergedAt: "desc" },
    }),
  ]);

  const flag = (permission: Permission) => canOnPlayer(actor, permission, seenOn);
  const totals =
    limit === null
      ? { staysCount: player.staysCount, secondsPlayed: player.secondsPlayed }
      : {
          staysCount: shown.reduce((n, s) => n + s.staysCount, 0),
          secondsPlayed: shown.reduce((n, s) => n + s.secondsPlayed, 0),
        };
  const seen = limit === null || shown.length === 0 ? null : shown;
  return {
    playerId: id,
    name: erased ? ERASED_NAME : player.lastName,
    firstSeenAt: (seen
      ? new Date(Math.min(...seen.map((s) => s.firstSeenAt.getTime())))
      : player.firstSeenAt
    ).toISOString(),
    lastSeenAt: (seen
      ? new Date(Math.max(...seen.map((s) => s.lastSeenAt.getTime())))
      : player.lastSeenAt
    ).toISOString(),
    erased,
    totals,
    names,
    identities: identityViews,
    servers,
    online,
    sanctions: sanctions.map((s) => ({
      id: s.id,
      kind: s.kind === "kick" ? "kick" : "warning",
      serverId: s.serverId,
      serverName: s.server?.name ?? null,
      reason: s.reason,
      delivery: s.delivery === "whisper" || s.delivery === "say" ? s.delivery : null,
      authorName: s.authorName,
      createdAt: s.createdAt.toISOString(),
    })),
    bans,
    notes,
    watch:
      !erased && player.watchReason !== null
        ? {
            reason: player.watchReason,
            since: (player.watchedAt ?? player.updatedAt).toISOString(),
            byName: player.watchedByName,
          }
        : null,
    suggestions,
    merged: merged.map((m) => ({
      playerId: m.id,
      name: m.erasedAt ? ERASED_NAME : m.lastName,
      mergedAt: (m.mergedAt ?? m.updatedAt).toISOString(),
    })),
    can: {
      note: !erased && flag("players.notes"),
      warn: !erased && flag("players.warn"),
      kick: !erased && flag("players.kick"),
      message: !erased && flag("players.message"),
      ban: flag("players.ban"),
      watch: !erased && flag("players.watch"),
      merge: !erased && flag("players.merge"),
      erase: !erased && flag("players.erase"),
      identities: mayIdentities,
    },
  };
}

function notFound(): AppError {
  return new AppError("NOT_FOUND", "That player does not exist or is not on your servers.");
}

/** A merged player's link (an old bookmark, an audit entry) opens the player it was merged into. */
async function resolveMerged(ctx: DataContext, playerId: string) {
  let id = playerId;
  for (let hop = 0; hop <= MERGE_HOPS; hop++) {
    const row = await ctx.db.player.findUnique({ where: { id } });
    if (!row) break;
    if (row.mergedIntoId === null) return row;
    id = row.mergedIntoId;
  }
  throw notFound();
}

async function onlineOf(
  ctx: DataContext,
  playerId: string,
  shown: readonly { serverId: string; server: { name: string } }[],
  mayIdentities: boolean,
  refs: PlayerRefs | undefined,
): Promise<PlayerProfile["online"]> {
  if (shown.length === 0 || (!refs && !mayIdentities)) return [];
  // Chunked by server (a player seen on thousands of servers), newest join first over all chunks.
  const open = (
    await inChunks(
      shown.map((s) => s.serverId),
      (serverIds) =>
        ctx.db.playerSession.findMany({
          where: { playerId, leftAt: null, serverId: { in: serverIds } },
          select: { serverId: true, gameId: true, joinedAt: true },
          orderBy: { joinedAt: "desc" },
        }),
    )
  ).sort((a, b) => b.joinedAt.getTime() - a.joinedAt.getTime());
  const out: PlayerProfile["online"] = [];
  for (const stay of open) {
    if (out.some((o) => o.serverId === stay.serverId)) continue; // a stay left open by a crash
    const withIdentities = can(ctx.actor, "players.identities", stay.serverId);
    out.push({
      serverId: stay.serverId,
      serverName: shown.find((s) => s.serverId === stay.serverId)!.server.name,
      playerRef: refs ? refs.playerRef(stay.serverId, stay.gameId, withIdentities) : stay.gameId,
    });
  }
  return out;
}

type IdentityRow = { kind: string; value: string; display: string | null; lastSeenAt: Date };

/**
 * Bans made from this record, and bans naming one of its certain identities or addresses (also as
 * any CIDR range containing an address). Viewers get reason and state only, as everywhere.
 */
async function bansOf(
  ctx: DataContext,
  playerId: string,
  identities: readonly IdentityRow[],
  now: Date,
): Promise<PlayerBanView[]> {
  const byKind = new Map<string, Set<string>>();
  const add = (kind: string, value: string) => byKind.set(kind, (byKind.get(kind) ?? new Set()).add(value));
  for (const i of identities) {
    if (CERTAIN_IDENTITY_KINDS.includes(i.kind)) add(i.kind, i.value);
    if (i.kind === "ip") {
      add("ip", i.value);
      const address = addressOfEndpoint(i.value);
      if (address) for (const network of containingNetworks(address)) add("cidr", network);
    }
  }
  // A long-seen player has many addresses (and each address ~25 ranges): bounded lookups.
  const keys = [...byKind].flatMap(([kind, values]) => [...values].map((value) => ({ kind, value })));
  const banIds = new Set<string>();
  for (const chunk of chunked(keys)) {
    if (banIds.size >= 1_000) break;
    const inChunk = new Map<string, string[]>();
    for (const k of chunk) inChunk.set(k.kind, [...(inChunk.get(k.kind) ?? []), k.value]);
    const hits = await ctx.db.banIdentifier.findMany({
      where: { OR: [...inChunk].map(([kind, values]) => ({ kind, value: { in: values } })) },
      select: { banId: true },
      take: 1_000,
    });
    for (const h of hits) banIds.add(h.banId);
  }
  const visible = visibilityWhere(ctx.actor);
  const page = (match: object) =>
    ctx.db.ban.findMany({
      where: { AND: [visible, match] },
      select: { id: true, reason: true, createdAt: true, expiresAt: true, revokedAt: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: BANS_MAX,
    });
  // The newest BANS_MAX of (made from this record) + (naming one of its identities): a page per
  // chunk of ids, merged.
  const pages = [
    await page({ playerId }),
    ...(await inChunks([...banIds], async (ids) => [await page({ id: { in: ids } })], VISIBILITY_IDS)),
  ];
  const rows = mergePages(
    pages,
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    BANS_MAX,
    (b) => b.id,
  );
  return rows.map((b) => ({
    banId: b.id,
    reason: b.reason,
    state: banState(b, now),
    createdAt: b.createdAt.toISOString(),
    expiresAt: b.expiresAt?.toISOString() ?? null,
    href: `/bans?search=${encodeURIComponent(b.id)}`,
  }));
}

async function notesOf(
  ctx: DataContext,
  playerId: string,
  seenOn: readonly string[],
): Promise<PlayerNoteView[]> {
  const actor = ctx.actor;
  const mayNote = canOnPlayer(actor, "players.notes", seenOn);
  const isAdmin = actor.role === "ADMIN" || actor.role === "OWNER";
  const mayDelete = canOnPlayer(actor, "players.erase", seenOn);
  const notes = await ctx.db.playerNote.findMany({
    where: { playerId },
    include: { revisions: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return notes.map((n) => ({
    id: n.id,
    text: n.text,
    authorName: n.authorName,
    createdAt: n.createdAt.toISOString(),
    editedAt: n.editedAt?.toISOString() ?? null,
    revisions: n.revisions.map((r) => ({
      text: r.text,
      editorName: r.editorName,
      replacedAt: r.createdAt.toISOString(),
    })),
    canEdit: mayNote && (isAdmin || (n.authorId !== null && n.authorId === actor.id)),
    canDelete: mayDelete,
  }));
}

const STRENGTH = { certain: 0, ip: 1, name: 2 } as const;

/**
 * "Possible same person": other live players sharing a certain identity (a conflict linking left),
 * an address, or an unusual name (at least 5 characters, held by at most 3 players). Bounded,
 * indexed lookups on (kind, value); never merged by itself. Reasons name the value only for
 * identity readers (a name is no identifier: everyone sees it).
 */
async function suggestionsOf(
  ctx: DataContext,
  playerId: string,
  identities: readonly IdentityRow[],
  mayIdentities: boolean,
): Promise<PlayerSuggestionView[]> {
  const found = new Map<string, { strength: number; reason: string }>();
  const consider = (otherId: string, strength: number, reason: string) => {
    const current = found.get(otherId);
    if (!current || strength < current.strength) found.set(otherId, { strength, reason });
  };
  const label = (kind: string) => IDENTIFIER_LABELS[kind as IdentifierKind] ?? kind;

  const shared = identities.filter((i) => CERTAIN_IDENTITY_KINDS.includes(i.kind) || i.kind === "ip");
  if (shared.length > 0) {
    // Chunked (a player seen on many addresses has many identities), still at most 200 in all.
    const others = (
      await inChunks(shared, (chunk) =>
        ctx.db.playerIdentity.findMany({
          where: { OR: chunk.map((i) => ({ kind: i.kind, value: i.value })), playerId: { not: playerId } },
          select: { playerId: true, kind: true, value: true },
          take: 200,
        }),
      )
    ).slice(0, 200);
    for (const o of others) {
      const certain = o.kind !== "ip";
      const article = /^[aeiou]/i.test(label(o.kind)) ? "an" : "a";
      const reason = certain
        ? mayIdentities
          ? `Same ${label(o.kind)} ${o.value}`
          : `Shares ${article} ${label(o.kind)}`
        : mayIdentities
          ? `Shares the IP address ${o.value}`
          : "Shares an IP address";
      consider(o.playerId, certain ? STRENGTH.certain : STRENGTH.ip, reason);
    }
  }

  const unusual = identities
    .filter((i) => i.kind === "name" && [...i.value].length >= UNUSUAL_NAME_MIN_LENGTH)
    .slice(0, 20); // the most recent names: one bounded query each
  for (const name of unusual) {
    const holders = await ctx.db.playerIdentity.findMany({
      where: { kind: "name", value: name.value },
      select: { playerId: true },
      take: UNUSUAL_NAME_MAX_PLAYERS + 1,
    });
    const players = new Set(holders.map((h) => h.playerId));
    if (players.size > UNUSUAL_NAME_MAX_PLAYERS) continue;
    for (const other of players)
      if (other !== playerId)
        consider(other, STRENGTH.name, `Shares the unusual name "${name.display ?? name.value}"`);
  }
  if (found.size === 0) return [];

  const rows = await ctx.db.player.findMany({
    where: {
      AND: [
        { id: { in: [...found.keys()] }, mergedIntoId: null, erasedAt: null },
        playerScopeWhere(ctx.actor),
      ],
    },
    select: { id: true, lastName: true, lastSeenAt: true },
  });
  return rows
    .map((r) => ({ row: r, ...found.get(r.id)! }))
    .sort((a, b) => a.strength - b.strength || b.row.lastSeenAt.getTime() - a.row.lastSeenAt.getTime())
    .slice(0, SUGGESTIONS_MAX)
    .map(({ row, reason }) => ({
      playerId: row.id,
      name: row.lastName,
      lastSeenAt: row.lastSeenAt.toISOString(),
      reason,
    }));
}
