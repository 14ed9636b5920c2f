"use client";

import { SearchInput } from "@/components/ui/search-input";
/**
 * The live player table of one server: sortable columns, search, identities only when the server
 * sent them (it nulls them for roles without players.identities), and row actions to kick or
 * message a player (and ban, components/players/ban-player-form.tsx) for roles that may. A kicked row stays (marked) until the server's next
 * `players:update` confirms the player has gone.
 */
import { useMemo, useState } from "react";
import type { ColourRule } from "@/lib/colour-codes";
import {
  formatDuration,
  hasShownIds,
  searchPlayers,
  sortPlayers,
  type PlayerSort,
  type PlayerSortKey,
} from "@/lib/players/table";
import type { PlayerView } from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";
import { cn } from "@/lib/utils";
import { ColouredText } from "@/components/console/coloured-text";
import { useNow } from "@/components/realtime/use-now";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import type { BanOptions, BanRequest } from "./ban-player-form";
import { PlayerNameButton } from "./profile/player-name-button";
import { PlayerActionDialog, type PlayerAction } from "./player-action-dialog";

interface Props {
  players: PlayerView[];
  ready: boolean;
  colourRule: ColourRule | null;
  canKick: boolean;
  canMessage: boolean;
  /** The game has private messages; otherwise the hub sends a public message naming the player. */
  whisper: boolean;
  onKick: (playerId: string, reason: string) => Promise<Result<{ message: string }>>;
  onMessage: (playerId: string, message: string) => Promise<Result<{ message: string }>>;
  /** Present when the user may ban here (players.ban). */
  ban?: {
    options: BanOptions;
    onBan: (playerId: string, request: BanRequest) => Promise<Result<{ message: string }>>;
  };
  className?: string;
}

const COLUMNS: { key: PlayerSortKey; label: string }[] = [
  { key: "id", label: "#" },
  { key: "name", label: "Name" },
  { key: "ping", label: "Ping" },
  { key: "score", label: "Score" },
  { key: "time", label: "Time" },
];

