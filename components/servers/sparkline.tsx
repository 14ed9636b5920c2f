/**
 * A small player-count line from stored samples (PlayerCountSample) plus the live count. The
 * numbers are in the accessible name, the drawing is decoration.
 */
export interface SparkPoint {
  at: number;
  count: number;
}

export function Sparkline({
  points,
  width = 120,
  height = 28,
  label,
}: {
  points: readonly SparkPoint[];
  width?: number;
  height?: number;
  label: string;
}) {
  if (points.length < 2) {
    return (
      <span className="text-xs text-zinc-500">
        {points.length === 0 ? "No player history yet" : "Collecting player history…"}
      </span>
    );
  }
  const first = points[0]?.at ?? 0;
  const last = points[points.length - 1]?.at ?? first + 1;
  const span = Math.max(last - first, 1);
  const counts = points.map((p) => p.count);
  const highest = Math.max(...counts);
  const lowest = Math.min(...counts);
  const scale = Math.max(1, highest);
  const path = points
    .map((p, i) => {
      const x = ((p.at - first) / span) * (width - 2) + 1;
      const y = height - 1 - (p.count / scale) * (height - 2);
      return `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
  return (
    <svg
      role="img"
      aria-label={`${label}: between ${lowest} and ${highest} players`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="text-indigo-600 dark:text-indigo-400"
    >
      <path
        d={path}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}
