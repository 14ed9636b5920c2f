"use client";

import Link from "next/link";
import { useActionState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { QUAKE3_DEFAULT_ALLOW, type PolicyGame, type PolicyRole } from "@/lib/commands/policy";
import type { RolePolicyView } from "@/server/data/command-rules";
import { PolicyTester } from "./policy-tester";

type Done = FormAction<{ ruleId: string }>;

interface Props {
  view: RolePolicyView;
  games: readonly PolicyGame[];
  actions: { add: Done; remove: Done; move: Done };
}

function RuleButton({
  action,
  roleId,
  ruleId,
  label,
  name,
  direction,
  disabled,
}: {
  action: Done;
  roleId: string;
  ruleId: string;
  label: string;
  name: string;
  direction?: "up" | "down";
  disabled?: boolean;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <ActionForm action={dispatch} className="inline">
      <input type="hidden" name="roleId" value={roleId} />
      <input type="hidden" name="ruleId" value={ruleId} />
      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
      <Button
        type="submit"
        variant="ghost"
        className="px-2 py-1"
        aria-label={label}
        title={state && !state.ok ? state.error.message : label}
        disabled={pending || disabled}
      >
        {name}
      </Button>
    </ActionForm>
  );
}

function AddRule({ roleId, action }: { roleId: string; action: Done }) {
  const [state, dispatch, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  return (
    <ActionForm action={dispatch} className="grid gap-3 sm:grid-cols-[8rem_1fr_1fr_1fr_auto] sm:items-end">
      <input type="hidden" name="roleId" value={roleId} />
      <SelectField label="Effect" name="effect" defaultValue="deny">
        <option value="deny">Deny</option>
        <option value="allow">Allow</option>
      </SelectField>
      <TextField
        label="Command"
        name="command"
        required
        placeholder="rcon_password"
        error={errors?.command}
        className="font-mono"
        autoComplete="off"
      />
      <TextField
        label="Arguments"
        name="args"
        placeholder="any"
        error={errors?.args}
        className="font-mono"
        autoComplete="off"
      />
      <TextField label="Note" name="note" error={errors?.note} autoComplete="off" />
      <Button type="submit" disabled={pending}>
        Add rule
      </Button>
      {state && !state.ok && !errors ? (
        <div className="sm:col-span-5">
          <Notice tone="error">{state.error.message}</Notice>
        </div>
      ) : null}
    </ActionForm>
  );
}

/** A role's console policy as a readable table (order matters only for the numbers: deny always wins). */
export function ConsolePolicyEditor({ view, games, actions }: Props) {
  const { role, rules, editable, unrestricted } = view;
  const policy: PolicyRole = { id: role.id, name: role.name, unrestricted, rules };
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <p className="text-sm">
          <Link href="/team" className="text-indigo-700 hover:underline dark:text-indigo-300">
            Team
          </Link>{" "}
          / Roles / {role.name}
        </p>
        <h1 className="text-2xl font-semibold">Console policy of “{role.name}”</h1>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
          Each command, and each part of a command chained with <code>;</code>, is checked: a matching deny
          rule refuses it, otherwise a matching allow rule allows it, otherwise the default applies (refuse
          when the role has allow rules, since they list what it may run; otherwise allow; on Quake 3 games
          only {QUAKE3_DEFAULT_ALLOW.join(", ")}, because they broadcast unknown commands to every player).
          Patterns use <code>*</code> (anything) and <code>?</code> (one character); empty arguments match
          any. Dangerous commands always ask for a confirmation.
        </p>
      </div>

      {role.builtIn ? (
        <Notice tone="info">
          {unrestricted
            ? `${role.name} is a built-in role with a fixed policy: every command is allowed (dangerous ones still need a confirmation).`
            : `${role.name} is a built-in role without raw console access; its policy is fixed.`}
        </Notice>
      ) : null}

      <Card className="overflow-x-auto p-0">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Rules of {role.name}</caption>
          <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800">
            <tr>
              <th className="px-3 py-2">#</th>
              <th className="px-3 py-2">Effect</th>
              <th className="px-3 py-2">Command</th>
              <th className="px-3 py-2">Arguments</th>
              <th className="px-3 py-2">Note</th>
              {editable ? (
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rules.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-zinc-500">
                  No rules: the default applies to every command.
                </td>
              </tr>
            ) : (
              rules.map((rule, i) => (
                <tr key={rule.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                  <td className="px-3 py-2 tabular-nums">{i + 1}</td>
                  <td
                    className={
                      rule.effect === "deny"
                        ? "px-3 py-2 font-medium text-red-700 dark:text-red-400"
                        : "px-3 py-2 font-medium text-green-700 dark:text-green-400"
                    }
                  >
                    {rule.effect}
                  </td>
                  <td className="px-3 py-2 font-mono">{rule.command}</td>
                  <td className="px-3 py-2 font-mono">
                    {rule.args ?? <span className="text-zinc-400">any</span>}
                  </td>
                  <td className="px-3 py-2">{rule.note}</td>
                  {editable ? (
                    <td className="px-3 py-2 whitespace-nowrap">
                      <RuleButton
                        action={actions.move}
                        roleId={role.id}
                        ruleId={rule.id}
                        direction="up"
                        name="↑"
                        label={`Move rule ${i + 1} up`}
                        disabled={i === 0}
                      />
                      <RuleButton
                        action={actions.move}
                        roleId={role.id}
                        ruleId={rule.id}
                        direction="down"
                        name="↓"
                        label={`Move rule ${i + 1} down`}
                        disabled={i === rules.length - 1}
                      />
                      <RuleButton
                        action={actions.remove}
                        roleId={role.id}
                        ruleId={rule.id}
                        name="Remove"
                        label={`Remove rule ${i + 1}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </Card>

      {editable ? (
        <Card className="space-y-3 p-4">
          <h2 className="font-semibold">Add a rule</h2>
          {/* Remounted after each change, so a saved rule clears the form. */}
          <AddRule key={rules.length} roleId={role.id} action={actions.add} />
        </Card>
      ) : null}

      <PolicyTester role={policy} games={games} />
    </div>
  );
}
