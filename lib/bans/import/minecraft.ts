/**
 * Minecraft (Java) ban files, as the server writes them: banned-players.json, an array of
 * `{ uuid, name, created, source, expires, reason }`, and banned-ips.json, an array of
 * `{ ip, created, source, expires, reason }`. Dates are "yyyy-MM-dd HH:mm:ss Z"
 * ("2024-01-15 18:32:10 +0000"); `expires` is "forever" or such a date. Both files may be pasted
 * as one array. `source` (who banned) goes into the staff note.
 */
import { parseIdentifier, type Identifier } from "../identifiers.ts";
import { arrayEntryLines, parseJson } from "./json-lines.ts";
import { candidate, nativeReason, type ParseOptions, type ParsedBanFile } from "./types.ts";

const DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2})$/;

/** A Minecraft ban date, or null if it is not one. */
export function parseMinecraftDate(text: string): Date | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7]}${m[8]}:${m[9]}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function parseMinecraft(text: string, _options: ParseOptions): ParsedBanFile {
  const out: ParsedBanFile = { format: "minecraft", bans: [], invalid: [] };
  const parsed = parseJson(text);
  if (!parsed.ok) {
    out.invalid.push({ line: parsed.line, reason: parsed.reason });
    return out;
  }
  if (!Array.isArray(parsed.value)) {
    out.invalid.push({ line: 1, reason: "Expected a JSON array of ban entries." });
    return out;
  }
  const lines = arrayEntryLines(text, 1);
  parsed.value.forEach((entry: unknown, i) => {
    const line = lines[i] ?? 1;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      out.invalid.push({ line, reason: "Expected an object with uuid/name or ip." });
      return;
    }
    const e = entry as Record<string, unknown>;
    const str = (key: string): string | undefined => {
      const v = e[key];
      return typeof v === "string" ? v : undefined;
    };
    const identifiers: Identifier[] = [];
    const names: string[] = [];
    for (const [key, kind] of [
      ["uuid", "mc_uuid"],
      ["name", "mc_name"],
      ["ip", "ip"],
    ] as const) {
      const value = str(key);
      if (value === undefined || value === "") continue;
      const id = parseIdentifier(kind, value);
      if (!id.ok) {
        out.invalid.push({ line, reason: `${key}: ${id.error}` });
        return;
      }
      identifiers.push(id.identifier);
      if (key === "name") names.push(value);
    }
    if (identifiers.length === 0) {
      out.invalid.push({ line, reason: "The entry has no uuid, name or ip." });
      return;
    }
    const created = str("created");
    const expires = str("expires");
    const createdAt = created ? parseMinecraftDate(created) : null;
    if (created && !createdAt) {
      out.invalid.push({
        line,
        reason: `created: "${created.slice(0, 40)}" is not a date like 2024-01-15 18:32:10 +0000.`,
      });
      return;
    }
    let expiresAt: Date | null = null;
    if (expires !== undefined && expires.toLowerCase() !== "forever") {
      expiresAt = parseMinecraftDate(expires);
      if (!expiresAt) {
        out.invalid.push({
          line,
          reason: `expires: "${expires.slice(0, 40)}" is neither "forever" nor a date.`,
        });
        return;
      }
    }
    const source = str("source");
    out.bans.push(
      candidate(line, {
        identifiers,
        playerNames: names,
        reason: nativeReason(str("reason"), "Imported from Minecraft"),
        note: source ? `Banned by ${nativeReason(source, "?").slice(0, 100)} (Minecraft)` : null,
        createdAt,
        expiresAt,
      }),
    );
  });
  return out;
}
