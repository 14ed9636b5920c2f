import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { AutomationTabs } from "@/components/automation/schedules/automation-tabs";
import { can } from "@/lib/permissions";
import { requireActor } from "@/server/auth/next";

// Redirects only: every page and action re-checks automation.manage per server in the data layer.
export default async function AutomationLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  if (!can(actor, "automation.manage")) notFound();
  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <h1 className="text-2xl font-semibold">Automation</h1>
        <AutomationTabs />
      </div>
      {children}
    </div>
  );
}
