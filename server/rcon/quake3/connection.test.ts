import dgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { latin1Decode } from "../protocol/quake3/packet.ts";
import { FakeClock } from "../testing/fake-clock.ts";
import type { RconConnection, RconEvent } from "../types.ts";
import { family } from "./index.ts";

/** A scripted UDP peer: `reply(line)` returns the answer text, or null to stay silent. */
async function scriptedServer(reply: (line: string) => string | null) {
  const socket = dgram.createSocket("udp4");
  const received: string[] = [];
  socket.on("message", (message, remote) => {
    const line = latin1Decode(new Uint8Array(message)).slice(4);
    received.push(line);
    const answer = reply(line);
    if (answer !== null)
      socket.send(Buffer.from(`\xff\xff\xff\xffprint\n${answer}`, "latin1"), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Lets real socket I/O happen, then moves the fake clock. */
async function step(clock: FakeClock, ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 25));
  clock.advance(ms);
  await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Steps the fake clock until the connection is online: the probe's answer arrives over real
 * loopback, and a loaded machine may need a few steps.
 */
async function untilOnline(clock: FakeClock, connection: RconConnection): Promise<void> {
  for (let i = 0; i < 40 && connection.status.state !== "online"; i++) await step(clock, 50);
  expect(connection.status.state).toBe("online");
}

/** Moves the fake clock in small steps until the promise settles (real I/O happens in between). */
async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  let result: PromiseSettledResult<T> | null = null;
  void promise.then(
    (value) => (result = { status: "fulfilled", value }),
    (reason: unknown) => (result = { status: "rejected", reason }),
  );
  for (let i = 0; i < 200 && result === null; i++) await step(clock, 100);
  if (result === null) throw new Error("promise did not settle");
  return result;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function connect(
  port: number,
  clock: FakeClock,
  password = "secret",
  extra: { reconnect?: boolean } = {},
): { connection: RconConnection; states: string[] } {
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    password,
    clock,
    random: () => 0.5,
    connectTimeoutMs: 1000,
    commandTimeoutMs: 1000,
    ...extra,
  });
  const states: string[] = [];
  connection.on((event: RconEvent) => {
    if (event.type === "status") states.push(event.status.state);
  });
  cleanups.push(() => connection.stop());
  connection.start();
  return { connection, states };
}

describe("quake3 connection", () => {
  it("rejects passwords that cannot work before sending anything", async () => {
    expect(family.checkPassword("two words")).toMatch(/spaces/);
    expect(family.checkPassword("secret")).toBeNull();
    const server = await scriptedServer(() => "");
    cleanups.push(server.close);
    const clock = new FakeClock();
    const { connection, states } = connect(server.port, clock, "two words");
    await step(clock, 10);
    expect(states).toEqual(["connecting", "auth_failed"]);
    expect(connection.status.reason).toMatch(/spaces/);
    expect(server.received).toEqual([]);
  });

  it("no answer: unreachable, then a new probe after the backoff (never a tight loop)", async () => {
    const server = await scriptedServer(() => null);
    cleanups.push(server.close);
    const clock = new FakeClock();
    const { connection, states } = connect(server.port, clock);
    await step(clock, 1000); // probe times out
    await step(clock, 200); // drain, then the one retry of the probe goes out
    await step(clock, 1000);
    expect(states).toEqual(["connecting", "unreachable"]);
    expect(connection.status.reason).toMatch(/no answer/);
    expect(server.received).toEqual(["rcon secret", "rcon secret"]);
    const retryAt = connection.status.nextRetryAt ?? 0;
    expect(retryAt - clock.now()).toBe(850); // 1 s backoff with 30 % jitter at random 0.5
    await step(clock, 849);
    expect(server.received).toHaveLength(2);
    await step(clock, 1);
    expect(states.at(-1)).toBe("connecting");
    expect(server.received).toHaveLength(3);
  });

  it("non-idempotent commands are never re-sent; read-only ones once; three silences lose the session", async () => {
    const server = await scriptedServer((line) => (line === "rcon secret" ? "" : null));
    cleanups.push(server.close);
    const clock = new FakeClock();
    const { connection, states } = connect(server.port, clock, "secret", { reconnect: false });
    await untilOnline(clock, connection);
    expect(await settle(clock, connection.command("clientkick 3"))).toMatchObject({
      status: "rejected",
      reason: { code: "TIMEOUT", message: expect.stringContaining("not re-sent") as unknown },
    });
    expect(await settle(clock, connection.command("status"))).toMatchObject({
      status: "rejected",
      reason: { code: "TIMEOUT" },
    });
    expect(server.received.filter((l) => l.endsWith("clientkick 3"))).toHaveLength(1);
    expect(server.received.filter((l) => l.endsWith("status"))).toHaveLength(2);
    expect(states).toEqual(["connecting", "online"]);
    expect(await settle(clock, connection.command("say hi", { timeoutMs: 500 }))).toMatchObject({
      status: "rejected",
      reason: { code: "TIMEOUT" },
    });
    expect(states).toEqual(["connecting", "online", "unreachable"]);
    await expect(connection.command("status")).rejects.toMatchObject({ code: "NOT_CONNECTED" });
  });

  it("a password that stops working mid-session becomes auth_failed, once", async () => {
    let accept = true;
    const server = await scriptedServer(() => (accept ? "ok\n" : "Bad rconpassword.\n"));
    cleanups.push(server.close);
    const clock = new FakeClock();
    const { connection, states } = connect(server.port, clock);
    await untilOnline(clock, connection);
    // Each answer comes over real loopback: the clock is stepped until it is in (a loaded machine
    // answered after one fixed step, and the command then waited for ever on the fake clock).
    expect(await settle(clock, connection.command("echo ok"))).toEqual({
      status: "fulfilled",
      value: "ok\n",
    });
    accept = false;
    expect(await settle(clock, connection.command("echo ok"))).toMatchObject({
      status: "rejected",
      reason: { code: "AUTH_REFUSED" },
    });
    await step(clock, 120_000);
    expect(states).toEqual(["connecting", "online", "auth_failed"]);
    expect(connection.status.reason).toMatch(/wrong rcon password/);
  });

  it("rejects a multi-line command instead of letting the server run its first line", async () => {
    const server = await scriptedServer(() => "");
    cleanups.push(server.close);
    const clock = new FakeClock();
    const { connection } = connect(server.port, clock);
    await untilOnline(clock, connection);
    await expect(connection.command("say hi\nquit")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(server.received.some((l) => l.includes("quit"))).toBe(false);
  });
});
