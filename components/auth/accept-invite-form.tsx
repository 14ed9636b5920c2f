"use client";

import { ActionForm } from "@/components/forms/action-form";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

export function AcceptInviteForm({ token, email, role, action }: { token: string; email: string; role: string; action: FormAction<{ email: string }> }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  useEffect(() => {
    if (state?.ok) router.replace("/login?notice=welcome");
  }, [state, router]);
  return (
    <ActionForm action={formAction} className="space-y-4" noValidate>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        You are invited as <strong>{role.toLowerCase()}</strong> with the email <strong>{email}</strong>.
      </p>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      <input type="hidden" name="token" value={token} />
      <TextField label="Name" name="name" autoComplete="name" required error={errors?.name} />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" required error={errors?.password} hint="At least 10 characters." />
      <TextField label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" required error={errors?.confirmPassword} />
      <Button type="submit" className="w-full" disabled={pending}>
        Create account
      </Button>
    </ActionForm>
  );
}
