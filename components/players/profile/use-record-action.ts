"use client";

import { useCallback, useState, useTransition, type FormEvent } from "react";
import type { Result } from "@/lib/result";
import type { RecordAction } from "./types";

/**
 * Runs a record action from a form: pending state, the server's refusal (message and field errors)
 * kept for display, and `onDone` after success (the profile reloads itself).
 */
export function useRecordAction(action: RecordAction, onDone?: () => void) {
  const [result, setResult] = useState<Result<unknown> | null>(null);
  const [pending, startTransition] = useTransition();

  const run = useCallback(
    (formData: FormData) => {
      startTransition(async () => {
        const outcome = await action(null, formData);
        setResult(outcome);
        if (outcome.ok) onDone?.();
      });
    },
    [action, onDone],
  );

  const onSubmit = useCallback(
    (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      run(new FormData(event.currentTarget));
    },
    [run],
  );

  const error = result && !result.ok ? result.error : null;
  return {
    run,
    onSubmit,
    pending,
    error,
    fieldErrors: error?.fieldErrors,
    done: result?.ok === true,
    reset: () => setResult(null),
  };
}

/** FormData from plain fields (arrays become repeated keys). */
export function formData(fields: Record<string, string | readonly string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string") data.append(key, value);
    else for (const item of value) data.append(key, item);
  }
  return data;
}
