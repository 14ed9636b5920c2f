/**
 * Custom commands (lib/commands): defined by Admins of every server (commands.manage and no server
 * limit, since a command applies to every server of its games), run by roles with commands.run on
 * a server. A command limited to some roles runs only for an actor whose role on that server
 * (`roleOn`) is one of them. Definitions are audited; runs are audited by the socket handler.
 */
import { z } from "zod";
import { argumentListSchema, type ArgumentDefinition } from "../../lib/commands/arguments.ts";
import { commandDefinitionSchema, templateFor, type RunnableCommand } from "../../lib/commands/definition.ts";
import { AppError } from "../../lib/errors.ts";
import { can, limitedServerIds, roleOn } from "../../lib/permissions.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";

export interface CustomCommandDto extends RunnableCommand {
  templates: Record<string, string>;
  /** Roles allowed to run it; empty = every role with commands.run. */
  roleIds: string[];
  createdByName: string | null;
  updatedAt: string;
}

/** A command resolved for one run on one server. */
export interface CommandForRun extends RunnableCommand {
  template: string;
}

type Row = {
  id: string;
  name: string;
  description: string;
  arguments: string;
  templates: string;
  dangerous: boolean;
  updatedAt: Date;
  roles: { roleId: string }[];
  createdBy?: { name: string } | null;
};

const templatesSchema = z.record(z.string(), z.string());

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Stored JSON is ours, but read defensively: a row that no longer parses offers nothing. */
function decode(row: Row): { arguments: ArgumentDefinition[]; templates: Record<string, string> } {
  const args = argumentListSchema.safeParse(parseJson(row.arguments));
  const templates = templatesSchema.safeParse(parseJson(row.templates));
  return {
    arguments: args.success ? args.data : [],
    templates: args.success && templates.success ? templates.data : {},
  };
}

function toDto(row: Row): CustomCommandDto {
  const decoded = decode(row);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    arguments: decoded.arguments,
    templates: decoded.templates,
    dangerous: row.dangerous,
    roleIds: row.roles.map((r) => r.roleId).sort(),
    createdByName: row.createdBy?.name ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function requireManager(ctx: DataContext, action: string, targetId: string | null): Promise<void> {
  await requirePermission(ctx, "commands.manage", action);
  if (limitedServerIds(ctx.actor) === null) return;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "custom_command",
    targetId,
    outcome: "denied",
    detail: "limited to some servers",
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", "Only an Admin of every server may define custom commands.");
}

async function parseDefinition(ctx: DataContext, raw: unknown) {
  const parsed = commandDefinitionSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(parsed.error).fieldErrors,
    );
  const input = parsed.data;
  const roles = await ctx.db.role.count({ where: { id: { in: input.roleIds } } });
  if (roles !== input.roleIds.length)
    throw new AppError("INVALID_INPUT", "One of those roles does not exist.", { roleIds: ["Unknown role"] });
  return input;
}

async function nameTaken(ctx: DataContext, name: string, except: string | null): Promise<boolean> {
  const row = await ctx.db.customCommand.findUnique({ where: { name } });
  return row !== null && row.id !== except;
}

const include = { roles: { select: { roleId: true } }, createdBy: { select: { name: true } } } as const;

export async function listCustomCommands(ctx: DataContext): Promise<CustomCommandDto[]> {
  await requirePermission(ctx, "commands.manage", "custom_command.list");
  const rows = await ctx.db.customCommand.findMany({ include, orderBy: { name: "asc" } });
  return rows.map(toDto);
}

