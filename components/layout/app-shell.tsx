"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useTheme } from "next-themes";
import { useEffect, useState, type ReactNode } from "react";
import { PlayerProfileProvider } from "@/components/players/profile/profile-drawer";
import type { ProfileActions } from "@/components/players/profile/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

interface ShellProps {
  user: { name: string; email: string; role: string };
  canManageTeam: boolean;
  canReadAudit: boolean;
  canManageCommands?: boolean;
  /** Holds automation.manage on some server: the Automation section (schedules, triggers, webhooks). */
  canManageAutomation?: boolean;
  /** The player-record actions, for the profile drawer any page may open. */
  profileActions: ProfileActions;
  children: ReactNode;
}

export function AppShell({
  user,
  canManageTeam,
  canReadAudit,
  canManageCommands = false,
  canManageAutomation = false,
  profileActions,
  children,
}: ShellProps) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const links = [
    { href: "/servers", label: "Servers", show: true },
    { href: "/players", label: "Players", show: true },
    { href: "/bans", label: "Bans", show: true },
    { href: "/commands", label: "Commands", show: canManageCommands },
    { href: "/automation", label: "Automation", show: canManageAutomation },
    { href: "/team", label: "Team", show: canManageTeam },
    { href: "/audit", label: "Audit log", show: canReadAudit },
    { href: "/account", label: "Account", show: true },
  ].filter((l) => l.show);

  return (
    <div className="min-h-screen md:flex">
      <header className="flex items-center justify-between border-b border-zinc-200 px-4 py-3 md:hidden dark:border-zinc-800">
        <span className="font-semibold">RconDeck</span>
        <Button
          variant="ghost"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </Button>
      </header>
      <aside
        id="main-nav"
        className={cn(
          "border-zinc-200 bg-white md:flex md:w-56 md:shrink-0 md:flex-col md:border-r dark:border-zinc-800 dark:bg-zinc-900",
          menuOpen ? "block border-b" : "hidden",
        )}
      >
        <p className="hidden px-4 py-4 text-lg font-semibold md:block">RconDeck</p>
        <nav aria-label="Main" className="flex flex-col gap-1 px-2 py-2">
          {links.map((link) => (
            <Link
              key={link.href}
              href={link.href}
              aria-current={pathname.startsWith(link.href) ? "page" : undefined}
              className={cn(
                "rounded-md px-3 py-2 text-sm font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800",
                pathname.startsWith(link.href) && "bg-zinc-100 dark:bg-zinc-800",
              )}
            >
              {link.label}
            </Link>
          ))}
        </nav>
        <div className="mt-auto space-y-2 border-t border-zinc-200 p-4 text-sm dark:border-zinc-800">
          <p className="truncate font-medium" title={user.email}>
            {user.name}
          </p>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">{user.role}</p>
          <div className="flex gap-2">
            <ThemeToggle />
            <Button variant="secondary" onClick={() => void signOut({ callbackUrl: "/login" })}>
              Sign out
            </Button>
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-4 md:p-8">
        <PlayerProfileProvider actions={profileActions}>{children}</PlayerProfileProvider>
      </main>
    </div>
  );
}

function ThemeToggle() {
  const { resolvedTheme, setTheme } = useTheme();
  const [mounted, setMounted] = useState(false);
  // The theme is only known in the browser; render a neutral label until then.
  // eslint-disable-next-line react-hooks/set-state-in-effect -- standard next-themes hydration guard
  useEffect(() => setMounted(true), []);
  const dark = mounted && resolvedTheme === "dark";
  return (
    <Button
      variant="secondary"
      aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}
      onClick={() => setTheme(dark ? "light" : "dark")}
    >
      {dark ? "Light" : "Dark"}
    </Button>
  );
}
