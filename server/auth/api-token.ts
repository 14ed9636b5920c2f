/**
 * Personal access tokens for the REST API (/api/v1). A token is `rcd_` + 256 random bits
 * (base64url); only its SHA-256 is stored, so the lookup by hash is the comparison (no timing on
 * the secret) and a database leak yields no usable token. A token narrows its user and never
 * widens it: each call re-loads the user (`loadActor`), so a disabled user or a lowered role
 * takes effect at once, and `can()` intersects the user's permissions with the token's.
 */
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "../../lib/errors.ts";
import {
  can,
  inLimit,
  limitedServerIds,
  PERMISSIONS,
  type Actor,
  type Permission,
} from "../../lib/permissions.ts";
import { MAX_TOKENS_PER_USER, type CreateApiTokenInput } from "../../lib/schemas/api-tokens.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "../data/audit.ts";
import type { DataContext } from "../data/context.ts";
import { loadActor } from "../data/users.ts";

export const TOKEN_PREFIX = "rcd_";
const DAY_MS = 24 * 60 * 60 * 1000;
/** lastUsedAt is written at most this often per token, not on every call. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ApiTokenDto {
  id: string;
  name: string;
  permissions: Permission[];
  /** null: every server the user reaches. */
  serverIds: string[] | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Computed against the `now` the list was made with. */
  state: "active" | "expired" | "revoked";
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The bearer token of an Authorization header, or null (absent, another scheme, or not ours). */
export function bearerToken(authorization: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const token = match?.[1];
  return token && token.startsWith(TOKEN_PREFIX) && token.length <= 200 ? token : null;
}

function parseList(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

function knownPermissions(json: string): Permission[] {
  return (parseList(json) ?? []).filter((p): p is Permission =>
    (PERMISSIONS as readonly string[]).includes(p),
  );
}

type TokenRow = {
  id: string;
  name: string;
  permissions: string;
  serverIds: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

function toDto(row: TokenRow, now: Date): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    permissions: knownPermissions(row.permissions),
    serverIds: parseList(row.serverIds),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: row.revokedAt ? "revoked" : row.expiresAt <= now ? "expired" : "active",
  };
}

/** The permissions a new token may carry: those the user holds somewhere, right now. */
export function grantablePermissions(actor: Actor): Permission[] {
  return PERMISSIONS.filter((p) => can(actor, p));
}

/**
 * Creates a token for the acting user (from a browser session: a token cannot mint tokens).
 * Permissions must be ones the user holds, servers ones it reaches. Returns the token once.
 */
export async function createApiToken(
  ctx: DataContext,
  input: CreateApiTokenInput,
  now = new Date(),
): Promise<{ token: string; dto: ApiTokenDto }> {
  const { db, actor } = ctx;
  if (actor.token) throw new AppError("FORBIDDEN", "An API token cannot create tokens.");
  const held = new Set(grantablePermissions(actor));
  const extra = input.permissions.filter((p) => !held.has(p));
  if (extra.length > 0)
    throw new AppError("FORBIDDEN", "A token cannot carry permissions you do not hold.", {
      permissions: [`You do not hold: ${extra.join(", ")}`],
    });
  let serverIds: string[] | null = null;
  if (input.servers === "chosen") {
    serverIds = [...new Set(input.serverIds)];
    if (serverIds.length === 0)
      throw new AppError("INVALID_INPUT", "Choose at least one server.", {
        serverIds: ["Choose at least one server"],
      });
    const limit = limitedServerIds(actor);
    const existing = await db.server.findMany({ where: { id: { in: serverIds } }, select: { id: true } });
    const reachable = existing.filter((s) => limit === null || inLimit(limit, s.id));
    if (reachable.length !== serverIds.length)
      throw new AppError("FORBIDDEN", "A token cannot reach servers you do not.", {
        serverIds: ["Choose only servers you can reach"],
      });
  }
  const count = await db.apiToken.count({
    where: { userId: actor.id, revokedAt: null, expiresAt: { gt: now } },
  });
  if (count >= MAX_TOKENS_PER_USER)
    throw new AppError("CONFLICT", `You have ${MAX_TOKENS_PER_USER} active tokens: revoke one first.`);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await db.apiToken.create({
    data: {
      userId: actor.id,
      name: input.name,
      tokenHash: hashApiToken(token),
      permissions: JSON.stringify([...new Set(input.permissions)]),
      serverIds: serverIds === null ? null : JSON.stringify(serverIds),
      expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS),
      createdAt: now,
    },
  });
  // The token itself never goes into the audit log: its id, name and scopes do.
  await recordAudit(db, {
    actor,
    action: "token.create",
    targetType: "apiToken",
    targetId: row.id,
    input: {
      name: input.name,
      scopes: input.permissions,
      servers: serverIds ?? "all",
      days: input.expiresInDays,
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { token, dto: toDto(row, now) };
}

export async function listOwnApiTokens(ctx: DataContext, now = new Date()): Promise<ApiTokenDto[]> {
  const rows = await ctx.db.apiToken.findMany({
    where: { userId: ctx.actor.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  return rows.map((r) => toDto(r, now));
}

/** Revokes one of the acting user's own tokens (anybody else's is NOT_FOUND, as is a missing one). */
export async function revokeApiToken(ctx: DataContext, tokenId: string, now = new Date()): Promise<void> {
  const { db, actor } = ctx;
  const row = await db.apiToken.findFirst({ where: { id: tokenId, userId: actor.id } });
  if (!row) throw new AppError("NOT_FOUND", "No such token.");
  if (row.revokedAt === null) await db.apiToken.update({ where: { id: row.id }, data: { revokedAt: now } });
  await recordAudit(db, {
    actor,
    action: "token.revoke",
    targetType: "apiToken",
    targetId: row.id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/**
 * The actor for a bearer token: the token live (not revoked, not expired), its user enabled, and
 * the user's current rights narrowed by the token's permissions and servers. null otherwise.
 */
export async function actorForApiToken(db: Db, token: string, now = new Date()): Promise<Actor | null> {
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    include: { user: { select: { sessionVersion: true } } },
  });
  if (!row || row.revokedAt !== null || row.expiresAt <= now) return null;
  // A token is not a session: a password change does not end it (revoke it), disabling the user does.
  const user = await loadActor(db, row.userId, row.user.sessionVersion);
  if (!user) return null;
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS)
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  const tokenServers = parseList(row.serverIds);
  return {
    ...user,
    // Folded into serverIds so every scope query (limitedServerIds, auditScope) follows the token.
    serverIds:
      tokenServers === null
        ? user.serverIds
        : user.serverIds === null
          ? tokenServers
          : tokenServers.filter((id) => inLimit(user.serverIds ?? [], id)),
    token: {
      id: row.id,
      name: row.name,
      permissions: knownPermissions(row.permissions),
      serverIds: tokenServers,
    },
  };
}
