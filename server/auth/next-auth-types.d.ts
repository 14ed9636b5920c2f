// What RconDeck keeps in the next-auth JWT: the user id, the session version and the session row id.
import "next-auth/jwt";
import "next-auth";

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    sv?: number;
    sid?: string;
  }
}

declare module "next-auth" {
  interface User {
    sessionVersion?: number;
    sessionId?: string;
  }
}
