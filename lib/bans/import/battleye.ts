/**
 * BattlEye's bans.txt (in the BattlEye folder; `writeBans` rewrites it, `loadBans` reads it): one
 * ban a line, `<GUID or IP> <expiry> <reason>`, the expiry a Unix time in seconds or -1 for
 * permanent. The reason may be empty. The exact on-disk format is not documented by BattlEye; this
 * follows the format the community tools read and write.
 */
import { parseIdentifier } from "../identifiers.ts";
import { candidate, nativeReason, numberedLines, type ParseOptions, type ParsedBanFile } from "./types.ts";

const LINE = /^(\S+)\s+(-?\d+)(?:\s+(.*))?$/;

export function parseBattlEye(text: string, _options: ParseOptions): ParsedBanFile {
  const out: ParsedBanFile = { format: "battleye", bans: [], invalid: [] };
  for (const { line, text: raw } of numberedLines(text)) {
    const body = raw.trim();
    if (body === "" || body.startsWith("//")) continue;
    const m = LINE.exec(body);
    if (!m) {
      out.invalid.push({ line, reason: 'Expected "<GUID or IP> <expiry or -1> <reason>".' });
      continue;
    }
    const ident = m[1]!;
    const id = /^[0-9a-f]{32}$/i.test(ident)
      ? parseIdentifier("battleye", ident)
      : parseIdentifier("ip", ident);
    if (!id.ok || id.identifier.kind === "cidr") {
      out.invalid.push({
        line,
        reason: "The first field is neither a BattlEye GUID (32 hex digits) nor an IP address.",
      });
      continue;
    }
    const expiry = Number(m[2]);
    if (expiry < -1 || (expiry >= 0 && expiry < 1) || !Number.isSafeInteger(expiry)) {
      out.invalid.push({ line, reason: "The expiry must be a Unix time in seconds or -1 (permanent)." });
      continue;
    }
    out.bans.push(
      candidate(line, {
        identifiers: [id.identifier],
        reason: nativeReason(m[3], "Imported from bans.txt"),
        expiresAt: expiry === -1 ? null : new Date(expiry * 1000),
      }),
    );
  }
  return out;
}
