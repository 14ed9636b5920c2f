/**
 * A host and port that answer in another protocol: the status says "not an RCON server", never the
 * bytes the peer sent ("packet size 1347703880" is "HTTP" read as a little-endian size).
 */
import dgram from "node:dgram";
import { createServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadFamily } from "./registry.ts";
import type { ConnectionStatus, ProtocolId, RconConnection } from "./types.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function httpServer(): Promise<number> {
  const server: HttpServer = createServer((_req, res) => res.end("hello"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A TCP peer that answers every read with `reply`. */
async function tcpServer(reply: Buffer): Promise<number> {
  const server = createTcpServer((socket) => socket.on("data", () => socket.write(reply)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A UDP peer that answers every datagram with `reply(datagram)` (an echo server by default, RFC 862). */
async function udpServer(reply: (bytes: Buffer) => Buffer = (bytes) => bytes): Promise<number> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (bytes, from) => socket.send(reply(bytes), from.port, from.address));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket.address().port;
}

/** Connects once (no reconnect) and resolves with the status it ends in. */
async function finalStatus(protocol: ProtocolId, dialect: string, port: number): Promise<ConnectionStatus> {
  const family = await loadFamily(protocol);
  const connection: RconConnection = family.createConnection({
    host: "127.0.0.1",
    port,
    password: "secret",
    dialect,
    reconnect: false,
    connectTimeoutMs: 1_500,
  });
  cleanups.push(() => connection.stop());
  return new Promise((resolve) => {
    connection.on((event) => {
      if (
        event.type === "status" &&
        (event.status.state === "unreachable" ||
          event.status.state === "auth_failed" ||
          event.status.state === "online")
      )
        resolve(event.status);
    });
    connection.start();
  });
}

describe("a peer that is not an RCON server", () => {
  it.each(["cs2", "minecraft", "rust"])(
    "Source (%s): an HTTP server on the port is reported as such, without byte counts",
    async (dialect) => {
      const status = await finalStatus("source", dialect, await httpServer());
      expect(status.state).toBe("unreachable");
      expect(status.reason).toBe("not an RCON server (it answered like HTTP); check the host and port");
    },
  );

  it("Source: a peer whose answers are framed like packets but malformed, and never a login answer", async () => {
    // size 10, id 1, type 2, then "AA" where the two NUL terminators belong
    const malformed = Buffer.from([10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0x41, 0x41]);
    const status = await finalStatus("source", "cs2", await tcpServer(malformed));
    expect(status.state).toBe("unreachable");
    expect(status.reason).toBe("not an RCON server (its answer is not RCON); check the host and port");
  });

  it("BattlEye: datagrams that are not BattlEye RCon answering the login", async () => {
    const status = await finalStatus(
      "battleye",
      "arma3",
      await udpServer(() => Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n")),
    );
    expect(status.state).toBe("unreachable");
    expect(status.reason).toBe("not an RCON server (it answered like HTTP); check the host and port");
  });

  it("BattlEye: an echo server (its answers carry a BE header but are logins, not login replies)", async () => {
    const status = await finalStatus("battleye", "arma3", await udpServer());
    expect(status.state).toBe("unreachable");
    expect(status.reason).toMatch(/^not an RCON server/);
  });

  it("Quake 3: an echo server answers, but never with a print reply", async () => {
    const status = await finalStatus("quake3", "openarena", await udpServer());
    expect(status.state).toBe("unreachable");
    expect(status.reason).toBe(
      'not an RCON server (it answered, but never with a Quake 3 "print" reply); check the host and port',
    );
  });

  it("Quake 3 and BattlEye: silence is still 'no answer', not a foreign protocol", async () => {
    const silent = await udpServer();
    await cleanups.pop()?.(); // keep the port number, close the socket: nothing answers
    for (const [protocol, dialect] of [
      ["quake3", "openarena"],
      ["battleye", "arma3"],
    ] as const) {
      const status = await finalStatus(protocol, dialect, silent);
      expect(status.reason).not.toMatch(/not an RCON server/);
    }
  });
});
