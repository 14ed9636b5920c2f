/** Format detection and dispatch for ban imports. */
import { parseBattlEye } from "./battleye.ts";
import { parseMinecraft } from "./minecraft.ts";
import { EXPORT_FORMAT_ID, parseRcondeckCsv, parseRcondeckJson } from "./rcondeck.ts";
import { parseSrcds } from "./srcds.ts";
import type { ImportFormat, ParseOptions, ParsedBanFile } from "./types.ts";

/** The format a file looks like, from its first meaningful line; null if none fits. */
export function detectFormat(text: string): ImportFormat | null {
  const body = text.replace(/^\uFEFF/, "").trimStart();
  if (body.startsWith("{"))
    return body.slice(0, 200).includes(`"${EXPORT_FORMAT_ID}"`) ? "rcondeck-json" : null;
  if (body.startsWith("[")) return "minecraft";
  const first =
    body
      .split(/\r?\n/)
      .find((l) => l.trim() !== "" && !l.trim().startsWith("//"))
      ?.trim() ?? "";
  if (/^(banid|addip)\s/i.test(first)) return "srcds";
  if (/(^|,)"?identifiers"?(,|$)/i.test(first)) return "rcondeck-csv";
  if (/^\S+\s+-?\d+(\s|$)/.test(first)) return "battleye";
  return null;
}

const PARSERS: Record<ImportFormat, (text: string, options: ParseOptions) => ParsedBanFile> = {
  "rcondeck-csv": parseRcondeckCsv,
  "rcondeck-json": parseRcondeckJson,
  srcds: parseSrcds,
  battleye: parseBattlEye,
  minecraft: parseMinecraft,
};

export function parseBanFile(text: string, format: ImportFormat, options: ParseOptions): ParsedBanFile {
  return PARSERS[format](text, options);
}
