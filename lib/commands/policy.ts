/**
 * Command policies: which raw console commands a role may send, decided per command part by the
 * role's ordered allow/deny rules (deny wins, then allow, then the default), and which commands
 * the game marks dangerous (a second confirmation). Pure: the server (server/data/command-policy.ts)
 * and the policy editor's "Would this be allowed?" tester use the same function.
 */
import { globMatches } from "./glob.ts";

export type PolicyFamily = "source" | "battleye" | "quake3" | "webrcon";

export interface CommandPattern {
  /** Glob over the command name (first word, case-insensitive, without a leading / or \). */
  command: string;
  /** Glob over the arguments (the rest, whitespace collapsed); null or "" = any arguments, or none. */
  args?: string | null;
}

export interface DangerousCommand extends CommandPattern {
  /** Why, in words for the confirmation dialog ("stops the server"). */
  reason: string;
}

export type RuleEffect = "allow" | "deny";

export interface PolicyRule extends CommandPattern {
  effect: RuleEffect;
  note?: string | null;
}

export interface PolicyRole {
  id: string;
  name: string;
  /** Built-in Owner and Admin: every command allowed (dangerous ones still need confirmation). */
  unrestricted: boolean;
  /** In order; rule numbers in messages are 1-based positions in this list. */
  rules: readonly PolicyRule[];
}

/** What the evaluator needs of a game's dialect (server/rcon/types.ts `Dialect` carries it). */
export interface PolicyDialect {
  family: PolicyFamily;
  dangerous: readonly DangerousCommand[];
  /**
   * Commands that run other commands the policy cannot see (Source `alias`, Quake 3 `vstr`,
   * `exec`): a restricted role with deny rules may use them only when an allow rule names them,
   * otherwise `alias x "quit"; x` would walk around a deny rule.
   */
  indirect?: readonly CommandPattern[];
}

/** A game as the policy editor's tester offers it (a dialect's id, label and policy data). */
export interface PolicyGame extends PolicyDialect {
  id: string;
  label: string;
}

/**
 * Quake 3 engines hand an unknown rcon command to the game module, which broadcasts it to every
 * player ("server: <text>"). So restricted roles get an allowlist there by default: commands every
 * Quake 3 engine (ioq3, OpenArena, ET, CoD4, Urban Terror) knows, so none is ever broadcast, and
 * which change nothing (status, serverinfo, systeminfo) or only talk to players as intended (say).
 * Not cvarlist/dumpuser: they print settings and identities wholesale. Rules add more.
 */
export const QUAKE3_DEFAULT_ALLOW: readonly string[] = ["status", "serverinfo", "systeminfo", "say"];

export interface ParsedPart {
  /** The part as typed (trimmed). */
  text: string;
  /** The name as written, normalised (lower case, no leading slash). */
  name: string;
  /**
   * Every name a game could read from it: as written, cut at Source's tokenizer break characters
   * (`quit'x` runs `quit`), and without a namespace (`minecraft:stop` runs `stop`). Deny rules and
   * dangerous marks match any reading; allow rules and the default allowlist only the name as written.
   */
  readings: string[];
  args: string;
}

export type DecidedBy =
  | { kind: "rule"; number: number; roleName: string; rule: PolicyRule }
  | { kind: "unrestricted"; roleName: string }
  | { kind: "default"; roleName: string; reason: string };

export interface PartDecision extends ParsedPart {
  allowed: boolean;
  by: DecidedBy;
  dangerous: DangerousCommand | null;
}

export interface PolicyDecision {
  allowed: boolean;
  parts: PartDecision[];
  /** The first refused part (deny wins: one refused part refuses the whole command). */
  refused: PartDecision | null;
  /** Parts the game marks dangerous: the command needs a second confirmation. */
  dangerous: PartDecision[];
}

/**
 * Splits at `;` and line breaks outside double quotes, as Source and Quake 3 consoles do before
 * running each piece. Applied to every family: on a game that does not chain commands it can only
 * check more pieces, never fewer.
 */
export function splitCommands(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === ";" || ch === "\n" || ch === "\r")) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const SOURCE_BREAKS = /[{}()':]/;

export function parsePart(text: string): ParsedPart {
  const trimmed = text.trim();
  const match = /^"([^"]*)"?|^[^\s"]+/.exec(trimmed);
  const raw = match ? (match[1] ?? match[0]) : "";
  const name = raw.replace(/^[/\\]+/, "").toLowerCase();
  const args = trimmed
    .slice(match ? match[0].length : 0)
    .trim()
    .replace(/\s+/g, " ");
  const readings = new Set([name]);
  const cut = name.split(SOURCE_BREAKS)[0] ?? "";
  if (cut !== "") readings.add(cut);
  const unspaced = name.slice(name.lastIndexOf(":") + 1);
  if (unspaced !== "") readings.add(unspaced);
  return { text: trimmed, name, readings: [...readings], args };
}

