"use client";

import { useActionState, useEffect, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { BanDto } from "@/server/data/bans";
import { DurationField } from "./duration-field";

/** Edit a ban's reason, note and expiry (a new duration counted from now). */
export function EditBanDialog({
  ban,
  title,
  limit,
  action,
  onClose,
}: {
  ban: BanDto | null;
  title: string;
  limit: string | null;
  action: FormAction<{ id: string }>;
  onClose: () => void;
}) {
  return (
    <Dialog open={ban !== null} onClose={onClose} title={`Edit ban for ${title}`}>
      {ban ? <EditForm key={ban.id} ban={ban} limit={limit} action={action} onClose={onClose} /> : null}
    </Dialog>
  );
}

function EditForm({
  ban,
  limit,
  action,
  onClose,
}: {
  ban: BanDto;
  limit: string | null;
  action: FormAction<{ id: string }>;
  onClose: () => void;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const [duration, setDuration] = useState("");
  useEffect(() => {
    if (state?.ok) onClose();
  }, [state, onClose]);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  return (
    <ActionForm action={dispatch} className="space-y-4">
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      <input type="hidden" name="id" value={ban.id} />
      <TextField
        label="Reason"
        name="reason"
        defaultValue={ban.reason}
        required
        maxLength={200}
        error={errors?.reason}
      />
      {ban.note !== undefined ? (
        <TextField
          label="Note (staff only)"
          name="note"
          defaultValue={ban.note ?? ""}
          maxLength={2000}
          error={errors?.note}
        />
      ) : null}
      <DurationField
        value={duration}
        onChange={setDuration}
        limit={limit}
        error={errors?.duration}
        optional
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          Save
        </Button>
      </div>
    </ActionForm>
  );
}
