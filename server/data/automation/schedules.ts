/**
 * Schedules (issue 16): editing, listing and cancelling. Every function checks `automation.manage`
 * on EVERY server a schedule names ("all servers" only for a user who reaches every server), and
 * that the editor may do the action itself there (players.message for a broadcast, console.execute
 * for a command). The editor becomes the owner: the schedule runs as that user, with the user's
 * permissions at run time (server/automation/run-as.ts). Refusals and changes are audited.
 * `now` is an input (Date.now() milliseconds) so tests move time.
 */
import { z } from "zod";
import {
  describeAction,
  readStoredAction,
  scheduleFormSchema,
  timingText,
  type MissedRunPolicy,
  type ScheduleAction,
  type ScheduleInput,
  type ScheduleTiming,
} from "../../../lib/automation/schedules.ts";
import { AppError } from "../../../lib/errors.ts";
import { can, limitedServerIds, type Permission } from "../../../lib/permissions.ts";
import { dueTimes, nextDueTimes, timingProblem } from "../../automation/schedules/timing.ts";
import { recordAudit } from "../audit.ts";
import type { DataContext } from "../context.ts";

export interface ScheduleServerChoice {
  id: string;
  name: string;
}

export interface ScheduleRunDto {
  id: string;
  serverName: string;
  dueAt: string;
  state: string;
  detail: string | null;
}

/** A restart sequence counting down: one due time of one schedule, on one or more servers. */
export interface RunningSequenceDto {
  scheduleId: string;
  scheduleName: string;
  dueAt: string;
  servers: string[];
}

export interface ScheduleDto {
  id: string;
  name: string;
  enabled: boolean;
  schedule: string;
  timeZone: string;
  allServers: boolean;
  servers: ScheduleServerChoice[];
  action: ScheduleAction | null;
  actionText: string;
  missedRuns: MissedRunPolicy;
  ownerName: string | null;
  /** The next due times (ISO), computed on the server with the schedule's time zone. */
  nextRuns: string[];
  recentRuns: ScheduleRunDto[];
}

export interface SchedulesPage {
  schedules: ScheduleDto[];
  servers: ScheduleServerChoice[];
  /** Custom commands a schedule may run (their own role rules apply at run time). */
  commands: { id: string; name: string }[];
  running: RunningSequenceDto[];
}

const PERMISSION_FOR_ACTION: Record<ScheduleAction["type"], Permission> = {
  broadcast: "players.message",
  console: "console.execute",
  custom: "commands.run",
  restart: "console.execute",
};

async function deny(
  ctx: DataContext,
  action: string,
  detail: string,
  message: string,
  serverId: string | null = null,
  targetId: string | null = null,
): Promise<never> {
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    serverId,
    targetType: "automation_schedule",
    targetId,
    outcome: "denied",
    detail,
    sourceIp: ctx.ip,
  });
  throw new AppError("FORBIDDEN", message);
}

/** automation.manage anywhere: the page and the preview. */
async function requireAutomation(ctx: DataContext, action: string): Promise<void> {
  if (!can(ctx.actor, "automation.manage"))
    await deny(ctx, action, "missing permission automation.manage", "You do not have permission to do that.");
}

/**
 * The editor may manage automation on (and do the action on) every server named, or on all
 * servers for "all servers". Checked before anything is read about those servers.
 */
async function requireServers(
  ctx: DataContext,
  action: string,
  target: { allServers: boolean; serverIds: readonly string[] },
  needs: Permission[],
  targetId: string | null,
): Promise<void> {
  await requireAutomation(ctx, action);
  const permissions: Permission[] = ["automation.manage", ...needs];
  if (target.allServers) {
    if (limitedServerIds(ctx.actor) !== null)
      await deny(
        ctx,
        action,
        "all servers: limited to some servers",
        "Only a user who reaches every server may target all servers.",
        null,
        targetId,
      );
    for (const permission of permissions)
      if (!can(ctx.actor, permission))
        await deny(ctx, action, `missing permission ${permission}`, `You need ${permission} for that.`);
    return;
  }
  for (const serverId of target.serverIds)
    for (const permission of permissions)
      if (!can(ctx.actor, permission, serverId))
        await deny(
          ctx,
          action,
          `missing permission ${permission}`,
          permission === "automation.manage"
            ? "You may not manage automation on one of those servers."
            : `You need ${permission} on every server of this schedule.`,
          serverId,
          targetId,
        );
}

function parseForm(raw: unknown, now: number): ScheduleInput {
  const parsed = scheduleFormSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(parsed.error).fieldErrors,
    );
  const problem = timingProblem(parsed.data.timing, parsed.data.timeZone, now);
  if (problem) throw new AppError("INVALID_INPUT", problem, { schedule: [problem] });
  return parsed.data;
}

