/**
 * Game servers. The RCON password is write-only: it is encrypted before it is stored and no DTO
 * ever carries it (or its ciphertext). Reads respect each user's server limits.
 */
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { findPreset } from "../../lib/games.ts";
import {
  connectionFieldsSchema,
  PASSWORD_REQUIRED_FOR_NEW_ADDRESS,
  type CreateServerInput,
  type UpdateServerInput,
} from "../../lib/schemas/server.ts";
import { can, canCreateServer } from "../../lib/permissions.ts";
import type { Db, Server } from "../db/client.ts";
import { decryptSecret, encryptSecret } from "../security/crypto.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { countInChunks } from "./chunks.ts";
import { serverRowScope } from "./scope.ts";
import { retryOnWriteConflict } from "./write-conflicts.ts";

export interface ServerDto {
  id: string;
  name: string;
  game: string;
  gameLabel: string;
  protocol: string;
  /** Where RCON connects: only for users who may manage this server (absent otherwise). */
  host?: string;
  port?: number;
  encoding: string | null;
  enabled: boolean;
  /** Receives the game's log stream (docs/game-logs.md). */
  gameLogs: boolean;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Server-side (and managers'): the DTO with the RCON endpoint. */
export type ServerDtoWithEndpoint = ServerDto & { host: string; port: number };

export function toServerDto(row: Server): ServerDtoWithEndpoint {
  return {
    id: row.id,
    name: row.name,
    game: row.game,
    gameLabel: findPreset(row.game)?.label ?? row.game,
    protocol: row.protocol,
    host: row.host,
    port: row.port,
    encoding: row.encoding,
    enabled: row.enabled,
    gameLogs: row.gameLogs,
    isDemo: row.isDemo,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The DTO a user gets: the RCON host and port only where the user may manage the server. */
export function toServerDtoFor(ctx: Pick<DataContext, "actor">, row: Server): ServerDto {
  const dto = toServerDto(row);
  if (can(ctx.actor, "server.manage", row.id)) return dto;
  const { host: _host, port: _port, ...rest } = dto;
  return rest;
}

function accessFilter(ctx: DataContext) {
  return serverRowScope(ctx.actor) ?? {};
}

/** How many of these ids (duplicates counted once) are existing servers; any number of ids. */
export async function countExistingServers(db: Db, ids: readonly string[]): Promise<number> {
  return countInChunks([...new Set(ids)], (chunk) => db.server.count({ where: { id: { in: chunk } } }));
}

export async function listServers(ctx: DataContext): Promise<ServerDto[]> {
  await requirePermission(ctx, "server.view", "server.list");
  const rows = await ctx.db.server.findMany({
    where: accessFilter(ctx),
    orderBy: [{ name: "asc" }, { createdAt: "asc" }],
  });
  return rows.map((row) => toServerDtoFor(ctx, row));
}

export async function getServer(ctx: DataContext, id: string): Promise<ServerDto> {
  await requirePermission(ctx, "server.view", "server.get", id);
  const row = await ctx.db.server.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", "That server does not exist.");
  return toServerDtoFor(ctx, row);
}

/** Server-side only: the decrypted connection settings, for the connection manager. */
export async function getServerConnectionSettings(db: Db, key: Buffer, id: string) {
  const row = await db.server.findUnique({ where: { id } });
  if (!row) return null;
  return {
    ...toServerDto(row),
    pollIntervalSeconds: row.pollIntervalSeconds,
    password: decryptSecret(row.passwordEncrypted, key),
  };
}

export type ServerConnectionSettings = NonNullable<Awaited<ReturnType<typeof getServerConnectionSettings>>>;

/** Server-side only: every server row the connection hub supervises (no secrets decrypted here). */
export async function listServerIdsForHub(db: Db): Promise<string[]> {
  const rows = await db.server.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.id);
}

/** Server-side only: demo servers and their stored settings, for restarting their emulators. */
export async function listDemoServers(db: Db, key: Buffer) {
  const rows = await db.server.findMany({ where: { isDemo: true }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({ ...toServerDto(row), password: decryptSecret(row.passwordEncrypted, key) }));
}

/** Server-side only: creates a built-in demo server (demo mode; no actor, not audited as a user action). */
export async function createDemoServer(
  db: Db,
  key: Buffer,
  input: {
    name: string;
    game: string;
    protocol: string;
    host: string;
    port: number;
    password: string;
    gameLogs?: boolean;
  },
): Promise<ServerDto> {
  const { password, ...columns } = input;
  const row = await db.server.create({
    data: { ...columns, isDemo: true, passwordEncrypted: encryptSecret(password, key) },
  });
  return toServerDto(row);
}

/** Server-side only: a restarted demo emulator listens on a new port. */
export async function setDemoServerPort(db: Db, id: string, port: number): Promise<void> {
  await db.server.updateMany({ where: { id, isDemo: true }, data: { port } });
}

/**
 * The columns both create and update write; the protocol always follows the chosen game preset.
 * Host, port and encoding are checked again here (the schemas' own rules), so a caller that skips
 * the form's schema still cannot store a host with a port in it or an encoding that cannot work.
 */
function serverColumns(input: Omit<CreateServerInput, "password">) {
  const preset = findPreset(input.game);
  if (!preset) throw new AppError("INVALID_INPUT", "Choose a game.", { game: ["Choose a game"] });
  const checked = connectionFieldsSchema.safeParse({
    host: input.host,
    port: input.port,
    encoding: input.encoding ?? "",
  });
  if (!checked.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(checked.error).fieldErrors,
    );
  const { host, port, encoding } = checked.data;
  const { name, game, enabled, gameLogs } = input;
  return { name, game, protocol: preset.protocol, host, port, encoding, enabled, gameLogs };
}

export async function createServer(
  ctx: DataContext,
  key: Buffer,
  input: CreateServerInput,
): Promise<ServerDto> {
  await requirePermission(ctx, "server.manage", "server.create");
  if (!canCreateServer(ctx.actor)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "server.create",
      outcome: "denied",
      detail: "limited to some servers: may not add servers",
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Only an Owner or an Admin of every server may add servers.");
  }
  const row = await ctx.db.server.create({
    data: { ...serverColumns(input), passwordEncrypted: encryptSecret(input.password, key) },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "server.create",
    targetType: "server",
    targetId: row.id,
    serverId: row.id,
    input,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toServerDto(row);
}

/**
 * A blank password keeps the stored one only while the protocol, host and port stay the same:
 * otherwise whoever may edit servers could point a server at their own machine and receive the
 * stored password at the next login. The kept-password write is conditional on the row still
 * having the address that was checked, so a concurrent edit cannot slip a new address in between.
 */
export async function updateServer(
  ctx: DataContext,
  key: Buffer,
  input: UpdateServerInput,
): Promise<ServerDto> {
  await requirePermission(ctx, "server.manage", "server.update", input.id);
  const existing = await ctx.db.server.findUnique({ where: { id: input.id } });
  if (!existing) throw new AppError("NOT_FOUND", "That server does not exist.");
  const columns = serverColumns(input);
  const audit = {
    actor: ctx.actor,
    action: "server.update",
    targetType: "server",
    targetId: existing.id,
    serverId: existing.id,
    sourceIp: ctx.ip,
  };
  let row: Server;
  if (input.password === null) {
    const sameAddress =
      existing.protocol === columns.protocol &&
      existing.host.toLowerCase() === columns.host &&
      existing.port === columns.port;
    if (!sameAddress) {
      await recordAudit(ctx.db, {
        ...audit,
        input: { ...input, passwordChanged: false },
        outcome: "failure",
        detail: "password required: protocol, host or port changed",
      });
      throw new AppError(
        "INVALID_INPUT",
        "Enter the RCON password again to change the protocol, host or port.",
        { password: [PASSWORD_REQUIRED_FOR_NEW_ADDRESS] },
      );
    }
    const { count } = await ctx.db.server.updateMany({
      where: {
        id: existing.id,
        protocol: existing.protocol,
        host: existing.host,
        port: existing.port,
        passwordEncrypted: existing.passwordEncrypted,
      },
      data: columns,
    });
    if (count === 0)
      throw new AppError(
        "CONFLICT",
        "Someone else changed this server meanwhile. Reload the page and try again.",
      );
    row = await ctx.db.server.findUniqueOrThrow({ where: { id: existing.id } });
  } else {
    row = await ctx.db.server.update({
      where: { id: existing.id },
      data: { ...columns, passwordEncrypted: encryptSecret(input.password, key) },
    });
  }
  await recordAudit(ctx.db, {
    ...audit,
    input: { ...input, passwordChanged: input.password !== null },
    outcome: "success",
  });
  return toServerDto(row);
}

export async function deleteServer(ctx: DataContext, id: string): Promise<void> {
  await requirePermission(ctx, "server.manage", "server.delete", id);
  const existing = await ctx.db.server.findUnique({ where: { id } });
  if (!existing) throw new AppError("NOT_FOUND", "That server does not exist.");
  // Its console lines (no foreign key) are purged in batches in the background (server/hub/purge.ts).
  // The cascade meets the hub's writes of this server's stays and samples: a deadlock is retried.
  await retryOnWriteConflict(() =>
    ctx.db.$transaction([
      ctx.db.server.delete({ where: { id } }),
      ctx.db.serverPurge.create({ data: { serverId: id } }),
    ]),
  );
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "server.delete",
    targetType: "server",
    targetId: id,
    input: { name: existing.name, host: existing.host, port: existing.port },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}
