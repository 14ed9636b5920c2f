/**
 * PLACEHOLDER written by H4 (UI) so the Players page compiles before H2's search lands.
 * H2 owns this file: at merge, take H2's version whole.
 */
import type { PlayerView } from "../../../lib/realtime/contract.ts";
import type { DataContext } from "../context.ts";
import type { OnlinePlayerRow, PlayerSearchPage } from "./types.ts";

export async function searchPlayers(
  _ctx: DataContext,
  _input: { q: string; after?: string | null; limit?: number },
): Promise<PlayerSearchPage> {
  return Promise.resolve({ results: [], next: null });
}

/** `lists`: the hub's live player list per server id (the page reads them from the runtime's hub). */
export async function listOnlinePlayers(
  _ctx: DataContext,
  _lists: ReadonlyMap<string, readonly PlayerView[]>,
): Promise<OnlinePlayerRow[]> {
  return Promise.resolve([]);
}
