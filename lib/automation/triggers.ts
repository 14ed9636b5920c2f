/**
 * Pure rules of automation triggers (server/automation/triggers/): the form's schema, safe text
 * patterns, conditions (time of day in a time zone, player-count range) and the player-count
 * crossing with hysteresis. Nothing here touches the database, the clock or a game server.
 *
 * Patterns never backtrack catastrophically: plain text is a substring test, globs use the
 * two-pointer matcher of the command policies, and regular expressions run on RE2JS (a port of
 * RE2: linear time in the text, no backreferences or lookaround). Texts are cut to
 * MAX_MATCH_TEXT characters before any pattern sees them.
 */
import { RE2JS } from "re2js";
import { z } from "zod";
import { globMatches } from "../commands/glob.ts";

export const TRIGGER_EVENTS = [
  "chat",
  "join",
  "leave",
  "player_count",
  "server_offline",
  "server_online",
  "ban",
  "kick",
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export const TRIGGER_EVENT_LABELS: Record<TriggerEvent, string> = {
  chat: "Chat line matches",
  join: "Player joins",
  leave: "Player leaves",
  player_count: "Player count crosses",
  server_offline: "Server goes offline",
  server_online: "Server comes online",
  ban: "Player banned",
  kick: "Player kicked",
};

export const PATTERN_KINDS = ["text", "glob", "regex"] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

export const TRIGGER_ACTIONS = ["message", "warn", "kick", "ban", "command", "webhook"] as const;
export type TriggerActionKind = (typeof TRIGGER_ACTIONS)[number];

export const TRIGGER_ACTION_LABELS: Record<TriggerActionKind, string> = {
  message: "Message the player",
  warn: "Warn the player",
  kick: "Kick the player",
  ban: "Ban the player",
  command: "Run a custom command",
  webhook: "Send a webhook",
};

/** Events that name an online player the player actions (message, warn, kick, ban) can act on. */
export const PLAYER_EVENTS: ReadonlySet<TriggerEvent> = new Set(["chat", "join"]);
/** Actions that need that player. */
export const PLAYER_ACTIONS: ReadonlySet<TriggerActionKind> = new Set(["message", "warn", "kick", "ban"]);
/** Events with a player the per-player limit counts. */
export const EVENTS_WITH_PLAYER: ReadonlySet<TriggerEvent> = new Set([
  "chat",
  "join",
  "leave",
  "ban",
  "kick",
]);

/** Longest text a pattern is matched against (longer chat lines are cut first). */
export const MAX_MATCH_TEXT = 512;
export const MAX_PATTERN_LENGTH = 200;
/** The placeholder message, warn, kick and ban texts and command arguments may hold. */
export const PLAYER_PLACEHOLDER = "{player}";

// ------------------------------------------------------------------------------------------------
// Patterns

export type Matcher = (text: string) => boolean;

/** A matcher for a pattern, or the reason it is refused (shown under the form field). */
export function compilePattern(
  kind: PatternKind,
  pattern: string,
): { ok: true; test: Matcher } | { ok: false; error: string } {
  if (pattern.length === 0) return { ok: false, error: "Enter a pattern" };
  if (pattern.length > MAX_PATTERN_LENGTH)
    return { ok: false, error: `At most ${MAX_PATTERN_LENGTH} characters` };
  const cut = (text: string) => text.slice(0, MAX_MATCH_TEXT);
  if (kind === "text") {
    const needle = pattern.toLowerCase();
    return { ok: true, test: (text) => cut(text).toLowerCase().includes(needle) };
  }
  if (kind === "glob") return { ok: true, test: (text) => globMatches(pattern, cut(text)) };
  try {
    const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    return { ok: true, test: (text) => re.matcher(cut(text)).find() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Not a supported regular expression: ${reason.slice(0, 120)}` };
  }
}

// ------------------------------------------------------------------------------------------------
// Conditions

/** "HH:MM" → minutes after midnight. */
function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Minutes after midnight of `at` on the wall clock of `timeZone`. */
export function minuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

/** Whether `at` is in [from, to) on that zone's clock; a window past midnight (22:00–06:00) wraps. */
export function withinTimeOfDay(at: Date, from: string, to: string, timeZone: string): boolean {
  const now = minuteOfDay(at, timeZone);
  const start = minutesOf(from);
  const end = minutesOf(to);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface TriggerConditions {
  timeFrom?: string | undefined;
  timeTo?: string | undefined;
  timeZone: string;
  minPlayers?: number | undefined;
  maxPlayers?: number | undefined;
}

/** Null when the conditions hold, else why not (a dry run records nothing for it). */
export function conditionsFail(
  conditions: TriggerConditions,
  at: Date,
  playerCount: number | null,
): string | null {
  const { timeFrom, timeTo, timeZone, minPlayers, maxPlayers } = conditions;
  if (timeFrom && timeTo && !withinTimeOfDay(at, timeFrom, timeTo, timeZone))
    return `outside ${timeFrom}–${timeTo} (${timeZone})`;
  if (minPlayers !== undefined || maxPlayers !== undefined) {
    if (playerCount === null) return "player count unknown";
    if (minPlayers !== undefined && playerCount < minPlayers) return `fewer than ${minPlayers} players`;
    if (maxPlayers !== undefined && playerCount > maxPlayers) return `more than ${maxPlayers} players`;
  }
  return null;
}

// ------------------------------------------------------------------------------------------------
// Player-count crossing

export interface CrossingRule {
  threshold: number;
  direction: "up" | "down";
  /** How far back the count must go before the next crossing can fire (no flapping around it). */
  hysteresis: number;
}

/**
 * One step of a crossing: `armed` says whether the next crossing may fire. Going up fires when the
 * count reaches the threshold while armed, and re-arms once it is at or below threshold −
 * hysteresis; going down mirrors it. The first count after a connect (`previous` null) only sets
 * the state: a server that comes online full did not "cross" anything.
 */
export function stepCrossing(
  rule: CrossingRule,
  armed: boolean | null,
  count: number,
): { fired: boolean; armed: boolean } {
  const { threshold, direction, hysteresis } = rule;
  const beyond = direction === "up" ? count >= threshold : count <= threshold;
  const rearmed = direction === "up" ? count <= threshold - hysteresis : count >= threshold + hysteresis;
  if (armed === null) return { fired: false, armed: !beyond };
  if (armed && beyond) return { fired: true, armed: false };
  if (!armed && rearmed) return { fired: false, armed: true };
  return { fired: false, armed };
}

// ------------------------------------------------------------------------------------------------
// The form

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const oneLine = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what}: at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} is one line`);
const optionalInt = (min: number, max: number) =>
  z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce.number().int().min(min).max(max).optional(),
  );

export const triggerMatchSchema = z.object({
  patternKind: z.enum(PATTERN_KINDS).default("text"),
  /** Chat: the line; join/leave/ban/kick: the player's name. Empty: any. */
  pattern: z.string().max(MAX_PATTERN_LENGTH).default(""),
  /** Join/leave: a glob over the player's identities (SteamID, GUID, address). Empty: any. */
  identityPattern: oneLine(MAX_PATTERN_LENGTH, "The identity pattern").default(""),
  /** Join: only players on the watch list. */
  watchedOnly: z.boolean().default(false),
  threshold: optionalInt(0, 100_000),
  direction: z.enum(["up", "down"]).default("up"),
  hysteresis: z.coerce.number().int().min(0).max(1000).default(2),
});
export type TriggerMatch = z.infer<typeof triggerMatchSchema>;

export const triggerConditionsSchema = z.object({
  timeFrom: z.union([z.literal(""), z.string().regex(HHMM, "HH:MM")]).optional(),
  timeTo: z.union([z.literal(""), z.string().regex(HHMM, "HH:MM")]).optional(),
  timeZone: z.string().max(64).refine(isTimeZone, "Not a known time zone").default("UTC"),
  minPlayers: optionalInt(0, 100_000),
  maxPlayers: optionalInt(0, 100_000),
});

export const triggerActionSchema = z.object({
  kind: z.enum(TRIGGER_ACTIONS),
  /** Message or warning text, kick or ban reason; `{player}` is the player's name. */
  text: oneLine(200, "The text").default(""),
  /** Ban: "30m", "7d", "permanent" (lib/bans/duration.ts), under the ban system's rules. */
  duration: z.string().trim().max(40).default("1d"),
  /** Custom command: its id, and values for its arguments (`{player}`: the event's player). */
  commandId: z.string().max(64).default(""),
  args: z.record(z.string().max(64), z.string().max(500)).default({}),
  /** The editor confirmed a dangerous custom command for this trigger (stored; without it, refused). */
  confirmed: z.boolean().default(false),
  /** Send a webhook: which one (it must take "trigger" notices; the text is the notice's text). */
  webhookId: z.string().max(64).default(""),
});
export type TriggerAction = z.infer<typeof triggerActionSchema>;

export const triggerInputSchema = z
  .object({
    name: oneLine(80, "The name").pipe(z.string().min(1, "Enter a name")),
    enabled: z.boolean().default(true),
    dryRun: z.boolean().default(false),
    allServers: z.boolean().default(false),
    serverIds: z.array(z.string().min(1).max(64)).max(500).default([]),
    event: z.enum(TRIGGER_EVENTS),
    match: triggerMatchSchema.default(triggerMatchSchema.parse({})),
    conditions: triggerConditionsSchema.default(triggerConditionsSchema.parse({})),
    action: triggerActionSchema,
    cooldownSeconds: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(60),
    perPlayerLimit: optionalInt(1, 1000),
    perPlayerWindowSeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(3600),
  })
  .superRefine((t, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    if (!t.allServers && t.serverIds.length === 0) issue(["serverIds"], "Choose at least one server");
    if (t.event === "chat" && t.match.pattern === "") issue(["match", "pattern"], "Enter a pattern");
    if (t.match.pattern !== "") {
      const compiled = compilePattern(t.match.patternKind, t.match.pattern);
      if (!compiled.ok) issue(["match", "pattern"], compiled.error);
    }
    if (t.event === "player_count" && t.match.threshold === undefined)
      issue(["match", "threshold"], "Enter a threshold");
    if (t.match.watchedOnly && t.event !== "join") issue(["match", "watchedOnly"], "Only for joins");
    const { timeFrom, timeTo, minPlayers, maxPlayers } = t.conditions;
    if (Boolean(timeFrom) !== Boolean(timeTo))
      issue(["conditions", timeFrom ? "timeTo" : "timeFrom"], "Give both times, or neither");
    if (minPlayers !== undefined && maxPlayers !== undefined && minPlayers > maxPlayers)
      issue(["conditions", "maxPlayers"], "Below the minimum");
    if (PLAYER_ACTIONS.has(t.action.kind) && !PLAYER_EVENTS.has(t.event))
      issue(["action", "kind"], "This event has no online player to act on");
    if (t.action.kind !== "command" && t.action.kind !== "webhook" && t.action.text === "")
      issue(["action", "text"], t.action.kind === "message" ? "Enter a message" : "Enter a reason");
    if (t.action.kind === "command" && t.action.commandId === "")
      issue(["action", "commandId"], "Choose a custom command");
    if (t.action.kind === "webhook" && t.action.webhookId === "")
      issue(["action", "webhookId"], "Choose a webhook");
    if (t.perPlayerLimit !== undefined && !EVENTS_WITH_PLAYER.has(t.event))
      issue(["perPlayerLimit"], "This event has no player to count");
  });
export type TriggerInput = z.infer<typeof triggerInputSchema>;

/** `{player}` replaced by the player's name (the operations escape it for the game). */
export function fillPlayer(text: string, playerName: string | null): string {
  return text.split(PLAYER_PLACEHOLDER).join(playerName ?? "someone");
}
