/**
 * Console text for users without players.identities: the identities a game prints in raw lines
 * and answers (BattlEye connects and GUIDs, `status` tables, ban lists, Squad's Online IDs) are
 * replaced, as the player table leaves them out. Over-matching is the safe side: a four-part
 * version number (1.40.4.5) is hidden like an address.
 */
const RULES: readonly [RegExp, string][] = [
  // SteamID3 before IPv6-looking brackets: [U:1:12345678], CS2's server id [A:1:4242424:12345].
  [/\[[UAGIMPCgTLca]:\d:\d+(?::\d+)?\]/g, "[SteamID hidden]"],
  [/\bSTEAM_[0-5]:[01]:\d+\b/g, "[SteamID hidden]"],
  [/\b7656119\d{10}\b/g, "[SteamID hidden]"],
  // BattlEye and Quake 3 GUIDs, Epic (EOS) ids: 32 hex digits.
  [/\b[0-9a-fA-F]{32}\b/g, "[GUID hidden]"],
  // IPv6 in brackets with a port, then IPv4 with an optional port.
  [/\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\](?::\d{1,5})?/g, "[IP hidden]"],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, "[IP hidden]"],
];

export function redactIdentities(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
