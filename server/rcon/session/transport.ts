/**
 * What the session driver needs from a socket, whatever carries the units: a TCP stream (units are
 * chunks of a byte stream), a connected UDP socket (units are datagrams) or, later, a message
 * transport such as a WebSocket (units are messages). The adapters here wrap transport/tcp.ts and
 * transport/udp.ts, which stay the only files that open sockets.
 */
import { connectTcp, TcpConnectError } from "../transport/tcp.ts";
import { connectUdp } from "../transport/udp.ts";

export interface TransportHandlers {
  /** One unit as the transport delivers it. */
  onUnit(unit: Uint8Array): void;
  /** The transport is gone (stream transports only). `error` is null for a clean close by the peer. */
  onClose(error: Error | null): void;
  /** A socket-level error that does not end the transport (ICMP port unreachable on UDP). */
  onError(error: NodeJS.ErrnoException): void;
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

/** Opens a transport; rejects with an Error whose message says, for an admin, why it could not be opened. */
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
