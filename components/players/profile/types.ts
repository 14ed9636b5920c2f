import type { Result } from "@/lib/result";

/**
 * A player-record server action (app/(dashboard)/players/actions.ts), called with FormData. Typed
 * loosely on purpose: each action's own Result data is not used by the profile, which reloads.
 */
export type RecordAction = (previous: null, formData: FormData) => Promise<Result<unknown>>;

/** The server actions a profile may call; the server checks every one again. */
export interface ProfileActions {
  addNote: RecordAction;
  editNote: RecordAction;
  deleteNote: RecordAction;
  setWatch: RecordAction;
  clearWatch: RecordAction;
  merge: RecordAction;
  split: RecordAction;
  erase: RecordAction;
  ban: RecordAction;
}

/** Names of players across games: only `^digit` is read as a colour code (the one rule every Quake engine shares). */
export const RECORD_NAME_RULE = "cod" as const;
