import type { ConnectionStateName, ServerStatusMessage } from "@/lib/realtime/contract";
import { cn } from "@/lib/utils";

const LABELS: Record<ConnectionStateName, string> = {
  idle: "starting",
  connecting: "connecting",
  online: "online",
  auth_failed: "auth failed",
  unreachable: "unreachable",
  closed: "stopped",
  disabled: "disabled",
};

const TONES: Record<ConnectionStateName, string> = {
  idle: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  connecting: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  online: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  auth_failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  unreachable: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100",
  closed: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  disabled: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
};

const DEGRADED_TONE = "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100";

/**
 * The connection state as a coloured word (the word carries the meaning, not the colour). Online
 * but misbehaving (flooding, endless answers, malformed packets) reads "degraded", reason on hover.
 */
export function StatusBadge({
  status,
  fallback = "unknown",
}: {
  status: ServerStatusMessage | null | undefined;
  fallback?: string;
}) {
  const state = status?.state;
  const degraded = state === "online" && status?.degraded ? status.degraded : null;
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 rounded px-2 py-0.5 text-xs font-medium",
        degraded
          ? DEGRADED_TONE
          : state
            ? TONES[state]
            : "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
      )}
      title={degraded ?? status?.reason ?? undefined}
    >
      <span
        aria-hidden="true"
        className={cn("h-1.5 w-1.5 rounded-full bg-current", state === "connecting" && "animate-pulse")}
      />
      {degraded ? "degraded" : state ? LABELS[state] : fallback}
    </span>
  );
}
