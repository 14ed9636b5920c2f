/**
 * What the session driver needs from a socket, whatever carries the units: a TCP stream (units are
 * chunks of a byte stream), a connected UDP socket (units are datagrams) or a message transport
 * such as a WebSocket (units are whole messages). The adapters here wrap transport/tcp.ts,
 * transport/udp.ts and transport/websocket.ts, which stay the only files that open sockets.
 */
import { connectTcp, TcpConnectError } from "../transport/tcp.ts";
import { connectUdp } from "../transport/udp.ts";
import { openWebSocket } from "../transport/websocket.ts";

export interface TransportHandlers {
  /** One unit as the transport delivers it. */
  onUnit(unit: Uint8Array): void;
  /** The transport is gone (stream transports only). `error` is null for a clean close by the peer. */
  onClose(error: Error | null): void;
  /** A socket-level error that does not end the transport (ICMP port unreachable on UDP). */
  onError(error: NodeJS.ErrnoException): void;
  /** A unit the transport refused to hand over (a binary WebSocket frame where the protocol speaks text). */
  onDropped?(detail: string): void;
}

export interface Transport {
  /** Writes the units in order (a stream transport may coalesce them into one segment). */
  write(units: readonly Uint8Array[]): void;
  /** Closes gracefully; resolves when the socket is closed. */
  close(): Promise<void>;
  /** Closes at once, without flushing. */
  destroy(): void;
  /** Flow control, where the transport has it (TCP): stops reading until resume(). */
  pause?(): void;
  resume?(): void;
}

/**
 * Opens a transport; rejects with an Error whose message says, for an admin, why it could not be
 * opened (a family's SessionWording.openFailed may read more into it: WebSocketOpenError's status).
 */
export type OpenTransport = (handlers: TransportHandlers) => Promise<Transport>;

export function tcpTransport(host: string, port: number, connectTimeoutMs: number): OpenTransport {
  return async (handlers) => {
    let stream;
    try {
      stream = await connectTcp(host, port, connectTimeoutMs, {
        onData: (bytes) => handlers.onUnit(bytes),
        onClose: (error) => handlers.onClose(error),
      });
    } catch (error) {
      if (error instanceof TcpConnectError) throw error;
      throw new Error(`cannot connect to ${host}:${port}: ${String(error)}`, { cause: error });
    }
    const opened = stream;
    return {
      write: (units) => opened.write(units),
      close: () => opened.end(),
      destroy: () => opened.destroy(),
      pause: () => opened.pause(),
      resume: () => opened.resume(),
    };
  };
}

export function udpTransport(host: string, port: number): OpenTransport {
  return async (handlers) => {
    let socket;
    try {
      socket = await connectUdp(host, port, {
        onDatagram: (datagram) => handlers.onUnit(datagram.bytes),
        onError: (error) => handlers.onError(error),
      });
    } catch (error) {
      throw new Error(`cannot open a UDP socket to ${host}:${port}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const opened = socket;
    return {
      write(units) {
        for (const unit of units) opened.send(unit);
      },
      close: () => opened.close(),
      destroy() {
        void opened.close();
      },
    };
  };
}

export interface WebSocketTransportOptions {
  host: string;
  port: number;
  /** The URL path after "/" (Rust WebRCON's password): sent as is, never put into an error or a log. */
  path: string;
  /** For the TCP connection and the upgrade together. */
  connectTimeoutMs: number;
  /** A message over this many bytes ends the transport (close code 1009) instead of being buffered whole. */
  maxMessageBytes: number;
}

/** ws reports a frame over maxPayload as close code 1009 (the local close event may say 1006 and carry this error). */
const TOO_LARGE_ERROR = "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";

/**
 * One WebSocket whose units are whole text messages (the core reads each as one unit). Binary
 * frames are refused (onDropped); the close code becomes the reason the session ended. Rejects
 * with transport/websocket.ts's WebSocketOpenError, whose message never carries the URL.
 */
export function webSocketTransport(options: WebSocketTransportOptions): OpenTransport {
  return async (handlers) => {
    const stream = await openWebSocket(
      {
        host: options.host,
        port: options.port,
        path: options.path,
        timeoutMs: options.connectTimeoutMs,
        maxPayload: options.maxMessageBytes,
      },
      {
        onUnit(unit, binary) {
          if (binary) handlers.onDropped?.("a binary WebSocket frame (this protocol sends text)");
          else handlers.onUnit(unit);
        },
        onClose(code, error) {
          if (code === 1009 || error?.code === TOO_LARGE_ERROR)
            handlers.onClose(new Error("it sent a message over the size limit"));
          // 1000/1001 or no close frame at all (1006) without a socket error: the peer hung up.
          else handlers.onClose(error);
        },
      },
    );
    return {
      write(units) {
        for (const unit of units) stream.write(unit);
      },
      close: () => stream.end(),
      destroy: () => stream.destroy(),
      pause: () => stream.pause(),
      resume: () => stream.resume(),
    };
  };
}