export function PlayerTable({
  players,
  ready,
  colourRule,
  canKick,
  canMessage,
  whisper,
  onKick,
  onMessage,
  ban,
  className,
}: Props) {
  const [sort, setSort] = useState<PlayerSort>({ key: "id", direction: "asc" });
  const [query, setQuery] = useState("");
  const [action, setAction] = useState<PlayerAction | null>(null);
  const [result, setResult] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  // Players kicked from here, until an update without them arrives.
  const [kicked, setKicked] = useState<ReadonlySet<string>>(() => new Set());
  const now = useNow(5_000);

  const [seenPlayers, setSeenPlayers] = useState(players);
  if (seenPlayers !== players) {
    setSeenPlayers(players);
    const present = new Set(players.map((p) => p.id));
    if ([...kicked].some((id) => !present.has(id)))
      setKicked(new Set([...kicked].filter((id) => present.has(id))));
  }

  const showGuid = players.some((p) => p.guid !== null);
  const showSteamId = players.some((p) => p.steamId !== null);
  const showAddress = players.some((p) => p.address !== null);
  const showScore = players.some((p) => p.score !== null);
  const hasActions = canKick || canMessage || ban !== undefined;
  // Opaque handles (ids that are identities, for roles without players.identities) are keys, not something to show.
  const showId = hasShownIds(players);
  const columns = COLUMNS.filter((c) => (c.key !== "score" || showScore) && (c.key !== "id" || showId));
  const rows = useMemo(
    () => sortPlayers(searchPlayers(players, query), sort, now),
    [players, query, sort, now],
  );

  function sortBy(key: PlayerSortKey) {
    setSort((s) =>
      s.key === key
        ? { key, direction: s.direction === "asc" ? "desc" : "asc" }
        : { key, direction: key === "name" || key === "id" ? "asc" : "desc" },
    );
  }

  async function run(current: PlayerAction, text: string): Promise<Result<{ message: string }>> {
    const outcome =
      current.kind === "kick"
        ? await onKick(current.player.id, text)
        : await onMessage(current.player.id, text);
    if (outcome.ok) {
      if (current.kind === "kick") setKicked((k) => new Set(k).add(current.player.id));
      const fallback = `${current.kind === "kick" ? "Kicked" : "Messaged"} ${current.player.plainName}.`;
      setResult({ tone: "success", text: outcome.data.message || fallback });
    }
    return outcome;
  }

  // A ban is enforced by the hub's kick: the row stays marked until the server's list drops it.
  async function runBan(player: PlayerView, request: BanRequest): Promise<Result<{ message: string }>> {
    const outcome = await ban!.onBan(player.id, request);
    if (outcome.ok) {
      setKicked((k) => new Set(k).add(player.id));
      setResult({ tone: "success", text: outcome.data.message || `Banned ${player.plainName}.` });
    }
    return outcome;
  }

  return (
    <section
      aria-labelledby="players-heading"
      className={cn(
        "flex min-h-0 flex-col rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900",
        className,
      )}
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
        <h2 id="players-heading" className="font-semibold">
          Players <span className="font-normal text-zinc-500">({players.length})</span>
        </h2>
        <SearchInput label="Search players" value={query} onChange={setQuery} className="w-40" />
      </div>
      {result ? (
        <div className="p-3 pb-0">
          <Notice tone={result.tone}>{result.text}</Notice>
        </div>
      ) : null}
      <div className="relative min-h-0 flex-1 overflow-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Players on this server</caption>
          <thead className="sticky top-0 z-10 border-b border-zinc-200 bg-white text-xs uppercase text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900">
            <tr>
              {columns.map((column) => (
                <th
                  key={column.key}
                  scope="col"
                  className="px-3 py-2"
                  aria-sort={
                    sort.key === column.key
                      ? sort.direction === "asc"
                        ? "ascending"
                        : "descending"
                      : undefined
                  }
                >
                  <button
                    type="button"
                    className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100"
                    onClick={() => sortBy(column.key)}
                  >
                    {column.label === "#" ? <span aria-label="Player id">#</span> : column.label}
                    <span aria-hidden="true">
                      {sort.key === column.key ? (sort.direction === "asc" ? "▲" : "▼") : ""}
                    </span>
                  </button>
                </th>
              ))}
              {showGuid ? (
                <th scope="col" className="px-3 py-2">
                  GUID
                </th>
              ) : null}
              {showSteamId ? (
                <th scope="col" className="px-3 py-2">
                  SteamID
                </th>
              ) : null}
              {showAddress ? (
                <th scope="col" className="px-3 py-2">
                  IP
                </th>
              ) : null}
              {hasActions ? (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((player) => {
              const isKicked = kicked.has(player.id);
              return (
                <tr
                  key={player.id}
                  className={cn("border-b border-zinc-100 dark:border-zinc-800", isKicked && "opacity-50")}
                  aria-label={player.plainName}
                >
                  {showId ? <td className="px-3 py-2 font-mono text-xs tabular-nums">{player.id}</td> : null}
                  <td className="max-w-64 truncate px-3 py-2" title={player.plainName}>
                    {player.record ? (
                      <PlayerNameButton playerId={player.record.playerId}>
                        <ColouredText text={player.name} rule={colourRule} />
                      </PlayerNameButton>
                    ) : (
                      <ColouredText text={player.name} rule={colourRule} />
                    )}
                    {player.record?.watch ? (
                      <span
                        className="ml-2 rounded bg-red-600 px-1 text-xs font-semibold text-white"
                        title={`On the watch list: ${player.record.watch}`}
                      >
                        watched
                      </span>
                    ) : null}
                    {player.record && player.record.notes > 0 ? (
                      <span
                        className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200"
                        title={`${player.record.notes} ${player.record.notes === 1 ? "note" : "notes"}`}
                      >
                        <span aria-hidden="true">✎</span>
                        {player.record.notes}
                        <span className="sr-only"> {player.record.notes === 1 ? "note" : "notes"}</span>
                      </span>
                    ) : null}
                    {player.isBot ? (
                      <span className="ml-2 rounded bg-zinc-100 px-1 text-xs text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
                        bot
                      </span>
                    ) : null}
                    {isKicked ? (
                      <span className="ml-2 text-xs text-zinc-500">kicked, waiting for the server…</span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2 tabular-nums">{player.ping ?? "—"}</td>
                  {showScore ? <td className="px-3 py-2 tabular-nums">{player.score ?? "—"}</td> : null}
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {player.connectedSince ? formatDuration(now - Date.parse(player.connectedSince)) : "—"}
                  </td>
                  {showGuid ? <td className="px-3 py-2 font-mono text-xs">{player.guid ?? ""}</td> : null}
                  {showSteamId ? (
                    <td className="px-3 py-2 font-mono text-xs">{player.steamId ?? ""}</td>
                  ) : null}
                  {showAddress ? (
                    <td className="px-3 py-2 font-mono text-xs">{player.address ?? ""}</td>
                  ) : null}
                  {hasActions ? (
                    <td className="whitespace-nowrap px-3 py-2 text-right">
                      {canMessage ? (
                        <Button
                          variant="ghost"
                          className="px-2 py-1 text-xs"
                          aria-label={`Message ${player.plainName}`}
                          onClick={() => setAction({ kind: "message", player })}
                        >
                          Message
                        </Button>
                      ) : null}
                      {canKick ? (
                        <Button
                          variant="ghost"
                          className="px-2 py-1 text-xs text-red-700 dark:text-red-400"
                          aria-label={`Kick ${player.plainName}`}
                          disabled={isKicked}
                          onClick={() => setAction({ kind: "kick", player })}
                        >
                          Kick
                        </Button>
                      ) : null}
                      {ban ? (
                        <Button
                          variant="ghost"
                          className="px-2 py-1 text-xs text-red-700 dark:text-red-400"
                          aria-label={`Ban ${player.plainName}`}
                          disabled={isKicked}
                          onClick={() => setAction({ kind: "ban", player })}
                        >
                          Ban
                        </Button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
        {ready && rows.length === 0 ? (
          <p className="p-3 text-sm text-zinc-500">
            {players.length === 0 ? "Nobody is on the server." : "No players match."}
          </p>
        ) : null}
        {!ready ? <p className="p-3 text-sm text-zinc-500">Loading players…</p> : null}
      </div>
      <PlayerActionDialog
        action={action}
        whisper={whisper}
        onClose={() => setAction(null)}
        onRun={run}
        ban={ban ? { options: ban.options, onBan: runBan } : undefined}
      />
    </section>
  );
}
