/**
 * Small helpers the dialects' native ban stores (NativeBanStore in server/rcon/types.ts) share:
 * mapping central identifiers to what a game's list holds, and one comparable key per entry so
 * the sync can verify by listing that a written ban is really there.
 */
import { formatAddress, normaliseSteamId, parseAddress } from "../../../lib/bans/identifiers.ts";
import type { IdentityKind } from "../types.ts";

type Identifier = { kind: string; value: string };
type NativeIdentity = { kind: IdentityKind; value: string };

const STEAM64_BASE = 76561197960265728n;

/** IPv4 single addresses only (central "ip" values are already normalised). */
export function ipv4Identities(identifiers: readonly Identifier[]): NativeIdentity[] {
  return identifiers
    .filter((i) => i.kind === "ip" && /^\d{1,3}(?:\.\d{1,3}){3}$/.test(i.value))
    .map((i) => ({ kind: "ip" as const, value: i.value }));
}

/** SteamIDs as SRCDS writes them: [U:1:n]. */
export function steam3Identities(identifiers: readonly Identifier[]): NativeIdentity[] {
  return identifiers
    .filter((i) => i.kind === "steam")
    .map((i) => ({
      kind: "steamid" as const,
      value: `[U:1:${(BigInt(i.value) - STEAM64_BASE).toString()}]`,
    }));
}

/** IPv4 ranges as ioq3's `banaddr` takes them (a.b.c.d/n). */
export function ipv4RangeIdentities(identifiers: readonly Identifier[]): NativeIdentity[] {
  return identifiers
    .filter((i) => i.kind === "cidr" && !i.value.includes(":"))
    .map((i) => ({ kind: "ip" as const, value: i.value }));
}

/** Central kind `from` as the game's identity kind `to`, value unchanged (BattlEye GUIDs, Minecraft names). */
export function sameValue(from: string, to: IdentityKind) {
  return (identifiers: readonly Identifier[]): NativeIdentity[] =>
    identifiers.filter((i) => i.kind === from).map((i) => ({ kind: to, value: i.value }));
}

/**
 * The default comparable key: SteamIDs as SteamID64, addresses normalised (a single address and
 * its /32 are the same ban), GUIDs and names case-insensitive.
 */
export function nativeKey(entry: NativeIdentity): string | null {
  if (entry.kind === "steamid") {
    const id = normaliseSteamId(entry.value);
    return id && `steam ${id}`;
  }
  if (entry.kind === "ip") {
    const [host = "", prefix] = entry.value.split("/");
    const address = parseAddress(host);
    if (!address) return null;
    const full = address.family === 4 ? "32" : "128";
    return prefix === undefined || prefix === full
      ? `ip ${formatAddress(address)}`
      : `cidr ${formatAddress(address)}/${prefix}`;
  }
  return `${entry.kind} ${entry.value.toLowerCase()}`;
}

/**
 * A listed entry as a central identifier: SteamIDs as SteamID64, addresses as ip or cidr, and the
 * game's guid / name column as the central kind this game means by it (BattlEye GUID, Minecraft name).
 */
export function centralIdentifier(meaning: { guid?: string; name?: string }) {
  return (entry: NativeIdentity): { kind: string; value: string } | null => {
    const key = nativeKey(entry);
    if (key === null) return null;
    const [kind = "", value = ""] = key.split(" ");
    if (kind === "steam" || kind === "ip" || kind === "cidr") return { kind, value };
    const central = entry.kind === "guid" ? meaning.guid : entry.kind === "name" ? meaning.name : undefined;
    return central ? { kind: central, value } : null;
  };
}
