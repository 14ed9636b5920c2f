"use client";

/**
 * The game's native-only bans (drift): held by the game, known to no central ban here. Adopt makes
 * one a central ban on this server; Remove asks the next sync pass to lift it natively.
 */
import { useActionState, useEffect } from "react";
import { useRouter } from "next/navigation";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import type { NativeOnlyBanDto } from "@/server/data/ban-drift";

type Actions = { adopt: FormAction<{ id: string }>; remove: FormAction<{ id: string }> };

export function NativeOnlyBans({
  rows,
  manage,
  actions,
}: {
  rows: NativeOnlyBanDto[];
  manage: boolean;
  actions: Actions;
}) {
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-semibold">Native-only bans (drift)</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">The game holds no bans that RconDeck does not know.</p>
      ) : (
        <table aria-label="Native-only bans" className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
            <tr>
              <th scope="col" className="px-3 py-2">
                Identifier
              </th>
              <th scope="col" className="px-3 py-2">
                Reason
              </th>
              <th scope="col" className="px-3 py-2">
                Time left
              </th>
              {manage ? (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <NativeRow key={row.id} row={row} manage={manage} actions={actions} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function NativeRow({ row, manage, actions }: { row: NativeOnlyBanDto; manage: boolean; actions: Actions }) {
  const label = row.value ?? `${row.kind} (hidden)`;
  return (
    <tr aria-label={label} className="border-b border-zinc-100 align-top dark:border-zinc-800">
      <td className="px-3 py-2 font-mono text-xs">
        {row.kind}: {row.value ?? "hidden"}
      </td>
      <td className="max-w-64 px-3 py-2">{row.reason || "—"}</td>
      <td className="whitespace-nowrap px-3 py-2">
        {row.minutesLeft === null ? "permanent" : `${row.minutesLeft} min`}
        {row.removeRequested ? <div className="text-xs text-zinc-500">removal requested</div> : null}
        {row.removeError ? (
          <div className="text-xs text-red-700 dark:text-red-400">{row.removeError}</div>
        ) : null}
      </td>
      {manage ? (
        <td className="whitespace-nowrap px-3 py-2 text-right">
          <RowAction id={row.id} action={actions.adopt} label={`Adopt native ban ${label}`} text="Adopt" />
          {row.removeRequested ? null : (
            <RowAction
              id={row.id}
              action={actions.remove}
              label={`Remove native ban ${label}`}
              text="Remove"
              danger
            />
          )}
        </td>
      ) : null}
    </tr>
  );
}

function RowAction({
  id,
  action,
  label,
  text,
  danger,
}: {
  id: string;
  action: FormAction<{ id: string }>;
  label: string;
  text: string;
  danger?: boolean;
}) {
  const router = useRouter();
  const [state, dispatch, pending] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <ActionForm action={dispatch} className="inline">
      <input type="hidden" name="id" value={id} />
      <Button
        type="submit"
        variant="ghost"
        aria-label={label}
        disabled={pending}
        className={danger ? "px-2 py-1 text-xs text-red-700 dark:text-red-400" : "px-2 py-1 text-xs"}
      >
        {text}
      </Button>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
    </ActionForm>
  );
}
