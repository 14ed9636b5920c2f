"use client";

import Link from "next/link";
import { useActionState, useId } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { PERMISSION_GROUPS, PERMISSION_LABELS } from "@/lib/permission-groups";
import type { Permission } from "@/lib/permissions";
import type { RoleDto } from "@/server/data/roles";

type RoleAction = FormAction<{ id: string; name: string }>;

interface Props {
  mode: "create" | "edit";
  role?: RoleDto;
  /** create/update for custom roles; the two-factor action for built-ins. */
  action: RoleAction;
  deleteAction?: RoleAction | undefined;
}

function PermissionBox({
  permission,
  checked,
  disabled,
}: {
  permission: Permission;
  checked: boolean;
  disabled: boolean;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        type="checkbox"
        name="permissions"
        value={permission}
        defaultChecked={checked}
        disabled={disabled}
        className="mt-0.5 h-4 w-4 rounded border-zinc-300 text-indigo-600"
      />
      <label htmlFor={id} className="text-sm">
        {PERMISSION_LABELS[permission]} <code className="text-xs text-zinc-500">{permission}</code>
      </label>
    </div>
  );
}

/** The permission table as a grid of checkboxes; built-in roles are shown read-only. */
export function RoleForm({ mode, role, action, deleteAction }: Props) {
  const [state, dispatch, pending] = useActionState(action, null);
  const builtIn = role?.builtIn === true;
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  return (
    <Card className="space-y-4">
      <h2 className="font-semibold">
        {mode === "create" ? "Create a role" : builtIn ? "Built-in role" : "Edit role"}
      </h2>
      <ActionForm action={dispatch} className="space-y-4" noValidate>
        {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
        {state?.ok ? (
          <Notice tone="success">
            {mode === "create" ? (
              <>
                Role {state.data.name} created.{" "}
                <Link href={`/team/roles/${state.data.id}`} className="underline">
                  Open {state.data.name}
                </Link>
              </>
            ) : (
              "Saved. Members holding this role get the change at their next action."
            )}
          </Notice>
        ) : null}
        {role ? <input type="hidden" name="roleId" value={role.id} /> : null}
        {builtIn ? (
          <p className="text-sm text-zinc-500">
            Built-in roles keep their name and permissions. Create a custom role for a different set.
          </p>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Name"
              name="name"
              defaultValue={role?.name ?? ""}
              required
              error={errors?.name}
            />
            <TextField
              label="Description"
              name="description"
              defaultValue={role?.description ?? ""}
              error={errors?.description}
            />
          </div>
        )}
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium">Permissions</legend>
          <div className="grid gap-4 sm:grid-cols-2">
            {PERMISSION_GROUPS.map((group) => (
              <fieldset
                key={group.name}
                className="space-y-1 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
              >
                <legend className="px-1 text-xs font-semibold uppercase text-zinc-500">{group.name}</legend>
                {group.permissions.map((p) => (
                  <PermissionBox
                    key={p}
                    permission={p}
                    checked={role?.permissions.includes(p) ?? false}
                    disabled={builtIn}
                  />
                ))}
              </fieldset>
            ))}
          </div>
          {errors?.permissions ? (
            <p className="text-xs text-red-600 dark:text-red-400">{errors.permissions.join(" ")}</p>
          ) : null}
        </fieldset>
        <Checkbox
          label="Require two-factor sign-in"
          name="requireTwoFactor"
          defaultChecked={role?.requireTwoFactor ?? false}
        />
        <Button type="submit" disabled={pending}>
          {mode === "create" ? "Create role" : "Save role"}
        </Button>
      </ActionForm>
      {deleteAction && role ? <DeleteRole role={role} action={deleteAction} /> : null}
    </Card>
  );
}

function DeleteRole({ role, action }: { role: RoleDto; action: RoleAction }) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <ActionForm action={dispatch} className="space-y-2 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {state?.ok ? <Notice tone="success">Role deleted.</Notice> : null}
      <input type="hidden" name="roleId" value={role.id} />
      <Button type="submit" variant="danger" disabled={pending || state?.ok === true}>
        Delete role
      </Button>
    </ActionForm>
  );
}
