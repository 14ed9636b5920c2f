/**
 * A session cookie as a real sign-in would set it: a UserSession row plus a JWT carrying its id
 * (`sid`) next to the user id and session version. Tests and benchmarks that connect sockets
 * "as" a user use this; a hand-made token without `sid` is refused like an old cookie.
 */
import { encode } from "next-auth/jwt";
import { SESSION_COOKIE } from "../auth/session.ts";
import type { Db } from "../db/client.ts";
import { createSession } from "../data/sessions.ts";

const HOUR_MS = 60 * 60 * 1000;

export async function sessionCookieFor(
  db: Db,
  secret: string,
  userId: string,
  options: { sessionVersion?: number; ip?: string; userAgent?: string } = {},
): Promise<{ cookie: string; sessionId: string }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } });
  const session = await createSession(db, {
    userId,
    userAgent: options.userAgent ?? "vitest",
    ip: options.ip ?? "127.0.0.1",
    maxAgeMs: 12 * HOUR_MS,
  });
  const token = await encode({
    token: { uid: userId, sv: options.sessionVersion ?? user.sessionVersion, sid: session.id },
    secret,
  });
  return { cookie: `${SESSION_COOKIE}=${token}`, sessionId: session.id };
}