function matchesPattern(pattern: CommandPattern, names: readonly string[], args: string): boolean {
  if (!names.some((n) => globMatches(pattern.command.replace(/^[/\\]+/, ""), n))) return false;
  return !pattern.args || globMatches(pattern.args, args);
}

export function describeRule(rule: CommandPattern & { effect?: RuleEffect }): string {
  const pattern = rule.args ? `${rule.command} ${rule.args}` : rule.command;
  return rule.effect ? `${rule.effect} "${pattern}"` : `"${pattern}"`;
}

function decidePart(role: PolicyRole, dialect: PolicyDialect | null, part: ParsedPart): PartDecision {
  const dangerous = dialect?.dangerous.find((d) => matchesPattern(d, part.readings, part.args)) ?? null;
  const decided = (allowed: boolean, by: DecidedBy): PartDecision => ({ ...part, allowed, by, dangerous });
  if (role.unrestricted) return decided(true, { kind: "unrestricted", roleName: role.name });
  const numbered = role.rules.map((rule, i) => ({ rule, number: i + 1 }));
  const deny = numbered.find(
    ({ rule }) => rule.effect === "deny" && matchesPattern(rule, part.readings, part.args),
  );
  if (deny) return decided(false, { kind: "rule", roleName: role.name, ...deny });
  const allow = numbered.find(
    ({ rule }) => rule.effect === "allow" && matchesPattern(rule, [part.name], part.args),
  );
  if (allow) return decided(true, { kind: "rule", roleName: role.name, ...allow });
  const fallback = (allowed: boolean, reason: string) =>
    decided(allowed, { kind: "default", roleName: role.name, reason });
  const hasDeny = role.rules.some((r) => r.effect === "deny");
  if (hasDeny && dialect?.indirect?.some((p) => matchesPattern(p, part.readings, part.args)))
    return fallback(false, "it runs other commands the policy cannot check; a rule must allow it");
  if (dialect?.family === "quake3") {
    const listed = QUAKE3_DEFAULT_ALLOW.includes(part.name);
    return fallback(
      listed,
      listed
        ? "on Quake 3 games it is on the built-in allowlist"
        : `on Quake 3 games only ${QUAKE3_DEFAULT_ALLOW.join(", ")} are allowed unless a rule allows more (unknown commands are broadcast to every player)`,
    );
  }
  // Allow rules make the role an allowlist: without them a role could never be limited to a few
  // commands (a deny rule always beats an allow rule).
  if (role.rules.some((r) => r.effect === "allow")) return fallback(false, "no allow rule matches it");
  return fallback(true, "no rule matches");
}

/** Decides a whole console line: every `;`-separated part must be allowed. */
export function evaluateCommand(
  role: PolicyRole,
  dialect: PolicyDialect | null,
  command: string,
): PolicyDecision {
  const parts = splitCommands(command).map((p) => decidePart(role, dialect, parsePart(p)));
  const refused = parts.find((p) => !p.allowed) ?? null;
  return { allowed: refused === null, parts, refused, dangerous: parts.filter((p) => p.dangerous !== null) };
}

/** The refusal in words, naming the rule: `Refused by rule 3 of role "Map helper": deny "rcon_password *"`. */
export function refusalMessage(decision: PolicyDecision): string | null {
  const part = decision.refused;
  if (!part) return null;
  const where = decision.parts.length > 1 ? ` (in "${part.text}")` : "";
  if (part.by.kind === "rule")
    return `Refused by rule ${part.by.number} of role "${part.by.roleName}": ${describeRule(part.by.rule)}${where}`;
  if (part.by.kind === "default")
    return `Refused by the default policy of role "${part.by.roleName}": ${part.by.reason}${where}`;
  return null;
}

/** Why the command needs a confirmation, or null when it does not. */
export function dangerMessage(decision: PolicyDecision): string | null {
  if (decision.dangerous.length === 0) return null;
  const reasons = [...new Set(decision.dangerous.map((p) => `${p.name}: ${p.dangerous?.reason ?? ""}`))];
  return `This command is dangerous: ${reasons.join("; ")}.`;
}
