"use client";

import { ActionForm } from "@/components/forms/action-form";
import { signOut } from "next-auth/react";
import { useActionState, useEffect } from "react";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

export function ChangePasswordForm({ action }: { action: FormAction<{ changed: true }> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  useEffect(() => {
    // Every session of this user ended with the change; sign in again with the new password.
    if (state?.ok) void signOut({ callbackUrl: "/login?notice=password-changed" });
  }, [state]);
  return (
    <ActionForm action={formAction} className="space-y-4" noValidate>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        error={errors?.currentPassword}
      />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={errors?.password}
        hint="At least 10 characters; a few uncommon words work well. Common passwords, repeats and your name are refused."
      />
      <TextField
        label="Confirm new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        error={errors?.confirmPassword}
      />
      <Button type="submit" disabled={pending}>
        Change password
      </Button>
    </ActionForm>
  );
}
