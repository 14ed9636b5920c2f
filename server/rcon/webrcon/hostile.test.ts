/**
 * Hostile and broken WebRCON servers over real WebSockets: answers over the size cap, frames over
 * the transport's limit, garbage and binary frames, floods, a server that goes silent (keep-alive,
 * then dead), one that accepts the socket but never answers the login, and commands never answered.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../testing/fake-clock.ts";
import type { ConnectionOptions, RconEvent } from "../types.ts";
import { cleanupsAfterEach, connectWebRcon, online, until } from "./testing/connect.ts";
import { answer, startScriptedServer, type ScriptedServer } from "./testing/scripted-server.ts";

const cleanups = cleanupsAfterEach();

async function server(
  onCommand: Parameters<typeof startScriptedServer>[0],
  options?: { maxPayload?: number },
): Promise<ScriptedServer> {
  const started = await startScriptedServer(onCommand, options);
  cleanups.push(() => started.close());
  return started;
}

const connect = (port: number, extra: Partial<ConnectionOptions> = {}) =>
  connectWebRcon(cleanups, port, { password: "pw", reconnect: false, ...extra });

const anomalies = (events: RconEvent[], kind: string) =>
  events.filter((e) => e.type === "anomaly" && e.kind === kind);

/** Answers the login probe and `echo`; everything else is left to `rest`. */
function polite(
  rest: Parameters<typeof startScriptedServer>[0] = () => {},
): Parameters<typeof startScriptedServer>[0] {
  return (socket, command) => {
    if (command.command === "serverinfo") answer(socket, command.identifier, "{}");
    else if (command.command.startsWith("echo "))
      answer(socket, command.identifier, command.command.slice(5));
    else rest(socket, command);
  };
}

