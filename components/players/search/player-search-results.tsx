"use client";

/**
 * Player search results (and the "Recently seen" list): name with its colour codes, the other name
 * that matched, last seen and where, online, watch flag and notes count. A name opens the profile
 * drawer.
 */
import type { PlayerSearchResult } from "@/server/data/players/types";
import { ColouredText } from "@/components/console/coloured-text";
import { TimeAgo } from "@/components/players/time-ago";
import { PlayerNameButton } from "@/components/players/profile/player-name-button";
import { RECORD_NAME_RULE } from "@/components/players/profile/types";
import { useNow } from "@/components/realtime/use-now";
import { RecordFlags } from "./record-flags";

export function PlayerSearchResults({
  results,
  label,
  emptyText,
}: {
  results: PlayerSearchResult[];
  label: string;
  emptyText: string;
}) {
  const now = useNow(30_000);
  if (results.length === 0) return <p className="text-sm text-zinc-500">{emptyText}</p>;
  return (
    <ul
      aria-label={label}
      className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900"
    >
      {results.map((result) => (
        <li
          key={result.playerId}
          className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm"
        >
          <div className="min-w-0">
            <span className="inline-flex items-center gap-2">
              <span
                aria-label={result.online ? "online" : "offline"}
                role="img"
                className={
                  result.online
                    ? "h-2 w-2 shrink-0 rounded-full bg-emerald-500"
                    : "h-2 w-2 shrink-0 rounded-full bg-zinc-300 dark:bg-zinc-600"
                }
              />
              <PlayerNameButton playerId={result.playerId} className="font-medium">
                <ColouredText text={result.name} rule={RECORD_NAME_RULE} />
              </PlayerNameButton>
              <RecordFlags watch={result.watch} notes={result.notes} />
            </span>
            {result.matchedName ? (
              <p className="text-xs text-zinc-500">
                also known as <ColouredText text={result.matchedName} rule={RECORD_NAME_RULE} />
              </p>
            ) : null}
            {result.matchedBy === "identifier" ? (
              <p className="text-xs text-zinc-500">matched by an identifier</p>
            ) : null}
          </div>
          <span className="text-xs text-zinc-500">
            {result.online ? "online now" : <TimeAgo at={result.lastSeenAt} now={now} prefix="last seen " />}
            {result.lastServerName ? <> on {result.lastServerName}</> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
