"use client";

import { useActionState, useState } from "react";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { formatInZone } from "@/lib/automation/schedules";
import type { ScheduleDto, SchedulesPage } from "@/server/data/automation/schedules";
import { ScheduleForm } from "./schedule-form";

export interface ScheduleActions {
  save: FormAction<{ id: string; name: string }>;
  preview: FormAction<{ nextRuns: string[] }>;
  toggle: FormAction<{ id: string }>;
  remove: FormAction<{ id: string }>;
  cancel: FormAction<{ cancelled: number }>;
}

/** The Schedules tab: the form (new or editing), the running restart sequences, the list. */
export function ScheduleManager({
  page,
  canTargetAll,
  actions,
}: {
  page: SchedulesPage;
  canTargetAll: boolean;
  actions: ScheduleActions;
}) {
  const [editing, setEditing] = useState<ScheduleDto | null>(null);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Schedules</h1>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">{editing ? `Edit "${editing.name}"` : "New schedule"}</h2>
        <ScheduleForm
          key={editing?.id ?? "new"}
          schedule={editing}
          servers={page.servers}
          commands={page.commands}
          canTargetAll={canTargetAll}
          save={actions.save}
          preview={actions.preview}
          onDone={() => setEditing(null)}
        />
      </Card>
      {page.running.length > 0 ? (
        <section aria-labelledby="running-heading" className="space-y-2">
          <h2 id="running-heading" className="text-lg font-semibold">
            Restart sequences counting down
          </h2>
          <ul className="space-y-2">
            {page.running.map((run) => (
              <RunningSequence key={`${run.scheduleId} ${run.dueAt}`} run={run} cancel={actions.cancel} />
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="schedules-heading" className="space-y-2">
        <h2 id="schedules-heading" className="text-lg font-semibold">
          Schedules
        </h2>
        {page.schedules.length === 0 ? (
          <p className="text-sm text-zinc-500">No schedules yet.</p>
        ) : (
          <ul className="space-y-3">
            {page.schedules.map((schedule) => (
              <ScheduleItem
                key={schedule.id}
                schedule={schedule}
                actions={actions}
                onEdit={() => setEditing(schedule)}
              />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function formOf(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
}

function RunningSequence({
  run,
  cancel,
}: {
  run: SchedulesPage["running"][number];
  cancel: ScheduleActions["cancel"];
}) {
  const [state, dispatch, pending] = useActionState(cancel, null);
  return (
    <li className="flex flex-wrap items-center gap-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
      <span>
        <strong>{run.scheduleName}</strong>: restart at {formatInZone(run.dueAt, "UTC")} on{" "}
        {run.servers.join(", ")}
      </span>
      <form action={() => dispatch(formOf({ scheduleId: run.scheduleId, dueAt: run.dueAt }))}>
        <Button type="submit" variant="danger" disabled={pending}>
          Cancel
        </Button>
      </form>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
    </li>
  );
}

function ScheduleItem({
  schedule,
  actions,
  onEdit,
}: {
  schedule: ScheduleDto;
  actions: ScheduleActions;
  onEdit: () => void;
}) {
  const [toggleState, toggle, toggling] = useActionState(actions.toggle, null);
  const [removeState, remove, removing] = useActionState(actions.remove, null);
  const failure = [toggleState, removeState].find((s) => s && !s.ok);
  return (
    <li aria-label={schedule.name}>
      <Card className="space-y-2">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h3 className="font-semibold">
            {schedule.name}{" "}
            <span className="text-xs font-normal text-zinc-500">
              {schedule.enabled ? "enabled" : "disabled"}
            </span>
          </h3>
          <div className="flex gap-2">
            <Button variant="secondary" onClick={onEdit}>
              Edit
            </Button>
            <form action={() => toggle(formOf({ id: schedule.id, enabled: String(!schedule.enabled) }))}>
              <Button type="submit" variant="secondary" disabled={toggling}>
                {schedule.enabled ? "Disable" : "Enable"}
              </Button>
            </form>
            <form
              action={() => {
                if (window.confirm(`Delete the schedule "${schedule.name}"?`))
                  remove(formOf({ id: schedule.id }));
              }}
            >
              <Button type="submit" variant="danger" disabled={removing}>
                Delete
              </Button>
            </form>
          </div>
        </div>
        <p className="text-sm">{schedule.actionText}</p>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {schedule.schedule} ({schedule.timeZone}) on{" "}
          {schedule.allServers
            ? "all servers"
            : schedule.servers.map((s) => s.name).join(", ") || "no server"}
          {schedule.ownerName ? `, runs as ${schedule.ownerName}` : ", no owner: it cannot run"}
          {schedule.missedRuns === "run-once" ? "; missed runs: run once" : "; missed runs: skipped"}
        </p>
        {schedule.nextRuns.length > 0 ? (
          <p className="text-sm">
            Next runs: {schedule.nextRuns.map((at) => formatInZone(at, schedule.timeZone)).join(" · ")}
          </p>
        ) : null}
        {schedule.recentRuns.length > 0 ? (
          <details className="text-sm">
            <summary>Recent runs</summary>
            <ul className="mt-1 space-y-1">
              {schedule.recentRuns.map((run) => (
                <li key={run.id}>
                  {formatInZone(run.dueAt, schedule.timeZone)} · {run.serverName} · {run.state}
                  {run.detail ? ` · ${run.detail}` : ""}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {failure && !failure.ok ? <Notice tone="error">{failure.error.message}</Notice> : null}
      </Card>
    </li>
  );
}
