/**
 * Custom command arguments: their definitions (what an Admin declares) and the check of the values
 * a user sends at run time. Every value is validated here, on the server, before a template is
 * rendered: a value that does not fit its type never reaches a game server.
 */
import { z } from "zod";
import { CONTROL_CHARS, PLAYER_REFERENCE, type ArgumentSyntax } from "./syntax.ts";

export const ARGUMENT_TYPES = ["choice", "number", "duration", "player", "text"] as const;
export type ArgumentType = (typeof ARGUMENT_TYPES)[number];

export const ARGUMENT_NAME = /^[a-z][a-zA-Z0-9_]{0,31}$/;
/** Choice values are written into the command as they are: plain tokens an Admin chose. */
const CHOICE_VALUE = /^[A-Za-z0-9_.:\-/ ]{1,100}$/;
export const MAX_ARGUMENTS = 8;
export const MAX_TEXT_LENGTH = 500;
const MAX_DURATION = 30 * 86_400;

const base = {
  name: z.string().regex(ARGUMENT_NAME, "A name is a letter then letters, digits or _ (at most 32)"),
  label: z
    .string()
    .trim()
    .min(1, "Give the argument a label")
    .max(60)
    .refine((s) => !CONTROL_CHARS.test(s), "No control characters"),
};

export const argumentDefinitionSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("choice"),
    values: z
      .array(z.string().trim().regex(CHOICE_VALUE, "A choice is letters, digits, spaces and . _ : - / only"))
      .min(1, "List at least one choice")
      .max(50)
      .refine((v) => new Set(v).size === v.length, "Choices must differ"),
  }),
  z
    .object({
      ...base,
      type: z.literal("number"),
      min: z.number().finite().min(-1e9).max(1e9),
      max: z.number().finite().min(-1e9).max(1e9),
      integer: z.boolean(),
    })
    .refine((a) => a.min <= a.max, { message: "The minimum is above the maximum", path: ["min"] }),
  z
    .object({
      ...base,
      type: z.literal("duration"),
      minSeconds: z.number().int().min(0).max(MAX_DURATION),
      maxSeconds: z.number().int().min(1).max(MAX_DURATION),
      /** What the template receives: seconds, or whole minutes. */
      unit: z.enum(["seconds", "minutes"]),
    })
    .refine((a) => a.minSeconds <= a.maxSeconds, {
      message: "The minimum is above the maximum",
      path: ["minSeconds"],
    }),
  z.object({ ...base, type: z.literal("player") }),
  z.object({ ...base, type: z.literal("text"), maxLength: z.number().int().min(1).max(MAX_TEXT_LENGTH) }),
]);
export type ArgumentDefinition = z.infer<typeof argumentDefinitionSchema>;

export const argumentListSchema = z
  .array(argumentDefinitionSchema)
  .max(MAX_ARGUMENTS, `At most ${MAX_ARGUMENTS} arguments`)
  .refine((list) => new Set(list.map((a) => a.name)).size === list.length, "Argument names must differ");

/** What the browser sends: one string per argument (form fields), numbers also as numbers. */
export const argumentValuesSchema = z.record(
  z.string().regex(ARGUMENT_NAME),
  z.union([z.string().max(2000), z.number().finite()]),
);
export type ArgumentValues = z.infer<typeof argumentValuesSchema>;

/** An online player as the hub lists it. */
export interface OnlinePlayer {
  id: string;
  plainName: string;
}

export interface ResolvedArgument {
  /** What the template receives (already quoted where the game needs it). */
  rendered: string;
  /** What the audit log records (a player as id and name). */
  recorded: string | number | { id: string; name: string };
}

export type ResolveResult =
  | { ok: true; values: Record<string, ResolvedArgument> }
  | { ok: false; fieldErrors: Record<string, string[]> };

const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** "90s", "5m", "1h30m", "2d" → seconds; null when it is not such a duration. */
export function parseDurationSeconds(input: string): number | null {
  const text = input.trim().toLowerCase();
  if (!/^(\d{1,7}[smhd]){1,4}$/.test(text)) return null;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g))
    seconds += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  return seconds;
}

