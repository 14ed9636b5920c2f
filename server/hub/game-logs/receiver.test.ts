/**
 * The game log receivers over real loopback sockets: what is delivered, and every refusal (wrong
 * or missing secret, a source that is not the server's host, oversize packets and bodies, floods)
 * counted and never delivered. Secrets never reach the logger.
 */
import { createSocket, type Socket } from "node:dgram";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTextCodec } from "../../rcon/encoding.ts";
import { encodeLogPacket } from "../../rcon/protocol/source/logs/packet.ts";
import type { UdpServerSocket } from "../../rcon/transport/udp.ts";
import { gameLogSecrets } from "../../security/game-log-secrets.ts";
import { gameLogPath, handleGameLogRequest } from "./http-route.ts";
import { GameLogReceiver, type ReceiverLimits } from "./receiver.ts";
import { listenGameLogsUdp } from "./udp-listener.ts";

const utf8 = createTextCodec("utf-8");
const secrets = gameLogSecrets(Buffer.alloc(32, 9));
const LINE = 'L 11/30/2026 - 07:20:03: "Ann<2><[U:1:5]><Red>" say "gg"';

/** Everything the receivers log, to check no secret is in it. */
const logged: string[] = [];
const logger = {
  debug: (m: string, f?: object) => void logged.push(m, JSON.stringify(f ?? {})),
  info: (m: string, f?: object) => void logged.push(m, JSON.stringify(f ?? {})),
  warn: (m: string, f?: object) => void logged.push(m, JSON.stringify(f ?? {})),
  error: (m: string, f?: object) => void logged.push(m, JSON.stringify(f ?? {})),
};

