"use client";

import { useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import {
  createHistory,
  historyDown,
  historyUp,
  pushHistory,
  type HistoryState,
} from "@/lib/console/command-history";
import { completeInput, type CompletionSources, type CompletionState } from "@/lib/console/completion";
import type { ConsoleLineMessage } from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";
import { Button } from "@/components/ui/button";
import { ConfirmDangerous, type PendingDangerous } from "./confirm-dangerous";

interface Props {
  /** This user's earlier commands on this server (oldest first), from the snapshot. */
  initialHistory: readonly string[];
  completion: CompletionSources;
  disabled: boolean;
  disabledReason: string | null;
  onExec: (
    command: string,
    confirmed?: boolean,
  ) => Promise<Result<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>>;
  /** A "/name" custom command: handled (its name returned) or null for a raw command. */
  onCustom?: (input: string) => string | null;
  /** False: only custom commands (the role has no raw console access). */
  rawAllowed?: boolean;
}

/** The console's command line: Enter runs, Up/Down walk history, Tab completes (again to cycle). */
export function CommandInput({
  initialHistory,
  completion,
  disabled,
  disabledReason,
  onExec,
  onCustom,
  rawAllowed = true,
}: Props) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(0);
  const [hint, setHint] = useState<string | null>(null);
  const [dangerous, setDangerous] = useState<PendingDangerous | null>(null);
  const [history, setHistory] = useState<HistoryState>(() => createHistory(initialHistory));
  const [seededFrom, setSeededFrom] = useState(initialHistory);
  const completionState = useRef<CompletionState | null>(null);

  // The snapshot's history arrives after the first render; seed it in (keeping what was typed since).
  if (seededFrom !== initialHistory) {
    setSeededFrom(initialHistory);
    setHistory(
      createHistory([...initialHistory, ...history.entries.filter((c) => !initialHistory.includes(c))]),
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const command = value.trim();
    if (command === "" || disabled) return;
    const custom = onCustom?.(command) ?? null;
    if (custom !== null) {
      setValue("");
      setError(null);
      setHint(`${custom}: fill in its form under Custom commands.`);
      completionState.current = null;
      return;
    }
    if (!rawAllowed) {
      setError(`${command}: your role runs custom commands only (type / and press Tab).`);
      return;
    }
    setHistory((h) => pushHistory(h, command));
    completionState.current = null;
    setValue("");
    setError(null);
    setHint(null);
    await run(command, false);
  }

  async function run(command: string, confirmed: boolean) {
    setRunning((n) => n + 1);
    const result = await onExec(command, confirmed);
    setRunning((n) => n - 1);
    if (result.ok) return;
    // The server holds a dangerous command until the user confirms it (a second click).
    if (result.error.code === "CONFIRMATION_REQUIRED" && !confirmed)
      setDangerous({ command, reason: result.error.message });
    else setError(`${command}: ${result.error.message}`);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowUp") {
      event.preventDefault();
      const step = historyUp(history, value);
      setHistory(step.state);
      setValue(step.value);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      const step = historyDown(history, value);
      setHistory(step.state);
      setValue(step.value);
    } else if (event.key === "Tab" && value !== "") {
      // An empty input lets Tab move focus as usual, so the keyboard is never trapped here.
      const next = completeInput(value, completion, completionState.current, event.shiftKey);
      if (!next) {
        setHint("No completion.");
        return;
      }
      event.preventDefault();
      completionState.current = next.state;
      setValue(next.value);
      setHint(
        next.state.candidates.length > 1
          ? `${next.state.candidates.length} matches: ${next.state.candidates.slice(0, 8).join(", ")}${next.state.candidates.length > 8 ? ", …" : ""}`
          : null,
      );
    } else if (event.key === "Escape") {
      completionState.current = null;
      setHint(null);
    }
  }

  return (
    <form
      onSubmit={(e) => void submit(e)}
      className="space-y-1 border-t border-zinc-200 p-2 dark:border-zinc-800"
    >
      <div className="flex gap-2">
        <label htmlFor="console-command" className="sr-only">
          Console command
        </label>
        <span
          aria-hidden="true"
          className="self-center font-mono text-sm text-indigo-600 dark:text-indigo-400"
        >
          &gt;
        </span>
        <input
          id="console-command"
          className="block w-full min-w-0 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-950"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            completionState.current = null;
          }}
          onKeyDown={onKeyDown}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          disabled={disabled}
          placeholder={
            disabled
              ? (disabledReason ?? "")
              : rawAllowed
                ? "Type a command; Tab completes, ↑/↓ history"
                : "Type / and press Tab for custom commands"
          }
          aria-describedby="console-command-hint"
        />
        <Button type="submit" disabled={disabled || value.trim() === ""}>
          Run
        </Button>
      </div>
      <p id="console-command-hint" className="min-h-4 text-xs text-zinc-500" aria-live="polite">
        {running > 0 ? "Running…" : hint}
      </p>
      <ConfirmDangerous
        pending={dangerous}
        onCancel={() => setDangerous(null)}
        onConfirm={(command) => {
          setDangerous(null);
          void run(command, true);
        }}
      />
      {error ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </form>
  );
}