/** A custom command must exist; its name is kept for the list. */
async function resolveCommand(ctx: DataContext, input: ScheduleInput): Promise<void> {
  if (input.action.type !== "custom") return;
  const command = await ctx.db.customCommand.findUnique({
    where: { id: input.action.commandId },
    select: { name: true },
  });
  if (!command)
    throw new AppError("INVALID_INPUT", "That custom command no longer exists.", {
      customCommand: ["Unknown command"],
    });
  input.action.commandName = command.name;
}

async function requireKnownServers(ctx: DataContext, input: ScheduleInput): Promise<void> {
  if (input.allServers) return;
  const found = await ctx.db.server.count({ where: { id: { in: input.serverIds } } });
  if (found !== input.serverIds.length)
    throw new AppError("INVALID_INPUT", "One of those servers no longer exists.", {
      servers: ["Unknown server"],
    });
}

async function nameTaken(ctx: DataContext, name: string, except: string | null): Promise<boolean> {
  const row = await ctx.db.automationSchedule.findUnique({ where: { name }, select: { id: true } });
  return row !== null && row.id !== except;
}

function timingColumns(timing: ScheduleTiming) {
  return timing.kind === "every"
    ? { cron: null, everyMinutes: timing.minutes }
    : { cron: timing.expression, everyMinutes: null };
}

export function storedTiming(row: { cron: string | null; everyMinutes: number | null }): ScheduleTiming {
  return row.everyMinutes !== null
    ? { kind: "every", minutes: row.everyMinutes }
    : { kind: "cron", expression: row.cron ?? "" };
}

/** What the audit row keeps: no command text (it may hold a game setting's secret value). */
function auditInput(input: ScheduleInput) {
  return {
    name: input.name,
    schedule: timingText(input.timing),
    timeZone: input.timeZone,
    allServers: input.allServers,
    serverIds: input.serverIds,
    action: input.action.type,
    ...(input.action.type === "broadcast" ? { messages: input.action.messages } : {}),
    ...(input.action.type === "custom"
      ? { command: input.action.commandName, args: Object.keys(input.action.args) }
      : {}),
    ...(input.action.type !== "broadcast" && input.action.confirmed ? { confirmed: true } : {}),
    missedRuns: input.missedRuns,
  };
}

