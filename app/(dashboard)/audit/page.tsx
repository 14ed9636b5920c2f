import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Notice } from "@/components/ui/notice";
import { can } from "@/lib/permissions";
import { AUDIT_PAGE_SIZES, auditQuerySchema } from "@/lib/schemas/audit";
import { requireDataContext } from "@/server/auth/next";
import { listAuditPage } from "@/server/data/audit";
import { listServers } from "@/server/data/servers";
import { AuditExportLinks } from "./audit-export-links";
import { AuditFilters } from "./audit-filters";
import { AuditPager } from "./audit-pager";
import { AuditTable } from "./audit-table";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Record<string, string | string[] | undefined>;

/** Repeated keys (?outcome=a&outcome=b) keep the first value; the schema validates the rest. */
function firstValues(params: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[key] = first;
  }
  return out;
}

// Thin: the data layer checks audit.read and narrows a server-limited reader to its scope.
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "audit.read")) notFound();
  const raw = firstValues(await searchParams);
  const parsed = auditQuerySchema.safeParse(raw);
  const servers = (await listServers(ctx)).map((s) => ({ id: s.id, name: s.name }));
  const query = parsed.success ? parsed.data : null;
  const size = query?.size ?? AUDIT_PAGE_SIZES[1];
  const page = query
    ? await listAuditPage(ctx.db, ctx.actor, {
        action: query.action,
        actorEmail: query.actor,
        serverId: query.serverId,
        outcome: query.outcome,
        from: query.from,
        to: query.to,
        after: query.after,
        before: query.before,
        limit: size,
      })
    : null;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <AuditFilters
        values={raw}
        servers={servers}
        errors={
          parsed.success
            ? undefined
            : parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`)
        }
      />
      {!parsed.success ? (
        <Notice tone="error">These filters are not valid. Correct them and filter again.</Notice>
      ) : null}
      {page ? (
        <>
          <AuditExportLinks raw={raw} />
          <AuditTable events={page.events} servers={servers} />
          <AuditPager raw={raw} events={page.events} hasOlder={page.hasOlder} hasNewer={page.hasNewer} />
        </>
      ) : null}
    </div>
  );
}
