/**
 * Third-party client behaviours against the emulator, over loopback TCP, with minimal clients
 * written here the way those clients read:
 *   - one packet per socket read (rcon-srcds decodes each 'data' event as one packet), which
 *     loses the AUTH_RESPONSE when a server writes both login packets at once;
 *   - python-valve's end of answer (valve/rcon.py): after each command an empty RESPONSE_VALUE,
 *     and the answer ends at the echoed empty packet followed by the `00 01 00 00` trailer
 *     (Valve Developer wiki, "Source RCON Protocol", Multiple-packet Responses).
 */
import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SourceFramer } from "../../protocol/source/framer.ts";
import { decodePacket, encodePacket, PacketType, type SourcePacket } from "../../protocol/source/packet.ts";
import { FakeClock } from "../../testing/fake-clock.ts";
import type { SourceEmulator } from "./emulator.ts";
import { family } from "../../source/index.ts";
import { startEmulator } from "../registry.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function emulator(game: string): Promise<SourceEmulator> {
  // A frozen clock: answers that print connection times read the same to both clients.
  const emu = await startEmulator("source", {
    password: "secret",
    game,
    players: 4,
    seed: 3,
    activity: 0,
    clock: new FakeClock(),
    extra: { "ban-after": 0 },
  });
  cleanups.push(() => emu.close());
  return emu;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const packet = (id: number, type: number, body = "") =>
  encodePacket({ id, type, body: encoder.encode(body) });

