"use client";
/**
 * The drawing of a PlayerCountChart with recharts (SVG): one line per server (its bucket peaks),
 * and on hover each server's peak, average and the bucket's map where the game tells it. Loaded
 * through next/dynamic by components/charts/player-count-panel.tsx only.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { PlayerCountChart, PlayerCountPoint } from "@/server/data/player-counts";

const COLOURS = ["#4f46e5", "#059669", "#d97706", "#dc2626", "#0891b2", "#7c3aed", "#65a30d", "#db2777"];

interface Row {
  at: number;
  [serverId: string]: number | PlayerCountPoint;
}

/** One row per bucket start; each server's value under its id, its point under `p:<id>`. */
function rows(chart: PlayerCountChart): Row[] {
  const byAt = new Map<number, Row>();
  for (const s of chart.series)
    for (const p of s.points) {
      const at = Date.parse(p.at);
      const row = byAt.get(at) ?? { at };
      row[s.serverId] = p.peak;
      row[`p:${s.serverId}`] = p;
      byAt.set(at, row);
    }
  return [...byAt.values()].sort((a, b) => a.at - b.at);
}

function tick(at: number, range: PlayerCountChart["range"]): string {
  const d = new Date(at);
  return range === "day"
    ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export function PlayerCountLines({ chart }: { chart: PlayerCountChart }) {
  const data = rows(chart);
  const names = new Map(chart.series.map((s) => [s.serverId, s.name]));
  return (
    <div className="h-64 w-full" data-testid="player-count-chart" data-points={data.length}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={[Date.parse(chart.from), Date.parse(chart.to)]}
            tickFormatter={(at: number) => tick(at, chart.range)}
            fontSize={12}
          />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip
            content={({ active, payload }) => {
              // Each payload entry carries the whole row of the hovered bucket.
              const row = payload?.[0]?.payload as Row | undefined;
              if (!active || !row) return null;
              const label = row.at;
              return (
                <div
                  className="rounded border border-zinc-200 bg-white p-2 text-xs shadow dark:border-zinc-700 dark:bg-zinc-900"
                  data-testid="player-count-tooltip"
                >
                  <p className="font-medium">{new Date(label).toLocaleString()}</p>
                  {chart.series.map((s) => {
                    const p = row[`p:${s.serverId}`] as PlayerCountPoint | undefined;
                    if (!p) return null;
                    return (
                      <p key={s.serverId}>
                        {chart.series.length > 1 ? `${names.get(s.serverId)}: ` : ""}peak {p.peak}, average{" "}
                        {p.average}
                        {p.map ? ` on ${p.map}` : ""}
                      </p>
                    );
                  })}
                </div>
              );
            }}
          />
          {chart.series.map((s, i) => (
            <Line
              key={s.serverId}
              dataKey={s.serverId}
              name={s.name}
              stroke={COLOURS[i % COLOURS.length]}
              dot={data.length <= 60}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
