/**
 * Console text for users without players.identities. Two passes:
 * 1. the identities the game's dialect read in the text with its own parsers (the columns that are
 *    SteamIDs, GUIDs, addresses, UUIDs, Palworld player uids) are hidden exactly, wherever they occur;
 * 2. a regex pass hides anything shaped like an identity, as a safety net for formats no parser knows.
 * Over-matching is the safe side; spans the dialect knows are not identities (CS2's version number
 * 1.40.4.5) are left out of the regex pass.
 */
export type HiddenKind = "ip" | "steamid" | "guid" | "uuid" | "id";

export interface FoundIdentity {
  kind: HiddenKind;
  value: string;
}

export interface RedactionHints {
  /** Identities the dialect found in this text. */
  found?: readonly FoundIdentity[];
  /** Text the dialect knows is not an identity (each match is kept as is). */
  keep?: readonly RegExp[];
}

const LABELS: Record<HiddenKind, string> = {
  ip: "[IP hidden]",
  steamid: "[SteamID hidden]",
  guid: "[GUID hidden]",
  uuid: "[UUID hidden]",
  id: "[ID hidden]",
};

const STEAM = LABELS.steamid;
const IP = LABELS.ip;

/** Groups of one to four hex digits joined by colons, with "::" or at least six groups: IPv6 (a port may trail). */
function hideIpv6(text: string): string {
  return text.replace(/[0-9A-Fa-f]*(?::[0-9A-Fa-f]*){2,}/g, (candidate) => {
    const groups = candidate.split(":");
    const filled = groups.filter((g) => g !== "").length;
    const compressed = candidate.includes("::") && filled >= 2;
    return compressed || groups.length >= 6 ? IP : candidate;
  });
}

const replace = (pattern: RegExp, label: string) => (text: string) => text.replace(pattern, label);

/**
 * No word boundaries: Quake 3 glues colour codes to what follows (`^7166.185.128.157:65208`,
 * `^776561198…`), so a boundary would let the identity through. Order matters (see comments).
 */
const PASSES: readonly ((text: string) => string)[] = [
  // SteamID3 before IPv6-looking brackets: [U:1:12345678], CS2's server id [A:1:4242424:12345].
  replace(/\[[UAGIMPCgTLca]:\d:\d+(?::\d+)?\]/g, STEAM),
  replace(/STEAM_[0-5]:[01]:\d+/g, STEAM),
  // Palworld `ShowPlayers` rows `name,playeruid,steamid`: the middle column, decimal or hex.
  replace(/(?<=,)[0-9A-Fa-f]{1,32}(?=,(?:steam_)?7656119\d{10})/g, LABELS.id),
  replace(/7656119\d{10}/g, STEAM),
  // Minecraft UUIDs (dashed); undashed ones are 32 hex digits like GUIDs.
  replace(/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g, LABELS.uuid),
  // BattlEye, Quake 3 and CoD GUIDs, Epic (EOS) ids, undashed UUIDs: 32 or more hex digits.
  replace(/[0-9A-Fa-f]{32,}/g, LABELS.guid),
  // IPv4 first (so `::ffff:1.2.3.4` loses its address), then IPv6 in brackets and bare.
  replace(/(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?/g, IP),
  replace(/\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:%[\w.-]+)?\](?::\d{1,5})?/g, IP),
  hideIpv6,
];

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The spellings of one identity to hide: an address also without its port. */
function spellings(identity: FoundIdentity): string[] {
  const value = identity.value.trim();
  if (value === "") return [];
  if (identity.kind !== "ip") return [value];
  if (!/\d/.test(value) || !/[.:]/.test(value)) return []; // "bot", "loopback", "localhost"
  const bare = /^\[([^\]]+)\](?::\d+)?$/.exec(value)?.[1] ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(value)?.[1];
  return bare ? [value, bare] : [value];
}

function hideFound(text: string, found: readonly FoundIdentity[]): string {
  const targets = found.flatMap((f) => spellings(f).map((value) => ({ value, label: LABELS[f.kind] })));
  targets.sort((a, b) => b.value.length - a.value.length);
  let out = text;
  for (const { value, label } of targets) {
    // Not inside a longer run of the same characters (a uid inside a SteamID64 stays for the regex pass).
    const edge = /^[0-9.]+$/.test(value) ? "0-9" : /^[0-9A-Fa-f]+$/.test(value) ? "0-9A-Fa-f" : null;
    const pattern = edge ? `(?<![${edge}])${escape(value)}(?![${edge}])` : escape(value);
    out = out.replace(new RegExp(pattern, "gi"), label);
  }
  return out;
}

function hidePatterns(text: string): string {
  return PASSES.reduce((out, pass) => pass(out), text);
}

function redactSegment(text: string, found: readonly FoundIdentity[]): string {
  return hidePatterns(found.length > 0 ? hideFound(text, found) : text);
}

/** Kept spans, merged and in order. */
function keptSpans(text: string, keep: readonly RegExp[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const pattern of keep) {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
    );
    for (const m of text.matchAll(global)) if (m[0] !== "") spans.push([m.index, m.index + m[0].length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

export function redactIdentities(text: string, hints: RedactionHints = {}): string {
  const found = hints.found ?? [];
  const spans = hints.keep && hints.keep.length > 0 ? keptSpans(text, hints.keep) : [];
  if (spans.length === 0) return redactSegment(text, found);
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    out += redactSegment(text.slice(at, start), found) + text.slice(start, end);
    at = end;
  }
  return out + redactSegment(text.slice(at), found);
}
