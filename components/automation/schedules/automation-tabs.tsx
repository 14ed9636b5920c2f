"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const TABS = [
  { href: "/automation", label: "Schedules" },
  { href: "/automation/triggers", label: "Triggers" },
  { href: "/automation/webhooks", label: "Webhooks" },
];

/** The Automation section's tabs (schedules here; triggers and webhooks are their own pages). */
export function AutomationTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Automation" className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {TABS.map((tab) => {
        const current = tab.href === "/automation" ? pathname === tab.href : pathname.startsWith(tab.href);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
              current
                ? "border-indigo-600 text-indigo-700 dark:text-indigo-300"
                : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400",
            )}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
