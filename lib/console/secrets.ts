/**
 * Secrets in console commands and answers (rcon and join passwords, server tokens). A command
 * that names a secret setting or runs a secret-taking command is stored, shown and audited with
 * its value masked, and its answer too, for everyone: the value must never be stored. Each
 * dialect declares its own names; any setting whose name contains "password" counts as well.
 */
export interface SecretRules {
  /** Settings (cvars, convars) whose value is secret. Compared case-insensitively. */
  settings: readonly string[];
  /** Commands whose arguments are secret, as their words ("EnableCheats", "/config set password"). */
  commands: readonly string[];
}

export const NO_SECRETS: SecretRules = { settings: [], commands: [] };
export const MASK = "********";
export const HIDDEN_ANSWER = "[answer hidden: the command involves a secret]";

/** rconPassword, g_password, sv_privatePassword, rcon.password, ServerAdminPassword... (not the bare word). */
const PASSWORD_NAME = /^(?:[\w.#-]+(?:password|passwd)[\w.#-]*|(?:password|passwd)[\w.#-]+)$/i;

export interface MaskedCommand {
  text: string;
  /** The command names a secret: its answer is masked too. */
  touched: boolean;
  /** What was masked (values being set), hidden wherever the answer repeats them. */
  values: string[];
}

/** Matching form of a word: no quotes, no leading console slash, lower case. */
const norm = (word: string) =>
  word
    .replace(/^"|"$/g, "")
    .replace(/^[/\\]/, "")
    .toLowerCase();

function sequences(rules: SecretRules): string[][] {
  return [...rules.settings, ...rules.commands].map((s) => s.trim().split(/\s+/).map(norm));
}

function isSecretSetting(word: string, rules: SecretRules): boolean {
  const w = norm(word);
  return PASSWORD_NAME.test(w) || rules.settings.some((s) => norm(s) === w);
}

function maskSegment(segment: string, rules: SecretRules, masked: MaskedCommand): string {
  const tokens = [...segment.matchAll(/"[^"]*"?|[^\s"]+/g)].map((m) => ({
    word: norm(m[0]),
    end: m.index + m[0].length,
  }));
  for (let i = 0; i < tokens.length; i++) {
    const seq = sequences(rules).find((s) => s.every((w, k) => tokens[i + k]?.word === w));
    const length = seq ? seq.length : PASSWORD_NAME.test(tokens[i]?.word ?? "") ? 1 : 0;
    if (length === 0) continue;
    masked.touched = true;
    const end = (tokens[i + length - 1] as { end: number }).end;
    const rest = segment.slice(end);
    if (rest.trim() === "") return segment;
    const value = rest.trim().replace(/^"([^"]*)"?$/, "$1");
    if (value !== "") masked.values.push(value);
    return `${segment.slice(0, end)} ${MASK}`;
  }
  return segment;
}

/**
 * A masked command recalled from the history and sent again would set the password to the mask
 * itself: such a command must be refused, not run.
 */
export function isMaskedReplay(masked: MaskedCommand): boolean {
  return masked.values.includes(MASK);
}

/** `set rconPassword hunter2` -> `set rconPassword ********`; each `;`-separated part on its own. */
export function maskSecretCommand(command: string, rules: SecretRules): MaskedCommand {
  const masked: MaskedCommand = { text: "", touched: false, values: [] };
  masked.text = command
    .split(/([;\n])/)
    .map((part, i) => (i % 2 === 1 ? part : maskSegment(part, rules, masked)))
    .join("");
  return masked;
}

/** The value after a secret's name on one answer line: `"name" is:"v^7"`, `name "v"`, `"name" = "v"`, `name : v : flags`, `name   v`. */
function maskAfterName(rest: string): string {
  let out = rest.replace(/^(\s*:\s*)([^:"]*?)(\s*:)/, (_m, a: string, v: string, b: string) =>
    v === "" ? `${a}${b}` : `${a}${MASK}${b}`,
  );
  if (out !== rest) return out;
  if (rest.includes('"'))
    return rest.replace(/"[^"]*"?/g, (q) => (q.endsWith('"') && q.length > 1 ? `"${MASK}"` : `"${MASK}`));
  out = rest.replace(/^(\s+|\s*[:=]\s*)(\S.*)$/, `$1${MASK}`);
  return out;
}

function maskLine(line: string, rules: SecretRules): { text: string; named: boolean } {
  const words = [...line.matchAll(/[\w.#-]+/g)];
  for (const m of words) {
    if (!isSecretSetting(m[0], rules)) continue;
    let end = m.index + m[0].length;
    if (line[m.index - 1] === '"' && line[end] === '"') end++; // `"rconPassword" is:"..."`
    return { text: line.slice(0, end) + maskAfterName(line.slice(end)), named: true };
  }
  return { text: line, named: false };
}

/**
 * Masks the values of secret settings on every line that names one (`cvarlist`, `find`, a cvar
 * query), the values the command set, and, when the command named a secret but the answer does
 * not say which line holds it (`vstr rconPassword`, a secret-taking command), the whole answer.
 */
export function maskSecretAnswer(
  answer: string,
  rules: SecretRules,
  command: MaskedCommand | null = null,
): string {
  let named = false;
  let text = answer
    .split("\n")
    .map((line) => {
      const masked = maskLine(line, rules);
      named ||= masked.named;
      return masked.text;
    })
    .join("\n");
  for (const value of command?.values ?? []) text = text.split(value).join(MASK);
  if (command?.touched && !named && text.trim() !== "") return HIDDEN_ANSWER;
  return text;
}
