/**
 * Schedules (issue 16), the pure part: what the schedule form may hold and how its fields read.
 * The form's field names are the keys here, so a refusal highlights the field. Cron expressions
 * themselves are read by croner on the server (server/automation/schedules/timing.ts): nothing
 * here parses cron.
 */
import { z } from "zod";
import { ARGUMENT_NAME } from "../commands/arguments.ts";

export const SCHEDULE_ACTIONS = [
  { value: "broadcast", label: "Broadcast message" },
  { value: "console", label: "Console command" },
  { value: "custom", label: "Custom command" },
  { value: "restart", label: "Restart sequence" },
] as const;
export type ScheduleActionType = (typeof SCHEDULE_ACTIONS)[number]["value"];

export const MISSED_RUN_POLICIES = [
  { value: "skip", label: "Skip runs missed while RconDeck was down" },
  { value: "run-once", label: "Run once for all missed runs" },
] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number]["value"];

export type ScheduleAction =
  | { type: "broadcast"; messages: string[] }
  | { type: "console"; command: string; confirmed: boolean }
  | {
      type: "custom";
      commandId: string;
      /** The command's name when the schedule was saved (the list shows it). */
      commandName: string;
      args: Record<string, string>;
      confirmed: boolean;
    }
  | {
      type: "restart";
      /** Seconds before the due time, largest first. */
      warnings: number[];
      /** The warning text; `{time}` becomes "5 minutes", "30 seconds"... */
      message: string;
      command: string;
      confirmed: boolean;
    };

/** When a schedule is due: a cron expression (5 fields, or 6 with seconds) or every N minutes. */
export type ScheduleTiming = { kind: "cron"; expression: string } | { kind: "every"; minutes: number };

export const MAX_EVERY_MINUTES = 7 * 24 * 60;
export const MAX_MESSAGES = 20;
export const MAX_WARNINGS = 10;
/** The longest countdown a restart sequence may have (its run is claimed this long before it is due). */
export const MAX_WARNING_SECONDS = 2 * 60 * 60;

const EVERY = /^every\s+(\d{1,6})\s+min(?:ute)?s?$/i;

/** "every 15 minutes" → every; anything else is taken for a cron expression (checked by the server). */
export function readTiming(text: string): ScheduleTiming {
  const trimmed = text.trim().replace(/\s+/g, " ");
  const every = EVERY.exec(trimmed);
  if (every) return { kind: "every", minutes: Number(every[1]) };
  return { kind: "cron", expression: trimmed };
}

/** The text the Schedule field shows for stored timing. */
export function timingText(timing: ScheduleTiming): string {
  return timing.kind === "every"
    ? `every ${timing.minutes} ${timing.minutes === 1 ? "minute" : "minutes"}`
    : timing.expression;
}

const OFFSET = /^(\d{1,5})\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)$/i;

/** "10m, 5m, 1m, 30s" → seconds, largest first; null when a part does not read. */
export function readWarnings(text: string): number[] | null {
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const seconds: number[] = [];
  for (const part of parts) {
    const match = OFFSET.exec(part);
    if (!match) return null;
    const unit = (match[2] ?? "s").toLowerCase()[0];
    seconds.push(Number(match[1]) * (unit === "h" ? 3600 : unit === "m" ? 60 : 1));
  }
  return [...new Set(seconds)].sort((a, b) => b - a);
}

/** 300 → "5 minutes", 90 → "90 seconds", 3600 → "1 hour". */
export function formatOffset(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (seconds % 3600 === 0) return unit(seconds / 3600, "hour");
  if (seconds % 60 === 0) return unit(seconds / 60, "minute");
  return unit(seconds, "second");
}

/** The warning broadcast `seconds` before the restart. */
export function warningText(template: string, seconds: number): string {
  return template.replaceAll("{time}", formatOffset(seconds));
}

