/**
 * What an emulator remembers of its own chat and pushed messages, for tests and the demo. Demo
 * servers run inside the dashboard for weeks, so the log keeps only the newest entries.
 */
export const RECENT_LOG_LIMIT = 1_000;

/** Appends `entry`, dropping the oldest entries (in chunks, so a push stays cheap) past `limit`. */
export function appendRecent<T>(log: T[], entry: T, limit = RECENT_LOG_LIMIT): void {
  log.push(entry);
  if (log.length > limit * 2) log.splice(0, log.length - limit);
}
