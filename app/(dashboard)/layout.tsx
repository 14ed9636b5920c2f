import type { ReactNode } from "react";
import { AlertToasts } from "@/components/automation/webhooks/alert-toasts";
import { AppShell } from "@/components/layout/app-shell";
import { can } from "@/lib/permissions";
import { requireActor } from "@/server/auth/next";
import {
  addNoteAction,
  banPlayerRecordAction,
  clearWatchAction,
  deleteNoteAction,
  editNoteAction,
  erasePlayerAction,
  mergePlayerAction,
  setWatchAction,
  splitPlayerAction,
} from "./players/actions";

// Every dashboard page may open a player's profile drawer; its forms call these.
const profileActions = {
  addNote: addNoteAction,
  editNote: editNoteAction,
  deleteNote: deleteNoteAction,
  setWatch: setWatchAction,
  clearWatch: clearWatchAction,
  merge: mergePlayerAction,
  split: splitPlayerAction,
  erase: erasePlayerAction,
  ban: banPlayerRecordAction,
};

export const dynamic = "force-dynamic";

// Redirects only: every page and action re-checks permissions in the data layer.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // The Account page (where two-factor enrolment happens) renders inside this layout: every other
  // page redirects an actor that must enrol first.
  const actor = await requireActor({ twoFactorSetup: true });
  return (
    <AppShell
      user={{ name: actor.name, email: actor.email, role: actor.mainRole?.name ?? actor.role }}
      canManageTeam={can(actor, "team.manage")}
      canReadAudit={can(actor, "audit.read")}
      canManageCommands={can(actor, "commands.manage")}
      canManageAutomation={can(actor, "automation.manage")}
      profileActions={profileActions}
    >
      {children}
      <AlertToasts />
    </AppShell>
  );
}
