/**
 * Game servers. The RCON password is write-only: it is encrypted before it is stored and no DTO
 * ever carries it (or its ciphertext). Reads respect each user's server limits.
 */
import { AppError } from "../../lib/errors.ts";
import { findPreset } from "../../lib/games.ts";
import type { CreateServerInput, UpdateServerInput } from "../../lib/schemas/server.ts";
import type { Db, Server } from "../db/client.ts";
import { decryptSecret, encryptSecret } from "../security/crypto.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";

export interface ServerDto {
  id: string;
  name: string;
  game: string;
  gameLabel: string;
  protocol: string;
  host: string;
  port: number;
  encoding: string | null;
  enabled: boolean;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toServerDto(row: Server): ServerDto {
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
    isDemo: row.isDemo,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function accessFilter(ctx: DataContext) {
  return ctx.actor.serverIds === null ? {} : { id: { in: [...ctx.actor.serverIds] } };
}

export async function listServers(ctx: DataContext): Promise<ServerDto[]> {
  await requirePermission(ctx, "server.view", "server.list");
  const rows = await ctx.db.server.findMany({ where: accessFilter(ctx), orderBy: [{ name: "asc" }, { createdAt: "asc" }] });
  return rows.map(toServerDto);
}

export async function getServer(ctx: DataContext, id: string): Promise<ServerDto> {
  await requirePermission(ctx, "server.view", "server.get", id);
  const row = await ctx.db.server.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", "That server does not exist.");
  return toServerDto(row);
}

/** Server-side only: the decrypted connection settings, for the connection manager. */
export async function getServerConnectionSettings(db: Db, key: Buffer, id: string) {
  const row = await db.server.findUnique({ where: { id } });
  if (!row) return null;
  return { ...toServerDto(row), pollIntervalSeconds: row.pollIntervalSeconds, password: decryptSecret(row.passwordEncrypted, key) };
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
export async function createDemoServer(db: Db, key: Buffer, input: { name: string; game: string; protocol: string; host: string; port: number; password: string }): Promise<ServerDto> {
  const { password, ...columns } = input;
  const row = await db.server.create({ data: { ...columns, isDemo: true, passwordEncrypted: encryptSecret(password, key) } });
  return toServerDto(row);
}

/** Server-side only: a restarted demo emulator listens on a new port. */
export async function setDemoServerPort(db: Db, id: string, port: number): Promise<void> {
  await db.server.updateMany({ where: { id, isDemo: true }, data: { port } });
}

/** The columns both create and update write; the protocol always follows the chosen game preset. */
function serverColumns(input: Omit<CreateServerInput, "password">) {
  const preset = findPreset(input.game);
  if (!preset) throw new AppError("INVALID_INPUT", "Choose a game.", { game: ["Choose a game"] });
  const { name, game, host, port, encoding, enabled } = input;
  return { name, game, protocol: preset.protocol, host, port, encoding, enabled };
}

export async function createServer(ctx: DataContext, key: Buffer, input: CreateServerInput): Promise<ServerDto> {
  await requirePermission(ctx, "server.manage", "server.create");
  const row = await ctx.db.server.create({
    data: { ...serverColumns(input), passwordEncrypted: encryptSecret(input.password, key) },
  });
  await recordAudit(ctx.db, { actor: ctx.actor, action: "server.create", targetType: "server", targetId: row.id, serverId: row.id, input, outcome: "success", sourceIp: ctx.ip });
  return toServerDto(row);
}

export async function updateServer(ctx: DataContext, key: Buffer, input: UpdateServerInput): Promise<ServerDto> {
  await requirePermission(ctx, "server.manage", "server.update", input.id);
  const existing = await ctx.db.server.findUnique({ where: { id: input.id } });
  if (!existing) throw new AppError("NOT_FOUND", "That server does not exist.");
  const row = await ctx.db.server.update({
    where: { id: input.id },
    data: {
      ...serverColumns(input),
      // A blank password in the form keeps the stored one.
      ...(input.password === null ? {} : { passwordEncrypted: encryptSecret(input.password, key) }),
    },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "server.update",
    targetType: "server",
    targetId: row.id,
    serverId: row.id,
    input: { ...input, passwordChanged: input.password !== null },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toServerDto(row);
}

export async function deleteServer(ctx: DataContext, id: string): Promise<void> {
  await requirePermission(ctx, "server.manage", "server.delete", id);
  const existing = await ctx.db.server.findUnique({ where: { id } });
  if (!existing) throw new AppError("NOT_FOUND", "That server does not exist.");
  // Its console lines (no foreign key) are purged in batches in the background (server/hub/purge.ts).
  await ctx.db.$transaction([ctx.db.server.delete({ where: { id } }), ctx.db.serverPurge.create({ data: { serverId: id } })]);
  await recordAudit(ctx.db, { actor: ctx.actor, action: "server.delete", targetType: "server", targetId: id, input: { name: existing.name, host: existing.host, port: existing.port }, outcome: "success", sourceIp: ctx.ip });
}
