/**
 * The write gate (ConnectionOptions.writeGate) against each family's real emulator, through a
 * loopback relay that counts what the client sends: once the gate says no, a command is refused,
 * the connection stops itself ("closed", reason "fenced", no reconnect) and the game server
 * receives nothing more. A gate closed from the start opens no session at all.
 */
import dgram from "node:dgram";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "./emulators/registry.ts";
import { findDialect, loadFamily } from "./registry.ts";
import type { RunningEmulator } from "./emulators/types.ts";
import { FENCED_REASON, type ProtocolId, type RconConnection } from "./types.ts";

interface Relay {
  port: number;
  /** Datagrams (UDP) or chunks (TCP) the client sent towards the game server. */
  readonly sent: number;
  close(): Promise<void>;
}

/** UDP: one client at a time, relayed to the emulator and back. */
async function udpRelay(target: number): Promise<Relay> {
  const front = dgram.createSocket("udp4");
  const back = dgram.createSocket("udp4");
  let sent = 0;
  let client: dgram.RemoteInfo | null = null;
  front.on("message", (bytes, rinfo) => {
    sent++;
    client = rinfo;
    back.send(bytes, target, "127.0.0.1");
  });
  back.on("message", (bytes) => {
    if (client) front.send(bytes, client.port, client.address);
  });
  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => back.bind(0, "127.0.0.1", resolve));
  return {
    port: front.address().port,
    get sent() {
      return sent;
    },
    close: async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await new Promise<void>((resolve) => back.close(() => resolve()));
    },
  };
}

/** TCP: every accepted stream is piped to a new stream to the emulator; client bytes are counted. */
async function tcpRelay(target: number): Promise<Relay> {
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const upstream = net.connect(target, "127.0.0.1");
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    socket.on("data", (chunk) => {
      sent++;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => socket.write(chunk));
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get sent() {
      return sent;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const FAMILIES: { protocol: ProtocolId; game: string; transport: "udp" | "tcp" }[] = [
  { protocol: "battleye", game: "arma3", transport: "udp" },
  { protocol: "source", game: "cs2", transport: "tcp" },
  { protocol: "quake3", game: "cod4x", transport: "udp" },
];

function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe.each(FAMILIES)("write gate on $protocol", ({ protocol, game, transport }) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setup(gate: {
    open: boolean;
  }): Promise<{ relay: Relay; connection: RconConnection; emulator: RunningEmulator }> {
    const family = await loadFamily(protocol);
    const dialect = findDialect(family, game);
    const emulator = await startEmulator(protocol, {
      password: "gatepassword",
      game: dialect.id,
      players: 2,
      seed: 5,
    });
    cleanup.push(() => emulator.close());
    const relay = transport === "udp" ? await udpRelay(emulator.port) : await tcpRelay(emulator.port);
    cleanup.push(() => relay.close());
    const connection = family.createConnection({
      host: "127.0.0.1",
      port: relay.port,
      password: "gatepassword",
      dialect: dialect.id,
      connectTimeoutMs: 2_000,
      commandTimeoutMs: 2_000,
      backoff: { initialMs: 10, maxMs: 20, factor: 1, jitter: 0 },
      writeGate: () => gate.open,
    });
    cleanup.push(() => connection.stop());
    return { relay, connection, emulator };
  }

  it("refuses a command once the gate closes, stops itself and sends nothing more", async () => {
    const gate = { open: true };
    const { relay, connection } = await setup(gate);
    connection.start();
    await waitFor(
      () => connection.status.state === "online",
      `online (${JSON.stringify(connection.status)}, ${relay.sent} sent)`,
    );
    const run = (text: string) => connection.command(text, { idempotent: true });
    expect((await connection.dialect.operations.listPlayers(run)).length).toBeGreaterThan(0);
    const before = relay.sent;
    expect(before).toBeGreaterThan(0);

    gate.open = false;
    await expect(connection.dialect.operations.listPlayers(run)).rejects.toThrow();
    await waitFor(() => connection.status.state === "closed", "closed");
    expect(connection.status.reason).toBe(FENCED_REASON);
    // Long enough for a keep-alive, a retransmit or a reconnect attempt, had any been made.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(relay.sent).toBe(before);
    expect(connection.status.state).toBe("closed");
    await expect(run("status")).rejects.toMatchObject({ code: "NOT_CONNECTED" });
  });

  it("opens no session while the gate is closed", async () => {
    const gate = { open: false };
    const { relay, connection } = await setup(gate);
    connection.start();
    await waitFor(() => connection.status.state === "closed", "closed");
    expect(connection.status.reason).toBe(FENCED_REASON);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(relay.sent).toBe(0);
  });
});
