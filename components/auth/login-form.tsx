"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { TWO_FACTOR_PROMPT } from "@/lib/schemas/two-factor";

function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/**
 * Email and password, then (for accounts with two-factor sign-in, when the server answers with the
 * code prompt) the authentication code. No session exists until the code is right: the second step
 * sends the email and password again with the code.
 */
export function LoginForm({ notice }: { notice: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [credentials, setCredentials] = useState<{ email: string; password: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const entered = credentials ?? { email: formText(form, "email"), password: formText(form, "password") };
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      ...entered,
      ...(credentials ? { code: formText(form, "code") } : {}),
      redirect: false,
    });
    setPending(false);
    if (result?.error === TWO_FACTOR_PROMPT && !credentials) {
      setCredentials(entered);
      return;
    }
    if (!result || result.error) {
      setError(
        result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong email or password.",
      );
      return;
    }
    router.replace("/servers");
    router.refresh();
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-4" noValidate>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
      {credentials ? (
        <>
          <p className="text-sm">{TWO_FACTOR_PROMPT}</p>
          <TextField
            key="code"
            label="Authentication code"
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            autoFocus
            required
          />
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? "Checking…" : "Verify"}
          </Button>
          <Button
            type="button"
            variant="ghost"
            className="w-full"
            onClick={() => {
              setCredentials(null);
              setError(null);
            }}
          >
            Start over
          </Button>
        </>
      ) : (
        <>
          <TextField label="Email" name="email" type="email" autoComplete="username" required />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </>
      )}
    </form>
  );
}
