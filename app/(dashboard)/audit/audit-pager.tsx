import Link from "next/link";
import { encodeAuditCursor } from "@/lib/schemas/audit";
import type { AuditEventDto } from "@/server/data/audit";

/** The filters of this page plus at most one position: newer than the first row, or older than the last. */
function pageHref(
  raw: Record<string, string>,
  position: { key: "after" | "before"; value: string } | null,
): string {
  const params = new URLSearchParams(
    Object.entries(raw).filter(([key, value]) => key !== "after" && key !== "before" && value !== ""),
  );
  if (position) params.set(position.key, position.value);
  const query = params.toString();
  return query ? `/audit?${query}` : "/audit";
}

export function AuditPager({
  raw,
  events,
  hasOlder,
  hasNewer,
}: {
  raw: Record<string, string>;
  events: AuditEventDto[];
  hasOlder: boolean;
  hasNewer: boolean;
}) {
  const first = events[0];
  const last = events.at(-1);
  return (
    <nav aria-label="Audit log pages" className="flex gap-4 text-sm">
      {hasNewer ? (
        <Link href={pageHref(raw, null)} className="text-indigo-700 hover:underline dark:text-indigo-300">
          Newest
        </Link>
      ) : null}
      {hasNewer && first ? (
        <Link
          href={pageHref(raw, { key: "before", value: encodeAuditCursor(first) })}
          className="text-indigo-700 hover:underline dark:text-indigo-300"
        >
          Newer
        </Link>
      ) : null}
      {hasOlder && last ? (
        <Link
          href={pageHref(raw, { key: "after", value: encodeAuditCursor(last) })}
          className="text-indigo-700 hover:underline dark:text-indigo-300"
        >
          Older
        </Link>
      ) : null}
    </nav>
  );
}
