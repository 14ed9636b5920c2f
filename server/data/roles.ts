/**
 * Roles: the four built-ins (ids OWNER/ADMIN/MODERATOR/VIEWER, permissions from the code, only the
 * two-factor requirement editable) and custom roles (permissions stored). Permissions are re-read on
 * every request and socket event (loadActor), so an edit applies at the next one, with no session
 * change.
 */
import { AppError } from "../../lib/errors.ts";
import {
  can,
  canDefineRole,
  isBuiltInRole,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  type ActorRole,
  type Permission,
  type RoleId,
} from "../../lib/permissions.ts";
import type { CreateRoleInput, RoleTwoFactorInput, UpdateRoleInput } from "../../lib/schemas/roles.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { isUniqueViolation } from "./players/sql.ts";

export interface RoleDto {
  id: RoleId;
  name: string;
  description: string;
  builtIn: boolean;
  permissions: Permission[];
  requireTwoFactor: boolean;
  /** Users holding it, as their main role or on at least one server. */
  memberCount: number;
}

interface RoleRow {
  id: string;
  name: string;
  description: string;
  builtIn: boolean;
  permissions: string;
  requireTwoFactor: boolean;
}

/** A stored role as an actor carries it: built-ins take their permissions from the code, never from the row. */
export function toActorRole(role: { id: string; name: string; permissions: string }): ActorRole {
  if (isBuiltInRole(role.id)) return { id: role.id, name: role.name, permissions: ROLE_PERMISSIONS[role.id] };
  return { id: role.id, name: role.name, permissions: parsePermissions(role.permissions) };
}

/** Known permission names from a stored JSON array; anything else (a removed permission, garbage) is dropped. */
function parsePermissions(json: string): Permission[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value)
      ? value.filter((p): p is Permission => (PERMISSIONS as readonly unknown[]).includes(p))
      : [];
  } catch {
    return [];
  }
}

/** Built-ins first in rank order, then custom roles by name. */
const BUILT_IN_ORDER: readonly string[] = ["OWNER", "ADMIN", "MODERATOR", "VIEWER"];
function byRank(a: RoleRow, b: RoleRow): number {
  const ra = BUILT_IN_ORDER.indexOf(a.id);
  const rb = BUILT_IN_ORDER.indexOf(b.id);
  if (ra !== -1 || rb !== -1) return (ra === -1 ? 99 : ra) - (rb === -1 ? 99 : rb);
  return a.name.localeCompare(b.name);
}

function toDto(row: RoleRow, memberCount: number): RoleDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtIn: isBuiltInRole(row.id),
    permissions: [...toActorRole(row).permissions],
    requireTwoFactor: row.requireTwoFactor,
    memberCount,
  };
}

/** Users per role id: main role, or a per-server role anywhere (each user counted once per role). */
async function memberCounts(db: Db): Promise<Map<string, number>> {
  const [users, access] = await Promise.all([
    db.user.findMany({ select: { id: true, role: true } }),
    db.serverAccess.findMany({ where: { roleId: { not: null } }, select: { userId: true, roleId: true } }),
  ]);
  const holders = new Map<string, Set<string>>();
  const add = (roleId: string, userId: string) => {
    const set = holders.get(roleId) ?? new Set<string>();
    set.add(userId);
    holders.set(roleId, set);
  };
  for (const u of users) add(u.role, u.id);
  for (const a of access) if (a.roleId) add(a.roleId, a.userId);
  return new Map([...holders].map(([id, set]) => [id, set.size]));
}

/** Every role, for role managers (the Roles page) and team managers (the role pickers). */
export async function listRoles(ctx: DataContext): Promise<RoleDto[]> {
  if (!can(ctx.actor, "team.manage")) await requirePermission(ctx, "roles.manage", "role.list");
  const [rows, counts] = await Promise.all([ctx.db.role.findMany(), memberCounts(ctx.db)]);
  return rows.sort(byRank).map((row) => toDto(row, counts.get(row.id) ?? 0));
}

export async function getRole(ctx: DataContext, roleId: string): Promise<RoleDto> {
  await requirePermission(ctx, "roles.manage", "role.view");
  const row = await ctx.db.role.findUnique({ where: { id: roleId } });
  if (!row) throw new AppError("NOT_FOUND", "That role no longer exists.");
  return toDto(row, (await memberCounts(ctx.db)).get(row.id) ?? 0);
}

/** The stored roles behind `ids`, resolved as actors carry them; unknown ids are missing from the map. */
export async function resolveRoles(db: Db, ids: Iterable<string>): Promise<Map<string, ActorRole>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.role.findMany({ where: { id: { in: unique } } });
  return new Map(rows.map((row) => [row.id, toActorRole(row)]));
}

async function denied(
  ctx: DataContext,
  action: string,
  roleId: string | null,
  detail: string,
): Promise<void> {
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "role",
    targetId: roleId,
    outcome: "denied",
    detail,
    sourceIp: ctx.ip,
  });
}

/** Refuses (and audits) a definition wider than the actor's own permissions. */
async function assertMayDefine(
  ctx: DataContext,
  action: string,
  roleId: string | null,
  permissions: readonly Permission[],
): Promise<void> {
  await requirePermission(ctx, "roles.manage", action);
  if (canDefineRole(ctx.actor, permissions)) return;
  await denied(ctx, action, roleId, "role wider than the actor's own permissions");
  throw new AppError("FORBIDDEN", "A role cannot hold permissions you do not hold yourself.", {
    permissions: ["Remove the permissions you do not hold"],
  });
}

