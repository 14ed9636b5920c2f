/**
 * Source engine ban files, as `writeid` / `writeip` write them (engine/sv_filter.cpp):
 * `banid 0 STEAM_0:1:123456` in cfg/banned_user.cfg and `addip 0 1.2.3.4` in cfg/banned_ip.cfg.
 * Only permanent bans (0 minutes) are written by the engine; a hand-written timed entry counts its
 * minutes from the import. Comments (`//`) and blank lines are skipped; both files may be pasted
 * together. A trailing `kick` on a banid line is accepted (the console form).
 */
import { parseIdentifier } from "../identifiers.ts";
import { candidate, numberedLines, type ParseOptions, type ParsedBanFile } from "./types.ts";

const LINE = /^(banid|addip)\s+(\d+(?:\.\d+)?)\s+(\S+)(?:\s+kick)?\s*$/i;

export function parseSrcds(text: string, { now }: ParseOptions): ParsedBanFile {
  const out: ParsedBanFile = { format: "srcds", bans: [], invalid: [] };
  for (const { line, text: raw } of numberedLines(text)) {
    const body = raw.replace(/\/\/.*$/, "").trim();
    if (body === "") continue;
    const m = LINE.exec(body);
    if (!m) {
      out.invalid.push({ line, reason: 'Expected "banid <minutes> <SteamID>" or "addip <minutes> <IP>".' });
      continue;
    }
    const isIp = m[1]!.toLowerCase() === "addip";
    const id = parseIdentifier(isIp ? "ip" : "steam", m[3]!);
    if (!id.ok) {
      out.invalid.push({ line, reason: id.error });
      continue;
    }
    const minutes = Number(m[2]);
    out.bans.push(
      candidate(line, {
        identifiers: [id.identifier],
        reason: isIp ? "Imported from banned_ip.cfg" : "Imported from banned_user.cfg",
        expiresAt: minutes > 0 ? new Date(now.getTime() + Math.round(minutes * 60_000)) : null,
      }),
    );
  }
  return out;
}
