"use client";

import { useActionState, useEffect } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import type { BulkRevokeResult } from "@/server/data/ban-page";

/** One reason for every selected ban; the server revokes each it may and names the ones it refused. */
export function BulkRevoke({
  ids,
  action,
  onDone,
}: {
  ids: string[];
  action: FormAction<BulkRevokeResult>;
  onDone: () => void;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok && state.data.refused.length === 0) onDone();
  }, [state, onDone]);
  return (
    <ActionForm
      action={dispatch}
      aria-label="Revoke selected bans"
      className="flex flex-wrap items-end gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800"
    >
      {ids.map((id) => (
        <input key={id} type="hidden" name="ids" value={id} />
      ))}
      <label className="text-sm">
        Reason for revoking {ids.length} ban(s)
        <input
          name="reason"
          required
          maxLength={200}
          className="mt-1 block w-72 rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
      </label>
      <Button type="submit" variant="danger" disabled={pending || ids.length === 0}>
        Revoke selected
      </Button>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {state?.ok && state.data.refused.length > 0 ? (
        <Notice tone="error">
          Revoked {state.data.revoked.length}; left {state.data.refused.length}:{" "}
          {[...new Set(state.data.refused.map((r) => r.message))].join(" ")}
        </Notice>
      ) : null}
    </ActionForm>
  );
}
