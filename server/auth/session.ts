/**
 * Session cookie -> Actor, shared by Next (pages, actions, route handlers) and socket.io. The JWT
 * is only a pointer (user id + session version): the user is re-loaded each time.
 */
import { decode } from "next-auth/jwt";
import { parse as parseCookie } from "cookie";
import type { Actor } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { loadActor } from "../data/users.ts";

export const SESSION_COOKIE = "next-auth.session-token";
export const SECURE_SESSION_COOKIE = "__Secure-next-auth.session-token";

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

export async function actorFromSessionToken(db: Db, secret: string, token: string | null): Promise<Actor | null> {
  if (!token) return null;
  let payload: Awaited<ReturnType<typeof decode>>;
  try {
    payload = await decode({ token, secret });
  } catch {
    return null; // forged, tampered or signed with another secret
  }
  if (!payload?.uid || typeof payload.sv !== "number") return null;
  return loadActor(db, payload.uid, payload.sv);
}

export async function actorFromCookieHeader(db: Db, secret: string, cookieHeader: string | undefined): Promise<Actor | null> {
  if (!cookieHeader) return null;
  return actorFromSessionToken(db, secret, sessionTokenFrom(parseCookie(cookieHeader)));
}
