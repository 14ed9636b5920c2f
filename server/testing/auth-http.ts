/**
 * next-auth's real request handler (the one app/api/auth/[...nextauth]/route.ts runs inside Next)
 * on a plain http.Server on loopback, with the client-address line of server/index.ts in front.
 * Tests sign in, read /api/auth/session and sign out over real HTTP without building Next.
 */
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseCookie } from "cookie";
import NextAuth, { type NextAuthOptions } from "next-auth";
import { clientAddress, CLIENT_IP_HEADER } from "../auth/request-ip.ts";

export interface AuthHttpServer {
  url: string;
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

// next-auth's API-route handler (the same AuthHandler core the app's route handler calls) wants
// Next's request/response helpers; these are the few it uses.
type ApiHandler = (req: unknown, res: unknown, options: NextAuthOptions) => Promise<void>;
// CommonJS default: the function itself under vitest, `{ default }` under plain Node ESM (tsx).
const handleAuth = ((NextAuth as { default?: unknown }).default ?? NextAuth) as unknown as ApiHandler;

function withApiHelpers(res: ServerResponse) {
  return Object.assign(res, {
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    json(body: unknown) {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(body));
    },
    send(body: unknown) {
      res.end(typeof body === "string" ? body : JSON.stringify(body ?? null));
    },
  });
}

/**
 * Answers one /api/auth/* request with next-auth's handler, after the client-address line of
 * server/index.ts. Also used by the Next-less test server (no-next.ts).
 */
export function handleAuthRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: { trustProxy: boolean; authOptions: () => NextAuthOptions },
): void {
  void (async () => {
    // The line server/index.ts runs before Next sees a request.
    req.headers[CLIENT_IP_HEADER] = clientAddress(
      req.socket.remoteAddress,
      req.headers["x-forwarded-for"],
      options.trustProxy,
    );
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const nextauth = url.pathname.replace(/^\/api\/auth\//, "").split("/");
    const body = req.method === "POST" ? await readForm(req) : undefined;
    const apiReq = Object.assign(req, {
      query: { ...Object.fromEntries(url.searchParams), nextauth },
      body,
      cookies: parseCookie(req.headers.cookie ?? ""),
    });
    await handleAuth(apiReq, withApiHelpers(res), options.authOptions());
  })().catch((error: unknown) => {
    res.statusCode = 500;
    res.end(String(error));
  });
}

/** `authOptions` is server/auth/options.ts getAuthOptions (passed in: that file is Next-only, outside the server build). */
export async function startAuthHttpServer(options: {
  trustProxy: boolean;
  authOptions: () => NextAuthOptions;
}): Promise<AuthHttpServer> {
  const server: HttpServer = createServer((req, res) => handleAuthRequest(req, res, options));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One browser: a cookie jar, and the three requests next-auth/react makes. */
export class AuthBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private async request(
    path: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? "GET",
      redirect: "manual",
      headers: {
        ...this.headers,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  private async csrf(): Promise<string> {
    return ((await (await this.request("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
  }

  /** Like next-auth/react signIn("credentials", { redirect: false }): the error text, or null on success. */
  /** Signs in (with a two-factor `code` when given); the error next-auth reports, or null. */
  async signIn(email: string, password: string, code?: string): Promise<string | null> {
    const csrfToken = await this.csrf();
    const response = await this.request("/api/auth/callback/credentials", {
      method: "POST",
      form: {
        email,
        password,
        ...(code !== undefined ? { code } : {}),
        csrfToken,
        callbackUrl: this.baseUrl,
        json: "true",
      },
    });
    const { url } = (await response.json()) as { url: string };
    const error = new URL(url).searchParams.get("error");
    return error;
  }

  async session(): Promise<Record<string, unknown>> {
    return (await (await this.request("/api/auth/session")).json()) as Record<string, unknown>;
  }

  async signOut(): Promise<void> {
    const csrfToken = await this.csrf();
    await this.request("/api/auth/signout", {
      method: "POST",
      form: { csrfToken, callbackUrl: this.baseUrl, json: "true" },
    });
  }

  /** The session cookie header alone, as an attacker who copied it would send it. */
  sessionCookie(): string {
    return [...this.cookies]
      .filter(([k]) => k.includes("session-token"))
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
  }
}
