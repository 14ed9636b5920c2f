/**
 * UDP sockets for BattlEye and Quake 3. Together with tcp.ts, the only files that open sockets.
 * They move bytes and report socket errors; protocol decisions belong to the Sans-IO cores.
 */
import dgram from "node:dgram";
import { isIP } from "node:net";

export interface Datagram {
  bytes: Uint8Array;
  address: string;
  port: number;
}

export interface UdpClientSocket {
  send(bytes: Uint8Array): void;
  close(): Promise<void>;
  readonly localPort: number;
}

export interface UdpServerSocket {
  sendTo(bytes: Uint8Array, address: string, port: number): void;
  close(): Promise<void>;
  readonly address: string;
  readonly port: number;
}

export interface UdpHandlers {
  onDatagram(datagram: Datagram): void;
  /** Socket-level errors (e.g. ECONNREFUSED from an ICMP port-unreachable on a connected socket). */
  onError(error: NodeJS.ErrnoException): void;
}

/**
 * The received Buffer as a plain Uint8Array over the same memory: Node gives every datagram its own
 * backing store, so there is nothing to copy (`new Uint8Array(buffer)` would copy each one).
 */
function view(message: Buffer): Uint8Array {
  return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

function socketTypeFor(host: string): "udp4" | "udp6" {
  return isIP(host) === 6 ? "udp6" : "udp4";
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

/**
 * A UDP socket connected to one server: the kernel then delivers only datagrams from that address
 * and port, which is the "only the server's own address counts" rule for free.
 */
export async function connectUdp(
  host: string,
  port: number,
  handlers: UdpHandlers,
): Promise<UdpClientSocket> {
  const socket = dgram.createSocket({ type: socketTypeFor(host) });
  socket.on("message", (message, remote) => {
    handlers.onDatagram({ bytes: view(message), address: remote.address, port: remote.port });
  });
  socket.on("error", (error) => handlers.onError(error));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.connect(port, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  let closed = false;
  const afterSend = (error: Error | null) => error && handlers.onError(error);
  return {
    send(bytes) {
      // With a callback: without one, Node drops synchronous send errors (EACCES, ENETUNREACH) silently.
      if (!closed) socket.send(bytes, afterSend);
    },
    close() {
      closed = true;
      return closeSocket(socket);
    },
    get localPort() {
      return closed ? 0 : socket.address().port;
    },
  };
}

/** A bound UDP socket that answers many peers (emulated game servers). */
export async function bindUdp(host: string, port: number, handlers: UdpHandlers): Promise<UdpServerSocket> {
  const socket = dgram.createSocket({ type: socketTypeFor(host) });
  socket.on("message", (message, remote) => {
    handlers.onDatagram({ bytes: view(message), address: remote.address, port: remote.port });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", (error) => handlers.onError(error));
  const bound = socket.address();
  let closed = false;
  const afterSend = (error: Error | null) => error && handlers.onError(error);
  return {
    sendTo(bytes, address, toPort) {
      if (!closed) socket.send(bytes, toPort, address, afterSend);
    },
    close() {
      closed = true;
      return closeSocket(socket);
    },
    address: bound.address,
    port: bound.port,
  };
}
