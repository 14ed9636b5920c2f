import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/permissions";
import { formatDateTime } from "@/lib/utils";
import { requireDataContext } from "@/server/auth/next";
import { listAuditEvents } from "@/server/data/audit";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ action?: string; outcome?: string }> }) {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "audit.read")) notFound();
  const { action, outcome } = await searchParams;
  const events = await listAuditEvents(ctx.db, ctx.actor, {
    action: action || undefined,
    outcome: outcome === "success" || outcome === "failure" || outcome === "denied" ? outcome : undefined,
    limit: 300,
  });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <form className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter audit log">
        <label className="text-sm">
          Action starts with
          <input name="action" defaultValue={action ?? ""} className="ml-2 rounded-md border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" />
        </label>
        <label className="text-sm">
          Outcome
          <select name="outcome" defaultValue={outcome ?? ""} className="ml-2 rounded-md border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900">
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
          </select>
        </label>
        <button className="rounded-md bg-indigo-600 px-3 py-1 text-sm text-white">Filter</button>
      </form>
      <Card className="overflow-x-auto p-0">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
            <tr>
              <th className="px-3 py-2">Time</th>
              <th className="px-3 py-2">Actor</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">Target</th>
              <th className="px-3 py-2">Outcome</th>
              <th className="px-3 py-2">Detail</th>
              <th className="px-3 py-2">Source</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} className="border-b border-zinc-100 dark:border-zinc-800">
                <td className="whitespace-nowrap px-3 py-2">{formatDateTime(e.createdAt)}</td>
                <td className="px-3 py-2">{e.actorEmail ?? "anonymous"}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-3 py-2 text-xs">{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : ""}</td>
                <td className="px-3 py-2">
                  {e.outcome}
                  {e.repeats > 1 ? <span title={e.lastAt ? `last at ${formatDateTime(e.lastAt)}` : undefined}> ×{e.repeats}</span> : null}
                </td>
                <td className="px-3 py-2 text-xs">{e.detail ?? e.input ?? ""}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.sourceIp ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
