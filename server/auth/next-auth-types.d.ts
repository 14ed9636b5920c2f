// What RconDeck keeps in the next-auth JWT: only the user id and the session version.
import "next-auth/jwt";
import "next-auth";

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    sv?: number;
  }
}

declare module "next-auth" {
  interface User {
    sessionVersion?: number;
  }
}
