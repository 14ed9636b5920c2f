/**
 * Central bans. One row per decision, never deleted by an ordinary action: it expires or is
 * revoked (who, when, why kept). Its state is computed from revokedAt/expiresAt against a passed-in
 * `now` at every read and every enforcement, so no sweep has to run on time.
 *
 * Authority over a ban follows its scope (see `scopeAllows`): a ban on every server or on a ban
 * list needs an actor reaching every server; a ban on chosen servers needs the permission on each.
 * Moderators (players.ban) ban for at most the configured maximum and revoke or edit only their
 * own bans; Admins (bans.manage on the whole scope) ban permanently and revoke any ban.
 */
import { z } from "zod";
import { AppError, type FieldErrors } from "../../lib/errors.ts";
import { parseDuration } from "../../lib/bans/duration.ts";
import { parseIdentifier, type Identifier } from "../../lib/bans/identifiers.ts";
import { can, inLimit, limitedServerIds, type Actor, type Permission } from "../../lib/permissions.ts";
import {
  createBanSchema,
  listBansSchema,
  revokeBanSchema,
  updateBanSchema,
  type BanState,
  type CreateBanInput,
  type ListBansInput,
  type UpdateBanInput,
} from "../../lib/schemas/bans.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";
import { getBanSettings } from "./ban-settings.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { ID_CHUNK, chunked } from "./chunks.ts";
import { serverIdScope } from "./scope.ts";
import { countExistingServers } from "./servers.ts";

export type BanScope =
  | { scope: "all" }
  | { scope: "servers"; serverIds: readonly string[] }
  | { scope: "list"; banListId: string };

export interface BanDto {
  id: string;
  reason: string;
  /** Staff only (players.ban); absent for Viewers. */
  note?: string | null;
  playerNames: string[];
  /** The player record the ban was made from (a name in the table opens its profile), if any. */
  playerId: string | null;
  /** Only for users who may see player identities (absent for Viewers). */
  identifiers?: Identifier[];
  authorId: string | null;
  authorName: string | null;
  createdAt: string;
  expiresAt: string | null;
  state: BanState;
  revokedAt: string | null;
  revokedByEmail: string | null;
  revokeReason: string | null;
  scope: BanScope["scope"];
  serverIds: string[];
  banListId: string | null;
}

const banInclude = {
  identifiers: { select: { kind: true, value: true } },
  servers: { select: { serverId: true } },
} as const;
type BanRow = NonNullable<Awaited<ReturnType<typeof loadBan>>>;

function loadBan(db: Db, id: string) {
  return db.ban.findUnique({ where: { id }, include: banInclude });
}

