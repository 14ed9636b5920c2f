/**
 * The only WebSocket client code (the `ws` library): one connection whose units are whole
 * messages. The URL may carry a secret (Rust WebRCON's password is its path), so nothing here puts
 * the URL in an error message or a log.
 */
import WebSocket from "ws";

export interface WebSocketHandlers {
  /** One whole message; `binary` for a binary frame (WebRCON speaks text only). */
  onUnit(unit: Uint8Array, binary: boolean): void;
  /** The connection ended after it opened; `code` is the close frame's (1006: no close frame). */
  onClose(code: number, error: NodeJS.ErrnoException | null): void;
}

export interface WebSocketStream {
  /** Sends one text frame; nothing once closing. */
  write(unit: Uint8Array): void;
  /** Stops / restarts reading (a flooding server is then slowed by TCP). */
  pause(): void;
  resume(): void;
  /** Closing handshake, then the socket; resolves once it is closed. */
  end(): Promise<void>;
  destroy(): void;
}

export class WebSocketOpenError extends Error {
  override readonly name = "WebSocketOpenError";
  constructor(
    /** HTTP: the server answered the upgrade with another HTTP status (`status`). */
    readonly code: "TIMEOUT" | "REFUSED" | "HTTP" | "CLOSED" | "OTHER",
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface WebSocketOpenOptions {
  host: string;
  port: number;
  /** The URL path after "/", sent as is (the caller checked that it needs no encoding). */
  path: string;
  timeoutMs: number;
  /** Frames over this many bytes close the connection (code 1009) before they are buffered whole. */
  maxPayload: number;
}

export function openWebSocket(
  options: WebSocketOpenOptions,
  handlers: WebSocketHandlers,
): Promise<WebSocketStream> {
  const where = `${options.host.includes(":") ? `[${options.host}]` : options.host}:${options.port}`;
  let socket: WebSocket;
  try {
    socket = new WebSocket(`ws://${where}/${options.path}`, {
      handshakeTimeout: options.timeoutMs,
      maxPayload: options.maxPayload,
      // Game servers do not compress; refusing it also rules out decompression bombs.
      perMessageDeflate: false,
      followRedirects: false,
    });
  } catch {
    return Promise.reject(new WebSocketOpenError("OTHER", `cannot build a WebSocket address for ${where}`));
  }
  return new Promise<WebSocketStream>((resolve, reject) => {
    let opened = false;
    let lastError: NodeJS.ErrnoException | null = null;
    let closed: Promise<void> | null = null;
    socket.on("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      socket.terminate();
      reject(
        new WebSocketOpenError("HTTP", `${where} answered the WebSocket upgrade with HTTP ${status}`, status),
      );
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      lastError = error;
      if (opened) return;
      if (error.code === "ECONNREFUSED")
        reject(
          new WebSocketOpenError(
            "REFUSED",
            `connection refused by ${where} (nothing listens on that TCP port)`,
          ),
        );
      else if (/timed out/i.test(error.message))
        reject(
          new WebSocketOpenError(
            "TIMEOUT",
            `no WebSocket handshake from ${where} within ${options.timeoutMs} ms`,
          ),
        );
      else
        reject(
          new WebSocketOpenError("OTHER", `cannot open a WebSocket to ${where}: ${error.code ?? "error"}`),
        );
    });
    socket.on("close", (code) => {
      if (!opened) {
        reject(
          new WebSocketOpenError("CLOSED", `${where} closed the connection during the WebSocket handshake`),
        );
        return;
      }
      handlers.onClose(code, lastError);
    });
    socket.on("message", (data: Buffer, binary: boolean) => {
      handlers.onUnit(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), binary);
    });
    socket.on("open", () => {
      opened = true;
      resolve({
        write(unit) {
          if (socket.readyState === WebSocket.OPEN) socket.send(unit, { binary: false });
        },
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        end() {
          closed ??= new Promise<void>((done) => {
            if (socket.readyState === WebSocket.CLOSED) return done();
            socket.once("close", () => done());
            socket.close(1000);
            // A peer that never answers the close frame: drop the socket after a moment.
            setTimeout(() => socket.terminate(), 1_000).unref();
          });
          return closed;
        },
        destroy: () => socket.terminate(),
      });
    });
  });
}
