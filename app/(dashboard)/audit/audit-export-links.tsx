/** Downloads of the log under the current filters (every page, not only the one shown). */
const FILTER_KEYS = ["action", "actor", "serverId", "outcome", "from", "to"] as const;

export function exportHref(raw: Record<string, string>, format: "csv" | "json"): string {
  const params = new URLSearchParams({ format });
  for (const key of FILTER_KEYS) if (raw[key]) params.set(key, raw[key]);
  return `/api/audit/export?${params.toString()}`;
}

export function AuditExportLinks({ raw }: { raw: Record<string, string> }) {
  return (
    <p className="flex gap-4 text-sm">
      <span className="text-zinc-500 dark:text-zinc-400">Export the filtered log:</span>
      <a
        href={exportHref(raw, "csv")}
        className="text-indigo-700 hover:underline dark:text-indigo-300"
        download
      >
        Export CSV
      </a>
      <a
        href={exportHref(raw, "json")}
        className="text-indigo-700 hover:underline dark:text-indigo-300"
        download
      >
        Export JSON
      </a>
    </p>
  );
}
