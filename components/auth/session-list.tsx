"use client";

import { signOut } from "next-auth/react";
import { useActionState, useEffect } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { formatDateTime } from "@/lib/utils";
import type { SessionDto } from "@/server/data/sessions";

/** The signed-in user's own browsers: device, address, last seen, and a way to end each or all. */
export function SessionList({
  sessions,
  revokeAction,
  signOutEverywhereAction,
}: {
  sessions: SessionDto[];
  revokeAction: FormAction<{ sessionId: string }>;
  signOutEverywhereAction: FormAction<{ ended: number }>;
}) {
  const [revokeState, revoke, revoking] = useActionState(revokeAction, null);
  const [everywhereState, everywhere, endingAll] = useActionState(signOutEverywhereAction, null);
  const current = sessions.find((s) => s.current)?.id;
  useEffect(() => {
    // This browser's own session ended: leave through next-auth so the cookie goes too.
    if (everywhereState?.ok || (revokeState?.ok && revokeState.data.sessionId === current))
      void signOut({ callbackUrl: "/login" });
  }, [everywhereState, revokeState, current]);
  const failure =
    (revokeState && !revokeState.ok ? revokeState : null) ??
    (everywhereState && !everywhereState.ok ? everywhereState : null);
  return (
    <div className="space-y-4">
      {failure ? <Notice tone="error">{failure.error.message}</Notice> : null}
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Active sessions">
        {sessions.map((session) => (
          <li key={session.id} className="flex items-center justify-between gap-4 py-2 text-sm">
            <div>
              <p className="font-medium">
                {session.device}
                {session.current ? (
                  <span className="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-xs text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100">
                    this device
                  </span>
                ) : null}
              </p>
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                {session.ip ?? "unknown address"} · last seen {formatDateTime(session.lastSeenAt)} · signed in{" "}
                {formatDateTime(session.createdAt)}
              </p>
            </div>
            <ActionForm action={revoke}>
              <input type="hidden" name="sessionId" value={session.id} />
              <Button
                type="submit"
                variant="secondary"
                disabled={revoking}
                aria-label={`Sign out ${session.device}${session.current ? " (this device)" : ""}`}
              >
                Sign out
              </Button>
            </ActionForm>
          </li>
        ))}
      </ul>
      <ActionForm action={everywhere}>
        <Button type="submit" variant="danger" disabled={endingAll}>
          Sign out everywhere
        </Button>
      </ActionForm>
    </div>
  );
}
