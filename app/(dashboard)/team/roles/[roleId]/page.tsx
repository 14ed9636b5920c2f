import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RoleForm } from "@/components/team/role-form";
import { isAppError } from "@/lib/errors";
import { can } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { getRole, type RoleDto } from "@/server/data/roles";
import { deleteRoleAction, roleTwoFactorAction, updateRoleAction } from "../actions";

export const metadata: Metadata = { title: "Role" };

export default async function RolePage({ params }: { params: Promise<{ roleId: string }> }) {
  const { roleId } = await params;
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "roles.manage")) notFound();
  let role: RoleDto;
  try {
    role = await getRole(ctx, roleId);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  return (
    <div className="max-w-4xl space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/team" className="text-indigo-700 hover:underline dark:text-indigo-300">
          Team
        </Link>
        <span aria-hidden="true" className="px-1 text-zinc-400">
          /
        </span>
        <Link href="/team/roles" className="text-indigo-700 hover:underline dark:text-indigo-300">
          Roles
        </Link>
        <span aria-hidden="true" className="px-1 text-zinc-400">
          /
        </span>
        <span>{role.name}</span>
      </nav>
      <h1 className="text-2xl font-semibold">{role.name}</h1>
      <p className="text-sm text-zinc-500">
        {role.memberCount} member{role.memberCount === 1 ? "" : "s"} ·{" "}
        <Link
          href={`/team/roles/${encodeURIComponent(role.id)}/console-policy`}
          className="text-indigo-700 hover:underline dark:text-indigo-300"
        >
          Console command rules
        </Link>
      </p>
      <RoleForm
        mode="edit"
        role={role}
        action={role.builtIn ? roleTwoFactorAction : updateRoleAction}
        deleteAction={role.builtIn ? undefined : deleteRoleAction}
      />
    </div>
  );
}
