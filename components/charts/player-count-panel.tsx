"use client";
/**
 * Player counts over a range (server page, overview): the range picker (links that set `?range=`,
 * so the page re-renders with that range's series), a text summary of each series (peak,
 * average) for screen readers and quick reading, and the chart itself, loaded only in the browser
 * (recharts is not part of any page's first bundle; next/dynamic fetches it after hydration).
 */
import dynamic from "next/dynamic";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { PLAYER_COUNT_RANGES, RANGE_SPANS } from "@/lib/schemas/player-counts";
import type { PlayerCountChart } from "@/server/data/player-counts";

const PlayerCountLines = dynamic(() => import("./player-count-lines").then((m) => m.PlayerCountLines), {
  ssr: false,
  loading: () => <div className="h-64" aria-hidden />,
});

export function PlayerCountPanel({
  title,
  chart,
  error,
  note,
}: {
  title: string;
  /** Null when the range was refused (`error` says why). */
  chart: PlayerCountChart | null;
  error?: string;
  note?: string;
}) {
  const current = chart?.range ?? null;
  return (
    <Card className="space-y-3" aria-label={title} role="region">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <nav aria-label="Range" className="flex gap-1">
          {PLAYER_COUNT_RANGES.map((range) => (
            <Link
              key={range}
              href={`?range=${range}`}
              scroll={false}
              aria-current={range === current ? "page" : undefined}
              className={
                range === current
                  ? "rounded bg-indigo-600 px-2 py-1 text-sm text-white"
                  : "rounded px-2 py-1 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
              }
            >
              {RANGE_SPANS[range].label}
            </Link>
          ))}
        </nav>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      {chart ? <Summary chart={chart} note={note} /> : null}
      {chart && chart.series.some((s) => s.points.length > 0) ? <PlayerCountLines chart={chart} /> : null}
    </Card>
  );
}

function Summary({ chart, note }: { chart: PlayerCountChart; note?: string }) {
  const span = RANGE_SPANS[chart.range].label.toLowerCase();
  const withData = chart.series.filter((s) => s.peak !== null);
  if (withData.length === 0)
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No player counts stored for the last {span} yet.
      </p>
    );
  return (
    <div className="text-sm text-zinc-700 dark:text-zinc-300">
      {note ? <p className="text-zinc-600 dark:text-zinc-400">{note}</p> : null}
      <ul data-testid="player-count-summary">
        {withData.map((s) => (
          <li key={s.serverId}>
            {withData.length > 1 || note ? `${s.name}: ` : ""}peak {s.peak} players, average {s.average} over
            the last {span}
          </li>
        ))}
      </ul>
    </div>
  );
}
