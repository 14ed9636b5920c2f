/**
 * Ban identifiers: parsing and normalisation. One identifier has one stored form, so the join
 * check is an exact (kind, value) lookup:
 * - steam: SteamID2 (STEAM_0/1:Y:Z), SteamID3 ([U:1:W]) and SteamID64 all become the SteamID64 of
 *   an individual account in the public universe.
 * - ip: canonical IPv4 (no leading zeros) or RFC 5952 IPv6; an IPv4-mapped IPv6 address is IPv4.
 * - cidr: "network/prefix" with the canonical network. Host bits set are refused (with the network
 *   as a hint) rather than silently cleared: "10.1.2.3/8" is more likely a typo than a wish to ban
 *   10.0.0.0/8. Prefixes shorter than /8 (IPv4) or /32 (IPv6) are refused as too wide. /32 and
 *   /128 are single addresses (kind ip).
 * - battleye, eos: 32 hex digits, lower case. cod_guid: 8 to 32 hex or 1 to 20 decimal digits.
 * - mc_uuid: dashed lower case; mc_name: 3 to 16 of [A-Za-z0-9_], lower case (names are case-insensitive).
 * - name: the last resort: trimmed, inner whitespace collapsed, lower case, 1 to 64 characters.
 */
export const IDENTIFIER_KINDS = [
  "steam",
  "battleye",
  "ip",
  "cidr",
  "mc_uuid",
  "mc_name",
  "cod_guid",
  "eos",
  "name",
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const IDENTIFIER_LABELS: Record<IdentifierKind, string> = {
  steam: "SteamID",
  battleye: "BattlEye GUID",
  ip: "IP address",
  cidr: "IP range (CIDR)",
  mc_uuid: "Minecraft UUID",
  mc_name: "Minecraft name",
  cod_guid: "CoD GUID",
  eos: "EOS id",
  name: "Player name",
};

export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

export type ParseResult = { ok: true; identifier: Identifier } | { ok: false; error: string };

const STEAM64_BASE = 76561197960265728n;
const MAX_ACCOUNT = 0xffffffffn;
export const MIN_PREFIX = { 4: 8, 6: 32 } as const;

function fail(error: string): ParseResult {
  return { ok: false, error };
}
function ok(kind: IdentifierKind, value: string): ParseResult {
  return { ok: true, identifier: { kind, value } };
}

// ------------------------------------------------------------------------------------------------
// SteamID

function fromAccount(account: bigint): string | null {
  if (account <= 0n || account > MAX_ACCOUNT) return null;
  return (STEAM64_BASE + account).toString();
}

/** Any SteamID notation to SteamID64, or null. */
export function normaliseSteamId(input: string): string | null {
  const text = input.trim();
  let m = /^STEAM_[01]:([01]):(\d{1,10})$/i.exec(text);
  if (m) return fromAccount(BigInt(m[2]!) * 2n + BigInt(m[1]!));
  m = /^\[U:1:(\d{1,10})\]$/i.exec(text) ?? /^U:1:(\d{1,10})$/i.exec(text);
  if (m) return fromAccount(BigInt(m[1]!));
  if (/^\d{17}$/.test(text)) return fromAccount(BigInt(text) - STEAM64_BASE);
  return null;
}

// ------------------------------------------------------------------------------------------------
// Addresses

/** Parsed address: family and its bits as a bigint (32 or 128 bits). */
export interface ParsedAddress {
  family: 4 | 6;
  bits: bigint;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let bits = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bits = (bits << 8n) | BigInt(n);
  }
  return bits;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let head = text;
  let tail: bigint | null = null;
  if (text.includes(".")) {
    // An embedded IPv4 address takes the last two groups.
    const lastColon = text.lastIndexOf(":");
    tail = parseIpv4(text.slice(lastColon + 1));
    if (tail === null) return null;
    const prefix = text.slice(0, lastColon + 1);
    head = prefix.endsWith("::") ? prefix : prefix.slice(0, -1);
  }
  const wanted = tail === null ? 8 : 6;
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const split = (s: string) => (s === "" ? [] : s.split(":"));
  let groups: string[];
  if (halves.length === 2) {
    const left = split(halves[0]!);
    const right = split(halves[1]!);
    const missing = wanted - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...Array<string>(missing).fill("0"), ...right];
  } else {
    groups = split(head);
  }
  if (groups.length !== wanted) return null;
  let bits = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    bits = (bits << 16n) | BigInt(parseInt(group, 16));
  }
  if (tail !== null) bits = (bits << 32n) | tail;
  return bits;
}

