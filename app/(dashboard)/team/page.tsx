import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TeamManager } from "@/components/team/team-manager";
import { can, canAssignRole, limitedServerIds, ROLES } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listServers } from "@/server/data/servers";
import { listTeam } from "@/server/data/users";
import { inviteAction, resetTwoFactorAction, setDisabledAction, updateMemberAction } from "./actions";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "team.manage")) notFound();
  const [members, servers] = await Promise.all([listTeam(ctx), listServers(ctx)]);
  const assignableRoles = ROLES.filter((role) => canAssignRole(ctx.actor, null, role));
  return (
    <TeamManager
      members={members}
      servers={servers.map((s) => ({ id: s.id, name: s.name }))}
      canGrantAll={limitedServerIds(ctx.actor) === null}
      assignableRoles={assignableRoles}
      actions={{
        invite: inviteAction,
        update: updateMemberAction,
        setDisabled: setDisabledAction,
        resetTwoFactor: resetTwoFactorAction,
      }}
    />
  );
}
