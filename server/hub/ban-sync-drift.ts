/**
 * The drift half of a native sync pass: first the native removals admins asked for (one at a time,
 * index-based games re-list inside the dialect's unban), then the game's whole list is recorded
 * against the central bans (server/data/ban-drift.ts): entries no central ban accounts for are
 * native-only, shown on the server's page with "adopt" and "remove".
 */
import {
  nativeRemovalsRequested,
  noteNativeRemovalError,
  recordNativeList,
  type NativeListEntry,
} from "../data/ban-drift.ts";
import type { Db } from "../db/client.ts";
import type { BanEntry, Dialect, IdentityKind, NativeBanStore, RunCommand } from "../rcon/types.ts";
import type { PassList } from "./ban-sync-list.ts";

/** Runs one write of a sync pass through the WriteFence (server/hub/ban-sync.ts). */
export type FencedWrite = <R>(write: (db: Db) => Promise<R>) => Promise<R>;

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

function entriesOf(store: NativeBanStore, listed: readonly BanEntry[]): NativeListEntry[] {
  const out: NativeListEntry[] = [];
  for (const entry of listed) {
    if (entry.minutesLeft === 0) continue; // its time ran out; the game drops it at the next write
    const central = store.central(entry);
    if (!central) continue;
    out.push({
      kind: central.kind,
      value: central.value,
      nativeKind: entry.kind,
      nativeValue: entry.value,
      reason: entry.reason.slice(0, 300),
      minutesLeft: entry.minutesLeft,
    });
  }
  return out;
}

/** Returns how many native-only bans the game holds now; throws when the game cannot be listed. */
export async function reconcileDrift(
  db: Db,
  serverId: string,
  dialect: Dialect,
  store: NativeBanStore,
  run: RunCommand,
  list: PassList,
  now: Date,
  write: FencedWrite = (w) => w(db),
): Promise<number> {
  const removals = await nativeRemovalsRequested(db, serverId);
  const failed = new Map<string, string>();
  for (const removal of removals) {
    await dialect.operations
      .unban(run, { kind: removal.nativeKind as IdentityKind, value: removal.nativeValue })
      .catch((error: unknown) => failed.set(removal.id, errorText(error)));
  }
  if (removals.length > 0) list.changed();
  const entries = entriesOf(store, await list.get());
  const count = await write((tx) => recordNativeList(tx, serverId, entries, now));
  // Verify by listing: a removal the game answered but did not do stays, with the error shown.
  const still = new Set(entries.map((e) => `${e.nativeKind} ${e.nativeValue}`));
  for (const removal of removals) {
    const problem =
      failed.get(removal.id) ??
      (still.has(`${removal.nativeKind} ${removal.nativeValue}`)
        ? "the game answered but its ban list still holds the ban"
        : null);
    if (problem) await write((tx) => noteNativeRemovalError(tx, removal.id, problem));
  }
  return count;
}
