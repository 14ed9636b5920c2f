import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PlayerSearchResults } from "@/components/players/search/player-search-results";
import { OnlinePlayersTable } from "@/components/players/search/online-players-table";
import { can } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listOnlinePlayers, searchPlayers } from "@/server/data/players/search";
import { getRuntime } from "@/server/runtime";

export const metadata: Metadata = { title: "Players" };

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

const PAGE_SIZE = 50;

// Thin: searchPlayers and listOnlinePlayers check players.view, narrow to the actor's servers and
// match identifiers only for identity readers; the page only reads the URL and lays out.
export default async function PlayersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "players.view")) notFound();
  const params = await searchParams;
  const q = first(params.q).trim().slice(0, 200);
  const after = first(params.after).slice(0, 200);
  // The live lists come from the hub (this process); the data layer narrows them to the actor's servers.
  const hub = getRuntime().hub;
  const lists = (serverId: string) => hub?.players(serverId) ?? [];
  const [page, online] = await Promise.all([
    searchPlayers(ctx, { q, after: after || undefined, limit: PAGE_SIZE }, lists),
    listOnlinePlayers(ctx, lists),
  ]);
  const more = page.next
    ? `/players?${new URLSearchParams(q ? { q, after: page.next } : { after: page.next }).toString()}`
    : null;

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Players</h1>
      {/* A plain GET form: Enter submits, the query stays in the URL and in the box. */}
      <form method="get" action="/players" role="search" className="flex flex-wrap items-center gap-2">
        <label htmlFor="player-search" className="text-sm font-medium">
          Search players
        </label>
        <input
          id="player-search"
          name="q"
          type="search"
          defaultValue={q}
          maxLength={200}
          placeholder={can(ctx.actor, "players.identities") ? "Any name or identifier" : "Any name"}
          className="w-72 max-w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-950"
        />
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Search
        </button>
        {q ? (
          <Link href="/players" className="text-sm text-indigo-700 underline dark:text-indigo-300">
            Clear
          </Link>
        ) : null}
      </form>

      <section aria-labelledby="results-heading" className="space-y-2">
        <h2 id="results-heading" className="text-lg font-semibold">
          {q ? (
            <>
              Results for “<bdi>{q}</bdi>”
            </>
          ) : (
            "Recently seen"
          )}
        </h2>
        <PlayerSearchResults
          results={page.results}
          label={q ? "Search results" : "Recently seen players"}
          emptyText={q ? "No player matches." : "No players seen yet."}
        />
        {more ? (
          <Link
            href={more}
            className="inline-block text-sm font-medium text-indigo-700 underline dark:text-indigo-300"
          >
            More results
          </Link>
        ) : null}
      </section>

      <section aria-labelledby="online-heading" className="space-y-2">
        <h2 id="online-heading" className="text-lg font-semibold">
          Online now <span className="font-normal text-zinc-500">({online.length})</span>
        </h2>
        <OnlinePlayersTable rows={online} />
      </section>
    </div>
  );
}
