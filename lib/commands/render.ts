/** The whole run-time step: check the values, then fill the game's template. */
import {
  resolveArguments,
  type ArgumentDefinition,
  type ArgumentValues,
  type OnlinePlayer,
  type ResolvedArgument,
} from "./arguments.ts";
import { syntaxFor } from "./syntax.ts";
import { renderTemplate } from "./template.ts";

export type RenderResult =
  | { ok: true; command: string; recorded: Record<string, ResolvedArgument["recorded"]> }
  | { ok: false; message: string; fieldErrors?: Record<string, string[]> };

export function renderCustomCommand(
  command: { arguments: readonly ArgumentDefinition[]; template: string },
  values: ArgumentValues,
  context: { gameId: string; players: readonly OnlinePlayer[] },
): RenderResult {
  const resolved = resolveArguments(command.arguments, values, {
    players: context.players,
    syntax: syntaxFor(context.gameId),
  });
  if (!resolved.ok) return { ok: false, message: "Check the arguments.", fieldErrors: resolved.fieldErrors };
  const rendered = renderTemplate(
    command.template,
    Object.fromEntries(Object.entries(resolved.values).map(([k, v]) => [k, v.rendered])),
  );
  if (!rendered.ok) return { ok: false, message: rendered.error };
  return {
    ok: true,
    command: rendered.command,
    recorded: Object.fromEntries(Object.entries(resolved.values).map(([k, v]) => [k, v.recorded])),
  };
}
