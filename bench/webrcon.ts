/**
 * `npm run bench -- webrcon [--seconds S]`: Rust WebRCON against one emulated Rust server (a child
 * process, on loopback):
 *   - "echo ping" round trips per second for our client (server/rcon/webrcon), sequential and with
 *     64 commands in flight, next to a floor: a bare `ws` client that sends the JSON and counts the
 *     frames back (no Identifier matching, no caps, no timers);
 *   - the dialect's player list (`playerlist` JSON, 100 players) per second, sequential;
 *   - the time from start() to online (socket, upgrade, login probe), median of 20.
 * Figures only: nothing here asserts timings.
 */
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { family } from "../server/rcon/webrcon/index.ts";
import type { RconConnection } from "../server/rcon/types.ts";
import { spawnEmulator } from "./support/emulator-process.ts";
import {
  compareContenders,
  median,
  rate,
  floorRate,
  waitOnline,
  warmedRate,
  type Run,
} from "./support/round-trips.ts";

const PASSWORD = "bench";
const COMMAND = "echo ping";
const IN_FLIGHT = 64;
const ROUNDS = 5;

async function connect(port: number): Promise<{ connection: RconConnection; loginMs: number }> {
  const started = performance.now();
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    password: PASSWORD,
    reconnect: false,
  });
  connection.start();
  await waitOnline(connection);
  return { connection, loginMs: performance.now() - started };
}

async function ours(port: number, inFlight: number, ms: number): Promise<Run> {
  const { connection } = await connect(port);
  const run = await warmedRate(() => connection.command(COMMAND), inFlight, ms);
  await connection.stop();
  return run;
}

/** The floor: a bare ws client, one JSON out per frame back, nothing checked. */
async function floor(port: number, inFlight: number, ms: number): Promise<Run> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/${PASSWORD}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let id = 1;
  const send = () => socket.send(JSON.stringify({ Identifier: ++id, Message: COMMAND, Name: "WebRcon" }));
  const result = await floorRate(
    (onAnswer) => {
      socket.removeAllListeners("message");
      socket.on("message", onAnswer);
    },
    send,
    inFlight,
    ms,
  );
  socket.terminate();
  return result;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { seconds: { type: "string" } } });
  const ms = Number(values.seconds ?? "5") * 1000;
  const emulator = await spawnEmulator("webrcon", [
    "--password",
    PASSWORD,
    "--players",
    "100",
    "--activity",
    "0",
  ]);
  const port = emulator.port;
  try {
    console.log(
      `Rust WebRCON: "${COMMAND}" round trips per second against one emulator (child process) on loopback; median of ${ROUNDS} interleaved rounds, ${ms / 1000} s per figure\n`,
    );
    await compareContenders(
      {
        ours: (inFlight, slice) => ours(port, inFlight, slice),
        floor: (inFlight, slice) => floor(port, inFlight, slice),
      },
      { ms, rounds: ROUNDS, inFlight: IN_FLIGHT },
    );
    const { connection } = await connect(port);
    const run = (text: string) => connection.command(text);
    const lists = await warmedRate(() => connection.dialect.operations.listPlayers(run), 1, ms / ROUNDS);
    console.log(
      `\n  playerlist (100 players, JSON parsed into Player rows): ${rate(lists.rate).trim()} lists/s sequential, ${lists.cpuMicros.toFixed(0)} µs client CPU each`,
    );
    await connection.stop();
    const logins: number[] = [];
    for (let i = 0; i < 20; i++) {
      const opened = await connect(port);
      logins.push(opened.loginMs);
      await opened.connection.stop();
    }
    console.log(
      `  start() to online (TCP, WebSocket upgrade, serverinfo probe): median ${median(logins).toFixed(1)} ms, max ${Math.max(...logins).toFixed(1)} ms (20 logins)`,
    );
  } finally {
    await emulator.close();
  }
}
