"use client";

/**
 * The Webhooks page: each webhook with its events, servers, last success, last failure and the
 * recent failed deliveries; create, edit, delete and "Send test". The URL never comes back from
 * the server: a saved one shows as "••• saved", and typing a new one replaces it.
 */
import { useActionState, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox, SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENTS, type WebhookKind } from "@/lib/automation/webhooks";
import type { WebhookDto } from "@/server/data/automation/webhooks";

interface Actions {
  save: FormAction<{ id: string }>;
  remove: FormAction<{ id: string }>;
  test: FormAction<{ id: string }>;
}

interface Server {
  id: string;
  name: string;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");

export function WebhookManager({
  webhooks,
  servers,
  actions,
}: {
  webhooks: WebhookDto[];
  servers: Server[];
  actions: Actions;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const names = new Map(servers.map((s) => [s.id, s.name]));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Webhooks</h1>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Discord or JSON webhooks for bans, kicks, servers going offline or online, watch-list joins, chat
          and trigger actions. Game text never mentions anyone.
        </p>
      </div>
      {webhooks.length === 0 ? <p className="text-sm">No webhooks yet.</p> : null}
      <ul className="space-y-4" aria-label="Webhooks">
        {webhooks.map((hook) => (
          <li key={hook.id}>
            <Card>
              <div className="flex flex-wrap items-start justify-between gap-2">
                <div>
                  <h2 className="text-lg font-semibold">
                    {hook.name}{" "}
                    <span className="text-sm font-normal text-zinc-500">
                      {hook.kind === "discord" ? "Discord" : "JSON"}
                      {hook.enabled ? "" : " · disabled"}
                    </span>
                  </h2>
                  <p className="text-sm">
                    Events: {hook.events.map((e) => WEBHOOK_EVENT_LABELS[e] ?? e).join(", ")}
                    {hook.chatFilter ? ` (chat matching "${hook.chatFilter}")` : ""}
                  </p>
                  <p className="text-sm">
                    Servers:{" "}
                    {hook.allServers
                      ? "All servers"
                      : hook.serverIds.map((id) => names.get(id) ?? id).join(", ")}
                  </p>
                  <p className="text-sm">Last success: {when(hook.lastSuccessAt)}</p>
                  <p className="text-sm">
                    Last failure: {when(hook.lastFailureAt)}
                    {hook.lastError ? ` — ${hook.lastError}` : ""}
                  </p>
                </div>
                <div className="flex gap-2">
                  <SmallAction action={actions.test} id={hook.id} label="Send test" name={hook.name} />
                  <Button
                    variant="secondary"
                    onClick={() => setEditing(editing === hook.id ? null : hook.id)}
                  >
                    {editing === hook.id ? "Close" : "Edit"}
                  </Button>
                  <SmallAction action={actions.remove} id={hook.id} label="Delete" name={hook.name} danger />
                </div>
              </div>
              {hook.recent.length > 0 ? (
                <table
                  className="mt-3 w-full text-left text-sm"
                  aria-label={`Recent failed deliveries of ${hook.name}`}
                >
                  <thead>
                    <tr>
                      <th className="pr-2">When</th>
                      <th className="pr-2">Event</th>
                      <th className="pr-2">State</th>
                      <th className="pr-2">Attempts</th>
                      <th>Error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {hook.recent.map((d) => (
                      <tr key={d.id}>
                        <td className="pr-2">{when(d.at)}</td>
                        <td className="pr-2">{d.event}</td>
                        <td className="pr-2">{d.state}</td>
                        <td className="pr-2">{d.attempts}</td>
                        <td>{d.error}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              {editing === hook.id ? (
                <div className="mt-4">
                  <WebhookForm hook={hook} servers={servers} action={actions.save} />
                </div>
              ) : null}
            </Card>
          </li>
        ))}
      </ul>
      <Card>
        <h2 className="mb-2 text-lg font-semibold">New webhook</h2>
        <WebhookForm servers={servers} action={actions.save} />
      </Card>
    </div>
  );
}

function SmallAction({
  action,
  id,
  label,
  name,
  danger,
}: {
  action: FormAction<{ id: string }>;
  id: string;
  label: string;
  name: string;
  danger?: boolean;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <ActionForm action={dispatch}>
      <input type="hidden" name="id" value={id} />
      <Button
        type="submit"
        variant={danger ? "danger" : "secondary"}
        disabled={pending}
        aria-label={`${label} ${name}`}
      >
        {label}
      </Button>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {state?.ok && label === "Send test" ? (
        <Notice tone="success">Test queued: see Last success.</Notice>
      ) : null}
    </ActionForm>
  );
}

function WebhookForm({
  hook,
  servers,
  action,
}: {
  hook?: WebhookDto;
  servers: Server[];
  action: Actions["save"];
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const [kind, setKind] = useState<WebhookKind>(hook?.kind ?? "discord");
  const [allServers, setAllServers] = useState(hook?.allServers ?? false);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  return (
    <ActionForm
      action={dispatch}
      className="space-y-3"
      aria-label={hook ? `Edit ${hook.name}` : "New webhook"}
    >
      {hook ? <input type="hidden" name="id" value={hook.id} /> : null}
      <div className="grid gap-3 md:grid-cols-2">
        <TextField label="Name" name="name" defaultValue={hook?.name} error={errors?.name} required />
        <SelectField
          label="Kind"
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as WebhookKind)}
        >
          <option value="discord">Discord</option>
          <option value="json">JSON (generic)</option>
        </SelectField>
      </div>
      <TextField
        label="URL"
        name="url"
        type="password"
        autoComplete="off"
        placeholder={hook ? "••• saved (type a new URL to replace it)" : "https://discord.com/api/webhooks/…"}
        error={errors?.url}
        required={!hook}
      />
      <fieldset>
        <legend className="text-sm font-medium">Events</legend>
        <div className="mt-1 grid gap-1 sm:grid-cols-2">
          {WEBHOOK_EVENTS.map((event) => (
            <Checkbox
              key={event}
              name="events"
              value={event}
              label={WEBHOOK_EVENT_LABELS[event]}
              defaultChecked={hook?.events.includes(event) ?? false}
            />
          ))}
        </div>
        {errors?.events ? <p className="text-xs text-red-600">{errors.events.join(" ")}</p> : null}
      </fieldset>
      <TextField
        label="Chat filter"
        name="chatFilter"
        defaultValue={hook?.chatFilter ?? ""}
        hint="Chat relay: only lines matching this pattern (* any text, ? one character), e.g. *admin*. Blank: every line."
        error={errors?.chatFilter}
      />
      <fieldset>
        <legend className="text-sm font-medium">Servers</legend>
        <Checkbox
          name="allServers"
          label="All servers"
          checked={allServers}
          onChange={(e) => setAllServers(e.target.checked)}
        />
        {!allServers ? (
          <div className="mt-1 grid gap-1 sm:grid-cols-2">
            {servers.map((s) => (
              <Checkbox
                key={s.id}
                name="serverIds"
                value={s.id}
                label={s.name}
                defaultChecked={hook?.serverIds.includes(s.id) ?? false}
              />
            ))}
          </div>
        ) : null}
        {errors?.serverIds ? <p className="text-xs text-red-600">{errors.serverIds.join(" ")}</p> : null}
      </fieldset>
      <Checkbox name="enabled" label="Enabled" defaultChecked={hook?.enabled ?? true} />
      <Button type="submit" disabled={pending}>
        {hook ? "Save webhook" : "Create webhook"}
      </Button>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {state?.ok ? <Notice tone="success">Saved.</Notice> : null}
    </ActionForm>
  );
}
