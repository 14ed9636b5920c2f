/** The newest firings of the user's triggers, dry-run ones marked (what would have happened). */
import type { FiringDto } from "@/server/data/automation/triggers";

const OUTCOME: Record<string, string> = {
  done: "done",
  failed: "failed",
  refused: "refused",
  would: "would fire (dry run)",
  dropped: "dropped",
};

export function FiringList({ firings }: { firings: FiringDto[] }) {
  return (
    <section aria-label="Recent firings" className="space-y-2">
      <h2 className="text-lg font-semibold">Recent firings</h2>
      {firings.length === 0 ? (
        <p className="text-sm text-zinc-500">Nothing fired yet.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="py-1 pr-3">When</th>
              <th className="py-1 pr-3">Trigger</th>
              <th className="py-1 pr-3">Server</th>
              <th className="py-1 pr-3">Outcome</th>
              <th className="py-1">Detail</th>
            </tr>
          </thead>
          <tbody>
            {firings.map((f) => (
              <tr
                key={f.id}
                data-outcome={f.outcome}
                className="border-t border-zinc-200 dark:border-zinc-800"
              >
                <td className="py-1 pr-3 whitespace-nowrap">
                  <time dateTime={f.createdAt}>{f.createdAt.replace("T", " ").slice(0, 19)}</time>
                </td>
                <td className="py-1 pr-3">{f.triggerName}</td>
                <td className="py-1 pr-3">{f.serverName ?? "—"}</td>
                <td className={f.dryRun ? "py-1 pr-3 text-amber-600" : "py-1 pr-3"}>
                  {OUTCOME[f.outcome] ?? f.outcome}
                </td>
                <td className="py-1 break-all">{f.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