/** The servers the actor may choose for a schedule. */
async function serverChoices(ctx: DataContext): Promise<ScheduleServerChoice[]> {
  const limit = limitedServerIds(ctx.actor);
  const rows = await ctx.db.server.findMany({
    where: limit === null ? {} : { id: { in: [...limit] } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  return rows.filter((r) => can(ctx.actor, "automation.manage", r.id));
}

/** A schedule is the actor's to see and edit when it may manage every server the schedule names. */
function manages(ctx: DataContext, row: { allServers: boolean; servers: { serverId: string }[] }): boolean {
  if (row.allServers) return limitedServerIds(ctx.actor) === null && can(ctx.actor, "automation.manage");
  if (row.servers.length === 0) return limitedServerIds(ctx.actor) === null;
  return row.servers.every((s) => can(ctx.actor, "automation.manage", s.serverId));
}

const scheduleInclude = {
  servers: { select: { serverId: true, server: { select: { name: true } } } },
  owner: { select: { name: true } },
  runs: {
    orderBy: { dueAt: "desc" },
    take: 5,
    select: { id: true, dueAt: true, state: true, detail: true, server: { select: { name: true } } },
  },
} as const;

export async function listSchedules(ctx: DataContext, now = Date.now()): Promise<SchedulesPage> {
  await requireAutomation(ctx, "automation.schedule.list");
  const [rows, servers, commands] = await Promise.all([
    ctx.db.automationSchedule.findMany({ include: scheduleInclude, orderBy: { name: "asc" } }),
    serverChoices(ctx),
    ctx.db.customCommand.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  const visible = rows.filter((row) => manages(ctx, row));
  const running = await ctx.db.automationRun.findMany({
    where: { state: "running", scheduleId: { in: visible.map((r) => r.id) } },
    select: { scheduleId: true, dueAt: true, server: { select: { name: true } } },
    orderBy: { dueAt: "asc" },
  });
  const names = new Map(visible.map((r) => [r.id, r.name]));
  const groups = new Map<string, RunningSequenceDto>();
  for (const run of running) {
    const key = `${run.scheduleId} ${run.dueAt.toISOString()}`;
    const group = groups.get(key) ?? {
      scheduleId: run.scheduleId,
      scheduleName: names.get(run.scheduleId) ?? "",
      dueAt: run.dueAt.toISOString(),
      servers: [],
    };
    group.servers.push(run.server.name);
    groups.set(key, group);
  }
  return {
    schedules: visible.map((row) => toDto(row, now)),
    servers,
    commands,
    running: [...groups.values()],
  };
}

type ScheduleRow = Awaited<ReturnType<typeof loadRow>> & object;

function loadRow(ctx: DataContext, id: string) {
  return ctx.db.automationSchedule.findUnique({ where: { id }, include: scheduleInclude });
}

function toDto(row: ScheduleRow, now: number): ScheduleDto {
  const timing = storedTiming(row);
  const action = readStoredAction(row.action);
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    schedule: timingText(timing),
    timeZone: row.timeZone,
    allServers: row.allServers,
    servers: row.servers.map((s) => ({ id: s.serverId, name: s.server.name })),
    action,
    actionText: action ? describeAction(action) : "This schedule's action no longer reads: edit it.",
    missedRuns: row.missedRuns === "run-once" ? "run-once" : "skip",
    ownerName: row.owner?.name ?? null,
    nextRuns: row.enabled ? preview(timing, row.timeZone, now, 3) : [],
    recentRuns: row.runs.map((r) => ({
      id: r.id,
      serverName: r.server.name,
      dueAt: r.dueAt.toISOString(),
      state: r.state,
      detail: r.detail,
    })),
  };
}

function preview(timing: ScheduleTiming, timeZone: string, now: number, count: number): string[] {
  try {
    return nextDueTimes(dueTimes(timing, timeZone), now, count).map((t) => new Date(t).toISOString());
  } catch {
    return [];
  }
}

const previewSchema = z.object({
  schedule: z.string().max(120),
  timeZone: z.string().max(64).default("UTC"),
});

/** The next due times of a schedule being edited (the form shows them), or why it cannot run. */
export async function previewSchedule(
  ctx: DataContext,
  raw: unknown,
  now: number,
): Promise<{ nextRuns: string[] }> {
  await requireAutomation(ctx, "automation.schedule.preview");
  const parsed = scheduleFormSchema.safeParse({
    name: "preview",
    allServers: true,
    action: "broadcast",
    message: "preview",
    ...previewSchema.parse(raw),
  });
  if (!parsed.success) {
    const errors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    const message = errors["schedule"]?.[0] ?? errors["timeZone"]?.[0] ?? "Check the schedule.";
    throw new AppError("INVALID_INPUT", message, { schedule: [message] });
  }
  const problem = timingProblem(parsed.data.timing, parsed.data.timeZone, now);
  if (problem) throw new AppError("INVALID_INPUT", problem, { schedule: [problem] });
  return { nextRuns: preview(parsed.data.timing, parsed.data.timeZone, now, 5) };
}

export async function createSchedule(ctx: DataContext, raw: unknown, now: number): Promise<ScheduleDto> {
  await requireAutomation(ctx, "automation.schedule.create");
  const input = parseForm(raw, now);
  await requireServers(
    ctx,
    "automation.schedule.create",
    input,
    [PERMISSION_FOR_ACTION[input.action.type]],
    null,
  );
  await requireKnownServers(ctx, input);
  await resolveCommand(ctx, input);
  if (await nameTaken(ctx, input.name, null))
    throw new AppError("CONFLICT", "A schedule with that name exists.", { name: ["That name is taken"] });
  const row = await ctx.db.automationSchedule.create({
    data: scheduleColumns(ctx, input, now),
    include: scheduleInclude,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.schedule.create",
    targetType: "automation_schedule",
    targetId: row.id,
    input: auditInput(input),
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row, now);
}

/**
 * The stored form of a saved schedule. Due times are counted from the save (before it, or under an
 * old timing, nothing was missed), and whoever saves it owns it.
 */
function scheduleColumns(ctx: DataContext, input: ScheduleInput, now: number) {
  return {
    name: input.name,
    ...timingColumns(input.timing),
    timeZone: input.timeZone,
    allServers: input.allServers,
    action: JSON.stringify(input.action),
    missedRuns: input.missedRuns,
    lastDueAt: new Date(now),
    ownerId: ctx.actor.id,
    servers: { create: input.serverIds.map((serverId) => ({ serverId })) },
  };
}

/** The schedule, if the actor may manage every server it names now; NOT_FOUND otherwise (audited). */
async function editable(ctx: DataContext, id: string, action: string): Promise<ScheduleRow> {
  await requireAutomation(ctx, action);
  const row = await loadRow(ctx, id);
  if (!row) throw new AppError("NOT_FOUND", "That schedule no longer exists.");
  if (!manages(ctx, row))
    await deny(
      ctx,
      action,
      "a server of the schedule is outside the actor's",
      "You may not edit that schedule.",
      null,
      id,
    );
  return row;
}

export async function updateSchedule(
  ctx: DataContext,
  id: string,
  raw: unknown,
  now: number,
): Promise<ScheduleDto> {
  await editable(ctx, id, "automation.schedule.update");
  const input = parseForm(raw, now);
  await requireServers(
    ctx,
    "automation.schedule.update",
    input,
    [PERMISSION_FOR_ACTION[input.action.type]],
    id,
  );
  await requireKnownServers(ctx, input);
  await resolveCommand(ctx, input);
  if (await nameTaken(ctx, input.name, id))
    throw new AppError("CONFLICT", "A schedule with that name exists.", { name: ["That name is taken"] });
  const row = await ctx.db.$transaction(async (tx) => {
    await tx.automationScheduleServer.deleteMany({ where: { scheduleId: id } });
    return tx.automationSchedule.update({
      where: { id },
      data: scheduleColumns(ctx, input, now),
      include: scheduleInclude,
    });
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.schedule.update",
    targetType: "automation_schedule",
    targetId: id,
    input: auditInput(input),
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row, now);
}

export async function setScheduleEnabled(
  ctx: DataContext,
  id: string,
  enabled: boolean,
  now: number,
): Promise<ScheduleDto> {
  const action = enabled ? "automation.schedule.enable" : "automation.schedule.disable";
  const current = await editable(ctx, id, action);
  const stored = readStoredAction(current.action);
  // Enabling makes the enabler the owner: it must be able to do the action itself.
  if (enabled && stored)
    await requireServers(
      ctx,
      action,
      { allServers: current.allServers, serverIds: current.servers.map((s) => s.serverId) },
      [PERMISSION_FOR_ACTION[stored.type]],
      id,
    );
  const row = await ctx.db.automationSchedule.update({
    where: { id },
    // Re-enabled: what was due while it was off is not "missed". The enabler now owns it.
    data: enabled ? { enabled, lastDueAt: new Date(now), ownerId: ctx.actor.id } : { enabled },
    include: scheduleInclude,
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action,
    targetType: "automation_schedule",
    targetId: id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row, now);
}

export async function deleteSchedule(ctx: DataContext, id: string): Promise<void> {
  const row = await editable(ctx, id, "automation.schedule.delete");
  // Runs go with it (cascade): a restart sequence counting down finds its row gone and stops.
  await ctx.db.automationSchedule.delete({ where: { id } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.schedule.delete",
    targetType: "automation_schedule",
    targetId: id,
    input: { name: row.name },
    outcome: "success",
    sourceIp: ctx.ip,
  });
}

const cancelSchema = z.object({ scheduleId: z.string().min(1).max(64), dueAt: z.iso.datetime() });

/**
 * Cancels a restart sequence as a whole: every server's run of that due time that is still
 * counting down. The runner checks the run's state before each warning and before the command,
 * so nothing more is sent once this commits.
 */
export async function cancelSequence(
  ctx: DataContext,
  raw: unknown,
  now: number,
): Promise<{ cancelled: number }> {
  await requireAutomation(ctx, "automation.schedule.cancel");
  const parsed = cancelSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("INVALID_INPUT", "Invalid request.");
  const { scheduleId } = parsed.data;
  const dueAt = new Date(parsed.data.dueAt);
  const runs = await ctx.db.automationRun.findMany({
    where: { scheduleId, dueAt, state: "running" },
    select: { id: true, serverId: true },
  });
  if (runs.length === 0) throw new AppError("NOT_FOUND", "That sequence is no longer running.");
  for (const run of runs)
    if (!can(ctx.actor, "automation.manage", run.serverId))
      await deny(
        ctx,
        "automation.schedule.cancel",
        "missing permission automation.manage",
        "You may not manage automation on one of those servers.",
        run.serverId,
        scheduleId,
      );
  const { count } = await ctx.db.automationRun.updateMany({
    where: { id: { in: runs.map((r) => r.id) }, state: "running" },
    data: {
      state: "cancelled",
      endedAt: new Date(now),
      cancelledById: ctx.actor.id,
      detail: `Cancelled by ${ctx.actor.name}`,
    },
  });
  const schedule = await ctx.db.automationSchedule.findUnique({
    where: { id: scheduleId },
    select: { name: true },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "automation.schedule.cancel",
    targetType: "automation_schedule",
    targetId: scheduleId,
    input: { name: schedule?.name ?? null, dueAt: dueAt.toISOString(), servers: runs.map((r) => r.serverId) },
    outcome: "success",
    detail: `restart sequence cancelled on ${count} server${count === 1 ? "" : "s"}`,
    sourceIp: ctx.ip,
  });
  return { cancelled: count };
}