/** The warnings as the form shows them ("10m, 5m, 30s"). */
export function warningsText(warnings: readonly number[]): string {
  return warnings
    .map((s) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`))
    .join(", ");
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Text sent to a game in one line: no line breaks (a second line would be a second command). */
const line = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `${what[0]?.toUpperCase()}${what.slice(1)} must be at most ${max} characters.`)
    .refine((v) => !/[\r\n\0]/.test(v), `${what[0]?.toUpperCase()}${what.slice(1)} must be one line.`);

const checkbox = z
  .union([z.boolean(), z.enum(["on", "true", "false", ""])])
  .transform((v) => v === true || v === "on" || v === "true");

/**
 * The schedule form. `message` is one message per line for a broadcast (they rotate), the warning
 * text for a restart sequence. Errors are keyed by these field names.
 */
export const scheduleFormSchema = z
  .object({
    name: z.string().trim().min(1, "Enter a name.").max(80, "A name must be at most 80 characters."),
    servers: z.array(z.string().min(1).max(64)).max(500, "Choose at most 500 servers.").default([]),
    allServers: checkbox.default(false),
    schedule: z
      .string()
      .trim()
      .min(1, 'Enter a cron expression or "every N minutes".')
      .max(120, "The schedule must be at most 120 characters."),
    timeZone: z
      .string()
      .trim()
      .max(64)
      .default("UTC")
      .transform((v) => v || "UTC")
      .refine(isTimeZone, "Unknown time zone: use an IANA name such as Europe/Berlin or UTC."),
    action: z.enum(["broadcast", "console", "custom", "restart"], { message: "Choose an action." }),
    message: z.string().max(5_000).default(""),
    command: z.string().max(500).default(""),
    customCommand: z.string().max(64).default(""),
    arguments: z.string().max(5_000).default(""),
    warnings: z.string().max(200).default(""),
    confirmed: checkbox.default(false),
    missedRuns: z
      .enum(["skip", "run-once"], { message: "Choose what happens to missed runs." })
      .default("skip"),
  })
  .transform((form, ctx) => {
    const timing = readTiming(form.schedule);
    if (timing.kind === "every" && (timing.minutes < 1 || timing.minutes > MAX_EVERY_MINUTES))
      ctx.addIssue({
        code: "custom",
        path: ["schedule"],
        message: `"every N minutes" takes 1 to ${MAX_EVERY_MINUTES} minutes.`,
      });
    if (!form.allServers && form.servers.length === 0)
      ctx.addIssue({ code: "custom", path: ["servers"], message: "Choose at least one server." });
    const action = readAction(form, ctx);
    if (!action) return z.NEVER;
    return {
      name: form.name,
      serverIds: form.allServers ? [] : [...new Set(form.servers)],
      allServers: form.allServers,
      timing,
      timeZone: form.timeZone,
      action,
      missedRuns: form.missedRuns,
    };
  });
export type ScheduleInput = z.output<typeof scheduleFormSchema>;

function readAction(
  form: {
    action: ScheduleActionType;
    message: string;
    command: string;
    customCommand: string;
    arguments: string;
    warnings: string;
    confirmed: boolean;
  },
  ctx: z.RefinementCtx,
): ScheduleAction | null {
  const field = <T>(schema: z.ZodType<T>, value: unknown, path: string): T | null => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: "custom", path: [path], message: issue.message });
    return null;
  };
  switch (form.action) {
    case "broadcast": {
      const lines = form.message
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== "");
      if (lines.length === 0) {
        ctx.addIssue({ code: "custom", path: ["message"], message: "Enter a message." });
        return null;
      }
      if (lines.length > MAX_MESSAGES) {
        ctx.addIssue({ code: "custom", path: ["message"], message: `At most ${MAX_MESSAGES} messages.` });
        return null;
      }
      const messages = lines.map((l) => field(line(250, "a message"), l, "message"));
      return messages.every((m) => m !== null) ? { type: "broadcast", messages: messages } : null;
    }
    case "console": {
      const command = field(line(500, "a command"), form.command, "command");
      return command === null ? null : { type: "console", command, confirmed: form.confirmed };
    }
    case "custom": {
      if (form.customCommand === "") {
        ctx.addIssue({ code: "custom", path: ["customCommand"], message: "Choose a custom command." });
        return null;
      }
      const args = readArguments(form.arguments);
      if (typeof args === "string") {
        ctx.addIssue({ code: "custom", path: ["arguments"], message: args });
        return null;
      }
      return {
        type: "custom",
        commandId: form.customCommand,
        commandName: "",
        args,
        confirmed: form.confirmed,
      };
    }
    case "restart": {
      const command = field(line(500, "a command"), form.command, "command");
      const message = field(line(250, "a warning message"), form.message, "message");
      const warnings = readWarnings(form.warnings);
      if (warnings === null)
        ctx.addIssue({
          code: "custom",
          path: ["warnings"],
          message: 'Write warnings as times before the restart: "10m, 5m, 1m, 30s".',
        });
      else if (warnings.length > MAX_WARNINGS)
        ctx.addIssue({ code: "custom", path: ["warnings"], message: `At most ${MAX_WARNINGS} warnings.` });
      else if (warnings.some((s) => s < 1 || s > MAX_WARNING_SECONDS))
        ctx.addIssue({
          code: "custom",
          path: ["warnings"],
          message: `Warnings go from 1 second to ${formatOffset(MAX_WARNING_SECONDS)} before the restart.`,
        });
      if (command === null || message === null || warnings === null) return null;
      return { type: "restart", warnings, message, command, confirmed: form.confirmed };
    }
  }
}

/** "name=value" per line → the argument values, or why not. The command's own rules check them at run time. */
export function readArguments(text: string): Record<string, string> | string {
  const args: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const entry = raw.trim();
    if (entry === "") continue;
    const at = entry.indexOf("=");
    const name = at < 0 ? "" : entry.slice(0, at).trim();
    if (!ARGUMENT_NAME.test(name))
      return `Write one argument per line as name=value ("${entry.slice(0, 40)}").`;
    args[name] = entry.slice(at + 1).trim();
  }
  return args;
}

/** The argument values as the form shows them. */
export function argumentsText(args: Record<string, string>): string {
  return Object.entries(args)
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");
}

/** How long before its due time a run starts: a restart sequence's first warning. */
export function leadSeconds(action: ScheduleAction): number {
  return action.type === "restart" ? (action.warnings[0] ?? 0) : 0;
}

/** Stored action JSON, read defensively (null: the row no longer reads and the schedule cannot run). */
export function readStoredAction(json: string): ScheduleAction | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = storedActionSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const storedActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("broadcast"), messages: z.array(z.string()).min(1).max(MAX_MESSAGES) }),
  z.object({ type: z.literal("console"), command: z.string().min(1), confirmed: z.boolean() }),
  z.object({
    type: z.literal("custom"),
    commandId: z.string().min(1),
    commandName: z.string(),
    args: z.record(z.string(), z.string()),
    confirmed: z.boolean(),
  }),
  z.object({
    type: z.literal("restart"),
    warnings: z.array(z.number().int().min(1).max(MAX_WARNING_SECONDS)).max(MAX_WARNINGS),
    message: z.string().min(1),
    command: z.string().min(1),
    confirmed: z.boolean(),
  }),
]);

/** A short description of the action for the list. */
export function describeAction(action: ScheduleAction): string {
  switch (action.type) {
    case "broadcast":
      return action.messages.length === 1
        ? `Broadcast "${action.messages[0]}"`
        : `Broadcast ${action.messages.length} messages in turn`;
    case "console":
      return `Console: ${action.command}`;
    case "custom": {
      const args = Object.entries(action.args).map(([k, v]) => `${k}=${v}`);
      return `Custom command "${action.commandName}"${args.length > 0 ? ` (${args.join(", ")})` : ""}`;
    }
    case "restart":
      return action.warnings.length === 0
        ? `Restart: ${action.command}`
        : `Restart: ${action.command}, warnings ${warningsText(action.warnings)} before`;
  }
}

/** A due time as the list and the preview show it, in the schedule's time zone (same text on server and browser). */
export function formatInZone(iso: string, timeZone: string): string {
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  }).format(new Date(iso));
  return `${text} ${timeZone}`;
}
