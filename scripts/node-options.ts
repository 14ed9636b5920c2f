/** The dashboard's Node options (scripts/server-node-options), for processes started from TypeScript. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function serverNodeOptions(): string[] {
  const text = readFileSync(fileURLToPath(new URL("./server-node-options", import.meta.url)), "utf8");
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join(" ")
    .split(/\s+/)
    .filter((option) => option !== "");
}
