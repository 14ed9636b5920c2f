import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RoleForm } from "@/components/team/role-form";
import { can } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listRoles } from "@/server/data/roles";
import { createRoleAction } from "./actions";

export const metadata: Metadata = { title: "Roles" };

export default async function RolesPage() {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "roles.manage")) notFound();
  const roles = await listRoles(ctx);
  return (
    <div className="max-w-4xl space-y-8">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/team" className="text-indigo-700 hover:underline dark:text-indigo-300">
          Team
        </Link>
        <span aria-hidden="true" className="px-1 text-zinc-400">
          /
        </span>
        <span>Roles</span>
      </nav>
      <h1 className="text-2xl font-semibold">Roles</h1>
      <section aria-labelledby="roles-heading" className="space-y-2">
        <h2 id="roles-heading" className="font-semibold">
          All roles
        </h2>
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="py-1">Role</th>
              <th>Permissions</th>
              <th>Members</th>
              <th>Two-factor</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((r) => (
              <tr key={r.id} className="border-t border-zinc-200 dark:border-zinc-800">
                <td className="py-2">
                  <Link
                    href={`/team/roles/${r.id}`}
                    className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    {r.name}
                  </Link>
                  {r.builtIn ? <span className="ml-2 text-xs text-zinc-500">built-in</span> : null}
                  {r.description ? <p className="text-xs text-zinc-500">{r.description}</p> : null}
                </td>
                <td>{r.permissions.length}</td>
                <td>{r.memberCount}</td>
                <td>{r.requireTwoFactor ? "required" : "optional"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <RoleForm mode="create" action={createRoleAction} />
    </div>
  );
}