/** Names are unique whatever their case ("admin" would pass for the built-in Admin). */
async function assertNameFree(db: Db, name: string, exceptId: string | null): Promise<void> {
  const rows = await db.role.findMany({ select: { id: true, name: true } });
  const taken = rows.some((r) => r.id !== exceptId && r.name.toLowerCase() === name.toLowerCase());
  if (taken) throw nameTaken();
}

const nameTaken = () =>
  new AppError("CONFLICT", "Another role already has this name.", { name: ["Choose another name"] });

async function withUniqueName<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

export async function createRole(ctx: DataContext, input: CreateRoleInput): Promise<RoleDto> {
  await assertMayDefine(ctx, "role.create", null, input.permissions);
  await assertNameFree(ctx.db, input.name, null);
  const row = await withUniqueName(() =>
    ctx.db.role.create({
      data: {
        name: input.name,
        description: input.description,
        permissions: JSON.stringify(input.permissions),
        requireTwoFactor: input.requireTwoFactor,
      },
    }),
  );
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "role.create",
    targetType: "role",
    targetId: row.id,
    input,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row, 0);
}

async function findRole(db: Db, roleId: string) {
  const row = await db.role.findUnique({ where: { id: roleId } });
  if (!row) throw new AppError("NOT_FOUND", "That role no longer exists.");
  return row;
}

/** Changes a custom role; its holders get the new permissions at their next request or socket event. */
export async function updateRole(ctx: DataContext, input: UpdateRoleInput): Promise<RoleDto> {
  await assertMayDefine(ctx, "role.update", input.roleId, input.permissions);
  const before = await findRole(ctx.db, input.roleId);
  if (isBuiltInRole(before.id)) {
    await denied(ctx, "role.update", before.id, "built-in role");
    throw new AppError(
      "FORBIDDEN",
      "Built-in roles keep their name and permissions. Create a custom role instead.",
    );
  }
  await assertNameFree(ctx.db, input.name, before.id);
  const row = await withUniqueName(() =>
    ctx.db.role.update({
      where: { id: before.id },
      data: {
        name: input.name,
        description: input.description,
        permissions: JSON.stringify(input.permissions),
        requireTwoFactor: input.requireTwoFactor,
      },
    }),
  );
  const { roleId: _id, ...after } = input;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "role.update",
    targetType: "role",
    targetId: row.id,
    input: {
      from: {
        name: before.name,
        description: before.description,
        permissions: toActorRole(before).permissions,
        requireTwoFactor: before.requireTwoFactor,
      },
      to: after,
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row, (await memberCounts(ctx.db)).get(row.id) ?? 0);
}

/** Requires (or stops requiring) two-factor sign-in of a role's holders: built-in roles included. */
export async function setRoleTwoFactor(ctx: DataContext, input: RoleTwoFactorInput): Promise<void> {
  await requirePermission(ctx, "roles.manage", "role.update");
  const before = await findRole(ctx.db, input.roleId);
  await ctx.db.role.update({ where: { id: before.id }, data: { requireTwoFactor: input.requireTwoFactor } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "role.update",
    targetType: "role",
    targetId: before.id,
    input: {
      from: { requireTwoFactor: before.requireTwoFactor },
      to: { requireTwoFactor: input.requireTwoFactor },
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/**
 * Deletes a custom role that nobody holds: refused while it is anyone's main or per-server role or
 * an open invite's (the database refuses too, should one be given meanwhile).
 */
export async function deleteRole(ctx: DataContext, roleId: string, now = new Date()): Promise<void> {
  await requirePermission(ctx, "roles.manage", "role.delete");
  const row = await findRole(ctx.db, roleId);
  if (isBuiltInRole(row.id)) {
    await denied(ctx, "role.delete", row.id, "built-in role");
    throw new AppError("FORBIDDEN", "Built-in roles cannot be deleted.");
  }
  const [members, invites] = await Promise.all([
    memberCounts(ctx.db).then((c) => c.get(row.id) ?? 0),
    ctx.db.oneTimeToken.count({
      where: { purpose: "invite", role: row.id, usedAt: null, expiresAt: { gt: now } },
    }),
  ]);
  if (members > 0 || invites > 0) throw inUse(row.name, members, invites);
  try {
    // Used and expired invites go with it (their foreign key cascades).
    await ctx.db.role.delete({ where: { id: row.id } });
  } catch (error) {
    if (/P2003|foreign key|23503/i.test(`${(error as { code?: string }).code ?? ""} ${String(error)}`))
      throw inUse(row.name, 1, 0);
    throw error;
  }
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "role.delete",
    targetType: "role",
    targetId: row.id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

function inUse(name: string, members: number, invites: number): AppError {
  const parts = [
    members > 0 ? `${members} member${members === 1 ? "" : "s"} (as main or per-server role)` : null,
    invites > 0 ? `${invites} open invite${invites === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  return new AppError(
    "CONFLICT",
    `“${name}” is still given to ${parts.join(" and ")}. Give them another role first.`,
  );
}
