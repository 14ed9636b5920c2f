/**
 * Command templates: fixed text with `{name}` placeholders for the arguments ("changelevel {map}").
 * A template is checked when it is defined (every placeholder names an argument, no stray braces,
 * it starts with the command itself); rendering refuses any placeholder it has no value for.
 */
import { CONTROL_CHARS } from "./syntax.ts";

const PLACEHOLDER = /\{([^{}]*)\}/g;
export const MAX_TEMPLATE_LENGTH = 500;

/** Why `template` cannot be used with these arguments, or null when it can. */
export function templateError(template: string, argumentNames: readonly string[]): string | null {
  if (template.trim() === "") return "Write the command";
  if (template.length > MAX_TEMPLATE_LENGTH) return `At most ${MAX_TEMPLATE_LENGTH} characters`;
  if (CONTROL_CHARS.test(template)) return "One line, without control characters";
  // The command word is the Admin's, never an argument's: a value cannot choose which command runs.
  if (!/^[^\s{}]/.test(template)) return "Start with the command itself, not with an argument";
  for (const [, name] of template.matchAll(PLACEHOLDER))
    if (!argumentNames.includes(name ?? "")) return `{${name}} is not one of the arguments`;
  if (/[{}]/.test(template.replace(PLACEHOLDER, ""))) return "A brace without its pair";
  return null;
}

/** The placeholders a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""))];
}

/** Fills the placeholders with already checked (and quoted) values; unknown placeholders refuse. */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
): { ok: true; command: string } | { ok: false; error: string } {
  const missing = placeholdersOf(template).find((name) => !Object.hasOwn(values, name));
  if (missing !== undefined)
    return { ok: false, error: `The template uses {${missing}}, which has no value` };
  const command = template.replace(PLACEHOLDER, (_, name: string) => values[name]!);
  if (CONTROL_CHARS.test(command)) return { ok: false, error: "The command would hold a control character" };
  return { ok: true, command };
}
