import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { can } from "@/lib/permissions";
import { requireActor } from "@/server/auth/next";

export const dynamic = "force-dynamic";

// Redirects only: every page and action re-checks permissions in the data layer.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  return (
    <AppShell user={{ name: actor.name, email: actor.email, role: actor.role }} canManageTeam={can(actor, "team.manage")} canReadAudit={can(actor, "audit.read")}>
      {children}
    </AppShell>
  );
}