export async function createCustomCommand(ctx: DataContext, raw: unknown): Promise<CustomCommandDto> {
  await requireManager(ctx, "custom_command.create", null);
  const input = await parseDefinition(ctx, raw);
  if (await nameTaken(ctx, input.name, null))
    throw new AppError("CONFLICT", "A command with that name exists.", { name: ["That name is taken"] });
  const row = await ctx.db.customCommand.create({
    data: {
      name: input.name,
      description: input.description,
      arguments: JSON.stringify(input.arguments),
      templates: JSON.stringify(input.templates),
      dangerous: input.dangerous,
      createdById: ctx.actor.id,
      roles: { create: input.roleIds.map((roleId) => ({ roleId })) },
    },
    include,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "custom_command.create",
    targetType: "custom_command",
    targetId: row.id,
    input,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row);
}

export async function updateCustomCommand(
  ctx: DataContext,
  id: string,
  raw: unknown,
): Promise<CustomCommandDto> {
  await requireManager(ctx, "custom_command.update", id);
  const input = await parseDefinition(ctx, raw);
  if (!(await ctx.db.customCommand.findUnique({ where: { id } })))
    throw new AppError("NOT_FOUND", "That command does not exist.");
  if (await nameTaken(ctx, input.name, id))
    throw new AppError("CONFLICT", "A command with that name exists.", { name: ["That name is taken"] });
  const [, row] = await ctx.db.$transaction([
    ctx.db.customCommandRole.deleteMany({ where: { commandId: id } }),
    ctx.db.customCommand.update({
      where: { id },
      data: {
        name: input.name,
        description: input.description,
        arguments: JSON.stringify(input.arguments),
        templates: JSON.stringify(input.templates),
        dangerous: input.dangerous,
        roles: { create: input.roleIds.map((roleId) => ({ roleId })) },
      },
      include,
    }),
  ]);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "custom_command.update",
    targetType: "custom_command",
    targetId: id,
    input,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row);
}

export async function deleteCustomCommand(ctx: DataContext, id: string): Promise<void> {
  await requireManager(ctx, "custom_command.delete", id);
  const row = await ctx.db.customCommand.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", "That command does not exist.");
  await ctx.db.customCommand.delete({ where: { id } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "custom_command.delete",
    targetType: "custom_command",
    targetId: id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

/** The command ids the actor's role on `serverId` may run (restricted commands excluded otherwise). */
function allowedFor(ctx: DataContext, serverId: string, row: Row): boolean {
  if (row.roles.length === 0) return true;
  const roleId = roleOn(ctx.actor, serverId).id;
  return row.roles.some((r) => r.roleId === roleId);
}

/**
 * The commands this actor may run on a server of game `gameId` (only those with a template for
 * it), for the server page's panel and Tab completion. Empty without commands.run there.
 */
export async function runnableCommands(
  ctx: DataContext,
  serverId: string,
  gameId: string,
): Promise<RunnableCommand[]> {
  if (!can(ctx.actor, "commands.run", serverId)) return [];
  const rows = await ctx.db.customCommand.findMany({
    include: { roles: { select: { roleId: true } } },
    orderBy: { name: "asc" },
  });
  return rows
    .filter((row) => allowedFor(ctx, serverId, row))
    .flatMap((row) => {
      const decoded = decode(row);
      if (templateFor(decoded.templates, gameId) === null) return [];
      return [
        {
          id: row.id,
          name: row.name,
          description: row.description,
          arguments: decoded.arguments,
          dangerous: row.dangerous,
        },
      ];
    });
}

/**
 * One command for one run: commands.run on the server, the role rule, a template for the game.
 * Refusals are audited (the id is the only input an attacker controls here).
 */
export async function commandForRun(
  ctx: DataContext,
  serverId: string,
  commandId: string,
  gameId: string,
): Promise<CommandForRun> {
  await requirePermission(ctx, "commands.run", "command.custom", serverId);
  const row = await ctx.db.customCommand.findUnique({
    where: { id: commandId },
    include: { roles: { select: { roleId: true } } },
  });
  if (!row) throw new AppError("NOT_FOUND", "That command does not exist.");
  if (!allowedFor(ctx, serverId, row)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "command.custom",
      serverId,
      targetType: "custom_command",
      targetId: commandId,
      outcome: "denied",
      detail: `role ${roleOn(ctx.actor, serverId).id} not allowed to run this command`,
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Your role may not run this command.");
  }
  const decoded = decode(row);
  const template = templateFor(decoded.templates, gameId);
  if (template === null) throw new AppError("NOT_FOUND", "This command has no form for this game.");
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    arguments: decoded.arguments,
    dangerous: row.dangerous,
    template,
  };
}

/** The roles a command may be limited to (built-in and custom), for the definition form. */
export async function listRoleChoices(ctx: DataContext): Promise<{ id: string; name: string }[]> {
  await requirePermission(ctx, "commands.manage", "custom_command.list");
  return ctx.db.role.findMany({
    select: { id: true, name: true },
    orderBy: [{ builtIn: "desc" }, { name: "asc" }],
  });
}
