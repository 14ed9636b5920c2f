import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/options";

// Options are built per request: they read the process-wide runtime set up by server/index.ts.
async function handler(
  req: Request,
  context: { params: Promise<{ nextauth: string[] }> },
): Promise<Response> {
  return (NextAuth(getAuthOptions()) as (req: Request, ctx: unknown) => Promise<Response>)(req, context);
}

export { handler as GET, handler as POST };
