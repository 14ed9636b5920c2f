"use client";

/**
 * The server page's custom commands: a button per command this user may run here; a command with
 * arguments opens a small form (a select for choices and online players, number and text inputs).
 * A dangerous command asks for a second click. The server checks and renders everything again;
 * the run's command and answer appear in the console.
 */
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { ArgumentDefinition, ArgumentValues } from "@/lib/commands/arguments";
import type { RunnableCommand } from "@/lib/commands/definition";
import type { ConsoleLineMessage, PlayerView } from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";

type Run = (
  commandId: string,
  args: ArgumentValues,
  confirmed: boolean,
) => Promise<Result<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>>;

export function CustomCommandsPanel({
  commands,
  players,
  selected,
  onSelect,
  onRun,
}: {
  commands: readonly RunnableCommand[];
  players: readonly PlayerView[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  onRun: Run;
}) {
  if (commands.length === 0) return null;
  const command = commands.find((c) => c.id === selected) ?? null;
  return (
    <section aria-labelledby="custom-commands-heading">
      <Card className="space-y-3">
        <h2 id="custom-commands-heading" className="text-lg font-semibold">
          Custom commands
        </h2>
        <div className="flex flex-wrap gap-2">
          {commands.map((c) => (
            <Button
              key={c.id}
              variant={c.id === selected ? "primary" : "secondary"}
              title={c.description || undefined}
              aria-pressed={c.id === selected}
              onClick={() => onSelect(c.id === selected ? null : c.id)}
            >
              {c.name}
              {c.dangerous ? " ⚠" : ""}
            </Button>
          ))}
        </div>
        {command ? <RunForm key={command.id} command={command} players={players} onRun={onRun} /> : null}
      </Card>
    </section>
  );
}

function RunForm({
  command,
  players,
  onRun,
}: {
  command: RunnableCommand;
  players: readonly PlayerView[];
  onRun: Run;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Result<unknown> | null>(null);
  const fieldErrors = result && !result.ok ? result.error.fieldErrors : undefined;

  async function run(confirmed: boolean) {
    setRunning(true);
    const answer = await onRun(command.id, values, confirmed);
    setRunning(false);
    setResult(answer);
    setConfirming(!answer.ok && answer.error.code === "CONFIRMATION_REQUIRED");
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    // A dangerous command is first sent unconfirmed only to show the confirmation button.
    if (command.dangerous && !confirming) setConfirming(true);
    else void run(confirming);
  }
  const set = (name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setConfirming(false);
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label={`Run ${command.name}`}>
      {command.description ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{command.description}</p>
      ) : null}
      {command.arguments.length > 0 ? (
        <div className="grid gap-3 md:grid-cols-3">
          {command.arguments.map((arg) => (
            <ArgumentField
              key={arg.name}
              arg={arg}
              players={players}
              value={values[arg.name] ?? ""}
              error={fieldErrors?.[arg.name]}
              onChange={(v) => set(arg.name, v)}
            />
          ))}
        </div>
      ) : null}
      {confirming ? (
        <Notice tone="info">“{command.name}” is marked dangerous: press the button again to confirm.</Notice>
      ) : null}
      {result && !result.ok && result.error.code !== "CONFIRMATION_REQUIRED" ? (
        <Notice tone="error">{result.error.message}</Notice>
      ) : null}
      {result?.ok ? <Notice tone="success">Sent: the answer is in the console.</Notice> : null}
      <Button type="submit" variant={confirming ? "danger" : "primary"} disabled={running}>
        {running ? "Running…" : confirming ? `Confirm: run ${command.name}` : `Run ${command.name}`}
      </Button>
    </form>
  );
}

function ArgumentField({
  arg,
  players,
  value,
  error,
  onChange,
}: {
  arg: ArgumentDefinition;
  players: readonly PlayerView[];
  value: string;
  error: string[] | undefined;
  onChange: (value: string) => void;
}) {
  switch (arg.type) {
    case "choice":
      return (
        <SelectField
          label={arg.label}
          value={value}
          error={error}
          onChange={(e) => onChange(e.target.value)}
          required
        >
          <option value="">Choose…</option>
          {arg.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </SelectField>
      );
    case "player":
      return (
        <SelectField
          label={arg.label}
          value={value}
          error={error}
          onChange={(e) => onChange(e.target.value)}
          required
        >
          <option value="">Choose a player…</option>
          {players
            .filter((p) => !p.isBot)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.plainName}
              </option>
            ))}
        </SelectField>
      );
    case "number":
      return (
        <TextField
          label={arg.label}
          type="number"
          min={arg.min}
          max={arg.max}
          step={arg.integer ? 1 : "any"}
          value={value}
          error={error}
          onChange={(e) => onChange(e.target.value)}
          required
        />
      );
    case "duration":
      return (
        <TextField
          label={arg.label}
          value={value}
          error={error}
          placeholder="e.g. 5m or 1h30m"
          hint={`From ${arg.minSeconds} s to ${arg.maxSeconds} s`}
          onChange={(e) => onChange(e.target.value)}
          required
        />
      );
    case "text":
      return (
        <TextField
          label={arg.label}
          value={value}
          error={error}
          maxLength={arg.maxLength}
          onChange={(e) => onChange(e.target.value)}
          required
        />
      );
  }
}
