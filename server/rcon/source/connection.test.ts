/**
 * Loopback integration: our connection against the emulator for every dialect, plus hand-made
 * misbehaving servers (closing mid-answer, answering slowly, invalid bytes).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { startEmulator } from "../emulators/registry.ts";
import { createTextCodec } from "../encoding.ts";
import { SOURCE_DIALECTS } from "../protocol/source/dialects/index.ts";
import { SourceServerConnection } from "../protocol/source/server.ts";
import { FakeClock } from "../testing/fake-clock.ts";
import { listenTcp, type TcpListener } from "../transport/tcp.ts";
import type { ConnectionOptions, RconConnection, RconEvent } from "../types.ts";
import type { SourceEmulator } from "../emulators/source/emulator.ts";
import { family } from "./index.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function emulator(
  game: string,
  extra: Record<string, number> = {},
  players = 6,
): Promise<SourceEmulator> {
  const emu = await startEmulator("source", {
    password: "secret",
    game,
    players,
    seed: 42,
    activity: 0,
    extra,
  });
  cleanups.push(() => emu.close());
  return emu;
}

function connect(port: number, options: Partial<ConnectionOptions> = {}): RconConnection {
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    password: "secret",
    reconnect: false,
    ...options,
  });
  cleanups.push(() => connection.stop());
  connection.start();
  return connection;
}

async function settled(connection: RconConnection): Promise<string> {
  await vi.waitFor(
    () => expect(["online", "auth_failed", "unreachable"]).toContain(connection.status.state),
    { timeout: 5000, interval: 5 },
  );
  return connection.status.state;
}

describe("every dialect against its emulator", () => {
  for (const dialect of SOURCE_DIALECTS) {
    it(`${dialect.id}: players, kick, ban, unban, bans, say`, async () => {
      const emu = await emulator(dialect.id);
      const connection = connect(emu.port, { dialect: dialect.id });
      expect(await settled(connection)).toBe("online");
      const run = (command: string) => connection.command(command);
      const ops = connection.dialect.operations;

      const players = await ops.listPlayers(run);
      expect(
        players
          .filter((p) => !p.isBot)
          .map((p) => p.name)
          .sort(),
      ).toEqual(emu.world.humans.map((p) => p.name).sort());
      const victim = players.find((p) => !p.isBot);
      if (!victim) throw new Error("no players");
      await ops.kick(run, victim.id, "afk");
      expect(emu.world.players.some((p) => p.name === victim.name)).toBe(false);

      const target = players.filter((p) => !p.isBot)[1];
      if (!target) throw new Error("not enough players");
      const kind = dialect.capabilities.banKinds[0];
      const value = kind === "steamid" ? (target.steamId ?? "") : target.name;
      const banRequest =
        kind === "steamid" && target.steamId === null
          ? { target: { kind: "player" as const, playerId: target.id }, minutes: 60, reason: "cheating" }
          : { target: { kind: kind ?? "name", value }, minutes: null, reason: "cheating" };
      await ops.ban(run, banRequest);
      expect(emu.world.bans.length).toBe(1);
      const bans = await ops.listBans(run).catch((error: unknown) => error);
      if (Array.isArray(bans)) {
        expect(bans).toHaveLength(1);
        await ops.unban(run, bans[0] as { kind: "steamid"; value: string });
        expect(emu.world.bans).toHaveLength(0);
      } else expect(bans).toMatchObject({ code: "UNSUPPORTED" });

      await ops.sayAll(run, "Server restarts in 5 minutes");
      expect(emu.world.chat.at(-1)).toContain("Server");
    });
  }
});

describe("Source connection", () => {
  it("delivers answers over 100 kB whole (split into 4096-byte packets, and as one CS2 packet)", async () => {
    for (const game of ["tf2", "cs2"]) {
      const emu = await emulator(game);
      const connection = connect(emu.port, { dialect: game });
      await settled(connection);
      const answer = await connection.command("cvarlist");
      expect(answer.length).toBeGreaterThan(100_000);
      expect(answer.startsWith("cvar list\n")).toBe(true);
      expect(answer.trimEnd().endsWith("total convars/concommands")).toBe(true);
      expect(await connection.command("echo after")).toBe("after\n");
    }
  });

  it("pipelines 64 commands and matches every answer", async () => {
    const emu = await emulator("tf2");
    const connection = connect(emu.port, { dialect: "tf2" });
    await settled(connection);
    const answers = await Promise.all(Array.from({ length: 64 }, (_, i) => connection.command(`echo ${i}`)));
    expect(answers).toEqual(Array.from({ length: 64 }, (_, i) => `${i}\n`));
  });

  it("a wrong password is tried exactly once and the status stays auth_failed", async () => {
    const clock = new FakeClock();
    const emu = await emulator("tf2", { "ban-after": 0 });
    const connection = connect(emu.port, { dialect: "tf2", password: "wrong", clock, reconnect: true });
    expect(await settled(connection)).toBe("auth_failed");
    expect(connection.status.reason).toContain("wrong RCON password");
    clock.advance(10 * 60_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(connection.status.state).toBe("auth_failed");
    expect(emu.loginAttempts).toBe(1);
    await expect(connection.command("status")).rejects.toMatchObject({ code: "NOT_CONNECTED" });
  });

  it("squad: a connection closed during login is a refusal, not retried", async () => {
    const clock = new FakeClock();
    const emu = await emulator("squad", { "ban-after": 0 });
    const connection = connect(emu.port, { dialect: "squad", password: "wrong", clock, reconnect: true });
    expect(await settled(connection)).toBe("auth_failed");
    clock.advance(10 * 60_000);
    expect(emu.loginAttempts).toBe(1);
  });

  it("bans an address after repeated wrong passwords, like SRCDS", async () => {
    const emu = await emulator("tf2", { "ban-after": 2 });
    for (let i = 0; i < 2; i++)
      expect(await settled(connect(emu.port, { password: "wrong" }))).toBe("auth_failed");
    expect(emu.bannedAddresses()).toEqual(["127.0.0.1"]);
    const refused = connect(emu.port);
    expect(await settled(refused)).toBe("unreachable");
    expect(refused.status.reason).toContain("banned");
  });

  it("reconnects with backoff after a server restart; status says why meanwhile", async () => {
    const clock = new FakeClock();
    const first = await startEmulator("source", {
      password: "secret",
      game: "tf2",
      activity: 0,
    });
    const port = first.port;
    const connection = connect(port, {
      dialect: "tf2",
      clock,
      reconnect: true,
      backoff: { initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0 },
    });
    expect(await settled(connection)).toBe("online");
    await first.close();
    await vi.waitFor(() => expect(connection.status.state).toBe("unreachable"), {
      timeout: 5000,
      interval: 5,
    });
    expect(connection.status.nextRetryAt).toBe(clock.now() + 1000);
    const second = await startEmulator("source", {
      password: "secret",
      game: "tf2",
      activity: 0,
      port,
    });
    cleanups.push(() => second.close());
    clock.advance(1000);
    await vi.waitFor(() => expect(connection.status.state).toBe("online"), { timeout: 5000, interval: 5 });
    expect(await connection.command("echo back")).toBe("back\n");
  });

  it("a slow server: a timed-out command's late answer never reaches the next command", async () => {
    const clock = new FakeClock();
    const emu = await emulator("tf2", { delay: 100 });
    const connection = connect(emu.port, { dialect: "tf2", clock });
    await settled(connection);
    const slow = connection.command("echo first", { timeoutMs: 1000 });
    clock.advance(1000);
    await expect(slow).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(await connection.command("echo second")).toBe("second\n");
    expect(await connection.command("echo third")).toBe("third\n");
    expect(connection.status.state).toBe("online");
  });

  it("a server that closes mid-answer fails the command with CONNECTION_LOST", async () => {
    const codec = createTextCodec("utf-8");
    const profile = SOURCE_DIALECTS.find((d) => d.id === "tf2")?.server;
    if (!profile) throw new Error("no tf2");
    const listener: TcpListener = await listenTcp("127.0.0.1", 0, (stream) => {
      const conn = new SourceServerConnection(profile, codec);
      return {
        onData(bytes) {
          conn.receive(bytes);
          for (let e = conn.nextEvent(); e; e = conn.nextEvent()) {
            if (e.type === "auth") conn.acceptAuth();
            if (e.type === "command") {
              conn.respond(e.id, "x".repeat(20_000));
              const all = conn.takeOutgoing();
              stream.write(all.slice(0, 2)); // two of five fragments, then the server dies
              stream.destroy();
              return;
            }
          }
          stream.write(conn.takeOutgoing());
        },
        onClose() {},
      };
    });
    cleanups.push(() => listener.close());
    const connection = connect(listener.port, { dialect: "tf2" });
    await settled(connection);
    await expect(connection.command("status")).rejects.toMatchObject({ code: "CONNECTION_LOST" });
    await vi.waitFor(() => expect(connection.status.state).toBe("unreachable"));
    expect(connection.status.reason).toContain("closed");
  });

  it("bytes that do not decode never crash; chat pushed by the server becomes typed events", async () => {
    const codec = createTextCodec("utf-8");
    const profile = SOURCE_DIALECTS.find((d) => d.id === "squad")?.server;
    if (!profile) throw new Error("no squad");
    const listener = await listenTcp("127.0.0.1", 0, (stream) => {
      const conn = new SourceServerConnection(profile, codec);
      return {
        onData(bytes) {
          conn.receive(bytes);
          for (let e = conn.nextEvent(); e; e = conn.nextEvent()) {
            if (e.type === "auth") conn.acceptAuth();
            if (e.type === "command") {
              conn.push(0, 1, "[ChatAll] [SteamID:76561198000000001] Bob : gg");
              conn.pushRaw(
                new Uint8Array([
                  13,
                  0,
                  0,
                  0,
                  ...new Uint8Array(new Int32Array([e.id]).buffer),
                  0,
                  0,
                  0,
                  0,
                  0xff,
                  0xfe,
                  0xc3,
                  0,
                  0,
                ]),
              );
              conn.respond(e.id, "");
            }
          }
          stream.write(conn.takeOutgoing());
        },
        onClose() {},
      };
    });
    cleanups.push(() => listener.close());
    const connection = connect(listener.port, { dialect: "squad" });
    const events: RconEvent[] = [];
    connection.on((e) => events.push(e));
    await settled(connection);
    expect(await connection.command("ListPlayers")).toBe("\ufffd\ufffd\ufffd");
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "server-message",
        event: { kind: "chat", channel: "All", from: "Bob", text: "gg", playerId: null },
      }),
    );
  });

  it("palworld: a size header longer than the data ends in a timeout and a fresh stream, never a misread", async () => {
    const clock = new FakeClock();
    const codec = createTextCodec("utf-8");
    const profile = SOURCE_DIALECTS.find((d) => d.id === "palworld")?.server;
    if (!profile) throw new Error("no palworld");
    let lied = false;
    const listener = await listenTcp("127.0.0.1", 0, (stream) => {
      const conn = new SourceServerConnection(profile, codec);
      return {
        onData(bytes) {
          conn.receive(bytes);
          for (let e = conn.nextEvent(); e; e = conn.nextEvent()) {
            if (e.type === "auth") conn.acceptAuth();
            if (e.type === "command") {
              lied = true;
              const body = codec.encode("name,playeruid,steamid\nДмитрий,1,76561198000000001\n");
              const frame = new Uint8Array(14 + body.length);
              new DataView(frame.buffer).setInt32(0, 10 + body.length + 6, true); // claims 6 bytes more than sent
              new DataView(frame.buffer).setInt32(4, e.id, true);
              frame.set(body, 12);
              conn.pushRaw(frame);
            }
          }
          stream.write(conn.takeOutgoing());
        },
        onClose() {},
      };
    });
    cleanups.push(() => listener.close());
    const connection = connect(listener.port, { dialect: "palworld", clock });
    await settled(connection);
    const answer = connection.command("ShowPlayers", { timeoutMs: 5000 });
    await vi.waitFor(() => expect(lied).toBe(true));
    await new Promise((r) => setTimeout(r, 100)); // loopback delivery of the bytes just written
    clock.advance(5000);
    await expect(answer).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(connection.status.state).toBe("unreachable");
    expect(connection.status.reason).toContain("out of sync");
  });

  it("unreachable servers and refused ports report unreachable with a reason", async () => {
    const listener = await listenTcp("127.0.0.1", 0, () => ({ onData() {}, onClose() {} }));
    const port = listener.port;
    await listener.close();
    const connection = connect(port);
    expect(await settled(connection)).toBe("unreachable");
    expect(connection.status.reason).toContain("refused");
  });

  it("a server that never answers the login times out", async () => {
    const listener = await listenTcp("127.0.0.1", 0, () => ({ onData() {}, onClose() {} }));
    cleanups.push(() => listener.close());
    const connection = connect(listener.port, { connectTimeoutMs: 100 });
    expect(await settled(connection)).toBe("unreachable");
    expect(connection.status.reason).toContain("no answer to login");
  });

  it("uses the configured encoding", async () => {
    const emu = await emulator("tf2");
    const connection = connect(emu.port, { dialect: "tf2", encoding: "latin1" });
    await settled(connection);
    // We send "ë" as the single latin1 byte EB; the UTF-8 emulator cannot decode it and echoes U+FFFD
    // (EF BF BD), which we read back as latin1: proof the configured codec is used both ways, without a crash.
    expect(await connection.command("echo Zoë")).toBe("Zo\u00ef\u00bf\u00bd\n");
    expect(() =>
      family.createConnection({ host: "127.0.0.1", port: 1, password: "x", encoding: "no-such-encoding" }),
    ).toThrow(/unknown text encoding/);
  });
});
