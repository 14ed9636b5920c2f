"use client";

/**
 * The Triggers page: the triggers the user may edit (on servers where it holds automation rights),
 * a form to create or edit one, and the recent firings (dry-run ones marked). The trigger goes to
 * the server as one JSON field; the server validates everything (lib/automation/triggers.ts) and
 * answers field errors keyed by path ("match.pattern").
 */
import { useActionState, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox, SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import {
  EVENTS_WITH_PLAYER,
  PATTERN_KINDS,
  PLAYER_ACTIONS,
  PLAYER_EVENTS,
  TRIGGER_ACTION_LABELS,
  TRIGGER_ACTIONS,
  TRIGGER_EVENT_LABELS,
  TRIGGER_EVENTS,
  type TriggerActionKind,
  type TriggerEvent,
} from "@/lib/automation/triggers";
import type { FiringDto, TriggerCommandChoice, TriggerDto } from "@/server/data/automation/triggers";
import { FiringList } from "./firing-list";

interface Actions {
  save: FormAction<{ id: string }>;
  remove: FormAction<{ id: string }>;
}

type Server = { id: string; name: string };

export function TriggerManager({
  triggers,
  firings,
  servers,
  commands,
  webhooks,
  actions,
}: {
  triggers: TriggerDto[];
  firings: FiringDto[];
  servers: Server[];
  commands: TriggerCommandChoice[];
  webhooks: { id: string; name: string }[];
  actions: Actions;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const serverName = (id: string) => servers.find((s) => s.id === id)?.name ?? id;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Triggers</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          When something happens on a server (a chat line, a join, a count crossing, a ban), act as the
          trigger&apos;s owner with the owner&apos;s permissions. A dry run only records what it would have
          done.
        </p>
      </div>
      {triggers.length === 0 ? <p className="text-sm text-zinc-500">No triggers yet.</p> : null}
      <ul className="space-y-3">
        {triggers.map((trigger) => (
          <li key={trigger.id}>
            <Card aria-label={`Trigger ${trigger.name}`} className="space-y-2">
              <div className="flex flex-wrap items-center gap-2">
                <p className="font-medium">{trigger.name}</p>
                {trigger.dryRun ? <span className="text-xs text-amber-600">dry run</span> : null}
                {!trigger.enabled ? <span className="text-xs text-zinc-500">disabled</span> : null}
                <span className="text-xs text-zinc-500">
                  {TRIGGER_EVENT_LABELS[trigger.event]}
                  {trigger.match.pattern ? ` “${trigger.match.pattern}”` : ""} →{" "}
                  {TRIGGER_ACTION_LABELS[trigger.action.kind]} · on{" "}
                  {trigger.allServers ? "every server" : trigger.serverIds.map(serverName).join(", ")} · owner{" "}
                  {trigger.ownerName ?? "gone"}
                </span>
              </div>
              <div className="flex gap-2">
                <Button
                  variant="secondary"
                  onClick={() => setEditing(editing === trigger.id ? null : trigger.id)}
                >
                  {editing === trigger.id ? "Close" : "Edit"}
                </Button>
                <DeleteForm id={trigger.id} name={trigger.name} action={actions.remove} />
              </div>
              {editing === trigger.id ? (
                <TriggerForm
                  trigger={trigger}
                  servers={servers}
                  commands={commands}
                  webhooks={webhooks}
                  action={actions.save}
                />
              ) : null}
            </Card>
          </li>
        ))}
      </ul>
      <Card>
        <h2 className="mb-2 text-lg font-semibold">New trigger</h2>
        <TriggerForm servers={servers} commands={commands} webhooks={webhooks} action={actions.save} />
      </Card>
      <FiringList firings={firings} />
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

/** What the form edits, as typed (numbers stay strings until the server parses them). */
function initial(trigger?: TriggerDto) {
  return {
    name: trigger?.name ?? "",
    enabled: trigger?.enabled ?? true,
    dryRun: trigger?.dryRun ?? false,
    allServers: trigger?.allServers ?? false,
    serverIds: trigger?.serverIds ?? [],
    event: trigger?.event ?? "chat",
    patternKind: trigger?.match.patternKind ?? "text",
    pattern: trigger?.match.pattern ?? "",
    identityPattern: trigger?.match.identityPattern ?? "",
    watchedOnly: trigger?.match.watchedOnly ?? false,
    threshold: trigger?.match.threshold?.toString() ?? "",
    direction: trigger?.match.direction ?? "up",
    hysteresis: String(trigger?.match.hysteresis ?? 2),
    timeFrom: trigger?.conditions.timeFrom ?? "",
    timeTo: trigger?.conditions.timeTo ?? "",
    timeZone: trigger?.conditions.timeZone ?? "UTC",
    minPlayers: trigger?.conditions.minPlayers?.toString() ?? "",
    maxPlayers: trigger?.conditions.maxPlayers?.toString() ?? "",
    actionKind: trigger?.action.kind ?? "message",
    text: trigger?.action.text ?? "",
    duration: trigger?.action.duration ?? "1d",
    commandId: trigger?.action.commandId ?? "",
    args: trigger?.action.args ?? {},
    confirmed: trigger?.action.confirmed ?? false,
    webhookId: trigger?.action.webhookId ?? "",
    cooldownSeconds: String(trigger?.cooldownSeconds ?? 60),
    perPlayerLimit: trigger?.perPlayerLimit?.toString() ?? "",
    perPlayerWindowSeconds: String(trigger?.perPlayerWindowSeconds ?? 3600),
  };
}
type FormValues = ReturnType<typeof initial>;

function payload(v: FormValues): string {
  return JSON.stringify({
    name: v.name,
    enabled: v.enabled,
    dryRun: v.dryRun,
    allServers: v.allServers,
    serverIds: v.allServers ? [] : v.serverIds,
    event: v.event,
    match: {
      patternKind: v.patternKind,
      pattern: v.pattern,
      identityPattern: v.identityPattern,
      watchedOnly: v.watchedOnly,
      threshold: v.threshold,
      direction: v.direction,
      hysteresis: v.hysteresis,
    },
    conditions: {
      timeFrom: v.timeFrom,
      timeTo: v.timeTo,
      timeZone: v.timeZone,
      minPlayers: v.minPlayers,
      maxPlayers: v.maxPlayers,
    },
    action: {
      kind: v.actionKind,
      text: v.text,
      duration: v.duration,
      commandId: v.commandId,
      args: v.args,
      confirmed: v.confirmed,
      webhookId: v.webhookId,
    },
    cooldownSeconds: v.cooldownSeconds,
    perPlayerLimit: v.perPlayerLimit,
    perPlayerWindowSeconds: v.perPlayerWindowSeconds,
  });
}

const TEXT_LABEL: Record<TriggerActionKind, string> = {
  message: "Message",
  warn: "Warning",
  kick: "Reason",
  ban: "Reason",
  command: "Message",
  webhook: "Message",
};

function TriggerForm({
  trigger,
  servers,
  commands,
  webhooks,
  action,
}: {
  trigger?: TriggerDto;
  servers: Server[];
  commands: TriggerCommandChoice[];
  webhooks: { id: string; name: string }[];
  action: Actions["save"];
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const [v, setV] = useState(() => initial(trigger));
  const set = (patch: Partial<FormValues>) => setV((current) => ({ ...current, ...patch }));
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  const command = commands.find((c) => c.id === v.commandId);
  const patterned = v.event !== "player_count" && v.event !== "server_offline" && v.event !== "server_online";
  const actions = TRIGGER_ACTIONS.filter((a) => !PLAYER_ACTIONS.has(a) || PLAYER_EVENTS.has(v.event));
  return (
    <ActionForm
      action={dispatch}
      className="space-y-4"
      aria-label={trigger ? `Edit ${trigger.name}` : "New trigger"}
    >
      {trigger ? <input type="hidden" name="id" value={trigger.id} /> : null}
      <input type="hidden" name="trigger" value={payload(v)} />
      <TextField
        label="Name"
        value={v.name}
        onChange={(e) => set({ name: e.target.value })}
        error={errors?.name}
        required
      />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Servers</legend>
        <div className="flex flex-wrap gap-4">
          <Checkbox
            label="Every server"
            checked={v.allServers}
            onChange={(e) => set({ allServers: e.target.checked })}
          />
          {servers.map((s) => (
            <Checkbox
              key={s.id}
              label={s.name}
              disabled={v.allServers}
              checked={v.allServers || v.serverIds.includes(s.id)}
              onChange={(e) =>
                set({
                  serverIds: e.target.checked
                    ? [...v.serverIds, s.id]
                    : v.serverIds.filter((id) => id !== s.id),
                })
              }
            />
          ))}
        </div>
        {errors?.serverIds ? <p className="text-xs text-red-600">{errors.serverIds.join(" ")}</p> : null}
      </fieldset>
      <div className="grid gap-3 md:grid-cols-3">
        <SelectField
          label="Event"
          value={v.event}
          onChange={(e) => set({ event: e.target.value as TriggerEvent })}
        >
          {TRIGGER_EVENTS.map((event) => (
            <option key={event} value={event}>
              {TRIGGER_EVENT_LABELS[event]}
            </option>
          ))}
        </SelectField>
        {patterned ? (
          <>
            <SelectField
              label="Pattern type"
              value={v.patternKind}
              onChange={(e) => set({ patternKind: e.target.value as FormValues["patternKind"] })}
            >
              {PATTERN_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {{ text: "Contains text", glob: "Glob (* and ?)", regex: "Regular expression (RE2)" }[kind]}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Pattern"
              value={v.pattern}
              onChange={(e) => set({ pattern: e.target.value })}
              error={errors?.["match.pattern"]}
              hint={
                v.event === "chat"
                  ? "Matched against the chat line"
                  : "Matched against the player's name (empty: anyone)"
              }
            />
          </>
        ) : null}
        {v.event === "join" || v.event === "leave" ? (
          <TextField
            label="Identity pattern"
            value={v.identityPattern}
            onChange={(e) => set({ identityPattern: e.target.value })}
            hint="Glob over SteamID, GUID or address (empty: any)"
          />
        ) : null}
        {v.event === "join" ? (
          <Checkbox
            label="Watched players only"
            checked={v.watchedOnly}
            onChange={(e) => set({ watchedOnly: e.target.checked })}
          />
        ) : null}
        {v.event === "player_count" ? (
          <>
            <TextField
              label="Threshold"
              inputMode="numeric"
              value={v.threshold}
              onChange={(e) => set({ threshold: e.target.value })}
              error={errors?.["match.threshold"]}
            />
            <SelectField
              label="Direction"
              value={v.direction}
              onChange={(e) => set({ direction: e.target.value as "up" | "down" })}
            >
              <option value="up">Rising to it</option>
              <option value="down">Falling to it</option>
            </SelectField>
            <TextField
              label="Hysteresis"
              inputMode="numeric"
              value={v.hysteresis}
              onChange={(e) => set({ hysteresis: e.target.value })}
              hint="How far back before it can fire again"
            />
          </>
        ) : null}
      </div>
      <fieldset className="grid gap-3 md:grid-cols-5">
        <legend className="text-sm font-medium">Conditions</legend>
        <TextField
          label="From (time of day)"
          placeholder="22:00"
          value={v.timeFrom}
          onChange={(e) => set({ timeFrom: e.target.value })}
          error={errors?.["conditions.timeFrom"]}
        />
        <TextField
          label="To (time of day)"
          placeholder="06:00"
          value={v.timeTo}
          onChange={(e) => set({ timeTo: e.target.value })}
          error={errors?.["conditions.timeTo"]}
        />
        <TextField
          label="Time zone"
          value={v.timeZone}
          onChange={(e) => set({ timeZone: e.target.value })}
          error={errors?.["conditions.timeZone"]}
        />
        <TextField
          label="Minimum players"
          inputMode="numeric"
          value={v.minPlayers}
          onChange={(e) => set({ minPlayers: e.target.value })}
        />
        <TextField
          label="Maximum players"
          inputMode="numeric"
          value={v.maxPlayers}
          onChange={(e) => set({ maxPlayers: e.target.value })}
          error={errors?.["conditions.maxPlayers"]}
        />
      </fieldset>
      <div className="grid gap-3 md:grid-cols-3">
        <SelectField
          label="Action"
          value={v.actionKind}
          onChange={(e) => set({ actionKind: e.target.value as TriggerActionKind })}
          error={errors?.["action.kind"]}
        >
          {actions.map((kind) => (
            <option key={kind} value={kind}>
              {TRIGGER_ACTION_LABELS[kind]}
            </option>
          ))}
        </SelectField>
        {v.actionKind !== "command" ? (
          <TextField
            label={TEXT_LABEL[v.actionKind]}
            value={v.text}
            onChange={(e) => set({ text: e.target.value })}
            error={errors?.["action.text"]}
            hint="{player} is the player's name"
          />
        ) : (
          <SelectField
            label="Custom command"
            value={v.commandId}
            onChange={(e) => set({ commandId: e.target.value, args: {} })}
            error={errors?.["action.commandId"]}
          >
            <option value="">Choose…</option>
            {commands.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
        )}
        {v.actionKind === "webhook" ? (
          <SelectField
            label="Webhook"
            value={v.webhookId}
            onChange={(e) => set({ webhookId: e.target.value })}
            error={errors?.["action.webhookId"]}
            hint='It must take "trigger" notices; an empty message sends what happened'
          >
            <option value="">Choose…</option>
            {webhooks.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        {v.actionKind === "ban" ? (
          <TextField
            label="Ban duration"
            value={v.duration}
            onChange={(e) => set({ duration: e.target.value })}
            hint='"30m", "7d" or "permanent"'
          />
        ) : null}
        {v.actionKind === "command" && command
          ? command.arguments.map((arg) => (
              <TextField
                key={arg.name}
                label={`Argument ${arg.label}`}
                value={v.args[arg.name] ?? ""}
                onChange={(e) => set({ args: { ...v.args, [arg.name]: e.target.value } })}
                hint="{player}: the event's player"
              />
            ))
          : null}
        {v.actionKind === "command" && command?.dangerous ? (
          <Checkbox
            label="Confirm this dangerous command for the trigger"
            checked={v.confirmed}
            onChange={(e) => set({ confirmed: e.target.checked })}
          />
        ) : null}
      </div>
      {errors?.["action.confirmed"] ? (
        <p className="text-xs text-red-600">{errors["action.confirmed"].join(" ")}</p>
      ) : null}
      <div className="grid gap-3 md:grid-cols-3">
        <TextField
          label="Cooldown (seconds)"
          inputMode="numeric"
          value={v.cooldownSeconds}
          onChange={(e) => set({ cooldownSeconds: e.target.value })}
          error={errors?.cooldownSeconds}
          hint="Per server"
        />
        {EVENTS_WITH_PLAYER.has(v.event) ? (
          <>
            <TextField
              label="Per-player limit"
              inputMode="numeric"
              value={v.perPlayerLimit}
              onChange={(e) => set({ perPlayerLimit: e.target.value })}
              error={errors?.perPlayerLimit}
              hint="Empty: no limit"
            />
            <TextField
              label="Per-player window (seconds)"
              inputMode="numeric"
              value={v.perPlayerWindowSeconds}
              onChange={(e) => set({ perPlayerWindowSeconds: e.target.value })}
            />
          </>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-4">
        <Checkbox label="Dry run" checked={v.dryRun} onChange={(e) => set({ dryRun: e.target.checked })} />
        <Checkbox label="Enabled" checked={v.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
      </div>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {state?.ok ? <Notice tone="success">Saved.</Notice> : null}
      <Button type="submit" disabled={pending}>
        {trigger ? "Save trigger" : "Create trigger"}
      </Button>
    </ActionForm>
  );
}
