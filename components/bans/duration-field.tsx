"use client";

/**
 * Ban duration: presets plus a free "Duration" field ("30m", "12h", "1d12h", "permanent"). The
 * server parses and enforces the Moderator maximum; the hint only shows the limit.
 */
import { useId } from "react";

export const DURATION_PRESETS = [
  { label: "1 hour", value: "1h" },
  { label: "1 day", value: "1d" },
  { label: "7 days", value: "7d" },
  { label: "30 days", value: "30d" },
  { label: "permanent", value: "permanent" },
] as const;

interface Props {
  name?: string;
  value: string;
  onChange: (value: string) => void;
  /** "7 days" for Moderators (their maximum), null when unlimited. */
  limit: string | null;
  error?: string[] | undefined;
  /** Edit forms: an empty value keeps the expiry. */
  optional?: boolean;
}

export function DurationField({ name = "duration", value, onChange, limit, error, optional }: Props) {
  const id = useId();
  return (
    <div className="space-y-1">
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Duration presets</legend>
        <div className="flex flex-wrap gap-1">
          {DURATION_PRESETS.map((preset) => (
            <button
              key={preset.value}
              type="button"
              aria-pressed={value === preset.value}
              onClick={() => onChange(preset.value)}
              className="rounded-full border border-zinc-300 px-2 py-0.5 text-xs aria-pressed:border-indigo-600 aria-pressed:bg-indigo-50 dark:border-zinc-700 dark:aria-pressed:bg-indigo-950"
            >
              {preset.label}
            </button>
          ))}
        </div>
      </fieldset>
      <label htmlFor={id} className="block text-sm font-medium">
        Duration
      </label>
      <input
        id={id}
        name={name}
        value={value}
        maxLength={40}
        placeholder={optional ? "unchanged" : "30m, 12h, 7d, 2w or permanent"}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error?.length ? true : undefined}
        aria-describedby={`${id}-hint${error?.length ? ` ${id}-error` : ""}`}
        className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      />
      <p id={`${id}-hint`} className="text-xs text-zinc-500">
        {optional ? "Counted from now; leave empty to keep the expiry. " : ""}
        {limit ? `You may ban for at most ${limit}.` : "Any duration, or permanent."}
      </p>
      {error?.length ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
