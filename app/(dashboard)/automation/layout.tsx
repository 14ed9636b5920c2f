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
    // Each tab's page has its own h1 (Schedules, Triggers, Webhooks).
    <div className="space-y-6">
      <AutomationTabs />
      {children}
    </div>
  );
}
