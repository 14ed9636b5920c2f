/**
 * Per-server secrets for game log streams, derived from the app's encryption key with HMAC-SHA256
 * (no column to store, the same on every instance of a cluster, different per server and per
 * purpose). Rotating RCON_ENCRYPTION_KEY rotates them; the hub registers again on each connect.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface GameLogSecrets {
  /** `sv_logsecret` for SRCDS UDP logs: nine digits (the cvar is a 32-bit integer; no leading zero). */
  udpSecret(serverId: string): string;
  /** The path segment CS2 POSTs to (`logaddress_add_http`): 43 base64url characters (256 bits). */
  httpToken(serverId: string): string;
}

export function gameLogSecrets(key: Buffer): GameLogSecrets {
  const mac = (purpose: string, serverId: string) =>
    createHmac("sha256", key).update(`rcondeck:game-logs:${purpose}:${serverId}`).digest();
  return {
    udpSecret: (serverId) => String(100_000_000 + (mac("udp", serverId).readUInt32BE(0) % 900_000_000)),
    httpToken: (serverId) => mac("http", serverId).toString("base64url"),
  };
}

/** Compares a presented secret with the expected one in constant time. */
export function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
