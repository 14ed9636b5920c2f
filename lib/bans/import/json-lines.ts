/**
 * JSON files have no line per entry, but an invalid entry must still be reported by line: this
 * scans the text once (strings and escapes respected) and returns the line where each value of the
 * array at `path` depth starts, in order, so entry i of the parsed array is at lines[i].
 */
export function arrayEntryLines(text: string, arrayDepth: number): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\uFEFF") continue;
    if (expectValue && depth === arrayDepth && c !== "]") {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (c === "[" && depth === arrayDepth) expectValue = true;
    } else if (c === "]" || c === "}") {
      depth--;
      expectValue = false;
    } else if (c === "," && depth === arrayDepth) expectValue = true;
  }
  return lines;
}

/** JSON.parse with a line-numbered error instead of an exception. */
export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; line: number; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /line (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const line = at ? Number(at[1]) : pos ? text.slice(0, Number(pos[1])).split("\n").length : 1;
    return { ok: false, line, reason: `Not valid JSON: ${message}` };
  }
}
