/**
 * A custom command as an Admin defines it: name, arguments, a template per game (dialect id) or
 * per protocol family ("family:source") as the fallback, the roles allowed to run it, and whether
 * each run needs a confirmation. Shared by the form, the data layer and the run path.
 */
import { z } from "zod";
import { GAME_PRESETS, PROTOCOL_LABELS, type ProtocolName } from "../games.ts";
import { argumentListSchema, type ArgumentDefinition } from "./arguments.ts";
import { CONTROL_CHARS } from "./syntax.ts";
import { templateError } from "./template.ts";

export const FAMILY_PREFIX = "family:";

/** Every key a template may have: each game id, then each family fallback. */
export const TEMPLATE_KEYS: readonly string[] = [
  ...GAME_PRESETS.map((p) => p.id),
  ...(Object.keys(PROTOCOL_LABELS) as ProtocolName[]).map((f) => `${FAMILY_PREFIX}${f}`),
];

export function templateKeyLabel(key: string): string {
  if (key.startsWith(FAMILY_PREFIX)) {
    const family = key.slice(FAMILY_PREFIX.length) as ProtocolName;
    return `Any ${PROTOCOL_LABELS[family] ?? family} game`;
  }
  return GAME_PRESETS.find((p) => p.id === key)?.label ?? key;
}

const line = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), "One line, without control characters");

export const commandDefinitionSchema = z
  .object({
    name: line(60).pipe(z.string().min(1, "Name the command")),
    description: line(200),
    arguments: argumentListSchema,
    /** Template per key of TEMPLATE_KEYS; blank ones are dropped. */
    templates: z.record(z.string().max(40), z.string().max(1000)),
    /** Roles allowed to run it (ids); empty = every role with commands.run. */
    roleIds: z.array(z.string().min(1).max(64)).max(50),
    dangerous: z.boolean(),
  })
  .transform((d) => ({
    ...d,
    templates: Object.fromEntries(
      Object.entries(d.templates)
        .map(([k, v]) => [k, v.trim()] as const)
        .filter(([, v]) => v !== ""),
    ),
    roleIds: [...new Set(d.roleIds)],
  }))
  .superRefine((d, ctx) => {
    const names = d.arguments.map((a) => a.name);
    const entries = Object.entries(d.templates);
    if (entries.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["templates"],
        message: "Write the command for at least one game",
      });
    for (const [key, template] of entries) {
      if (!TEMPLATE_KEYS.includes(key)) {
        ctx.addIssue({ code: "custom", path: ["templates", key], message: "Unknown game" });
        continue;
      }
      const error = templateError(template, names) ?? quotedTextError(template, d.arguments);
      if (error) ctx.addIssue({ code: "custom", path: ["templates", key], message: error });
    }
  });
/**
 * Text is quoted by RconDeck where the game reads quotes; quotes written around it in the template
 * would end that quoting (or, in a game that reads JSON, a string) at the user's first character.
 */
function quotedTextError(template: string, args: readonly ArgumentDefinition[]): string | null {
  for (const arg of args)
    if (arg.type === "text" && (template.includes(`"{${arg.name}}`) || template.includes(`{${arg.name}}"`)))
      return `Remove the quotes around {${arg.name}}: RconDeck quotes text where the game needs it`;
  return null;
}

export type CommandDefinitionInput = z.input<typeof commandDefinitionSchema>;
export type CommandDefinition = z.output<typeof commandDefinitionSchema>;

/** The template for a game: its own, else its family's, else none (the command is not offered there). */
export function templateFor(templates: Readonly<Record<string, string>>, gameId: string): string | null {
  if (Object.hasOwn(templates, gameId)) return templates[gameId]!;
  const family = GAME_PRESETS.find((p) => p.id === gameId)?.protocol;
  const fallback = family ? `${FAMILY_PREFIX}${family}` : null;
  return fallback && Object.hasOwn(templates, fallback) ? templates[fallback]! : null;
}

/** What the server page gets of a command it may run (no templates: only what the form needs). */
export interface RunnableCommand {
  id: string;
  name: string;
  description: string;
  arguments: ArgumentDefinition[];
  dangerous: boolean;
}

/** How the console names a custom command for Tab completion: "/" and its name in kebab case. */
export function commandSlug(name: string): string {
  return `/${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")}`;
}
