"use client";

import Link from "next/link";
import { ActionForm } from "@/components/forms/action-form";
import { useActionState, useId, useState } from "react";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox, SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { formatDateTime } from "@/lib/utils";
import type { TeamMemberDto } from "@/server/data/users";

interface Props {
  members: TeamMemberDto[];
  /** The servers the viewing manager may grant (all of them, or its own when it is limited). */
  servers: { id: string; name: string }[];
  /** Whether the viewing manager may grant "All servers" (it is not limited itself). */
  canGrantAll: boolean;
  /** The roles the viewing manager may offer (built-in and custom), by id with their names. */
  assignableRoles: { id: string; name: string }[];
  /** Whether to link the Roles page. */
  canManageRoles: boolean;
  actions: {
    invite: FormAction<{ link: string; expiresAt: string }>;
    update: FormAction<{ userId: string }>;
    setDisabled: FormAction<{ userId: string }>;
    resetTwoFactor: FormAction<{ userId: string }>;
  };
}

type RoleOption = Props["assignableRoles"][number];

function Radio({
  label,
  ...props
}: {
  label: string;
  name: string;
  value: string;
  defaultChecked?: boolean;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <input id={id} type="radio" className="h-4 w-4 border-zinc-300 text-indigo-600" {...props} />
      <label htmlFor={id} className="text-sm">
        {label}
      </label>
    </div>
  );
}

/**
 * Server access is an explicit choice, never inferred from an empty list: "All servers" (only for
 * managers who have them all) or exactly the checked servers.
 */
function ServerAccess({
  servers,
  canGrantAll,
  current,
  errors,
  roles,
}: {
  servers: Props["servers"];
  canGrantAll: boolean;
  current: Pick<TeamMemberDto, "allServers" | "serverIds" | "serverRoles"> | null;
  errors?: Record<string, string[] | undefined> | undefined;
  /** Offer a per-server role on each row (member edits; invites carry a main role only). */
  roles?: RoleOption[];
}) {
  const errorText = [
    ...(errors?.access ?? []),
    ...(errors?.serverIds ?? []),
    ...(errors?.serverRoles ?? []),
  ].join(" ");
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium">Server access</legend>
      {canGrantAll ? (
        <>
          <Radio
            label="All servers, including servers added later"
            name="access"
            value="all"
            defaultChecked={current?.allServers === true}
          />
          <Radio
            label="Only the servers checked below"
            name="access"
            value="selected"
            defaultChecked={current !== null && !current.allServers}
          />
        </>
      ) : (
        <input type="hidden" name="access" value="selected" />
      )}
      <div role="group" aria-label="Servers" className="space-y-1 pl-6">
        {servers.length === 0 ? <p className="text-sm text-zinc-500">No servers</p> : null}
        {servers.map((s) =>
          roles ? (
            <div key={s.id} className="flex flex-wrap items-center gap-3">
              <Checkbox
                label={s.name}
                name="serverIds"
                value={s.id}
                defaultChecked={current?.serverIds.includes(s.id) ?? false}
              />
              <ServerRoleSelect server={s} roles={roles} current={current} />
            </div>
          ) : (
            <Checkbox
              key={s.id}
              label={s.name}
              name="serverIds"
              value={s.id}
              defaultChecked={current?.serverIds.includes(s.id) ?? false}
            />
          ),
        )}
      </div>
      {errorText ? <p className="text-xs text-red-600 dark:text-red-400">{errorText}</p> : null}
    </fieldset>
  );
}

/**
 * The role on one server: the main role, or another role (applies on the checked servers; for
 * "all servers" members on that server whatever the checkboxes say).
 */
function ServerRoleSelect({
  server,
  roles,
  current,
}: {
  server: Props["servers"][number];
  roles: RoleOption[];
  current: Pick<TeamMemberDto, "serverRoles"> | null;
}) {
  const held = current?.serverRoles.find((r) => r.serverId === server.id);
  // Keep a role the manager cannot offer visible rather than silently dropping it.
  const options = [
    ...roles.filter((r) => r.id !== "OWNER"),
    ...(held && !roles.some((r) => r.id === held.roleId) ? [{ id: held.roleId, name: held.roleName }] : []),
  ];
  return (
    <select
      name="serverRoles"
      aria-label={`Role on ${server.name}`}
      defaultValue={held ? `${server.id}:${held.roleId}` : ""}
      className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
    >
      <option value="">Main role</option>
      {options.map((r) => (
        <option key={r.id} value={`${server.id}:${r.id}`}>
          {r.name}
        </option>
      ))}
    </select>
  );
}

const serverName = (servers: Props["servers"], id: string) =>
  servers.find((s) => s.id === id)?.name ?? "another server";

function accessSummary(member: TeamMemberDto, servers: Props["servers"]): string {
  if (member.allServers) return "all servers";
  if (member.serverIds.length === 0) return "no servers";
  return member.serverIds.map((id) => serverName(servers, id)).join(", ");
}

/** "Admin; Moderator on C": the main role, then each per-server role. */
function rolesSummary(member: TeamMemberDto, servers: Props["servers"]): string {
  const perServer = member.serverRoles.map((r) => `${r.roleName} on ${serverName(servers, r.serverId)}`);
  return [member.roleName, ...perServer].join("; ");
}

