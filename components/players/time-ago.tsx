import { timeAgo } from "@/lib/players/format";
import { formatDateTime } from "@/lib/utils";

/**
 * "5 min ago" with the exact time as a tooltip. The server renders it with its clock and the
 * browser with its own a moment later, so the text may differ at hydration: that is expected here
 * (useNow refreshes it anyway), hence suppressHydrationWarning on this element only.
 */
export function TimeAgo({ at, now, prefix = "" }: { at: string; now: number; prefix?: string }) {
  return (
    <time dateTime={at} title={formatDateTime(at)} suppressHydrationWarning>
      {`${prefix}${timeAgo(at, now)}`}
    </time>
  );
}
