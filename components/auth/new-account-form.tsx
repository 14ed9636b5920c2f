"use client";

import type { ReactNode } from "react";
import { ActionForm } from "@/components/forms/action-form";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

/**
 * Creating an account from a one-time link: the first-run setup (the Owner, who picks an email)
 * and an invitation (whose email is fixed by the invite). On success, on to sign-in.
 */
export function NewAccountForm({
  token,
  action,
  intro,
  askEmail,
  submitLabel,
}: {
  token: string;
  action: FormAction<{ email: string }>;
  intro: ReactNode;
  askEmail: boolean;
  submitLabel: string;
}) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  useEffect(() => {
    if (state?.ok) router.replace("/login?notice=welcome");
  }, [state, router]);
  return (
    <ActionForm action={formAction} className="space-y-4" noValidate>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{intro}</p>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      <input type="hidden" name="token" value={token} />
      <TextField label="Name" name="name" autoComplete="name" required error={errors?.name} />
      {askEmail ? (
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          error={errors?.email}
        />
      ) : null}
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={errors?.password}
        hint="At least 10 characters; a few uncommon words work well. Common passwords, repeats and your name are refused."
      />
      <TextField
        label="Confirm password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        error={errors?.confirmPassword}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {submitLabel}
      </Button>
    </ActionForm>
  );
}