export function banState(ban: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): BanState {
  if (ban.revokedAt !== null) return "revoked";
  if (ban.expiresAt !== null && ban.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

function scopeOf(row: Pick<BanRow, "scope" | "banListId" | "servers">): BanScope {
  if (row.scope === "list" && row.banListId) return { scope: "list", banListId: row.banListId };
  if (row.scope === "servers") return { scope: "servers", serverIds: row.servers.map((s) => s.serverId) };
  return { scope: "all" };
}

/**
 * Whether `actor` holds `permission` over the whole scope. Every server and ban lists (whose
 * servers change later) need an actor that reaches every server; chosen servers need each one (a
 * ban whose servers were all deleted, too).
 */
export function scopeAllows(actor: Actor, permission: Permission, scope: BanScope): boolean {
  if (!can(actor, permission)) return false;
  if (scope.scope !== "servers" || scope.serverIds.length === 0) return limitedServerIds(actor) === null;
  return scope.serverIds.every((id) => can(actor, permission, id));
}

function toDto(actor: Actor, row: BanRow, now: Date): BanDto {
  const dto: BanDto = {
    id: row.id,
    reason: row.reason,
    playerNames: parseNames(row.playerNames),
    playerId: row.playerId,
    authorId: row.authorId,
    authorName: row.authorName,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    state: banState(row, now),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedByEmail: row.revokedByEmail,
    revokeReason: row.revokeReason,
    scope: row.scope as BanScope["scope"],
    serverIds: row.servers.map((s) => s.serverId),
    banListId: row.banListId,
  };
  if (can(actor, "players.identities"))
    dto.identifiers = row.identifiers.map((i) => ({ kind: i.kind as Identifier["kind"], value: i.value }));
  if (can(actor, "players.ban")) dto.note = row.note;
  else dto.revokedByEmail = null; // staff addresses are for staff
  return dto;
}

function parseNames(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

function invalid(error: z.ZodError): AppError {
  return new AppError("INVALID_INPUT", "Check the highlighted fields.", z.flattenError(error).fieldErrors);
}

function parseIdentifiers(list: { kind: Identifier["kind"]; value: string }[]): Identifier[] {
  const errors: FieldErrors = {};
  const out: Identifier[] = [];
  list.forEach((item, i) => {
    const result = parseIdentifier(item.kind, item.value);
    if (!result.ok) errors[`identifiers.${i}`] = [result.error];
    else if (!out.some((o) => o.kind === result.identifier.kind && o.value === result.identifier.value))
      out.push(result.identifier);
  });
  if (Object.keys(errors).length > 0)
    throw new AppError("INVALID_INPUT", "Check the highlighted identifiers.", errors);
  return out;
}

/** The expiry for a duration typed by `actor`; Moderators (no bans.manage over the scope) are capped. */
async function expiryFor(
  ctx: DataContext,
  scope: BanScope,
  duration: string,
  now: Date,
  action: string,
  targetId: string | null,
): Promise<Date | null> {
  const parsed = parseDuration(duration);
  if (!parsed.ok) throw new AppError("INVALID_INPUT", parsed.error, { duration: [parsed.error] });
  if (scopeAllows(ctx.actor, "bans.manage", scope))
    return parsed.seconds === null ? null : new Date(now.getTime() + parsed.seconds * 1000);
  const { moderatorMaxSeconds } = await getBanSettings(ctx.db);
  if (parsed.seconds === null || parsed.seconds > moderatorMaxSeconds) {
    const days = Math.round((moderatorMaxSeconds / 86_400) * 10) / 10;
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action,
      targetType: "ban",
      targetId,
      outcome: "denied",
      detail: `duration over the moderator maximum (${moderatorMaxSeconds}s)`,
      input: { duration },
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", `You may ban for at most ${days} days.`, {
      duration: [`At most ${days} days`],
    });
  }
  return new Date(now.getTime() + parsed.seconds * 1000);
}

async function deny(
  ctx: DataContext,
  action: string,
  targetId: string | null,
  detail: string,
  message: string,
): Promise<never> {
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "ban",
    targetId,
    outcome: "denied",
    detail,
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", message);
}

function searchTextOf(reason: string, names: readonly string[]): string {
  return [reason, ...names].join("\n").toLowerCase();
}

/** `link.playerId`: the player record the ban is made from (player table or profile), when known. */
export async function createBan(
  ctx: DataContext,
  raw: CreateBanInput,
  now = new Date(),
  link: { playerId?: string | null } = {},
): Promise<BanDto> {
  await requirePermission(ctx, "players.ban", "ban.create");
  const parsed = createBanSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  const identifiers = parseIdentifiers(input.identifiers);
  const target = input.target;
  const scope: BanScope =
    target.scope === "servers" ? { scope: "servers", serverIds: [...new Set(target.serverIds)] } : target;
  if (scope.scope === "list") {
    if (!scopeAllows(ctx.actor, "bans.manage", scope))
      await deny(
        ctx,
        "ban.create",
        null,
        "ban lists need bans.manage on every server",
        "Only an Admin of every server may add bans to a ban list.",
      );
    if (!(await ctx.db.banList.findUnique({ where: { id: scope.banListId } })))
      throw new AppError("NOT_FOUND", "That ban list does not exist.");
  } else if (!scopeAllows(ctx.actor, "players.ban", scope)) {
    await deny(
      ctx,
      "ban.create",
      null,
      "scope outside the actor's servers",
      scope.scope === "all"
        ? "You may only ban on the servers you can access: choose them."
        : "You may not ban on one of those servers.",
    );
  }
  if (scope.scope === "servers") {
    const found = await countExistingServers(ctx.db, scope.serverIds);
    if (found !== scope.serverIds.length)
      throw new AppError("NOT_FOUND", "One of those servers does not exist.");
  }
  const expiresAt = await expiryFor(ctx, scope, input.duration, now, "ban.create", null);
  const names = [...new Set(input.playerNames.filter((n) => n !== ""))];
  const row = await ctx.db.ban.create({
    data: {
      reason: input.reason,
      note: input.note || null,
      playerNames: JSON.stringify(names),
      searchText: searchTextOf(input.reason, [
        ...names,
        ...identifiers.filter((i) => i.kind === "name" || i.kind === "mc_name").map((i) => i.value),
      ]),
      authorId: ctx.actor.id,
      authorEmail: ctx.actor.email,
      authorName: ctx.actor.name,
      createdAt: now,
      expiresAt,
      scope: scope.scope,
      banListId: scope.scope === "list" ? scope.banListId : null,
      playerId: link.playerId ?? null,
      identifiers: { create: identifiers },
      servers:
        scope.scope === "servers" ? { create: scope.serverIds.map((serverId) => ({ serverId })) } : undefined,
    },
    include: banInclude,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban.create",
    targetType: "ban",
    targetId: row.id,
    serverId: scope.scope === "servers" && scope.serverIds.length === 1 ? scope.serverIds[0] : null,
    input: {
      identifiers,
      playerNames: names,
      reason: input.reason,
      duration: input.duration,
      scope,
      ...(link.playerId ? { playerId: link.playerId } : {}),
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(ctx.actor, row, now);
}

/** Admins over the whole scope act on any ban; its author on its own while it still may ban there. */
async function requireAuthority(ctx: DataContext, row: BanRow, action: string): Promise<void> {
  const scope = scopeOf(row);
  if (scopeAllows(ctx.actor, "bans.manage", scope)) return;
  if (row.authorId === ctx.actor.id && scopeAllows(ctx.actor, "players.ban", scope)) return;
  await deny(
    ctx,
    action,
    row.id,
    "not the author, or scope outside the actor's servers",
    "You may only change your own bans on servers you can access.",
  );
}

async function visibleBan(ctx: DataContext, id: string): Promise<BanRow> {
  const row = await loadBan(ctx.db, id);
  if (!row || !(await visibleTo(ctx, row))) throw new AppError("NOT_FOUND", "That ban does not exist.");
  return row;
}

/**
 * Revoking always succeeds centrally (no game server is asked); the row keeps who, when and why.
 * The write is conditional on the ban not being revoked meanwhile.
 */
export async function revokeBan(
  ctx: DataContext,
  raw: { id: string; reason: string },
  now = new Date(),
): Promise<BanDto> {
  await requirePermission(ctx, "players.ban", "ban.revoke");
  const parsed = revokeBanSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const row = await visibleBan(ctx, parsed.data.id);
  await requireAuthority(ctx, row, "ban.revoke");
  const { count } = await ctx.db.ban.updateMany({
    where: { id: row.id, revokedAt: null },
    data: {
      revokedAt: now,
      revokedById: ctx.actor.id,
      revokedByEmail: ctx.actor.email,
      revokeReason: parsed.data.reason,
    },
  });
  if (count === 0) throw new AppError("CONFLICT", "That ban is already revoked.");
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban.revoke",
    targetType: "ban",
    targetId: row.id,
    input: { reason: parsed.data.reason },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(ctx.actor, (await loadBan(ctx.db, row.id))!, now);
}

/** Edits reason, note or duration (counted from now) of a ban that is not revoked. */
export async function updateBan(ctx: DataContext, raw: UpdateBanInput, now = new Date()): Promise<BanDto> {
  await requirePermission(ctx, "players.ban", "ban.update");
  const parsed = updateBanSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  const row = await visibleBan(ctx, input.id);
  await requireAuthority(ctx, row, "ban.update");
  const data: { reason?: string; note?: string | null; expiresAt?: Date | null; searchText?: string } = {};
  if (input.reason !== undefined) data.reason = input.reason;
  if (input.note !== undefined) data.note = input.note || null;
  if (input.duration !== undefined)
    data.expiresAt = await expiryFor(ctx, scopeOf(row), input.duration, now, "ban.update", row.id);
  data.searchText = searchTextOf(data.reason ?? row.reason, [
    ...parseNames(row.playerNames),
    ...row.identifiers.filter((i) => i.kind === "name" || i.kind === "mc_name").map((i) => i.value),
  ]);
  const { count } = await ctx.db.ban.updateMany({ where: { id: row.id, revokedAt: null }, data });
  if (count === 0) throw new AppError("CONFLICT", "A revoked ban cannot be changed.");
  // A new expiry may make a join-only ban one the games can hold natively: the sync looks again.
  if (data.expiresAt !== undefined)
    await ctx.db.banSync.deleteMany({ where: { banId: row.id, state: "join_only" } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban.update",
    targetType: "ban",
    targetId: row.id,
    input: { ...input, before: { reason: row.reason, expiresAt: row.expiresAt?.toISOString() ?? null } },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(ctx.actor, (await loadBan(ctx.db, row.id))!, now);
}

/** Prisma filter: the bans a limited user may see (those touching one of its servers). */
export function visibilityWhere(actor: Actor) {
  // The scope appears twice: each IN list at most VISIBILITY_IDS (then a join on the stored access).
  const scope = serverIdScope(actor, VISIBILITY_IDS);
  if (scope === null) return {};
  return {
    OR: [
      { scope: "all" },
      { scope: "servers", servers: { some: scope } },
      { scope: "list", banList: { servers: { some: scope } } },
    ],
  };
}

/** Ids per IN list in a statement that also carries visibilityWhere (two lists of up to this). */
export const VISIBILITY_IDS = Math.floor(ID_CHUNK / 3);

async function visibleTo(ctx: DataContext, row: BanRow): Promise<boolean> {
  const limit = limitedServerIds(ctx.actor);
  if (limit === null || row.scope === "all") return true;
  if (row.scope === "servers") return row.servers.some((s) => inLimit(limit, s.serverId));
  if (!row.banListId) return false;
  return (
    (await ctx.db.banListServer.count({ where: { banListId: row.banListId, ...serverIdScope(ctx.actor) } })) >
    0
  );
}

export function stateWhere(state: BanState, now: Date) {
  if (state === "revoked") return { revokedAt: { not: null } };
  if (state === "expired") return { revokedAt: null, expiresAt: { lte: now } };
  return { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}

export function appliesToServerWhere(serverId: string) {
  return {
    OR: [
      { scope: "all" },
      { scope: "servers", servers: { some: { serverId } } },
      { scope: "list", banList: { servers: { some: { serverId } } } },
    ],
  };
}

export interface BanPage {
  bans: BanDto[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

/**
 * Newest (or oldest) first, by keyset (createdAt, id). A search matches the reason and names (case-insensitive)
 * and, for users who may see identities, any identifier it parses as (exact, normalised lookup).
 */
export async function listBans(
  ctx: DataContext,
  raw: ListBansInput = {},
  now = new Date(),
): Promise<BanPage> {
  await requirePermission(ctx, "players.view", "ban.list");
  const parsed = listBansSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  const and: object[] = [visibilityWhere(ctx.actor)];
  if (input.state) and.push(stateWhere(input.state, now));
  if (input.serverId) and.push(appliesToServerWhere(input.serverId));
  if (input.banListId) and.push({ banListId: input.banListId });
  if (input.authorId) and.push({ authorId: input.authorId });
  if (input.search) {
    const text = input.search.toLowerCase();
    // A ban's id (the player profile links to /bans?search=<id>) is one primary-key lookup.
    const or: object[] = [{ searchText: { contains: text } }, { id: input.search.trim() }];
    if (can(ctx.actor, "players.identities")) {
      const keys = searchKeys(input.search);
      if (keys.length > 0) {
        // Ids first (the (kind, value) index), rather than an EXISTS per row of the ban table.
        const hits = await ctx.db.banIdentifier.findMany({
          where: { OR: keys.map((k) => ({ kind: k.kind, value: k.value })) },
          select: { banId: true },
          take: 1_000,
        });
        const ids = [...new Set(hits.map((h) => h.banId))];
        // Many hits (a shared address): the same test as a join, so the statement stays bounded.
        if (ids.length > VISIBILITY_IDS)
          or.push({ identifiers: { some: { OR: keys.map((k) => ({ kind: k.kind, value: k.value })) } } });
        else if (ids.length > 0) or.push({ id: { in: ids } });
      }
    }
    and.push({ OR: or });
  }
  const direction = input.sort === "oldest" ? "asc" : "desc";
  const past = input.sort === "oldest" ? "gt" : "lt";
  const find = (where: object[], take: number) =>
    ctx.db.ban.findMany({
      where: { AND: [...and, ...where] },
      include: banInclude,
      orderBy: [{ createdAt: direction }, { id: direction }],
      take,
    });
  const cursor = input.after
    ? await ctx.db.ban.findUnique({ where: { id: input.after }, select: { createdAt: true, id: true } })
    : null;
  // The keyset "(createdAt, id) after the cursor" as two index ranges, the cursor's own createdAt
  // first: as one OR, PostgreSQL scanned and sorted the table for every page (an import gives
  // thousands of bans one createdAt; exporting 100k bans took 38 s).
  let rows = cursor
    ? await find([{ createdAt: cursor.createdAt, id: { [past]: cursor.id } }], input.limit + 1)
    : [];
  if (rows.length <= input.limit)
    rows = [
      ...rows,
      ...(await find(
        cursor ? [{ createdAt: { [past]: cursor.createdAt } }] : [],
        input.limit + 1 - rows.length,
      )),
    ];
  const page = rows.slice(0, input.limit);
  return {
    bans: page.map((row) => toDto(ctx.actor, row, now)),
    next: rows.length > input.limit ? page[page.length - 1]!.id : null,
  };
}

/** Every identifier kind a search text parses as (a name search is left to searchText). */
function searchKeys(text: string): Identifier[] {
  const keys: Identifier[] = [];
  for (const kind of ["steam", "battleye", "ip", "mc_uuid", "cod_guid"] as const) {
    const result = parseIdentifier(kind, text);
    if (result.ok) keys.push(result.identifier);
  }
  for (const kind of ["eos", "mc_name"] as const) {
    const result = parseIdentifier(kind, text);
    if (result.ok) keys.push(result.identifier);
  }
  return keys;
}

export async function getBan(ctx: DataContext, id: string, now = new Date()): Promise<BanDto> {
  await requirePermission(ctx, "players.view", "ban.get");
  return toDto(ctx.actor, await visibleBan(ctx, id), now);
}

// ------------------------------------------------------------------------------------------------
// Enforcement (server-side only: no actor)

export interface ActiveBan {
  id: string;
  reason: string;
  expiresAt: Date | null;
  /** The identifier kinds of the player that matched. */
  matched: string[];
}

/** One identifier as a map key (kinds never contain NUL). */
export function identifierKey(key: Identifier): string {
  return `${key.kind}\u0000${key.value}`;
}

/**
 * Which of `keys` some ban names (whatever its state or scope): one indexed query for the keys of
 * a whole batch of players, so that the usual case, nobody banned, costs one query per batch
 * instead of two per player. The players with a hit are then checked in full (findActiveBansFor).
 */
export async function bannedKeys(db: Db, keys: readonly Identifier[]): Promise<Set<string>> {
  const unique = [...new Map(keys.map((k) => [identifierKey(k), k])).values()];
  const found = new Set<string>();
  // An OR of several `in` lists is one statement Prisma does not split: ID_CHUNK values in all.
  for (const chunk of chunked(unique, ID_CHUNK)) {
    const byKind = new Map<string, string[]>();
    for (const key of chunk) byKind.set(key.kind, [...(byKind.get(key.kind) ?? []), key.value]);
    const hits = await db.banIdentifier.findMany({
      where: { OR: [...byKind].map(([kind, values]) => ({ kind, value: { in: values } })) },
      select: { kind: true, value: true },
    });
    for (const hit of hits) found.add(identifierKey(hit as Identifier));
  }
  return found;
}

/**
 * The active bans (at `now`) that apply on `serverId` to a player offering `keys`
 * (lib/bans/identifiers.ts lookupKeys), strongest first: permanent, then the latest expiry. Two
 * indexed queries: identifiers by (kind, value), then those bans by id with state and scope.
 */
export async function findActiveBansFor(
  db: Db,
  serverId: string,
  keys: readonly Identifier[],
  now: Date,
): Promise<ActiveBan[]> {
  if (keys.length === 0) return [];
  const byKind = new Map<string, string[]>();
  for (const key of keys) byKind.set(key.kind, [...(byKind.get(key.kind) ?? []), key.value]);
  const hits = await db.banIdentifier.findMany({
    where: { OR: [...byKind].map(([kind, values]) => ({ kind, value: { in: values } })) },
    select: { banId: true, kind: true },
    take: 500,
  });
  if (hits.length === 0) return [];
  const ids = [...new Set(hits.map((h) => h.banId))];
  const bans = await db.ban.findMany({
    where: { AND: [{ id: { in: ids } }, stateWhere("active", now), appliesToServerWhere(serverId)] },
    select: { id: true, reason: true, expiresAt: true },
  });
  return bans
    .map((b) => ({ ...b, matched: [...new Set(hits.filter((h) => h.banId === b.id).map((h) => h.kind))] }))
    .sort((a, b) =>
      a.expiresAt === null ? -1 : b.expiresAt === null ? 1 : b.expiresAt.getTime() - a.expiresAt.getTime(),
    );
}
