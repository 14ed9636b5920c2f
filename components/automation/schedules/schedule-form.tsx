"use client";

import { useActionState, useId, useRef, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Checkbox, SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import {
  argumentsText,
  formatInZone,
  MISSED_RUN_POLICIES,
  SCHEDULE_ACTIONS,
  warningsText,
  type ScheduleActionType,
} from "@/lib/automation/schedules";
import { cn } from "@/lib/utils";
import type { ScheduleDto, ScheduleServerChoice } from "@/server/data/automation/schedules";

type Preview = { nextRuns: string[] } | { error: string } | null;

/** Create or edit one schedule; the next runs are computed by the server while the timing is typed. */
export function ScheduleForm({
  schedule,
  servers,
  commands,
  canTargetAll,
  save,
  preview,
  onDone,
}: {
  schedule: ScheduleDto | null;
  servers: ScheduleServerChoice[];
  commands: { id: string; name: string }[];
  canTargetAll: boolean;
  save: FormAction<{ id: string; name: string }>;
  preview: FormAction<{ nextRuns: string[] }>;
  onDone: () => void;
}) {
  const [state, dispatch, pending] = useActionState(
    async (previous: Awaited<ReturnType<typeof save>> | null, data: FormData) => {
      const result = await save(previous, data);
      if (result.ok && schedule) onDone();
      return result;
    },
    null,
  );
  const action = schedule?.action ?? null;
  const [actionType, setActionType] = useState<ScheduleActionType>(action?.type ?? "broadcast");
  const [timing, setTiming] = useState({
    schedule: schedule?.schedule ?? "",
    timeZone: schedule?.timeZone ?? "UTC",
  });
  const [next, setNext] = useState<Preview>(schedule ? { nextRuns: schedule.nextRuns } : null);
  const pendingPreview = useRef<ReturnType<typeof setTimeout> | null>(null);
  const errors = state && !state.ok ? (state.error.fieldErrors ?? {}) : {};
  const serverIds = new Set(schedule?.servers.map((s) => s.id));

  function changeTiming(change: Partial<typeof timing>) {
    const updated = { ...timing, ...change };
    setTiming(updated);
    if (pendingPreview.current) clearTimeout(pendingPreview.current);
    if (updated.schedule.trim() === "") {
      setNext(null);
      return;
    }
    // Asked once typing pauses: the server reads the expression with the same library the runner uses.
    pendingPreview.current = setTimeout(() => {
      const data = new FormData();
      data.set("schedule", updated.schedule);
      data.set("timeZone", updated.timeZone || "UTC");
      void preview(null, data).then((result) =>
        setNext(result.ok ? result.data : { error: result.error.message }),
      );
    }, 400);
  }

  return (
    <ActionForm
      action={dispatch}
      className="space-y-4"
      aria-label={schedule ? "Edit schedule" : "New schedule"}
    >
      {schedule ? <input type="hidden" name="id" value={schedule.id} /> : null}
      {state?.ok ? <Notice tone="success">Saved &ldquo;{state.data.name}&rdquo;.</Notice> : null}
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      <TextField
        label="Name"
        name="name"
        required
        maxLength={80}
        defaultValue={schedule?.name ?? ""}
        error={errors.name}
      />

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Servers</legend>
        {canTargetAll ? (
          <Checkbox
            label="All servers (also ones added later)"
            name="allServers"
            defaultChecked={schedule?.allServers ?? false}
          />
        ) : null}
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {servers.map((server) => (
            <Checkbox
              key={server.id}
              label={server.name}
              name="servers"
              value={server.id}
              defaultChecked={serverIds.has(server.id)}
            />
          ))}
        </div>
        {errors.servers?.length ? (
          <p className="text-xs text-red-600 dark:text-red-400">{errors.servers.join(" ")}</p>
        ) : null}
      </fieldset>

      <div className="grid gap-4 md:grid-cols-2">
        <TextField
          label="Schedule"
          name="schedule"
          required
          value={timing.schedule}
          onChange={(e) => changeTiming({ schedule: e.target.value })}
          placeholder="every 15 minutes"
          hint='A cron expression ("0 6 * * *"; 6 fields with seconds first) or "every N minutes".'
          error={errors.schedule}
        />
        <TextField
          label="Time zone"
          name="timeZone"
          value={timing.timeZone}
          onChange={(e) => changeTiming({ timeZone: e.target.value })}
          hint="An IANA name, such as Europe/Berlin. Cron times are read in it."
          error={errors.timeZone}
        />
      </div>
      <div role="status" aria-live="polite" className="text-sm">
        {next && "error" in next ? (
          <span className="text-red-600 dark:text-red-400">{next.error}</span>
        ) : null}
        {next && "nextRuns" in next && next.nextRuns.length > 0 ? (
          <span>
            Next runs: {next.nextRuns.map((at) => formatInZone(at, timing.timeZone || "UTC")).join(" · ")}
          </span>
        ) : null}
      </div>

      <SelectField
        label="Action"
        name="action"
        value={actionType}
        onChange={(e) => setActionType(e.target.value as ScheduleActionType)}
        error={errors.action}
      >
        {SCHEDULE_ACTIONS.map((a) => (
          <option key={a.value} value={a.value}>
            {a.label}
          </option>
        ))}
      </SelectField>
      {actionType === "broadcast" || actionType === "restart" ? (
        <TextArea
          label="Message"
          name="message"
          defaultValue={
            action?.type === "broadcast"
              ? action.messages.join("\n")
              : action?.type === "restart"
                ? action.message
                : ""
          }
          hint={
            actionType === "broadcast"
              ? "One message per line: each run sends the next one."
              : 'The warning; {time} becomes "5 minutes", "30 seconds"...'
          }
          error={errors.message}
        />
      ) : null}
      {actionType === "custom" ? (
        <>
          <SelectField
            label="Custom command"
            name="customCommand"
            defaultValue={action?.type === "custom" ? action.commandId : ""}
            error={errors.customCommand}
          >
            <option value="">Choose…</option>
            {commands.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
          <TextArea
            label="Arguments"
            name="arguments"
            defaultValue={action?.type === "custom" ? argumentsText(action.args) : ""}
            hint="One name=value per line; checked by the command's own rules at each run."
            error={errors.arguments}
          />
        </>
      ) : null}
      {actionType === "console" || actionType === "restart" ? (
        <TextField
          label="Command"
          name="command"
          defaultValue={action?.type === "console" || action?.type === "restart" ? action.command : ""}
          hint="Runs under your role's console policy, as you, at each run."
          error={errors.command}
        />
      ) : null}
      {actionType === "restart" ? (
        <TextField
          label="Warnings"
          name="warnings"
          defaultValue={action?.type === "restart" ? warningsText(action.warnings) : "10m, 5m, 1m"}
          hint="How long before the restart each warning goes out."
          error={errors.warnings}
        />
      ) : null}
      {actionType !== "broadcast" ? (
        <Checkbox
          label="Run it even if the game marks the command dangerous"
          name="confirmed"
          defaultChecked={action && action.type !== "broadcast" ? action.confirmed : false}
        />
      ) : null}
      <SelectField
        label="Missed runs"
        name="missedRuns"
        defaultValue={schedule?.missedRuns ?? "skip"}
        error={errors.missedRuns}
      >
        {MISSED_RUN_POLICIES.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </SelectField>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {schedule ? "Save schedule" : "Create schedule"}
        </Button>
        {schedule ? (
          <Button variant="secondary" onClick={onDone}>
            Stop editing
          </Button>
        ) : null}
      </div>
    </ActionForm>
  );
}

function TextArea({
  label,
  hint,
  error,
  ...props
}: {
  label: string;
  hint: string;
  error?: string[] | undefined;
} & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <textarea
        id={id}
        rows={3}
        aria-invalid={error?.length ? true : undefined}
        aria-describedby={`${id}-hint`}
        className={cn(
          "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm dark:border-zinc-700 dark:bg-zinc-900",
          error?.length && "border-red-500",
        )}
        {...props}
      />
      <p id={`${id}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
        {hint}
      </p>
      {error?.length ? <p className="text-xs text-red-600 dark:text-red-400">{error.join(" ")}</p> : null}
    </div>
  );
}
