"use client";

import { startTransition, type FormEvent, type FormHTMLAttributes, type ReactNode } from "react";

/**
 * A form bound to a useActionState dispatcher that, unlike `<form action>`, does not reset its
 * fields after every submission: a validation error must never wipe what the user typed.
 */
export function ActionForm({
  action,
  children,
  ...props
}: { action: (formData: FormData) => void; children: ReactNode } & Omit<
  FormHTMLAttributes<HTMLFormElement>,
  "action" | "onSubmit"
>) {
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => action(formData));
  }
  return (
    <form onSubmit={onSubmit} {...props}>
      {children}
    </form>
  );
}
