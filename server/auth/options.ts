/**
 * next-auth v4 configuration: Credentials sign-in, JWT sessions in an http-only cookie. The token
 * carries only the user id, session version and session row id; the session row and the actor
 * (role, limits, disabled) are re-loaded from the database on every request and socket event
 * (server/auth/session.ts). Signing out revokes the row, so a copied cookie dies with it.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProviderModule from "next-auth/providers/credentials";
import { isAppError } from "../../lib/errors.ts";
import { loginSchema } from "../../lib/schemas/auth.ts";
import { recordAudit } from "../data/audit.ts";
import { endSession } from "../data/sessions.ts";
import { authenticate, SESSION_MAX_AGE_SECONDS } from "../data/sign-in.ts";
import { getRuntime } from "../runtime.ts";
import { clientIpFrom } from "./request-ip.ts";
import { actorForClaims, claimsOf } from "./session.ts";

// CommonJS: Next's bundler and vitest hand over the factory, plain Node ESM (the Next-less test
// server, server/testing/no-next.ts) the module object with it as `default`.
const CredentialsProvider = ((CredentialsProviderModule as { default?: unknown }).default ??
  CredentialsProviderModule) as typeof CredentialsProviderModule;

export { SESSION_MAX_AGE_SECONDS };

export function getAuthOptions(): NextAuthOptions {
  const runtime = getRuntime();
  return {
    secret: runtime.secrets.authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    useSecureCookies: runtime.env.publicUrl.startsWith("https://"),
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
          code: { label: "Authentication code", type: "text" },
        },
        async authorize(credentials, req) {
          const parsed = loginSchema.safeParse(credentials ?? {});
          if (!parsed.success) throw new Error("Enter your email and password.");
          try {
            const userAgent: unknown = req.headers?.["user-agent"];
            const user = await authenticate(
              runtime.db,
              runtime.loginLimiter,
              {
                ...parsed.data,
                ip: clientIpFrom(req.headers),
                userAgent: typeof userAgent === "string" ? userAgent : null,
              },
              { limiter: runtime.twoFactorLimiter, key: runtime.secrets.encryptionKey },
            );
            return {
              id: user.id,
              email: user.email,
              name: user.name,
              sessionVersion: user.sessionVersion,
              sessionId: user.sessionId,
            };
          } catch (error) {
            // next-auth passes the message to the sign-in form as `error`; only AppError messages are user-facing.
            if (isAppError(error)) throw new Error(error.message);
            runtime.logger.error("sign-in failed", { error: String(error) });
            throw new Error("Sign-in is unavailable right now. Try again shortly.");
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = user.sessionVersion ?? 1;
          token.sid = user.sessionId;
          return token;
        }
        // GET /api/auth/session: a signed-out, revoked, expired, stale or disabled session (or a
        // cookie from before revocable sessions) is refused; next-auth then answers {} and clears
        // the cookie.
        const claims = claimsOf(token);
        if (!claims || !(await actorForClaims(runtime.db, claims))) throw new SessionEndedError();
        return token;
      },
      session({ session, token }) {
        // Only identifiers reach the browser; authority is always decided on the server.
        session.user = { name: session.user?.name ?? null, email: session.user?.email ?? null };
        if (token.uid) (session as { uid?: string }).uid = token.uid;
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        const claims = claimsOf(token);
        if (!claims) return;
        const ended = await endSession(runtime.db, claims.sid, claims.uid, "sign-out");
        runtime.endSessionSockets?.(claims.sid, "You signed out.");
        const user = await runtime.db.user.findUnique({ where: { id: claims.uid } });
        if (user && ended)
          await recordAudit(runtime.db, {
            actor: user,
            action: "auth.logout",
            targetType: "session",
            targetId: claims.sid,
            outcome: "success",
          });
      },
    },
    logger: {
      // An ended session is expected, not an error worth a stack trace in the log.
      error(code, metadata) {
        if (code === "JWT_SESSION_ERROR" && (metadata as { name?: unknown } | null)?.name === SESSION_ENDED)
          return;
        const message = (metadata as { message?: unknown } | null)?.message;
        runtime.logger.error(`next-auth: ${code}`, { error: typeof message === "string" ? message : "" });
      },
      warn(code) {
        runtime.logger.warn(`next-auth: ${code}`);
      },
      debug() {},
    },
  };
}

const SESSION_ENDED = "SessionEndedError";
class SessionEndedError extends Error {
  override readonly name = SESSION_ENDED;
  constructor() {
    super("session ended");
  }
}