/** A raw socket whose reads are handed out one 'data' event at a time. */
async function rawSocket(port: number) {
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  cleanups.push(() => void socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const reads: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  socket.on("data", (data: Buffer) => {
    reads.push(new Uint8Array(data));
    wake?.();
  });
  socket.on("close", () => {
    closed = true;
    wake?.();
  });
  return {
    write: (bytes: Uint8Array) => void socket.write(bytes),
    /** The next read as the socket delivered it, or null once the server closed. */
    async nextRead(): Promise<Uint8Array | null> {
      while (reads.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      return reads.shift() ?? null;
    },
  };
}

/** rcon-srcds: one read, one packet; whatever else the read held is lost. */
async function onePacketPerRead(
  socket: Awaited<ReturnType<typeof rawSocket>>,
): Promise<SourcePacket & { lostBytes: number }> {
  const read = await socket.nextRead();
  if (!read) throw new Error("the server closed the connection");
  const size = new DataView(read.buffer, read.byteOffset).getInt32(0, true);
  return { ...decodePacket(read.subarray(0, size + 4), Infinity), lostBytes: read.length - size - 4 };
}

const SRCDS_LOGIN = ["tf2", "csgo", "gmod", "l4d2", "rust", "squad", "ark", "factorio", "palworld"];

describe("a client that reads one packet per read logs in", () => {
  for (const game of SRCDS_LOGIN) {
    it(`${game}: the empty RESPONSE_VALUE and the AUTH_RESPONSE arrive in separate reads`, async () => {
      const emu = await emulator(game);
      for (let attempt = 0; attempt < 5; attempt++) {
        const socket = await rawSocket(emu.port);
        socket.write(packet(40 + attempt, PacketType.AUTH, "secret"));
        expect(await onePacketPerRead(socket)).toMatchObject({
          id: 40 + attempt,
          type: PacketType.RESPONSE_VALUE,
          body: new Uint8Array(),
          lostBytes: 0,
        });
        expect(await onePacketPerRead(socket)).toMatchObject({
          id: 40 + attempt,
          type: PacketType.AUTH_RESPONSE,
          lostBytes: 0,
        });
      }
    });
  }

  it("tf2: a wrong password is refused the same way, then the connection closes", async () => {
    const emu = await emulator("tf2");
    const socket = await rawSocket(emu.port);
    socket.write(packet(9, PacketType.AUTH, "wrong"));
    expect(await onePacketPerRead(socket)).toMatchObject({
      id: 9,
      type: PacketType.RESPONSE_VALUE,
      lostBytes: 0,
    });
    expect(await onePacketPerRead(socket)).toMatchObject({
      id: -1,
      type: PacketType.AUTH_RESPONSE,
      lostBytes: 0,
    });
    expect(await socket.nextRead()).toBeNull();
  });

  for (const game of ["cs2", "minecraft"]) {
    it(`${game}: the login is the AUTH_RESPONSE alone`, async () => {
      const emu = await emulator(game);
      const socket = await rawSocket(emu.port);
      socket.write(packet(5, PacketType.AUTH, "secret"));
      expect(await onePacketPerRead(socket)).toMatchObject({
        id: 5,
        type: PacketType.AUTH_RESPONSE,
        lostBytes: 0,
      });
    });
  }
});

/** python-valve: every request id 0, a terminator after each command, packets read by their size. */
async function pythonValveClient(port: number) {
  const socket = await rawSocket(port);
  const framer = new SourceFramer(1 << 22);
  const nextPacket = async (): Promise<SourcePacket> => {
    for (;;) {
      const frame = framer.nextFrame();
      if (frame) return decodePacket(frame, Infinity);
      const read = await socket.nextRead();
      if (!read) throw new Error("the server closed the connection");
      framer.push(read);
    }
  };
  socket.write(packet(0, PacketType.AUTH, "secret"));
  for (let p = await nextPacket(); p.type !== PacketType.AUTH_RESPONSE; p = await nextPacket());
  return {
    async execute(command: string): Promise<string> {
      socket.write(
        new Uint8Array([
          ...packet(0, PacketType.EXECCOMMAND, command),
          ...packet(0, PacketType.RESPONSE_VALUE),
        ]),
      );
      const bodies: Uint8Array[] = [];
      for (;;) {
        const p = await nextPacket();
        const trailer =
          p.body.length === 4 && p.body[0] === 0 && p.body[1] === 1 && p.body[2] === 0 && p.body[3] === 0;
        if (trailer && bodies.at(-1)?.length === 0) break;
        bodies.push(p.body);
      }
      return bodies.map((body) => decoder.decode(body)).join("");
    },
  };
}

describe("python-valve's end marker works against every emulated game that answers it", () => {
  const cases: [game: string, command: string, longerThanOnePacket: boolean][] = [
    ["cs2", "cvarlist", true],
    ["tf2", "cvarlist", true],
    ["csgo", "cvarlist", true],
    ["gmod", "cvarlist", true],
    ["l4d2", "cvarlist", true],
    ["rust", "status", false],
    ["squad", "ListPlayers", false],
  ];
  for (const [game, command, long] of cases) {
    it(`${game}: "${command}" ends whole, the same answer our client reads`, async () => {
      const emu = await emulator(game);
      const theirs = await (await pythonValveClient(emu.port)).execute(command);
      const connection = family.createConnection({
        host: "127.0.0.1",
        port: emu.port,
        password: "secret",
        dialect: game,
        reconnect: false,
      });
      cleanups.push(() => connection.stop());
      connection.start();
      await vi.waitFor(() => expect(connection.status.state).toBe("online"));
      expect(theirs).toBe(await connection.command(command));
      if (long) expect(encoder.encode(theirs).length).toBeGreaterThan(4096);
      else expect(theirs.length).toBeGreaterThan(0);
    });
  }
});

describe("the Squad emulator's player list", () => {
  it("keeps every player's team and squad when another player leaves (as the game does)", async () => {
    const emu = await emulator("squad");
    const connection = family.createConnection({
      host: "127.0.0.1",
      port: emu.port,
      password: "secret",
      dialect: "squad",
      reconnect: false,
    });
    cleanups.push(() => connection.stop());
    connection.start();
    await vi.waitFor(() => expect(connection.status.state).toBe("online"));
    const teams = async () =>
      new Map(
        [
          ...(await connection.command("ListPlayers")).matchAll(
            /ID: (\d+) .*\| Team ID: (\d+) \| Squad ID: (\S+)/g,
          ),
        ].map((m) => [m[1], `${m[2]}/${m[3]}`]),
      );
    const before = await teams();
    const first = emu.world.humans[0];
    if (!first || before.size < 3) throw new Error("the emulator has too few players");
    emu.world.remove(first);
    const after = await teams();
    expect(after.size).toBe(before.size - 1);
    for (const [id, team] of after) expect(team).toBe(before.get(id));
    expect(new Set(after.values()).size).toBeGreaterThan(1); // still more than one team and squad
  });
});
