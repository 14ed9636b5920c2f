/** One-time links (first-run setup, invites): random token, stored only as a SHA-256, expiring, single use. */
import { createHash, randomBytes } from "node:crypto";
import type { Db, OneTimeToken } from "../db/client.ts";

export const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
export const INVITE_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Finds a token that is unused and unexpired, or null. Does not consume it. */
export async function findUsableToken(
  db: Db,
  token: string,
  purpose: "setup" | "invite",
  now = new Date(),
): Promise<OneTimeToken | null> {
  const row = await db.oneTimeToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.purpose !== purpose || row.usedAt !== null || row.expiresAt <= now) return null;
  return row;
}

/** Marks a token used; false when someone else used it first (the update is conditional). */
export async function consumeToken(
  db: Pick<Db, "oneTimeToken">,
  id: string,
  now = new Date(),
): Promise<boolean> {
  const result = await db.oneTimeToken.updateMany({
    where: { id, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return result.count === 1;
}
