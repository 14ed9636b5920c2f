import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TeamManager } from "@/components/team/team-manager";
import { can, canOfferRole, limitedServerIds } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listRoles } from "@/server/data/roles";
import { listServers } from "@/server/data/servers";
import { listTeam } from "@/server/data/users";
import { inviteAction, resetTwoFactorAction, setDisabledAction, updateMemberAction } from "./actions";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "team.manage")) notFound();
  const [members, servers, roles] = await Promise.all([listTeam(ctx), listServers(ctx), listRoles(ctx)]);
  // What the pickers offer; the server applies the full grant rule (canAssignRoles) on save.
  const assignableRoles = roles
    .filter((role) => canOfferRole(ctx.actor, role))
    .map(({ id, name }) => ({ id, name }));
  return (
    <TeamManager
      members={members}
      servers={servers.map((s) => ({ id: s.id, name: s.name }))}
      canGrantAll={limitedServerIds(ctx.actor) === null}
      assignableRoles={assignableRoles}
      canManageRoles={can(ctx.actor, "roles.manage")}
      actions={{
        invite: inviteAction,
        update: updateMemberAction,
        setDisabled: setDisabledAction,
        resetTwoFactor: resetTwoFactorAction,
      }}
    />
  );
}