/** An IPv4 or IPv6 address (brackets allowed, no zone, no port); IPv4-mapped IPv6 becomes IPv4. */
export function parseAddress(input: string): ParsedAddress | null {
  let text = input.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  if (text.includes(":")) {
    const bits = parseIpv6(text);
    if (bits === null) return null;
    if (bits >> 32n === 0xffffn) return { family: 4, bits: bits & 0xffffffffn };
    return { family: 6, bits };
  }
  const bits = parseIpv4(text);
  return bits === null ? null : { family: 4, bits };
}

export function formatAddress({ family, bits }: ParsedAddress): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (>= 2) of zero groups, the first on a tie, becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

function width(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function network(address: ParsedAddress, prefix: number): bigint {
  const w = width(address.family);
  const hostBits = BigInt(w - prefix);
  return (address.bits >> hostBits) << hostBits;
}

/** The address part of a player's "ip:port" / "[v6]:port" / bare address, or null (bots, loopback words). */
export function addressOfEndpoint(endpoint: string | null): ParsedAddress | null {
  if (!endpoint) return null;
  const text = endpoint.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return parseAddress(bracketed[1]!);
  const v4 = /^(\d+\.\d+\.\d+\.\d+)(?::\d+)?$/.exec(text);
  if (v4) return parseAddress(v4[1]!);
  return parseAddress(text);
}

/** Every CIDR network value that contains `address` (the prefixes a cidr ban may have), widest first. */
export function containingNetworks(address: ParsedAddress): string[] {
  const w = width(address.family);
  const out: string[] = [];
  for (let prefix = MIN_PREFIX[address.family]; prefix < w; prefix++) {
    out.push(`${formatAddress({ family: address.family, bits: network(address, prefix) })}/${prefix}`);
  }
  return out;
}

function parseCidr(text: string): ParseResult {
  const slash = text.indexOf("/");
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(prefixText))
    return fail("Enter an address range like 203.0.113.0/24 or 2001:db8::/48.");
  const prefix = Number(prefixText) - (text.slice(0, slash).includes(":") && address.family === 4 ? 96 : 0);
  const w = width(address.family);
  if (prefix > w || prefix < 0) return fail(`The prefix must be at most /${w}.`);
  if (prefix < MIN_PREFIX[address.family])
    return fail(`That range is too wide: the prefix must be at least /${MIN_PREFIX[address.family]}.`);
  if (prefix === w) return ok("ip", formatAddress(address));
  const net = network(address, prefix);
  const formatted = `${formatAddress({ family: address.family, bits: net })}/${prefix}`;
  if (net !== address.bits)
    return fail(`That address has bits set after the prefix: did you mean ${formatted}?`);
  return ok("cidr", formatted);
}

// ------------------------------------------------------------------------------------------------
// The rest

const UUID = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

export function normaliseName(input: string): string {
  return input.trim().replace(/\s+/g, " ").toLowerCase();
}

