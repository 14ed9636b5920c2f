"use client";

/**
 * The Commands page: the custom commands Admins define (name, typed arguments, a template per game
 * or family, allowed roles, dangerous flag). The whole definition goes to the server as one JSON
 * field; the server validates everything (lib/commands/definition.ts) and answers field errors.
 */
import { useActionState, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox, SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { ARGUMENT_TYPES, type ArgumentDefinition, type ArgumentType } from "@/lib/commands/arguments";
import { FAMILY_PREFIX, TEMPLATE_KEYS, templateKeyLabel } from "@/lib/commands/definition";
import type { CustomCommandDto } from "@/server/data/custom-commands";

interface Actions {
  save: FormAction<{ id: string }>;
  remove: FormAction<{ id: string }>;
}

/** One argument row as typed (strings until submitted). */
interface ArgumentRow {
  type: ArgumentType;
  name: string;
  label: string;
  values: string;
  min: string;
  max: string;
  integer: boolean;
  unit: "seconds" | "minutes";
  maxLength: string;
}

const EMPTY_ROW: ArgumentRow = {
  type: "choice",
  name: "",
  label: "",
  values: "",
  min: "",
  max: "",
  integer: true,
  unit: "seconds",
  maxLength: "100",
};

function toRow(a: ArgumentDefinition): ArgumentRow {
  switch (a.type) {
    case "choice":
      return { ...EMPTY_ROW, type: a.type, name: a.name, label: a.label, values: a.values.join(", ") };
    case "number":
      return { ...EMPTY_ROW, ...a, min: String(a.min), max: String(a.max) };
    case "duration":
      return { ...EMPTY_ROW, ...a, min: String(a.minSeconds), max: String(a.maxSeconds) };
    case "player":
      return { ...EMPTY_ROW, type: a.type, name: a.name, label: a.label };
    case "text":
      return { ...EMPTY_ROW, type: a.type, name: a.name, label: a.label, maxLength: String(a.maxLength) };
  }
}

function fromRow(r: ArgumentRow): unknown {
  const base = { name: r.name.trim(), label: r.label.trim() };
  switch (r.type) {
    case "choice":
      return {
        ...base,
        type: r.type,
        values: r.values
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== ""),
      };
    case "number":
      return { ...base, type: r.type, min: Number(r.min), max: Number(r.max), integer: r.integer };
    case "duration":
      return { ...base, type: r.type, minSeconds: Number(r.min), maxSeconds: Number(r.max), unit: r.unit };
    case "player":
      return { ...base, type: r.type };
    case "text":
      return { ...base, type: r.type, maxLength: Number(r.maxLength) };
  }
}

export function CommandManager({
  commands,
  roles,
  canEdit,
  actions,
}: {
  commands: CustomCommandDto[];
  roles: { id: string; name: string }[];
  canEdit: boolean;
  actions: Actions;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Commands</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Named actions with typed arguments that roles with “run custom commands” get as buttons on the
          server page, without raw console access. Text arguments are quoted or refused the way each game
          needs.
        </p>
      </div>
      {!canEdit ? <Notice tone="info">Only an Admin of every server may define commands.</Notice> : null}
      {commands.length === 0 ? <p className="text-sm text-zinc-500">No custom commands yet.</p> : null}
      <ul className="space-y-3">
        {commands.map((command) => (
          <li key={command.id}>
            <Card aria-label={`Command ${command.name}`} className="space-y-2">
              <div className="flex flex-wrap items-center gap-2">
                <p className="font-medium">{command.name}</p>
                {command.dangerous ? <span className="text-xs text-red-600">needs confirmation</span> : null}
                <span className="text-xs text-zinc-500">
                  {command.roleIds.length === 0
                    ? "every role that runs commands"
                    : command.roleIds.map((id) => roles.find((r) => r.id === id)?.name ?? id).join(", ")}
                </span>
              </div>
              {command.description ? <p className="text-sm text-zinc-600">{command.description}</p> : null}
              <ul className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
                {Object.entries(command.templates).map(([key, template]) => (
                  <li key={key}>
                    {templateKeyLabel(key)}: {template}
                  </li>
                ))}
              </ul>
              {canEdit ? (
                <div className="flex gap-2">
                  <Button
                    variant="secondary"
                    onClick={() => setEditing(editing === command.id ? null : command.id)}
                  >
                    {editing === command.id ? "Close" : "Edit"}
                  </Button>
                  <DeleteForm id={command.id} name={command.name} action={actions.remove} />
                </div>
              ) : null}
              {editing === command.id ? (
                <CommandForm command={command} roles={roles} action={actions.save} />
              ) : null}
            </Card>
          </li>
        ))}
      </ul>
      {canEdit ? (
        <Card>
          <h2 className="mb-2 text-lg font-semibold">New command</h2>
          <CommandForm roles={roles} action={actions.save} />
        </Card>
      ) : null}
    </div>
  );
}

function DeleteForm({ id, name, action }: { id: string; name: string; action: Actions["remove"] }) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <ActionForm action={dispatch}>
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="danger" disabled={pending} aria-label={`Delete ${name}`}>
        Delete
      </Button>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
    </ActionForm>
  );
}

