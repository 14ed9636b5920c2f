/**
 * The WebSocket message transport (webSocketTransport) over a real `ws` server on loopback: whole
 * text messages in and out, binary frames refused, close codes turned into the reason the
 * transport ended, and an upgrade refused by HTTP reported without the URL (the password is its path).
 */
import http from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { WebSocketOpenError } from "../transport/websocket.ts";
import { webSocketTransport, type Transport, type TransportHandlers } from "./transport.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const decoder = new TextDecoder();

async function peer(onSocket: (socket: WebSocket) => void): Promise<{ port: number; paths: string[] }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  const paths: string[] = [];
  server.on("connection", (socket, request) => {
    paths.push(request.url ?? "");
    socket.on("error", () => socket.terminate());
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as { port: number }).port, paths };
}

function recorder() {
  const got = { units: [] as string[], dropped: [] as string[], closed: [] as (Error | null)[] };
  const handlers: TransportHandlers = {
    onUnit: (unit) => got.units.push(decoder.decode(unit)),
    onDropped: (detail) => got.dropped.push(detail),
    onClose: (error) => got.closed.push(error),
    onError: () => {},
  };
  return { got, handlers };
}

async function open(port: number, handlers: TransportHandlers, maxMessageBytes = 1024): Promise<Transport> {
  const transport = await webSocketTransport({
    host: "127.0.0.1",
    port,
    path: "the-Password_1",
    connectTimeoutMs: 2000,
    maxMessageBytes,
  })(handlers);
  cleanups.push(() => transport.destroy());
  return transport;
}

describe("webSocketTransport", () => {
  it("opens at the given path, writes each unit as a text frame and hands over whole text messages", async () => {
    const frames: { text: string; binary: boolean }[] = [];
    const server = await peer((socket) =>
      socket.on("message", (data: Buffer, binary) => {
        frames.push({ text: data.toString("utf8"), binary });
        socket.send(`re: ${data.toString("utf8")}`);
      }),
    );
    const { got, handlers } = recorder();
    const transport = await open(server.port, handlers);
    transport.write([new TextEncoder().encode("one"), new TextEncoder().encode("two")]);
    await vi.waitFor(() => expect(got.units).toEqual(["re: one", "re: two"]), { interval: 5 });
    expect(frames).toEqual([
      { text: "one", binary: false },
      { text: "two", binary: false },
    ]);
    expect(server.paths).toEqual(["/the-Password_1"]);
  });

  it("refuses binary frames (onDropped) and never hands them to the core", async () => {
    const server = await peer((socket) => {
      socket.send(Buffer.from('{"Identifier":1,"Message":"x"}'), { binary: true });
      socket.send("text after");
    });
    const { got, handlers } = recorder();
    await open(server.port, handlers);
    await vi.waitFor(() => expect(got.units).toEqual(["text after"]), { interval: 5 });
    expect(got.dropped).toEqual([expect.stringContaining("binary WebSocket frame")]);
  });

  it("a message over the size limit ends the transport with that reason; a peer's close is a clean end", async () => {
    const big = await peer((socket) => socket.send("x".repeat(5_000)));
    const first = recorder();
    await open(big.port, first.handlers, 1024);
    await vi.waitFor(() => expect(first.got.closed).toHaveLength(1), { interval: 5 });
    expect(first.got.closed[0]?.message).toBe("it sent a message over the size limit");
    expect(first.got.units).toEqual([]);

    const polite = await peer((socket) => socket.close(1001, "going away"));
    const second = recorder();
    await open(polite.port, second.handlers);
    await vi.waitFor(() => expect(second.got.closed).toEqual([null]), { interval: 5 });
  });

  it("close() ends the connection with a closing handshake", async () => {
    const codes: number[] = [];
    const server = await peer((socket) => socket.on("close", (code) => codes.push(code)));
    const { handlers } = recorder();
    const transport = await open(server.port, handlers);
    await transport.close();
    await vi.waitFor(() => expect(codes).toEqual([1000]), { interval: 5 });
  });

  it("an upgrade answered by HTTP rejects with the status, and no message names the path", async () => {
    const server = http.createServer((_request, response) => {
      response.writeHead(401);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { handlers } = recorder();
    const failure = (await open((server.address() as { port: number }).port, handlers).catch(
      (error: unknown) => error,
    )) as WebSocketOpenError;
    expect(failure).toBeInstanceOf(WebSocketOpenError);
    expect(failure).toMatchObject({ code: "HTTP", status: 401 });
    expect(failure.message).not.toContain("the-Password_1");
  });
});
