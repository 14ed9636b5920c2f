import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ImportBansForm } from "@/components/bans/import-form";
import { ExportBansLinks } from "@/components/bans/import-export-links";
import { can, limitedServerIds } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listBanLists } from "@/server/data/ban-lists";
import { listServers } from "@/server/data/servers";

export const metadata: Metadata = { title: "Import bans" };

// Thin: /api/bans/import and /api/bans/export check bans.manage over the scope themselves.
export default async function ImportBansPage() {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "bans.manage")) notFound();
  const servers = (await listServers(ctx))
    .filter((s) => can(ctx.actor, "bans.manage", s.id))
    .map((s) => ({ id: s.id, name: s.name }));
  const everyServer = limitedServerIds(ctx.actor) === null;
  const lists = everyServer ? (await listBanLists(ctx)).map((l) => ({ id: l.id, name: l.name })) : [];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Import bans</h1>
      <ImportBansForm servers={servers} lists={lists} everyServer={everyServer} />
      <ExportBansLinks />
    </div>
  );
}
