import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/lib/utils";
import type { AuditEventDto } from "@/server/data/audit";

export function AuditTable({
  events,
  servers,
}: {
  events: AuditEventDto[];
  servers: { id: string; name: string }[];
}) {
  const serverName = (id: string | null) =>
    id === null ? "" : (servers.find((s) => s.id === id)?.name ?? id);
  return (
    <Card className="overflow-x-auto p-0">
      <table className="w-full text-left text-sm" aria-label="Audit events">
        <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
          <tr>
            <th className="px-3 py-2">Time</th>
            <th className="px-3 py-2">Actor</th>
            <th className="px-3 py-2">Action</th>
            <th className="px-3 py-2">Server</th>
            <th className="px-3 py-2">Target</th>
            <th className="px-3 py-2">Outcome</th>
            <th className="px-3 py-2">Detail</th>
            <th className="px-3 py-2">Source</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 ? (
            <tr>
              <td colSpan={8} className="px-3 py-4 text-zinc-500">
                No events match these filters.
              </td>
            </tr>
          ) : null}
          {events.map((e) => (
            <tr key={e.id} className="border-b border-zinc-100 dark:border-zinc-800">
              <td className="whitespace-nowrap px-3 py-2">
                {formatDateTime(e.createdAt)}
                {e.repeats > 1 ? (
                  <span
                    className="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200"
                    title={`Last at ${formatDateTime(e.lastAt)}`}
                  >
                    ×{e.repeats}
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2">
                {e.actorEmail ?? "anonymous"}
                {e.tokenName ? (
                  <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                    via API token “{e.tokenName}”
                  </span>
                ) : null}
                {e.automation ? (
                  <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                    automation: {e.automation}
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
              <td className="px-3 py-2 text-xs">{serverName(e.serverId)}</td>
              <td className="px-3 py-2 text-xs">
                {e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : ""}
              </td>
              <td className="px-3 py-2">{e.outcome}</td>
              <td className="px-3 py-2 text-xs">{e.detail ?? e.input ?? ""}</td>
              <td className="px-3 py-2 font-mono text-xs">{e.sourceIp ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