describe("webrcon against hostile servers", () => {
  it("an answer over the size cap fails its command (REJECTED, endless-answer anomaly); the session carries on", async () => {
    const peer = await server(
      polite((socket, command) => answer(socket, command.identifier, "x".repeat(200_000))),
    );
    const { connection, events } = connect(peer.port, { maxAnswerBytes: 100_000 });
    await online(connection);
    await expect(connection.command("playerlist")).rejects.toMatchObject({
      code: "REJECTED",
      message: expect.stringContaining("too large") as string,
    });
    expect(anomalies(events, "endless-answer")).toHaveLength(1);
    await expect(connection.command("echo still here")).resolves.toBe("still here");
  });

  it("a frame past the transport's limit ends the session instead of being buffered whole", async () => {
    const peer = await server(
      polite((socket, command) => answer(socket, command.identifier, "x".repeat(500_000))),
      { maxPayload: 1 << 20 },
    );
    const { connection } = connect(peer.port, { maxAnswerBytes: 100_000 });
    await online(connection);
    await expect(connection.command("playerlist")).rejects.toMatchObject({ code: "CONNECTION_LOST" });
    await until(() => connection.status.state === "unreachable", "unreachable");
    expect(connection.status.reason).toMatch(/over the size limit/);
  });

  it("garbage, JSON of the wrong shape and binary frames are dropped as malformed; answers still arrive", async () => {
    const peer = await server(
      polite((socket, command) => {
        socket.send("this is not json");
        socket.send('{"Identifier": "7", "Message": 12}');
        socket.send("[]");
        socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
        answer(socket, command.identifier, "fine");
      }),
    );
    const { connection, events } = connect(peer.port);
    await online(connection);
    await expect(connection.command("status")).resolves.toBe("fine");
    // One anomaly a second at most, whatever the number of bad frames.
    expect(anomalies(events, "malformed")).toHaveLength(1);
    expect(connection.status.state).toBe("online");
  });

  it("a binary frame is refused even when it carries a WebRCON answer: only the text answer counts", async () => {
    const peer = await server(
      polite((socket, command) => {
        const json = JSON.stringify({
          Message: "from binary",
          Identifier: command.identifier,
          Type: "Generic",
        });
        socket.send(Buffer.from(json), { binary: true });
        answer(socket, command.identifier, "from text");
      }),
    );
    const { connection, events } = connect(peer.port);
    await online(connection);
    await expect(connection.command("status")).resolves.toBe("from text");
    expect(anomalies(events, "malformed")).toMatchObject([
      { detail: expect.stringContaining("binary") as string },
    ]);
  });

  it("at most 64 commands wait for an answer: the next is REJECTED and nothing is sent for it", async () => {
    const peer = await server(polite());
    const { connection } = connect(peer.port, { commandTimeoutMs: 60_000 });
    await online(connection);
    const waiting = Array.from({ length: 64 }, (_, i) => connection.command(`hold ${i}`));
    for (const command of waiting) command.catch(() => {});
    await expect(connection.command("one too many")).rejects.toMatchObject({
      code: "REJECTED",
      message: expect.stringContaining("more than 64 commands") as string,
    });
    await until(() => peer.received.length === 65, "the 64 commands on the wire");
    expect(peer.received.map((c) => c.command)).not.toContain("one too many");
  });

  it("a server that closes the socket after login is unreachable, and the connection logs in again", async () => {
    let logins = 0;
    const peer = await server((socket, command) => {
      if (command.command !== "serverinfo") return;
      answer(socket, command.identifier, "{}");
      // The first session is closed by the server right after its login, as a restarting server does.
      if (++logins === 1) setImmediate(() => socket.close(1001));
    });
    const { events } = connect(peer.port, {
      reconnect: true,
      backoff: { initialMs: 10, maxMs: 10, factor: 1, jitter: 0 },
    });
    const states = () => events.flatMap((e) => (e.type === "status" ? [e.status] : []));
    await until(() => states().filter((s) => s.state === "online").length === 2, "online twice");
    expect(states().find((s) => s.state === "unreachable")?.reason).toBe(
      `127.0.0.1:${peer.port} closed the connection`,
    );
    expect(logins).toBe(2);
  });

  it("a WebSocket peer that does not speak WebRCON is named as such, not as a silent server", async () => {
    const peer = await server((socket) => socket.send("welcome to the chat relay"));
    const { connection } = connect(peer.port, { connectTimeoutMs: 300 });
    await until(() => connection.status.state === "unreachable", "unreachable");
    expect(connection.status.reason).toMatch(
      /^not a WebRCON server \(127\.0\.0\.1:\d+ accepted the WebSocket, but its messages are not WebRCON JSON\)/,
    );
  });

  it("a flood of pushes reaches the listener in order without breaking the session", async () => {
    const peer = await server(
      polite((socket, command) => {
        for (let i = 0; i < 5_000; i++) answer(socket, 0, `log ${i}`);
        answer(socket, command.identifier, "done");
      }),
    );
    const { connection, events } = connect(peer.port);
    await online(connection);
    // A generous time limit: this is about order and survival, not speed (the machine may be loaded).
    await expect(connection.command("go", { timeoutMs: 30_000 })).resolves.toBe("done");
    const lines = events.flatMap((e) => (e.type === "server-message" ? [e.text] : []));
    expect(lines).toHaveLength(5_000);
    expect(lines[4_999]).toBe("log 4999");
  });

  it("reading pauses past maxReadBytesPerSecond (flooding anomaly) and resumes: nothing is lost", async () => {
    const peer = await server(
      polite((socket, command) => {
        for (let i = 0; i < 200; i++) answer(socket, 0, "y".repeat(1_000));
        answer(socket, command.identifier, "done");
      }),
    );
    const { connection, events } = connect(peer.port, { maxReadBytesPerSecond: 100_000 });
    await online(connection);
    await expect(connection.command("go", { timeoutMs: 30_000 })).resolves.toBe("done");
    expect(anomalies(events, "flooding").length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === "server-message")).toHaveLength(200);
  });

  it("a command the server never answers times out; an answer arriving later is not shown as a pushed line", async () => {
    const late: { socket: Parameters<Parameters<typeof startScriptedServer>[0]>[0]; id: number }[] = [];
    const peer = await server(polite((socket, command) => late.push({ socket, id: command.identifier })));
    const { connection, events } = connect(peer.port, { commandTimeoutMs: 200 });
    await online(connection);
    await expect(connection.command("slow")).rejects.toMatchObject({ code: "TIMEOUT" });
    answer(late[0]!.socket, late[0]!.id, "too late");
    await expect(connection.command("echo after")).resolves.toBe("after");
    expect(events.some((e) => e.type === "server-message")).toBe(false);
    expect(anomalies(events, "endless-answer")).toHaveLength(1);
  });

  it("stop() rejects a command waiting for its answer with CLOSED", async () => {
    const peer = await server(polite());
    const { connection } = connect(peer.port);
    await online(connection);
    const pending = connection.command("never answered");
    await until(() => peer.received.length === 2, "the command on the wire");
    const rejected = expect(pending).rejects.toMatchObject({ code: "CLOSED" });
    await connection.stop();
    await rejected;
  });

  it("a server that accepts the socket but never answers the login is unreachable, not a refused password", async () => {
    const peer = await server(() => {});
    const { connection } = connect(peer.port, { connectTimeoutMs: 300 });
    await until(() => connection.status.state === "unreachable", "unreachable");
    expect(connection.status.reason).toMatch(/accepted the WebSocket but never answered/);
  });

  it("keep-alive: after 30 s without sending, a probe goes out; after 90 s without a word the session is dead", async () => {
    const clock = new FakeClock(0);
    let answerProbes = true;
    const peer = await server((socket, command) => {
      if (answerProbes) answer(socket, command.identifier, "{}");
    });
    const { connection } = connect(peer.port, { clock });
    await online(connection);
    // The first idle period: the keep-alive probe goes out and is answered.
    clock.advance(30_000);
    await until(() => peer.received.length === 2, "the first keep-alive");
    expect(peer.received[1]!.command).toBe("serverinfo");
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Rust does not answer pings, and from now on this one answers nothing either.
    answerProbes = false;
    clock.advance(30_000);
    await until(() => peer.received.length === 3, "the second keep-alive");
    expect(connection.status.state).toBe("online");
    clock.advance(60_000);
    await until(() => connection.status.state === "unreachable", "unreachable");
    // Worded like every family's dead session: the server, then the core's reason.
    expect(connection.status.reason).toBe(`127.0.0.1:${peer.port}: no message from the server for 90 s`);
  });
});
