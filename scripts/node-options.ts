/**
 * The dashboard's Node options (scripts/server-node-options) and environment (scripts/server-env),
 * for processes started from TypeScript.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The words of a scripts/ file, notes (lines starting with #) left out. */
function wordsOf(file: string): string[] {
  const text = readFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), "utf8");
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join(" ")
    .split(/\s+/)
    .filter((word) => word !== "");
}

export function serverNodeOptions(): string[] {
  return wordsOf("server-node-options");
}

/** Variables set for the dashboard process (on top of its own environment). */
export function serverEnv(): Record<string, string> {
  return Object.fromEntries(
    wordsOf("server-env").map((word) => {
      const at = word.indexOf("=");
      if (at < 1) throw new Error(`scripts/server-env: "${word}" is not KEY=VALUE`);
      return [word.slice(0, at), word.slice(at + 1)];
    }),
  );
}
