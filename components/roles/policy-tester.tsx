"use client";

import { useState } from "react";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import {
  dangerMessage,
  evaluateCommand,
  refusalMessage,
  type PolicyGame,
  type PolicyRole,
} from "@/lib/commands/policy";

function decidedBy(part: ReturnType<typeof evaluateCommand>["parts"][number]): string {
  if (part.by.kind === "rule") return `rule ${part.by.number}`;
  if (part.by.kind === "unrestricted") return "the role may run every command";
  return `default: ${part.by.reason}`;
}

/**
 * "Would this be allowed?": the same evaluator the server runs (lib/commands/policy.ts), on the
 * rules shown, for the chosen game. Advisory only: the server decides on every command.
 */
export function PolicyTester({ role, games }: { role: PolicyRole; games: readonly PolicyGame[] }) {
  const [gameId, setGameId] = useState(games[0]?.id ?? "");
  const [command, setCommand] = useState("");
  const game = games.find((g) => g.id === gameId) ?? null;
  const decision = command.trim() === "" ? null : evaluateCommand(role, game, command);
  const danger = decision ? dangerMessage(decision) : null;
  return (
    <Card className="space-y-3 p-4">
      <h2 className="font-semibold">Would this be allowed?</h2>
      <div className="grid gap-3 sm:grid-cols-[14rem_1fr]">
        <SelectField label="Game" value={gameId} onChange={(e) => setGameId(e.target.value)}>
          {games.map((g) => (
            <option key={g.id} value={g.id}>
              {g.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Command"
          value={command}
          onChange={(e) => setCommand(e.target.value)}
          placeholder="status; changelevel de_dust2"
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
        />
      </div>
      {decision ? (
        <div aria-live="polite" data-testid="policy-decision" className="space-y-1 text-sm">
          <p
            className={
              decision.allowed
                ? "font-medium text-green-700 dark:text-green-400"
                : "font-medium text-red-700 dark:text-red-400"
            }
          >
            {decision.allowed ? "Allowed" : refusalMessage(decision)}
          </p>
          {decision.parts.length > 1 || decision.allowed ? (
            <ul className="list-inside list-disc text-zinc-600 dark:text-zinc-400">
              {decision.parts.map((part, i) => (
                <li key={i}>
                  <span className="font-mono">{part.text}</span>: {part.allowed ? "allowed" : "refused"} by{" "}
                  {decidedBy(part)}
                </li>
              ))}
            </ul>
          ) : null}
          {danger ? (
            <p className="text-amber-700 dark:text-amber-400">
              {danger} The console asks for a confirmation before sending it.
            </p>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
