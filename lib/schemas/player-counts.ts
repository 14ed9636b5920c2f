/**
 * The ranges the player-count charts offer (server page and overview, `?range=` in the URL) and how
 * each is bucketed: a series never has more than MAX_POINTS points, however often samples were taken.
 */
import { z } from "zod";

export const PLAYER_COUNT_RANGES = ["day", "week", "month"] as const;
export type PlayerCountRange = (typeof PLAYER_COUNT_RANGES)[number];

export const MAX_POINTS = 500;

export interface RangeSpan {
  label: string;
  spanMs: number;
  /** Bucket width; buckets start at multiples of it since the Unix epoch, so reloads keep them. */
  bucketSeconds: number;
}

// 288, 336 and 360 buckets (plus one partial at the start): room under MAX_POINTS.
export const RANGE_SPANS: Record<PlayerCountRange, RangeSpan> = {
  day: { label: "Day", spanMs: 86_400_000, bucketSeconds: 5 * 60 },
  week: { label: "Week", spanMs: 7 * 86_400_000, bucketSeconds: 30 * 60 },
  month: { label: "Month", spanMs: 30 * 86_400_000, bucketSeconds: 2 * 3600 },
};

export const DEFAULT_RANGE: PlayerCountRange = "day";

export const playerCountRangeSchema = z.enum(PLAYER_COUNT_RANGES, {
  error: (issue) =>
    `Unknown range ${JSON.stringify(String(issue.input)).slice(0, 40)}: choose day, week or month.`,
});
