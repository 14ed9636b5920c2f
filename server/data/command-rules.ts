/**
 * Custom roles' console policies (CommandRule rows, ordered by position). Built-in roles have fixed
 * policies in code: Owner and Admin are unrestricted (dangerous commands still need a
 * confirmation); Moderator and Viewer have no console.execute at all. Editing needs roles.manage
 * and every server (a role applies wherever its members are), and is audited.
 */
import type { PolicyRole, PolicyRule, RuleEffect } from "../../lib/commands/policy.ts";
import { AppError } from "../../lib/errors.ts";
import { isBuiltInRole, limitedServerIds, type ActorRole } from "../../lib/permissions.ts";
import type {
  AddCommandRuleInput,
  MoveCommandRuleInput,
  RemoveCommandRuleInput,
} from "../../lib/schemas/command-rules.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";

/** Rules per role at most: every console command is checked against all of them. */
export const MAX_RULES_PER_ROLE = 100;

export interface CommandRuleDto extends PolicyRule {
  id: string;
  position: number;
  note: string;
}

export interface RolePolicyView {
  role: { id: string; name: string; builtIn: boolean };
  /** Owner/Admin: every command; the rules list is empty. */
  unrestricted: boolean;
  /** Built-in roles' policies are fixed. */
  editable: boolean;
  rules: CommandRuleDto[];
}

const UNRESTRICTED: ReadonlySet<string> = new Set(["OWNER", "ADMIN"]);

function toDto(row: {
  id: string;
  position: number;
  effect: string;
  command: string;
  args: string | null;
  note: string;
}): CommandRuleDto {
  return {
    id: row.id,
    position: row.position,
    effect: row.effect as RuleEffect,
    command: row.command,
    args: row.args,
    note: row.note,
  };
}

async function rulesOf(db: Db, roleId: string): Promise<CommandRuleDto[]> {
  const rows = await db.commandRule.findMany({
    where: { roleId },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
  });
  return rows.map(toDto);
}

/** The policy the evaluator applies for `role` (the role an actor holds on one server). */
export async function policyRoleOf(db: Db, role: ActorRole): Promise<PolicyRole> {
  if (isBuiltInRole(role.id))
    return { id: role.id, name: role.name, unrestricted: UNRESTRICTED.has(role.id), rules: [] };
  return { id: role.id, name: role.name, unrestricted: false, rules: await rulesOf(db, role.id) };
}

async function requireRoleManager(ctx: DataContext, action: string, roleId: string): Promise<void> {
  await requirePermission(ctx, "roles.manage", action);
  if (limitedServerIds(ctx.actor) === null) return;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "role",
    targetId: roleId,
    outcome: "denied",
    detail: "limited to some servers",
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", "Only users who reach every server can change role policies.");
}

async function findRole(db: Db, roleId: string) {
  const role = await db.role.findUnique({
    where: { id: roleId },
    select: { id: true, name: true, builtIn: true },
  });
  if (!role) throw new AppError("NOT_FOUND", "That role does not exist.");
  return { ...role, builtIn: role.builtIn || isBuiltInRole(role.id) };
}

export async function getRolePolicy(ctx: DataContext, roleId: string): Promise<RolePolicyView> {
  await requireRoleManager(ctx, "role.policy.view", roleId);
  const role = await findRole(ctx.db, roleId);
  if (role.builtIn) return { role, unrestricted: UNRESTRICTED.has(role.id), editable: false, rules: [] };
  return { role, unrestricted: false, editable: true, rules: await rulesOf(ctx.db, role.id) };
}

async function editableRole(ctx: DataContext, action: string, roleId: string) {
  await requireRoleManager(ctx, action, roleId);
  const role = await findRole(ctx.db, roleId);
  if (role.builtIn) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action,
      targetType: "role",
      targetId: roleId,
      outcome: "denied",
      detail: "built-in role",
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Built-in roles have fixed console policies.");
  }
  return role;
}

export async function addCommandRule(ctx: DataContext, input: AddCommandRuleInput): Promise<CommandRuleDto> {
  const role = await editableRole(ctx, "role.policy.add", input.roleId);
  const row = await ctx.db.$transaction(async (tx) => {
    const count = await tx.commandRule.count({ where: { roleId: role.id } });
    if (count >= MAX_RULES_PER_ROLE)
      throw new AppError("CONFLICT", `A role holds at most ${MAX_RULES_PER_ROLE} rules.`);
    return tx.commandRule.create({
      data: {
        roleId: role.id,
        position: count,
        effect: input.effect,
        command: input.command,
        args: input.args,
        note: input.note,
      },
    });
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "role.policy.add",
    targetType: "role",
    targetId: role.id,
    input: {
      role: role.name,
      rule: row.position + 1,
      effect: row.effect,
      command: row.command,
      args: row.args,
      note: row.note,
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row);
}

async function ruleOf(ctx: DataContext, roleId: string, ruleId: string) {
  const rule = await ctx.db.commandRule.findFirst({ where: { id: ruleId, roleId } });
  if (!rule) throw new AppError("NOT_FOUND", "That rule does not exist (any more).");
  return rule;
}

export async function removeCommandRule(ctx: DataContext, input: RemoveCommandRuleInput): Promise<void> {
  const role = await editableRole(ctx, "role.policy.remove", input.roleId);
  const rule = await ruleOf(ctx, role.id, input.ruleId);
  await ctx.db.$transaction(async (tx) => {
    await tx.commandRule.delete({ where: { id: rule.id } });
    // Keep positions gapless, so "rule 3" in a refusal is the third row of the table.
    const rest = await tx.commandRule.findMany({
      where: { roleId: role.id },
      orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    });
    for (const [i, r] of rest.entries())
      if (r.position !== i) await tx.commandRule.update({ where: { id: r.id }, data: { position: i } });
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "role.policy.remove",
    targetType: "role",
    targetId: role.id,
    input: {
      role: role.name,
      rule: rule.position + 1,
      effect: rule.effect,
      command: rule.command,
      args: rule.args,
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

export async function moveCommandRule(ctx: DataContext, input: MoveCommandRuleInput): Promise<void> {
  const role = await editableRole(ctx, "role.policy.move", input.roleId);
  const rule = await ruleOf(ctx, role.id, input.ruleId);
  const moved = await ctx.db.$transaction(async (tx) => {
    const rows = await tx.commandRule.findMany({
      where: { roleId: role.id },
      orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    });
    const from = rows.findIndex((r) => r.id === rule.id);
    const to = input.direction === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= rows.length) return null;
    const [item] = rows.splice(from, 1);
    rows.splice(to, 0, item as (typeof rows)[number]);
    for (const [i, r] of rows.entries())
      if (r.position !== i) await tx.commandRule.update({ where: { id: r.id }, data: { position: i } });
    return { from: from + 1, to: to + 1 };
  });
  if (!moved) return;
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "role.policy.move",
    targetType: "role",
    targetId: role.id,
    input: { role: role.name, command: rule.command, args: rule.args, ...moved },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}
