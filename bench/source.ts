/**
 * `npm run bench -- source [--seconds S] [--game G]`: commands per second against one emulated Source
 * server (a child process, on loopback) for
 *   - our client (server/rcon/source), sequential and with 64 commands in flight,
 *   - the npm `rcon-client` (which reads one packet per command and truncates answers > 4096 bytes),
 *   - a hand-written minimal request/response loop on a raw socket (the floor: no framing checks,
 *     no ids bookkeeping, no multi-packet handling),
 * and the ratios. Runs both a CS2 server (answers are single packets) and a TF2 server (answers split
 * at 4,096 bytes, end markers echoed with a trailer; the bench's short answers need no marker, so
 * our client sends one packet and reads one per command there too).
 */
import net from "node:net";
import { parseArgs } from "node:util";
import { Rcon } from "rcon-client";
import { family } from "../server/rcon/source/index.ts";
import { spawnEmulator } from "./support/emulator-process.ts";
import { compareContenders, floorRate, waitOnline, warmedRate, type Run } from "./support/round-trips.ts";

const PASSWORD = "bench";
const COMMAND = "echo ping";
const IN_FLIGHT = 64;
const ROUNDS = 5;

async function ours(port: number, game: string, inFlight: number, ms: number): Promise<Run> {
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    password: PASSWORD,
    dialect: game,
    reconnect: false,
  });
  connection.start();
  await waitOnline(connection);
  const run = await warmedRate(() => connection.command(COMMAND), inFlight, ms);
  await connection.stop();
  return run;
}

async function rconClient(port: number, inFlight: number, ms: number): Promise<Run> {
  const rcon = await Rcon.connect({ host: "127.0.0.1", port, password: PASSWORD, maxPending: inFlight });
  const run = await warmedRate(() => rcon.send(COMMAND), inFlight, ms);
  await rcon.end();
  return run;
}

function packet(id: number, type: number, body: string): Buffer {
  const bytes = Buffer.from(body, "utf8");
  const out = Buffer.alloc(14 + bytes.length);
  out.writeInt32LE(10 + bytes.length, 0);
  out.writeInt32LE(id, 4);
  out.writeInt32LE(type, 8);
  bytes.copy(out, 12);
  return out;
}

/** The floor: raw socket, one EXEC out, one packet back, nothing else. */
async function floor(port: number, inFlight: number, ms: number): Promise<Run> {
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  let pending: Buffer = Buffer.alloc(0);
  let onPacket: (id: number, type: number) => void = () => {};
  socket.on("data", (data: Buffer) => {
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
    let offset = 0;
    while (pending.length - offset >= 4) {
      const size = pending.readInt32LE(offset);
      if (pending.length - offset < size + 4) break;
      onPacket(pending.readInt32LE(offset + 4), pending.readInt32LE(offset + 8));
      offset += size + 4;
    }
    pending = pending.subarray(offset);
  });
  await new Promise<void>((resolve) => {
    onPacket = (_id, type) => {
      if (type === 2) resolve();
    };
    socket.write(packet(1, 3, PASSWORD));
  });
  let id = 10;
  const result = await floorRate(
    (onAnswer) => (onPacket = onAnswer),
    () => socket.write(packet(++id, 2, COMMAND)),
    inFlight,
    ms,
  );
  socket.destroy();
  return result;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: "string" }, game: { type: "string", multiple: true } },
  });
  const ms = Number(values.seconds ?? "5") * 1000;
  const games = values.game ?? ["cs2", "tf2"];
  console.log(
    `Source RCON: "${COMMAND}" round trips per second against one emulator (child process) on loopback; median of ${ROUNDS} interleaved rounds, ${ms / 1000} s per figure\n`,
  );
  for (const game of games) {
    const emulator = await spawnEmulator("source", [
      "--game",
      game,
      "--password",
      PASSWORD,
      "--players",
      "8",
      "--activity",
      "0",
      "--ban-after",
      "0",
    ]);
    try {
      console.log(`game ${game}`);
      await compareContenders(
        {
          ours: (inFlight, slice) => ours(emulator.port, game, inFlight, slice),
          "rcon-client": (inFlight, slice) => rconClient(emulator.port, inFlight, slice),
          floor: (inFlight, slice) => floor(emulator.port, inFlight, slice),
        },
        { ms, rounds: ROUNDS, inFlight: IN_FLIGHT },
      );
      console.log("");
    } finally {
      await emulator.close();
    }
  }
}
