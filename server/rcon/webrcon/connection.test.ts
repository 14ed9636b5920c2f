/**
 * The WebRCON family end to end over real WebSockets on loopback: the emulator and the connection
 * (login, players, server info, chat pushes, kick/ban/unban, refusals, foreign peers, write gate).
 */
import http from "node:http";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../emulators/registry.ts";
import type { ConnectionOptions, GameEvent, RconConnection } from "../types.ts";
import type { WebRconEmulator } from "../emulators/webrcon/emulator.ts";
import { family } from "./index.ts";
import { cleanupsAfterEach, connectWebRcon, online, until } from "./testing/connect.ts";

const cleanups = cleanupsAfterEach();

async function emulator(password = "s3cret-pw", players = 4): Promise<WebRconEmulator> {
  const running = await startEmulator("webrcon", {
    password,
    players,
    activity: 0,
    seed: 7,
  });
  cleanups.push(() => running.close());
  return running;
}

const connect = (port: number, password: string, extra: Partial<ConnectionOptions> = {}) =>
  connectWebRcon(cleanups, port, { password, ...extra });
const run = (connection: RconConnection) => (text: string, options?: { idempotent?: boolean }) =>
  connection.command(text, options);

describe("webrcon connection against the emulator", () => {
  it("logs in with the password in the URL and reads players and server info", async () => {
    const server = await emulator();
    const { connection } = connect(server.port, "s3cret-pw");
    await online(connection);
    expect(server.received[0]).toBe("serverinfo");
    const players = await connection.dialect.operations.listPlayers(run(connection));
    expect(players.map((p) => p.steamId).sort()).toEqual(
      server
        .players()
        .map((p) => p.steamId)
        .sort(),
    );
    expect(players.every((p) => p.address !== null && p.ping !== null)).toBe(true);
    expect(await connection.dialect.operations.serverInfo!(run(connection))).toEqual({
      map: "Procedural Map",
      maxPlayers: 100,
    });
    expect(connection.status.latencyMs).not.toBeNull();
    expect(server.sessions()).toHaveLength(1);
  });

  it("turns pushed chat into typed chat events and console lines into plain server messages", async () => {
    const server = await emulator();
    const { connection, events } = connect(server.port, "s3cret-pw");
    await online(connection);
    expect(server.playerChat("anyone at outpost?")).toBe(true);
    server.log("Saving complete");
    await until(() => events.filter((e) => e.type === "server-message").length >= 2, "two pushes");
    const messages = events.flatMap((e) => (e.type === "server-message" ? [e] : []));
    const chat = messages[0]!.event as Extract<GameEvent, { kind: "chat" }>;
    expect(chat).toMatchObject({ kind: "chat", channel: "global", text: "anyone at outpost?" });
    expect(server.players().map((p) => p.steamId)).toContain(chat.playerId);
    expect(messages[0]!.text).toMatch(/^\[CHAT\] .+\[7656119\d{10}\] : anyone at outpost\?$/);
    expect(messages[1]).toMatchObject({ text: "Saving complete", event: null });
  });

  it("kicks, bans, lists and unbans through the dialect, and the emulator's state follows", async () => {
    const server = await emulator();
    const { connection } = connect(server.port, "s3cret-pw");
    await online(connection);
    const [first, second] = server.players();
    await connection.dialect.operations.kick(run(connection), first!.steamId, "afk");
    expect(server.players().map((p) => p.steamId)).not.toContain(first!.steamId);
    await connection.dialect.operations.ban(run(connection), {
      target: { kind: "player", playerId: second!.steamId },
      minutes: null,
      reason: "cheating",
    });
    expect(server.players().map((p) => p.steamId)).not.toContain(second!.steamId);
    expect(await connection.dialect.operations.listBans(run(connection))).toEqual([
      expect.objectContaining({ kind: "steamid", value: second!.steamId, reason: "cheating" }),
    ]);
    await connection.dialect.operations.unban(run(connection), { kind: "steamid", value: second!.steamId });
    expect(await connection.dialect.operations.listBans(run(connection))).toEqual([]);
    expect(server.received).toEqual(expect.arrayContaining(["server.writecfg"]));
  });

  it("runs many commands at once, each answer to its own command", async () => {
    const server = await emulator();
    const { connection } = connect(server.port, "s3cret-pw");
    await online(connection);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => connection.command(`echo n${i}`)));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`));
  });

  it("a wrong password is auth_failed (Rust closes the socket) and never retried", async () => {
    const server = await emulator();
    const { connection, events } = connect(server.port, "wrong-pw");
    await until(() => connection.status.state === "auth_failed", "auth_failed");
    expect(connection.status.reason).toMatch(/wrong RCON password/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.status.state).toBe("auth_failed");
    expect(server.sessions()).toHaveLength(0);
    expect(JSON.stringify(events)).not.toContain("wrong-pw");
    await expect(connection.command("status")).rejects.toMatchObject({ code: "NOT_CONNECTED" });
  });

  it("refuses a password the URL cannot carry before connecting", async () => {
    expect(family.checkPassword("has space")).toMatch(/letters, digits/);
    expect(family.checkPassword("a/b")).toMatch(/letters, digits/);
    expect(family.checkPassword("")).toMatch(/needs a password/);
    expect(family.checkPassword("Ok-pass_1.~")).toBeNull();
    const server = await emulator();
    const { connection } = connect(server.port, "bad pw#x");
    await until(() => connection.status.state === "auth_failed", "auth_failed");
    expect(server.sessions()).toHaveLength(0);
  });
});

describe("webrcon connection against other peers", () => {
  async function httpServer(status: number): Promise<number> {
    const server = http.createServer((_request, response) => {
      response.writeHead(status, { "content-type": "text/html" });
      response.end("<html>hello</html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as { port: number }).port;
  }

  it("an HTTP server on the port is 'not a WebRCON server', retried as unreachable", async () => {
    const port = await httpServer(404);
    const { connection } = connect(port, "pw", { reconnect: false });
    await until(() => connection.status.state === "unreachable", "unreachable");
    expect(connection.status.reason).toMatch(/not a WebRCON server \(it answered HTTP 404/);
  });

  it("an HTTP 401 to the upgrade is a refused login", async () => {
    const port = await httpServer(401);
    const { connection } = connect(port, "pw");
    await until(() => connection.status.state === "auth_failed", "auth_failed");
    expect(connection.status.reason).toMatch(/HTTP 401/);
  });

  it("nothing listening is unreachable, with the reason in words and without the password", async () => {
    const port = await httpServer(200);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const free = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(port).not.toBe(free);
    const { connection } = connect(free, "topsecret", { reconnect: false });
    await until(() => connection.status.state === "unreachable", "unreachable");
    expect(connection.status.reason).toMatch(/connection refused/);
    expect(connection.status.reason).not.toContain("topsecret");
  });

  it("the password, the URL's path, is in no log line, event or status on any way a session ends", async () => {
    const logged: unknown[] = [];
    const record = (...args: unknown[]) => void logged.push(args);
    const logger = { debug: record, info: record, warn: record, error: record };
    const server = await emulator("Right-pw.1");
    const ways = [
      connect(server.port, "Wrong-pw.2", { logger }),
      connect(await httpServer(404), "Wrong-pw.3", { logger, reconnect: false }),
      connect(await httpServer(403), "Wrong-pw.4", { logger }),
      connect(server.port, "Right-pw.1", { logger }),
    ];
    await until(
      () => ways.every(({ connection }) => connection.status.state !== "connecting"),
      "every connection settled",
    );
    expect(ways.map(({ connection }) => connection.status.state)).toEqual([
      "auth_failed",
      "unreachable",
      "auth_failed",
      "online",
    ]);
    await ways[3]!.connection.command("echo hi");
    await server.close();
    await until(() => ways[3]!.connection.status.state !== "online", "the lost session");
    expect(logged.length).toBeGreaterThan(0);
    const seen = JSON.stringify([logged, ways.map(({ events }) => events)]);
    expect(seen).not.toMatch(/Wrong-pw|Right-pw/);
  });

  it("the write gate: once it says no, nothing more is sent and the connection stops as fenced", async () => {
    const server = await emulator();
    let open = true;
    const { connection } = connect(server.port, "s3cret-pw", { writeGate: () => open });
    await online(connection);
    const sent = server.received.length;
    open = false;
    await expect(connection.command("status")).rejects.toMatchObject({ code: "CLOSED" });
    await until(() => connection.status.state === "closed", "closed");
    expect(connection.status.reason).toBe("fenced");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.received.length).toBe(sent);
  });
});
