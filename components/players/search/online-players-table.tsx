"use client";

/** Everyone online on the servers the user may see, with the record's flags; a name opens the profile. */
import Link from "next/link";
import { formatDuration } from "@/lib/players/table";
import type { OnlinePlayerRow } from "@/server/data/players/types";
import { ColouredText } from "@/components/console/coloured-text";
import { PlayerNameButton } from "@/components/players/profile/player-name-button";
import { RECORD_NAME_RULE } from "@/components/players/profile/types";
import { useNow } from "@/components/realtime/use-now";
import { RecordFlags } from "./record-flags";

export function OnlinePlayersTable({ rows }: { rows: OnlinePlayerRow[] }) {
  const now = useNow(5_000);
  if (rows.length === 0) return <p className="text-sm text-zinc-500">Nobody is online on your servers.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Players online now</caption>
        <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
          <tr>
            <th scope="col" className="px-3 py-2">
              Name
            </th>
            <th scope="col" className="px-3 py-2">
              Server
            </th>
            <th scope="col" className="px-3 py-2">
              Time
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr
              key={`${row.serverId}:${row.playerId ?? index}:${row.name}`}
              className="border-b border-zinc-100 dark:border-zinc-800"
            >
              <td className="px-3 py-2">
                <span className="inline-flex flex-wrap items-center gap-1">
                  {row.playerId ? (
                    <PlayerNameButton playerId={row.playerId}>
                      <ColouredText text={row.name} rule={RECORD_NAME_RULE} />
                    </PlayerNameButton>
                  ) : (
                    <ColouredText text={row.name} rule={RECORD_NAME_RULE} />
                  )}
                  <RecordFlags watch={row.watch} notes={row.notes} />
                </span>
              </td>
              <td className="px-3 py-2">
                <Link
                  href={`/servers/${row.serverId}`}
                  className="text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  {row.serverName}
                </Link>
              </td>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums" suppressHydrationWarning>
                {row.connectedSince ? formatDuration(now - Date.parse(row.connectedSince)) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
