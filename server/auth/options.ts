/**
 * next-auth v4 configuration: Credentials sign-in, JWT sessions in an http-only cookie. The token
 * carries only the user id and session version; the actor (role, limits, disabled) is re-loaded
 * from the database on every request and socket event (server/auth/session.ts).
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { isAppError } from "../../lib/errors.ts";
import { loginSchema } from "../../lib/schemas/auth.ts";
import { recordAudit } from "../data/audit.ts";
import { authenticate } from "../data/users.ts";
import { getRuntime } from "../runtime.ts";
import { clientIpFrom } from "./request-ip.ts";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

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
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = loginSchema.safeParse(credentials ?? {});
          if (!parsed.success) throw new Error("Enter your email and password.");
          try {
            const user = await authenticate(runtime.db, runtime.loginLimiter, { ...parsed.data, ip: clientIpFrom(req.headers) });
            return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
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
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = user.sessionVersion ?? 1;
        }
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
        if (!token.uid) return;
        const user = await runtime.db.user.findUnique({ where: { id: token.uid } });
        if (user) await recordAudit(runtime.db, { actor: user, action: "auth.logout", targetType: "user", targetId: user.id, outcome: "success" });
      },
    },
  };
}