describe("game log receivers", () => {
  let now = 0;
  let receiver: GameLogReceiver;
  let udp: UdpServerSocket;
  let http: Server;
  let httpPort: number;
  const senders: Socket[] = [];
  const delivered = new Map<string, string[]>();

  async function start(limits: Partial<ReceiverLimits> = {}) {
    receiver = new GameLogReceiver(() => now, utf8, limits);
    udp = await listenGameLogsUdp(receiver, "127.0.0.1", 0, logger);
    http = createServer((req, res) => handleGameLogRequest(receiver, req, res, logger));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    httpPort = (http.address() as AddressInfo).port;
  }

  function target(serverId: string, transport: "udp" | "http", addresses = ["127.0.0.1"]) {
    delivered.set(serverId, []);
    receiver.register({
      serverId,
      transport,
      addresses: new Set(addresses),
      secret: transport === "udp" ? secrets.udpSecret(serverId) : secrets.httpToken(serverId),
      deliver: (lines) => delivered.get(serverId)?.push(...lines),
    });
  }

  async function sendFrom(address: string, bytes: Uint8Array): Promise<void> {
    const socket = createSocket("udp4");
    senders.push(socket);
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    await new Promise<void>((resolve, reject) =>
      socket.send(bytes, udp.port, "127.0.0.1", (e) => (e ? reject(e) : resolve())),
    );
  }

  function post(path: string, body: string, localAddress = "127.0.0.1", method = "POST"): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: httpPort,
          path,
          method,
          localAddress,
          headers: { "content-type": "text/plain" },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  beforeEach(() => {
    now = 0;
    logged.length = 0;
    delivered.clear();
  });
  afterEach(async () => {
    for (const s of senders.splice(0)) s.close();
    await udp.close();
    await new Promise((resolve) => http.close(resolve));
  });

  it("delivers a UDP line with the server's sv_logsecret from its host, and tells two servers on one host apart by secret", async () => {
    await start();
    target("a", "udp");
    target("b", "udp");
    await sendFrom("127.0.0.1", encodeLogPacket(LINE, secrets.udpSecret("b"), utf8));
    await vi.waitFor(() => expect(delivered.get("b")).toEqual([LINE]));
    expect(delivered.get("a")).toEqual([]);
  });

  it("refuses UDP lines without secret, with a wrong secret, from another address, oversize, or for a server not held here", async () => {
    await start();
    target("a", "udp");
    await sendFrom("127.0.0.1", encodeLogPacket(LINE, null, utf8));
    await sendFrom("127.0.0.1", encodeLogPacket(LINE, "123456789", utf8));
    await vi.waitFor(() => expect(receiver.refusals()["wrong-secret"]).toBe(2));
    // 127.0.0.2 is loopback too, but not the server's host.
    await sendFrom("127.0.0.2", encodeLogPacket(LINE, secrets.udpSecret("a"), utf8));
    await vi.waitFor(() => expect(receiver.refusals()["unknown-source"]).toBe(1));
    await sendFrom("127.0.0.1", encodeLogPacket(`${LINE}${"x".repeat(5_000)}`, secrets.udpSecret("a"), utf8));
    await vi.waitFor(() => expect(receiver.refusals().oversize).toBe(1));
    await sendFrom("127.0.0.1", new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    await vi.waitFor(() => expect(receiver.refusals().malformed).toBe(1));
    // Released (another instance holds it now): its lines are refused like a stranger's.
    receiver.unregister("a");
    await sendFrom("127.0.0.1", encodeLogPacket(LINE, secrets.udpSecret("a"), utf8));
    await vi.waitFor(() => expect(receiver.refusals()["unknown-source"]).toBe(2));
    expect(delivered.get("a")).toEqual([]);
  });

  it("keeps a flooding server to its budget and counts what it dropped", async () => {
    await start({ burst: 5, linesPerSecond: 10 });
    target("a", "udp");
    for (let i = 0; i < 8; i++)
      await sendFrom("127.0.0.1", encodeLogPacket(`${LINE} ${i}`, secrets.udpSecret("a"), utf8));
    await vi.waitFor(() => expect((delivered.get("a")?.length ?? 0) + receiver.refusals().flood).toBe(8));
    expect(delivered.get("a")).toHaveLength(5);
    expect(receiver.refusalsOf("a")).toMatchObject({ flood: 3 });
    now += 1_000; // a second later the budget has refilled
    await sendFrom("127.0.0.1", encodeLogPacket(`${LINE} late`, secrets.udpSecret("a"), utf8));
    await vi.waitFor(() => expect(delivered.get("a")).toHaveLength(6));
  });

  it("delivers an HTTP body of many lines to the server whose token is in the path", async () => {
    await start();
    target("cs", "http");
    const body = `11/30/2026 - 07:20:08.123 - first\r\n11/30/2026 - 07:20:08.124 - second\n\n`;
    expect(await post(gameLogPath("cs", secrets.httpToken("cs")), body)).toBe(200);
    expect(delivered.get("cs")).toEqual([
      "11/30/2026 - 07:20:08.123 - first",
      "11/30/2026 - 07:20:08.124 - second",
    ]);
    // A line no game writes (longer than SRCDS's buffer) is dropped unread; the rest of the body still counts.
    expect(await post(gameLogPath("cs", secrets.httpToken("cs")), `${"z".repeat(3_000)}\nthird\n`)).toBe(200);
    expect(delivered.get("cs")?.at(-1)).toBe("third");
    expect(delivered.get("cs")).toHaveLength(3);
    expect(receiver.refusalsOf("cs")).toEqual({ oversize: 1 });
  });

  it("refuses HTTP bodies with a wrong token, for an unknown server, from another address, oversize, or not POSTed", async () => {
    await start({ maxBodyBytes: 1_024 });
    target("cs", "http");
    const token = secrets.httpToken("cs");
    expect(await post(gameLogPath("cs", secrets.httpToken("other")), LINE)).toBe(404);
    expect(await post(gameLogPath("nope", token), LINE)).toBe(404);
    expect(await post(`${gameLogPath("cs", token)}/more`, LINE)).toBe(404);
    expect(await post(gameLogPath("cs", token), LINE, "127.0.0.2")).toBe(403);
    expect(await post(gameLogPath("cs", token), "x".repeat(4_096))).toBe(413);
    expect(await post(gameLogPath("cs", token), "", "127.0.0.1", "GET")).toBe(405);
    expect(delivered.get("cs")).toEqual([]);
    expect(receiver.refusals()).toMatchObject({ "wrong-secret": 3, "unknown-source": 1, oversize: 1 });
    // The secret is in the path: nothing logged carries it.
    expect(logged.join("\n")).not.toContain(token);
  });

  it("an oversize body streamed without Content-Length is cut off", async () => {
    await start({ maxBodyBytes: 1_024 });
    target("cs", "http");
    const status = await new Promise<number | "reset">((resolve) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: httpPort,
          path: gameLogPath("cs", secrets.httpToken("cs")),
          method: "POST",
          headers: { "transfer-encoding": "chunked" },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      // The receiver may close the connection before the client has written everything.
      req.on("error", () => resolve("reset"));
      for (let i = 0; i < 8; i++) req.write("y".repeat(512));
      req.end();
    });
    expect([413, "reset"]).toContain(status);
    expect(receiver.refusals().oversize).toBe(1);
    expect(delivered.get("cs")).toEqual([]);
  });
});
