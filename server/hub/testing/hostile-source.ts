/**
 * A hostile or broken Source RCON server on loopback, for hub tests and the flood benchmark: it
 * accepts any password and answers commands through a `behave` hook that may also flood the client
 * with pushed packets, stream an answer that never ends, or write malformed packets. Real TCP, raw
 * packets.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { SourceFramer } from "../../rcon/protocol/source/framer.ts";
import { decodePacket, encodePacket, PacketType } from "../../rcon/protocol/source/packet.ts";

export interface HostileClient {
  /** A RESPONSE_VALUE packet with this id (0: belongs to no command, i.e. a pushed message). */
  send(id: number, text: string): void;
  /** Bytes as they are, e.g. a malformed packet. */
  raw(bytes: Uint8Array): void;
  /** Packets like `send`'s, texts text(0), text(1)..., as fast as the socket drains, until it closes. */
  pump(id: number, text: (n: number) => string): void;
}

export interface HostileSource {
  port: number;
  /** Clients logged in so far, oldest first. */
  clients: HostileClient[];
  /**
   * The client that logged in last: the hub's live connection once it shows the server online. An
   * earlier one may be a login the hub gave up on (its connect timeout on a loaded machine).
   */
  latest(): HostileClient;
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/**
 * `behave` answers a command (id, text); by default the answer is "ok: <text>" in one packet.
 * `onLogin` runs once a client has logged in (e.g. to start pushing).
 */
export async function startHostileSource(
  behave?: (client: HostileClient, id: number, text: string) => void,
  onLogin?: (client: HostileClient) => void,
): Promise<HostileSource> {
  const sockets = new Set<Socket>();
  const clients: HostileClient[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let open = true;
    socket.on("close", () => {
      open = false;
      sockets.delete(socket);
    });
    socket.on("error", () => undefined);
    const framer = new SourceFramer(1 << 20);
    const valuePacket = (id: number, text: string) =>
      encodePacket({ id, type: PacketType.RESPONSE_VALUE, body: encoder.encode(text) });
    const client: HostileClient = {
      send: (id, text) => void socket.write(valuePacket(id, text)),
      raw: (bytes) => void socket.write(bytes),
      pump(id, text) {
        let n = 0;
        const step = () => {
          while (open) {
            const chunk: Uint8Array[] = [];
            for (let i = 0; i < 100; i++) chunk.push(valuePacket(id, text(n++)));
            if (!socket.write(Buffer.concat(chunk))) return void socket.once("drain", step);
            if (n % 10_000 === 0) return void setImmediate(step); // let other sockets be served
          }
        };
        step();
      },
    };
    socket.on("data", (chunk: Buffer) => {
      framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      for (let frame = framer.nextFrame(); frame; frame = framer.nextFrame()) {
        const packet = decodePacket(frame, Infinity);
        const text = new TextDecoder().decode(packet.body);
        if (packet.type === PacketType.AUTH) {
          socket.write(
            encodePacket({ id: packet.id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
          );
          clients.push(client);
          onLogin?.(client);
        } else if (packet.type === PacketType.EXECCOMMAND) {
          if (behave) behave(client, packet.id, text);
          else client.send(packet.id, `ok: ${text}`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    clients,
    latest() {
      const client = clients[clients.length - 1];
      if (!client) throw new Error("no client has logged in");
      return client;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