/** Parses one identifier of a known kind; the error is written for a form field. */
export function parseIdentifier(kind: IdentifierKind, input: string): ParseResult {
  const text = input.trim();
  if (text === "") return fail("Enter a value.");
  if (text.length > 200) return fail("That value is too long.");
  switch (kind) {
    case "steam": {
      const value = normaliseSteamId(text);
      return value
        ? ok("steam", value)
        : fail("Enter a SteamID: STEAM_0:1:23, [U:1:47] or a 17-digit SteamID64.");
    }
    case "ip":
    case "cidr": {
      if (text.includes("/")) return parseCidr(text);
      const address = parseAddress(text);
      if (!address) return fail("Enter an IPv4 or IPv6 address (no port), or a range like 203.0.113.0/24.");
      return ok("ip", formatAddress(address));
    }
    case "battleye":
    case "eos":
      return /^[0-9a-f]{32}$/i.test(text)
        ? ok(kind, text.toLowerCase())
        : fail(`A ${IDENTIFIER_LABELS[kind]} is 32 hexadecimal characters.`);
    case "cod_guid":
      return /^([0-9a-f]{8,32}|\d{1,20})$/i.test(text)
        ? ok("cod_guid", text.toLowerCase())
        : fail("A CoD GUID is 8 to 32 hexadecimal characters or up to 20 digits.");
    case "mc_uuid": {
      const m = UUID.exec(text);
      return m
        ? ok("mc_uuid", m.slice(1, 6).join("-").toLowerCase())
        : fail("A Minecraft UUID is 32 hexadecimal characters, with or without dashes.");
    }
    case "mc_name":
      return /^[A-Za-z0-9_]{3,16}$/.test(text)
        ? ok("mc_name", text.toLowerCase())
        : fail("A Minecraft name is 3 to 16 letters, digits or underscores.");
    case "name": {
      if (/[\u0000-\u001f\u007f]/.test(text)) return fail("A name cannot hold control characters.");
      const value = normaliseName(text);
      return value.length <= 64 ? ok("name", value) : fail("A name is at most 64 characters.");
    }
  }
}

/** What a joining player offers to the ban check. */
export interface PlayerIdentities {
  guid: string | null;
  steamId: string | null;
  /** "ip:port" or a bare address; anything else (bot, loopback) is ignored. */
  address: string | null;
  /** The plain (colour-stripped) name. */
  name: string | null;
}

/**
 * The (kind, values) pairs to look up for a player. A game's "guid" column is BattlEye's GUID, a
 * CoD GUID, an EOS id or a Minecraft UUID depending on the game: every kind it parses as is tried
 * (distinct kinds of the same 32 hex digits cannot collide in practice).
 */
export function lookupKeys(player: PlayerIdentities): Identifier[] {
  const keys: Identifier[] = [];
  const add = (result: ParseResult) => {
    if (
      result.ok &&
      !keys.some((k) => k.kind === result.identifier.kind && k.value === result.identifier.value)
    )
      keys.push(result.identifier);
  };
  if (player.guid)
    for (const kind of ["battleye", "eos", "cod_guid", "mc_uuid", "steam"] as const)
      add(parseIdentifier(kind, player.guid));
  if (player.steamId) add(parseIdentifier("steam", player.steamId));
  const address = addressOfEndpoint(player.address);
  if (address) {
    add(ok("ip", formatAddress(address)));
    for (const value of containingNetworks(address)) keys.push({ kind: "cidr", value });
  }
  if (player.name && player.name.trim() !== "") {
    add(parseIdentifier("name", player.name));
    add(parseIdentifier("mc_name", player.name));
  }
  return keys;
}

/**
 * The identifiers a ban of an online player stores. The game decides what its "guid" column is
 * (BattlEye GUID, Minecraft UUID, CoD GUID, else an EOS id); the name is stored only as a last
 * resort (no other identifier), except on Minecraft where the name is an account identifier.
 */
export function identifiersOfPlayer(
  player: PlayerIdentities,
  game: { id: string; family: string },
): Identifier[] {
  const out: Identifier[] = [];
  const add = (result: ParseResult | null) => {
    if (
      result?.ok &&
      !out.some((o) => o.kind === result.identifier.kind && o.value === result.identifier.value)
    )
      out.push(result.identifier);
  };
  if (player.steamId) add(parseIdentifier("steam", player.steamId));
  if (player.guid) {
    const kinds: readonly IdentifierKind[] =
      game.family === "battleye"
        ? ["battleye"]
        : game.id === "minecraft"
          ? ["mc_uuid"]
          : game.family === "quake3"
            ? ["cod_guid"]
            : ["steam", "mc_uuid", "eos", "cod_guid"];
    for (const kind of kinds) {
      const result = parseIdentifier(kind, player.guid);
      if (result.ok) {
        add(result);
        break;
      }
    }
  }
  const address = addressOfEndpoint(player.address);
  if (address) add(ok("ip", formatAddress(address)));
  if (player.name && game.id === "minecraft") add(parseIdentifier("mc_name", player.name));
  if (out.length === 0 && player.name) add(parseIdentifier("name", player.name));
  return out;
}
