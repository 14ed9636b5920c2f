/**
 * How player records show times: "3 min ago" for last seen, "2d 4h" for time played. The clock is
 * passed in so a page and its tests agree on "now". Pure and isomorphic.
 */

const UNITS: readonly [limitSeconds: number, unitSeconds: number, label: string][] = [
  [60, 1, "s"],
  [3_600, 60, "min"],
  [86_400, 3_600, "h"],
  [86_400 * 60, 86_400, "d"],
  [86_400 * 730, 86_400 * 30, "mo"],
  [Number.POSITIVE_INFINITY, 86_400 * 365, "y"],
];

/** "just now", "5 min ago", "3 d ago"; a time in the future (clock skew) reads as just now. */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.floor((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return "unknown";
  if (seconds < 10) return "just now";
  for (const [limit, unit, label] of UNITS) {
    if (seconds < limit) return `${Math.floor(seconds / unit)} ${label} ago`;
  }
  return "long ago";
}

/** Time played: "45m", "3h 05m", "12d 4h" (days keep large totals readable). */
export function formatPlayed(totalSeconds: number): string {
  const total = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m`;
  return `${total}s`;
}

/** Seconds between a stay's start and its end (or `now` while it is open). */
export function stayDuration(stay: { joinedAt: string; leftAt: string | null }, now: number): number {
  const end = stay.leftAt ? Date.parse(stay.leftAt) : now;
  return Math.max(0, (end - Date.parse(stay.joinedAt)) / 1000);
}
