/**
 * When a schedule is due, read by croner (a well-kept cron library: 5 or 6 fields, IANA time
 * zones, daylight-saving gaps run once at the next valid time, repeated hours once). "Every N
 * minutes" is aligned to multiples of N minutes since the Unix epoch (UTC), so every instance
 * computes the same due times.
 */
import { Cron } from "croner";
import { timingText, type ScheduleTiming } from "../../../lib/automation/schedules.ts";

/** Runs closer together than this are refused: a game server is not a chat bot. */
export const MIN_SPACING_MS = 10_000;

export interface DueTimes {
  /** The first due time strictly after `afterMs`, or null when there is none (a date in the past). */
  next(afterMs: number): number | null;
}

export function dueTimes(timing: ScheduleTiming, timeZone: string): DueTimes {
  if (timing.kind === "every") {
    const period = timing.minutes * 60_000;
    return { next: (after) => (Math.floor(after / period) + 1) * period };
  }
  const cron = new Cron(timing.expression, { paused: true, timezone: timeZone, mode: "5-or-6-parts" });
  return { next: (after) => cron.nextRun(new Date(after))?.getTime() ?? null };
}

/** Up to `count` due times after `afterMs`. */
export function nextDueTimes(times: DueTimes, afterMs: number, count: number): number[] {
  const out: number[] = [];
  let at = afterMs;
  while (out.length < count) {
    const next = times.next(at);
    if (next === null) break;
    out.push(next);
    at = next;
  }
  return out;
}

/**
 * Why this timing cannot be stored (a user-facing message), or null. Croner's own parse errors
 * name the field; we say which expression and keep its words.
 */
export function timingProblem(timing: ScheduleTiming, timeZone: string, nowMs: number): string | null {
  let times: DueTimes;
  let upcoming: number[];
  try {
    times = dueTimes(timing, timeZone);
    upcoming = nextDueTimes(times, nowMs, 20);
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^CronPattern: /, "") : "";
    return `"${timingText(timing)}" is not a cron expression (${detail.slice(0, 120)}). Use 5 fields (minute hour day month weekday), 6 with seconds first, or "every N minutes".`;
  }
  if (upcoming.length === 0) return `"${timingText(timing)}" is never due again.`;
  for (let i = 1; i < upcoming.length; i++)
    if ((upcoming[i] ?? 0) - (upcoming[i - 1] ?? 0) < MIN_SPACING_MS)
      return `"${timingText(timing)}" runs more often than every ${MIN_SPACING_MS / 1000} seconds.`;
  return null;
}
