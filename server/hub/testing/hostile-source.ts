/**
 * A hostile or broken Source RCON server on loopback, for hub tests: it accepts any password and
 * answers commands through a `behave` hook that may also flood the client with pushed packets,
 * stream an answer that never ends, or write malformed packets. Real TCP, raw packets.
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
}

export interface HostileSource {
  port: number;
  /** Clients logged in so far. */
  clients: HostileClient[];
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/** `behave` answers a command (id, text); by default the answer is "ok: <text>" in one packet. */
export async function startHostileSource(
  behave?: (client: HostileClient, id: number, text: string) => void,
): Promise<HostileSource> {
  const sockets = new Set<Socket>();
  const clients: HostileClient[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    const framer = new SourceFramer(1 << 20);
    const client: HostileClient = {
      send: (id, text) =>
        void socket.write(encodePacket({ id, type: PacketType.RESPONSE_VALUE, body: encoder.encode(text) })),
      raw: (bytes) => void socket.write(bytes),
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
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
