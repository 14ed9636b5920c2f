"use client";

/**
 * Ban by identifier, for a player who is not online: one row per identifier (kind + value, each
 * checked by the server with its own field error), reason, note, duration and scope.
 */
import { useActionState, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { IDENTIFIER_KINDS, IDENTIFIER_LABELS, type IdentifierKind } from "@/lib/bans/identifiers";
import { DurationField } from "./duration-field";
import type { NamedRef } from "./types";

const CONTROL =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

interface Props {
  servers: NamedRef[];
  lists: NamedRef[];
  /** Admins of every server may ban everywhere and on lists; others choose servers. */
  everywhere: boolean;
  limit: string | null;
  action: FormAction<{ id: string }>;
}

export function AddBanForm({ servers, lists, everywhere, limit, action }: Props) {
  const [state, dispatch, pending] = useActionState(action, null);
  const [rows, setRows] = useState<{ key: number; kind: IdentifierKind }[]>([{ key: 0, kind: "steam" }]);
  const [duration, setDuration] = useState(limit ? "1d" : "7d");
  const [scope, setScope] = useState(everywhere ? "all" : "servers");
  // Stays open across submissions (results show inside); only the user folds it.
  const [open, setOpen] = useState(false);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  return (
    <Card>
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary className="cursor-pointer font-semibold">Add a ban by identifier</summary>
        <ActionForm action={dispatch} aria-label="Add a ban" className="mt-4 space-y-4">
          {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
          {state?.ok ? <Notice tone="success">Ban added.</Notice> : null}
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Identifiers</legend>
            {rows.map((row, i) => (
              <div key={row.key} className="space-y-1">
                <div className="flex gap-2">
                  <select
                    name="identifierKind"
                    aria-label={`Identifier ${i + 1} kind`}
                    value={row.kind}
                    onChange={(e) =>
                      setRows(
                        rows.map((r) =>
                          r.key === row.key ? { ...r, kind: e.target.value as IdentifierKind } : r,
                        ),
                      )
                    }
                    className={CONTROL}
                  >
                    {IDENTIFIER_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {IDENTIFIER_LABELS[k]}
                      </option>
                    ))}
                  </select>
                  <input
                    name="identifierValue"
                    aria-label={`Identifier ${i + 1} value`}
                    maxLength={200}
                    aria-invalid={errors?.[`identifiers.${i}`] ? true : undefined}
                    className={`${CONTROL} flex-1 font-mono`}
                  />
                  {rows.length > 1 ? (
                    <Button
                      variant="ghost"
                      className="px-2 py-1 text-xs"
                      aria-label={`Remove identifier ${i + 1}`}
                      onClick={() => setRows(rows.filter((r) => r.key !== row.key))}
                    >
                      Remove
                    </Button>
                  ) : null}
                </div>
                {errors?.[`identifiers.${i}`] ? (
                  <p className="text-xs text-red-600 dark:text-red-400">
                    {errors[`identifiers.${i}`]!.join(" ")}
                  </p>
                ) : null}
              </div>
            ))}
            {errors?.identifiers ? (
              <p className="text-xs text-red-600 dark:text-red-400">{errors.identifiers.join(" ")}</p>
            ) : null}
            {rows.length < 20 ? (
              <Button
                variant="secondary"
                className="px-2 py-1 text-xs"
                onClick={() =>
                  setRows([...rows, { key: Math.max(...rows.map((r) => r.key)) + 1, kind: "ip" }])
                }
              >
                Add identifier
              </Button>
            ) : null}
          </fieldset>
          <TextField
            label="Player name (optional)"
            name="playerName"
            maxLength={64}
            error={errors?.playerNames}
          />
          <TextField label="Reason" name="reason" maxLength={200} error={errors?.reason} />
          <TextField label="Note (staff only)" name="note" maxLength={2000} error={errors?.note} />
          <DurationField value={duration} onChange={setDuration} limit={limit} error={errors?.duration} />
          <fieldset className="space-y-1 text-sm">
            <legend className="font-medium">Scope</legend>
            {[
              ...(everywhere ? [["all", "All servers"]] : []),
              ["servers", "Chosen servers"],
              ...(everywhere && lists.length > 0 ? [["list", "A ban list"]] : []),
            ].map(([value, label]) => (
              <label key={value} className="mr-4 inline-flex items-center gap-1">
                <input
                  type="radio"
                  name="scope"
                  value={value}
                  checked={scope === value}
                  onChange={() => setScope(value!)}
                />
                {label}
              </label>
            ))}
            {scope === "servers" ? (
              <div className="flex flex-wrap gap-3 pt-1">
                {servers.map((s) => (
                  <label key={s.id} className="inline-flex items-center gap-1">
                    <input type="checkbox" name="serverIds" value={s.id} />
                    {s.name}
                  </label>
                ))}
              </div>
            ) : null}
            {scope === "list" ? (
              <select name="banListId" aria-label="Ban list" className={CONTROL}>
                {lists.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            ) : null}
            {errors?.target ? (
              <p className="text-xs text-red-600 dark:text-red-400">{errors.target.join(" ")}</p>
            ) : null}
          </fieldset>
          <Button type="submit" variant="danger" disabled={pending}>
            Add ban
          </Button>
        </ActionForm>
      </details>
    </Card>
  );
}
