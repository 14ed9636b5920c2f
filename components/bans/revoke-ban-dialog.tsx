"use client";

import { useActionState, useEffect } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

/** Revoke one ban with a reason; the ban stays in the table as revoked (who, when, why). */
export function RevokeBanDialog({
  ban,
  action,
  onClose,
}: {
  ban: { id: string; title: string } | null;
  action: FormAction<{ id: string }>;
  onClose: () => void;
}) {
  return (
    <Dialog open={ban !== null} onClose={onClose} title={ban ? `Revoke ban for ${ban.title}` : "Revoke ban"}>
      {ban ? <RevokeForm key={ban.id} id={ban.id} action={action} onClose={onClose} /> : null}
    </Dialog>
  );
}

function RevokeForm({
  id,
  action,
  onClose,
}: {
  id: string;
  action: FormAction<{ id: string }>;
  onClose: () => void;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok) onClose();
  }, [state, onClose]);
  return (
    <ActionForm action={dispatch} className="space-y-4">
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      <input type="hidden" name="id" value={id} />
      <TextField
        label="Reason for revoking"
        name="reason"
        required
        maxLength={200}
        error={state && !state.ok ? state.error.fieldErrors?.reason : undefined}
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={pending}>
          Revoke
        </Button>
      </div>
    </ActionForm>
  );
}
