/**
 * RCONDECK_NO_NEXT=1 (multi-process tests and `npm run bench -- cluster` ONLY, under tsx): the
 * composition root serves no pages. Starting Next per instance needs a production build or slow
 * on-demand compilation; the cluster tests need only what a browser's live connection and sign-in
 * use: socket.io (answered by engine.io itself), /api/health and next-auth's real /api/auth/* handler.
 * Everything else is 404. Never set it in a deployment: there is no dashboard without Next.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextAuthOptions } from "next-auth";
import { getRuntime } from "../runtime.ts";
import { handleAuthRequest } from "./auth-http.ts";

export const NO_NEXT_VARIABLE = "RCONDECK_NO_NEXT";

/** The part of Next's app object server/index.ts uses. */
export interface BareApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}

export function createBareApp(trustProxy: boolean): BareApp {
  let authOptions: (() => NextAuthOptions) | null = null;
  return {
    async prepare() {
      // server/auth/options.ts is outside the server build (Next bundles it); under tsx it loads
      // from source. A computed specifier keeps tsc from pulling it into dist/.
      const specifier = "../auth/options.ts";
      const loaded = (await import(specifier)) as { getAuthOptions: () => NextAuthOptions };
      authOptions = loaded.getAuthOptions;
    },
    getRequestHandler() {
      return async (req, res) => {
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        if (path === "/api/health") {
          const ok = await getRuntime()
            .db.user.count()
            .then(
              () => true,
              () => false,
            );
          res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ok }));
        } else if (path.startsWith("/api/auth/") && authOptions) {
          handleAuthRequest(req, res, { trustProxy, authOptions });
        } else {
          res.writeHead(404, { "content-type": "text/plain" }).end(`${NO_NEXT_VARIABLE}=1: no pages`);
        }
      };
    },
    close: async () => {},
  };
}
