/**
 * The REST API (/api/v1) on a plain http.Server on loopback: the same `handleApiV1` the route
 * handlers in app/api/v1 run inside Next, after the client-address line of server/index.ts.
 * Tests call it with real HTTP (fetch) without building Next.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApiV1 } from "../api/handle.ts";
import { clientAddress, CLIENT_IP_HEADER } from "../auth/request-ip.ts";

export interface ApiHttpServer {
  url: string;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method ?? "GET",
    headers,
    body: body ?? null,
  });
}

export async function startApiHttpServer(): Promise<ApiHttpServer> {
  let base = "";
  const server = createServer((req, res) => {
    void (async () => {
      req.headers[CLIENT_IP_HEADER] = clientAddress(
        req.socket.remoteAddress,
        req.headers["x-forwarded-for"],
        false,
      );
      const response = await handleApiV1(await toRequest(req, base));
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
