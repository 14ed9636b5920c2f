/**
 * TCP sockets for Source RCON. Together with udp.ts, the only files that open sockets. They move
 * bytes and report how a socket ended; protocol decisions belong to the Sans-IO cores.
 */
import net from "node:net";

export interface TcpHandlers {
  onData(bytes: Uint8Array): void;
  /** The socket is gone. `error` is set for a reset or another socket error, null for a clean end. */
  onClose(error: Error | null): void;
}

export interface TcpStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * Writes the chunks in one go, so many small packets leave as one segment: up to 64 KiB in all
   * copied into one buffer, larger batches corked.
   */
  write(chunks: readonly Uint8Array[]): void;
  /** Half-closes after pending writes are flushed; resolves when the socket is closed. */
  end(): Promise<void>;
  /** Closes at once (RST semantics for tests of servers that die mid-answer). */
  destroy(): void;
  /** Stops reading (TCP flow control then slows the peer) until resume(). */
  pause(): void;
  resume(): void;
  readonly closed: boolean;
}

/** Writes up to this many bytes in all are copied into one buffer (see TcpStream.write). */
const COPY_UP_TO_BYTES = 64 * 1024;

export class TcpConnectError extends Error {
  override readonly name = "TcpConnectError";
  constructor(
    readonly code: "TIMEOUT" | "REFUSED" | "OTHER",
    message: string,
  ) {
    super(message);
  }
}

function wrap(socket: net.Socket, handlers: TcpHandlers): TcpStream {
  let closed = false;
  let closedPromise: Promise<void> | null = null;
  let lastError: Error | null = null;
  socket.setNoDelay(true);
  socket.on("data", (data: Buffer) =>
    handlers.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  );
  socket.on("error", (error) => {
    lastError = error;
  });
  const done = new Promise<void>((resolve) => {
    socket.once("close", () => {
      closed = true;
      resolve();
      handlers.onClose(lastError);
    });
  });
  return {
    remoteAddress: socket.remoteAddress ?? "",
    remotePort: socket.remotePort ?? 0,
    write(chunks) {
      if (closed || socket.destroyed || !socket.writable) return;
      let total = 0;
      for (const chunk of chunks) total += chunk.byteLength;
      if (total === 0) return;
      if (total <= COPY_UP_TO_BYTES) {
        // Small packets are copied into one Buffer (from Node's pool) and written once: writing a
        // small Uint8Array makes V8 move its bytes off the heap first, and writev costs more per
        // chunk than the copy. This runs for every command.
        const joined = Buffer.allocUnsafe(total);
        let offset = 0;
        for (const chunk of chunks) {
          joined.set(chunk, offset);
          offset += chunk.byteLength;
        }
        socket.write(joined);
        return;
      }
      if (chunks.length === 1) {
        socket.write(chunks[0] as Uint8Array);
        return;
      }
      socket.cork();
      for (const chunk of chunks) socket.write(chunk);
      socket.uncork();
    },
    end() {
      if (!closedPromise) {
        closedPromise = done;
        if (!closed) socket.end();
        // A peer that never closes its side must not hold us forever.
        setTimeout(() => socket.destroy(), 2_000).unref();
      }
      return closedPromise;
    },
    destroy() {
      socket.destroy();
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
    get closed() {
      return closed;
    },
  };
}

/** Connects with a timeout; rejects with TcpConnectError (TIMEOUT, REFUSED or OTHER). */
export function connectTcp(
  host: string,
  port: number,
  timeoutMs: number,
  handlers: TcpHandlers,
): Promise<TcpStream> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TcpConnectError("TIMEOUT", `no TCP connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const refused = error.code === "ECONNREFUSED";
      reject(
        new TcpConnectError(
          refused ? "REFUSED" : "OTHER",
          refused
            ? `connection refused by ${host}:${port}`
            : `cannot connect to ${host}:${port}: ${error.message}`,
        ),
      );
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      resolve(wrap(socket, handlers));
    });
  });
}

export interface TcpListener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting and destroys open connections. */
  close(): Promise<void>;
}

/** Listens on host:port (0 = a free port); `accept` returns the handlers for each new stream. */
export function listenTcp(
  host: string,
  port: number,
  accept: (stream: TcpStream) => TcpHandlers,
): Promise<TcpListener> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      let handlers: TcpHandlers | null = null;
      const stream = wrap(socket, {
        onData: (bytes) => handlers?.onData(bytes),
        onClose: (error) => handlers?.onClose(error),
      });
      handlers = accept(stream);
    });
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        host: address.address,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