function CommandForm({
  command,
  roles,
  action,
}: {
  command?: CustomCommandDto;
  roles: { id: string; name: string }[];
  action: Actions["save"];
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const [name, setName] = useState(command?.name ?? "");
  const [description, setDescription] = useState(command?.description ?? "");
  const [rows, setRows] = useState<ArgumentRow[]>(command?.arguments.map(toRow) ?? []);
  const [templates, setTemplates] = useState<Record<string, string>>(command?.templates ?? {});
  const [roleIds, setRoleIds] = useState<string[]>(command?.roleIds ?? []);
  const [dangerous, setDangerous] = useState(command?.dangerous ?? false);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  const definition = JSON.stringify({
    name,
    description,
    arguments: rows.map(fromRow),
    templates,
    roleIds,
    dangerous,
  });
  const update = (i: number, patch: Partial<ArgumentRow>) =>
    setRows((current) => current.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const families = TEMPLATE_KEYS.filter((k) => k.startsWith(FAMILY_PREFIX));
  const games = TEMPLATE_KEYS.filter((k) => !k.startsWith(FAMILY_PREFIX));
  const templateField = (key: string) => (
    <TextField
      key={key}
      label={templateKeyLabel(key)}
      value={templates[key] ?? ""}
      onChange={(e) => setTemplates({ ...templates, [key]: e.target.value })}
      className="font-mono"
      placeholder="e.g. changelevel {map}"
    />
  );
  return (
    <ActionForm
      action={dispatch}
      className="space-y-4"
      aria-label={command ? `Edit ${command.name}` : "New command"}
    >
      {command ? <input type="hidden" name="id" value={command.id} /> : null}
      <input type="hidden" name="definition" value={definition} />
      <div className="grid gap-3 md:grid-cols-2">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors?.name}
          required
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={errors?.description}
        />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Arguments</legend>
        {rows.map((row, i) => (
          <div
            key={i}
            className="grid gap-2 rounded-md border border-zinc-200 p-2 md:grid-cols-4 dark:border-zinc-800"
          >
            <SelectField
              label={`Argument ${i + 1} type`}
              value={row.type}
              onChange={(e) => update(i, { type: e.target.value as ArgumentType })}
            >
              {ARGUMENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </SelectField>
            <TextField
              label={`Argument ${i + 1} placeholder name`}
              value={row.name}
              onChange={(e) => update(i, { name: e.target.value })}
              hint={row.name ? `{${row.name}} in templates` : undefined}
            />
            <TextField
              label={`Argument ${i + 1} label`}
              value={row.label}
              onChange={(e) => update(i, { label: e.target.value })}
            />
            {row.type === "choice" ? (
              <TextField
                label={`Argument ${i + 1} choices (comma-separated)`}
                value={row.values}
                onChange={(e) => update(i, { values: e.target.value })}
              />
            ) : null}
            {row.type === "number" || row.type === "duration" ? (
              <>
                <TextField
                  label={`Argument ${i + 1} minimum${row.type === "duration" ? " (seconds)" : ""}`}
                  inputMode="decimal"
                  value={row.min}
                  onChange={(e) => update(i, { min: e.target.value })}
                />
                <TextField
                  label={`Argument ${i + 1} maximum${row.type === "duration" ? " (seconds)" : ""}`}
                  inputMode="decimal"
                  value={row.max}
                  onChange={(e) => update(i, { max: e.target.value })}
                />
              </>
            ) : null}
            {row.type === "number" ? (
              <Checkbox
                label="Whole numbers"
                checked={row.integer}
                onChange={(e) => update(i, { integer: e.target.checked })}
              />
            ) : null}
            {row.type === "duration" ? (
              <SelectField
                label={`Argument ${i + 1} written as`}
                value={row.unit}
                onChange={(e) => update(i, { unit: e.target.value as ArgumentRow["unit"] })}
              >
                <option value="seconds">seconds</option>
                <option value="minutes">minutes</option>
              </SelectField>
            ) : null}
            {row.type === "text" ? (
              <TextField
                label={`Argument ${i + 1} maximum length`}
                inputMode="numeric"
                value={row.maxLength}
                onChange={(e) => update(i, { maxLength: e.target.value })}
              />
            ) : null}
            <Button variant="ghost" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              Remove argument {i + 1}
            </Button>
          </div>
        ))}
        {errors?.arguments ? <p className="text-xs text-red-600">{errors.arguments.join(" ")}</p> : null}
        <Button variant="secondary" onClick={() => setRows([...rows, { ...EMPTY_ROW }])}>
          Add argument
        </Button>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Command per game</legend>
        <p className="text-xs text-zinc-500">
          Write the command with {"{name}"} where an argument goes. A game without its own line uses its
          family&apos;s; a server whose game has neither does not offer the command.
        </p>
        <div className="grid gap-2 md:grid-cols-3">{families.map(templateField)}</div>
        <details>
          <summary className="cursor-pointer text-sm">Per game</summary>
          <div className="mt-2 grid gap-2 md:grid-cols-3">{games.map(templateField)}</div>
        </details>
        {errors?.templates ? <p className="text-xs text-red-600">{errors.templates.join(" ")}</p> : null}
      </fieldset>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">
          Roles allowed (none ticked: every role that runs custom commands)
        </legend>
        <div className="flex flex-wrap gap-4">
          {roles.map((role) => (
            <Checkbox
              key={role.id}
              label={role.name}
              checked={roleIds.includes(role.id)}
              onChange={(e) =>
                setRoleIds(e.target.checked ? [...roleIds, role.id] : roleIds.filter((id) => id !== role.id))
              }
            />
          ))}
        </div>
        {errors?.roleIds ? <p className="text-xs text-red-600">{errors.roleIds.join(" ")}</p> : null}
      </fieldset>
      <Checkbox
        label="Dangerous: ask for a confirmation at every run"
        checked={dangerous}
        onChange={(e) => setDangerous(e.target.checked)}
      />
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {state?.ok ? <Notice tone="success">Saved.</Notice> : null}
      <Button type="submit" disabled={pending}>
        {command ? "Save command" : "Create command"}
      </Button>
    </ActionForm>
  );
}