export function TeamManager({
  members,
  servers,
  canGrantAll,
  assignableRoles,
  canManageRoles,
  actions,
}: Props) {
  const [inviteState, inviteAction, invitePending] = useActionState(actions.invite, null);
  const inviteErrors = inviteState && !inviteState.ok ? inviteState.error.fieldErrors : undefined;
  return (
    <div className="space-y-8">
      <div className="flex items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">Team</h1>
        {canManageRoles ? (
          <Link href="/team/roles" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
            Roles
          </Link>
        ) : null}
      </div>
      <Card className="space-y-4">
        <h2 className="font-semibold">Invite a member</h2>
        <ActionForm action={inviteAction} className="space-y-4" noValidate>
          {inviteState && !inviteState.ok ? <Notice tone="error">{inviteState.error.message}</Notice> : null}
          {inviteState?.ok ? (
            <Notice tone="success">
              Send this one-time link to the new member (valid until{" "}
              {formatDateTime(inviteState.data.expiresAt)}):{" "}
              <output aria-label="Invite link" className="block break-all font-mono text-xs">
                {inviteState.data.link}
              </output>
            </Notice>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label="Email" name="email" type="email" required error={inviteErrors?.email} />
            <SelectField
              label="Role"
              name="role"
              defaultValue={
                assignableRoles.some((r) => r.id === "VIEWER") ? "VIEWER" : assignableRoles[0]?.id
              }
              error={inviteErrors?.role}
            >
              {assignableRoles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </SelectField>
          </div>
          <ServerAccess servers={servers} canGrantAll={canGrantAll} current={null} errors={inviteErrors} />
          <Button type="submit" disabled={invitePending}>
            Create invite link
          </Button>
        </ActionForm>
      </Card>
      <section aria-labelledby="members-heading" className="space-y-4">
        <h2 id="members-heading" className="font-semibold">
          Members
        </h2>
        <ul className="space-y-3">
          {members.map((m) => (
            <li key={m.id}>
              <MemberRow
                member={m}
                servers={servers}
                canGrantAll={canGrantAll}
                assignableRoles={assignableRoles}
                actions={actions}
              />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function MemberRow({
  member,
  servers,
  canGrantAll,
  assignableRoles,
  actions,
}: { member: TeamMemberDto } & Pick<Props, "servers" | "canGrantAll" | "assignableRoles" | "actions">) {
  const [updateState, updateAction, updatePending] = useActionState(actions.update, null);
  const [disableState, disableAction, disablePending] = useActionState(actions.setDisabled, null);
  const [resetState, resetAction, resetPending] = useActionState(actions.resetTwoFactor, null);
  const [editing, setEditing] = useState(false);
  const error =
    (updateState && !updateState.ok && updateState.error.message) ||
    (disableState && !disableState.ok && disableState.error.message) ||
    (resetState && !resetState.ok && resetState.error.message);
  return (
    <Card className="space-y-3" aria-label={`Member ${member.email}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <p className="font-medium">
            {member.name} <span className="text-sm text-zinc-500">({member.email})</span>
          </p>
          <p className="text-xs text-zinc-500">
            {rolesSummary(member, servers)} · {member.disabled ? "disabled" : "active"} ·{" "}
            {accessSummary(member, servers)} · {member.twoFactor ? "2FA on" : "no 2FA"} · last sign-in{" "}
            {formatDateTime(member.lastLoginAt)}
          </p>
        </div>
        {member.manageable ? (
          <div className="flex gap-2">
            <Button
              variant="secondary"
              aria-expanded={editing}
              onClick={() => setEditing((e) => !e)}
              aria-label={`Change ${member.email}`}
            >
              Change
            </Button>
            <ActionForm action={disableAction}>
              <input type="hidden" name="userId" value={member.id} />
              <input type="hidden" name="disabled" value={member.disabled ? "false" : "true"} />
              <Button
                type="submit"
                variant={member.disabled ? "secondary" : "danger"}
                disabled={disablePending}
                aria-label={`${member.disabled ? "Enable" : "Disable"} ${member.email}`}
              >
                {member.disabled ? "Enable" : "Disable"}
              </Button>
            </ActionForm>
            {member.twoFactor ? (
              <ActionForm action={resetAction}>
                <input type="hidden" name="userId" value={member.id} />
                <Button
                  type="submit"
                  variant="secondary"
                  disabled={resetPending}
                  aria-label={`Reset two-factor sign-in of ${member.email}`}
                >
                  Reset 2FA
                </Button>
              </ActionForm>
            ) : null}
          </div>
        ) : null}
      </div>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {editing && member.manageable ? (
        <ActionForm action={updateAction} className="space-y-3">
          <input type="hidden" name="userId" value={member.id} />
          <SelectField label="Role" name="role" defaultValue={member.role}>
            {assignableRoles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </SelectField>
          <ServerAccess
            servers={servers}
            canGrantAll={canGrantAll}
            current={member}
            roles={assignableRoles}
            errors={updateState && !updateState.ok ? updateState.error.fieldErrors : undefined}
          />
          <Button type="submit" disabled={updatePending}>
            Save member
          </Button>
        </ActionForm>
      ) : null}
    </Card>
  );
}
