/**
 * Session cookie -> Actor, shared by Next (pages, actions, route handlers) and socket.io. The JWT
 * is only a pointer (user id, session version, session row id): the session row and the user are
 * re-loaded each time, so a signed-out, revoked, expired or disabled session opens nothing.
 */
import { decode } from "next-auth/jwt";
import { parse as parseCookie } from "cookie";
import type { Actor } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { actorOfLiveSession } from "../data/sessions.ts";

export const SESSION_COOKIE = "next-auth.session-token";
export const SECURE_SESSION_COOKIE = "__Secure-next-auth.session-token";

/** What the JWT carries: user id, the user's session version, the UserSession row id. */
export interface SessionClaims {
  uid: string;
  sv: number;
  sid: string;
}

/** Reads the session token from cookies, joining next-auth's chunked cookies (name.0, name.1...). */
export function sessionTokenFrom(cookies: Record<string, string | undefined>): string | null {
  for (const name of [SECURE_SESSION_COOKIE, SESSION_COOKIE]) {
    const whole = cookies[name];
    if (whole) return whole;
    const chunks: string[] = [];
    for (let i = 0; cookies[`${name}.${i}`] !== undefined; i++) chunks.push(cookies[`${name}.${i}`] ?? "");
    if (chunks.length > 0) return chunks.join("");
  }
  return null;
}

/** The claims of a decoded token; tokens from before revocable sessions (no `sid`) are refused. */
export function claimsOf(payload: Record<string, unknown> | null | undefined): SessionClaims | null {
  if (!payload) return null;
  const { uid, sv, sid } = payload;
  if (typeof uid !== "string" || typeof sv !== "number" || typeof sid !== "string" || sid.length === 0)
    return null;
  return { uid, sv, sid };
}

export async function claimsFromSessionToken(
  secret: string,
  token: string | null,
): Promise<SessionClaims | null> {
  if (!token) return null;
  try {
    return claimsOf(await decode({ token, secret }));
  } catch {
    return null; // forged, tampered or signed with another secret
  }
}

/** The actor for live claims: session row live, user enabled, session version current. */
export async function actorForClaims(db: Db, claims: SessionClaims, now = new Date()): Promise<Actor | null> {
  return actorOfLiveSession(
    db,
    { sessionId: claims.sid, userId: claims.uid, sessionVersion: claims.sv },
    now,
  );
}

export async function actorFromSessionToken(
  db: Db,
  secret: string,
  token: string | null,
): Promise<Actor | null> {
  const claims = await claimsFromSessionToken(secret, token);
  return claims ? actorForClaims(db, claims) : null;
}

export async function actorFromCookieHeader(
  db: Db,
  secret: string,
  cookieHeader: string | undefined,
): Promise<Actor | null> {
  if (!cookieHeader) return null;
  return actorFromSessionToken(db, secret, sessionTokenFrom(parseCookie(cookieHeader)));
}
