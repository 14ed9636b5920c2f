/**
 * A page's player-count chart or the user-facing reason it was refused (an unknown `?range=`):
 * the rest of the page still renders. Other errors are not ours to hide.
 */
import { isAppError } from "./errors.ts";

export async function playerCountsOrError<T>(
  load: () => Promise<T>,
): Promise<{ chart: T | null; error?: string }> {
  try {
    return { chart: await load() };
  } catch (error) {
    if (isAppError(error) && error.code === "INVALID_INPUT") return { chart: null, error: error.message };
    throw error;
  }
}