const DECIMAL = /^-?\d{1,10}(\.\d{1,6})?$/;

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}

/** A text argument for this game, or why not. */
export function renderText(
  value: string,
  maxLength: number,
  syntax: ArgumentSyntax,
): { ok: true; text: string } | { ok: false; error: string } {
  const text = value.trim();
  if (text === "") return { ok: false, error: "Enter a value" };
  if (text.length > maxLength) return { ok: false, error: `At most ${maxLength} characters` };
  if (CONTROL_CHARS.test(text)) return { ok: false, error: "No line breaks or control characters" };
  if (syntax.asciiOnly && /[^\x20-\x7e]/.test(text))
    return { ok: false, error: "This game takes plain ASCII characters only" };
  for (const ch of syntax.forbidden)
    if (text.includes(ch)) return { ok: false, error: `This game does not allow '${ch}' here` };
  return { ok: true, text: syntax.quoteText ? `"${text}"` : text };
}

function resolveOne(
  def: ArgumentDefinition,
  raw: string | number | undefined,
  context: { players: readonly OnlinePlayer[]; syntax: ArgumentSyntax },
): ResolvedArgument | string {
  if (raw === undefined || raw === "") return "Enter a value";
  switch (def.type) {
    case "choice": {
      const value = String(raw);
      return def.values.includes(value)
        ? { rendered: value, recorded: value }
        : "Choose one of the listed values";
    }
    case "number": {
      const text = typeof raw === "number" ? formatNumber(raw) : raw.trim();
      if (!DECIMAL.test(text)) return "Enter a number";
      const n = Number(text);
      if (def.integer && !Number.isInteger(n)) return "Enter a whole number";
      if (n < def.min || n > def.max) return `Enter a number from ${def.min} to ${def.max}`;
      return { rendered: formatNumber(n), recorded: n };
    }
    case "duration": {
      const seconds = typeof raw === "number" ? null : parseDurationSeconds(raw);
      if (seconds === null) return "Enter a duration like 30s, 5m or 1h30m";
      if (seconds < def.minSeconds || seconds > def.maxSeconds)
        return `Enter a duration from ${def.minSeconds} s to ${def.maxSeconds} s`;
      if (def.unit === "minutes" && seconds % 60 !== 0) return "Enter whole minutes";
      const value = def.unit === "minutes" ? seconds / 60 : seconds;
      return { rendered: String(value), recorded: seconds };
    }
    case "player": {
      const id = String(raw);
      const player = context.players.find((p) => p.id === id);
      if (!player) return "That player is not on the server (any more)";
      if (!PLAYER_REFERENCE.test(player.id)) return "This player cannot be named in a command";
      return { rendered: player.id, recorded: { id: player.id, name: player.plainName } };
    }
    case "text": {
      if (typeof raw !== "string") return "Enter text";
      const result = renderText(raw, def.maxLength, context.syntax);
      return result.ok ? { rendered: result.text, recorded: raw.trim() } : result.error;
    }
  }
}

/** Checks every value against its definition; unknown names are refused, missing ones reported. */
export function resolveArguments(
  defs: readonly ArgumentDefinition[],
  values: ArgumentValues,
  context: { players: readonly OnlinePlayer[]; syntax: ArgumentSyntax },
): ResolveResult {
  const fieldErrors: Record<string, string[]> = {};
  for (const name of Object.keys(values))
    if (!defs.some((d) => d.name === name)) fieldErrors[name] = ["This command has no such argument"];
  const resolved: Record<string, ResolvedArgument> = {};
  for (const def of defs) {
    const result = resolveOne(def, Object.hasOwn(values, def.name) ? values[def.name] : undefined, context);
    if (typeof result === "string") fieldErrors[def.name] = [result];
    else resolved[def.name] = result;
  }
  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, values: resolved };
}
