/**
 * Ban durations as people type them: "30m", "12h", "7d", "2w", combinations ("1d12h"), or
 * "perm"/"permanent" (null). Minutes are the smallest unit; at most ten years.
 */
const UNIT_SECONDS = { m: 60, h: 3_600, d: 86_400, w: 604_800 } as const;
export const MAX_DURATION_SECONDS = 3_650 * 86_400;

export type DurationResult = { ok: true; seconds: number | null } | { ok: false; error: string };

export function parseDuration(input: string): DurationResult {
  const text = input.trim().toLowerCase().replace(/\s+/g, "");
  if (text === "perm" || text === "permanent" || text === "never") return { ok: true, seconds: null };
  if (!/^(\d{1,6}[mhdw])+$/.test(text))
    return { ok: false, error: 'Enter a duration like 30m, 12h, 7d, 2w or 1d12h, or "permanent".' };
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([mhdw])/g))
    seconds += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  if (seconds <= 0) return { ok: false, error: "A ban lasts at least one minute." };
  if (seconds > MAX_DURATION_SECONDS)
    return { ok: false, error: 'A timed ban lasts at most ten years; choose "permanent" instead.' };
  return { ok: true, seconds };
}

/** "3d 4h", "12m", "less than a minute"; for kick messages and lists. */
export function formatTimeLeft(ms: number): string {
  if (ms < 60_000) return "less than a minute";
  let minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1_440);
  minutes -= days * 1_440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const parts: string[] = [];
  if (days) parts.push(`${days}d`);
  if (hours) parts.push(`${hours}h`);
  if (minutes && days === 0) parts.push(`${minutes}m`);
  return parts.join(" ");
}

export const DEFAULT_KICK_TEMPLATE = "Banned: {reason} ({timeLeft})";

/** Fills {reason}, {timeLeft} and {expires} (ISO date or "never"); unknown placeholders stay as typed. */
export function renderBanMessage(
  template: string,
  ban: { reason: string; expiresAt: Date | null },
  now: number,
): string {
  const values: Record<string, string> = {
    reason: ban.reason,
    timeLeft: ban.expiresAt === null ? "permanent" : formatTimeLeft(ban.expiresAt.getTime() - now),
    expires:
      ban.expiresAt === null ? "never" : ban.expiresAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
  };
  return template.replace(/\{(reason|timeLeft|expires)\}/g, (_, key: string) => values[key]!);
}

/** The expiry times (epoch ms) of bans as their DTOs carry them, for a clock that ticks at each (useNow). */
export function expiryTimes(bans: readonly { expiresAt: string | null }[]): number[] {
  const times: number[] = [];
  for (const ban of bans) if (ban.expiresAt !== null) times.push(Date.parse(ban.expiresAt));
  return times;
}
