/**
 * `npm run bench -- battleye [--n 10000] [--inflight 32] [--rounds 7] [--in-process]`: commands per
 * second of the BattlEye client against the emulator on loopback, sequential and with many in
 * flight, next to a hand-written minimal request/answer loop on a raw socket (the floor), and the
 * time to reassemble a 64-player `players` answer. Figures only; nothing here asserts.
 *
 * The emulator runs in a child process (`rcondeck emulate battleye`), like a real game server and
 * like bench/source.ts: in the same process its work would share one event loop with the client
 * being measured. `--in-process` keeps the old arrangement for comparison. Next to the rates, the
 * client process's own CPU time per command (user + system, from process.cpuUsage) says how much
 * each loop costs independently of the emulator's latency.
 */
import dgram from "node:dgram";
import { performance } from "node:perf_hooks";
import { createBattlEyeConnection } from "../server/rcon/battleye/index.ts";
import { battlEyeCodec } from "../server/rcon/battleye/codec.ts";
import { startEmulator } from "../server/rcon/emulators/registry.ts";
import { BattlEyeClient } from "../server/rcon/protocol/battleye/client.ts";
import { decodePacket, encodePacket } from "../server/rcon/protocol/battleye/packet.ts";
import { answerPackets } from "../server/rcon/protocol/battleye/server.ts";
import { spawnEmulator } from "./support/emulator-process.ts";
import { median } from "./support/round-trips.ts";

/** Commands per second and client CPU microseconds per command. */
interface Run {
  rate: number;
  cpuMicros: number;
}

/** Runs `body` and returns its commands per second and the CPU time this process spent per command. */
async function timed(n: number, body: () => Promise<void>): Promise<Run> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await body();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: n / seconds, cpuMicros: (used.user + used.system) / n };
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** The floor: a raw socket, prebuilt packets, a window of sequence numbers, no retransmits, no timers. */
async function floorLoop(port: number, n: number, inFlight: number): Promise<Run> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.connect(port, "127.0.0.1", resolve));
  const text = new TextEncoder();
  const packets = Array.from({ length: 256 }, (_, seq) =>
    encodePacket({ type: "command", seq, body: text.encode("version") }),
  );
  let resolveDone: () => void = () => {};
  let resolveLogin: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  const loggedIn = new Promise<void>((r) => (resolveLogin = r));
  let sent = 0;
  let answered = 0;
  let nextSeq = 0;
  const send = () => {
    socket.send(packets[nextSeq]!);
    nextSeq = (nextSeq + 1) % 256;
    sent++;
  };
  socket.on("message", (msg: Buffer) => {
    const type = msg[7];
    if (type === 0) resolveLogin();
    else if (type === 2) socket.send(encodePacket({ type: "message", seq: msg[8]!, body: new Uint8Array() }));
    else if (type === 1) {
      answered++;
      if (answered === n) resolveDone();
      else if (sent < n) send();
    }
  });
  socket.send(encodePacket({ type: "login-request", password: text.encode("bench") }));
  await loggedIn;
  const run = await timed(n, async () => {
    for (let i = 0; i < Math.min(inFlight, n); i++) send();
    await done;
  });
  socket.close();
  return run;
}

async function ourClient(port: number, n: number, inFlight: number): Promise<Run> {
  const connection = createBattlEyeConnection(
    { host: "127.0.0.1", port, password: "bench" },
    { maxInFlight: Math.min(128, Math.max(1, inFlight)) },
  );
  connection.start();
  while (connection.status.state !== "online") await new Promise((r) => setTimeout(r, 5));
  let next = 0;
  async function worker(): Promise<void> {
    while (next < n) {
      next++;
      await connection.command("version");
    }
  }
  const run = await timed(n, async () => {
    await Promise.all(Array.from({ length: inFlight }, worker));
  });
  await connection.stop();
  return run;
}

function reassemblyMicros(iterations: number): { micros: number; parts: number; bytes: number } {
  const codec = battlEyeCodec("utf-8");
  const rows = Array.from(
    { length: 64 },
    (_, i) =>
      `${String(i).padEnd(3)} 10.0.${i}.7:2304         ${String(40 + i).padEnd(5)}${"0123456789abcdef".repeat(2)}(OK) Игрок номер ${i} [TAG]`,
  );
  const text = [
    "Players on server:",
    "[#] [IP Address]:[Port] [Ping] [GUID] [Name]",
    "-".repeat(50),
    ...rows,
    "(64 players in total)",
  ].join("\n");
  const body = codec.encode(text);
  const client = new BattlEyeClient(codec, { maxInFlight: 128 });
  client.login("x", 0);
  client.receive(encodePacket({ type: "login-reply", success: true }), 0);
  client.nextEvent();
  client.takeOutgoing();
  const perSeq = Array.from({ length: 256 }, (_, seq) => answerPackets(seq, body, 512).reverse()); // worst order
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    client.command({ text: "players", timeoutMs: 10_000 }, 0);
    const [request] = client.takeOutgoing();
    const seq = (decodePacket(request!, "to-server") as { seq: number }).seq;
    for (const part of perSeq[seq]!) client.receive(part, 0);
    const event = client.nextEvent();
    if (event?.type !== "answer" || event.text.length !== text.length) throw new Error("reassembly failed");
  }
  return {
    micros: ((performance.now() - start) * 1000) / iterations,
    parts: perSeq[0]!.length,
    bytes: body.length,
  };
}

export async function main(args: string[]): Promise<void> {
  const n = arg(args, "n", 10000);
  const inFlight = arg(args, "inflight", 32);
  const rounds = arg(args, "rounds", 7);
  const inProcess = args.includes("--in-process");
  const emulator = inProcess
    ? await startEmulator("battleye", { password: "bench", players: 64, activity: 0 })
    : await spawnEmulator("battleye", ["--password", "bench", "--players", "64", "--activity", "0"]);
  try {
    console.log(
      `BattlEye on loopback, emulator ${inProcess ? "in this process" : "in a child process"} on 127.0.0.1:${emulator.port}, ${n} "version" commands per run`,
    );
    // Warm-up (JIT, sockets) for both loops.
    for (let i = 0; i < 3; i++) {
      await floorLoop(emulator.port, 2000, 1);
      await ourClient(emulator.port, 2000, 1);
      await floorLoop(emulator.port, 2000, inFlight);
      await ourClient(emulator.port, 2000, inFlight);
    }
    // Floor and ours alternate, several rounds each, and the medians are compared: on a shared
    // 2-core machine single runs swing by ±40%.
    for (const [label, window] of [
      ["sequential (1 in flight)", 1],
      [`${inFlight} in flight`, inFlight],
    ] as const) {
      const floors: Run[] = [];
      const ours: Run[] = [];
      for (let round = 0; round < rounds; round++) {
        floors.push(await floorLoop(emulator.port, n, window));
        ours.push(await ourClient(emulator.port, n, window));
      }
      const f = median(floors.map((r) => r.rate));
      const o = median(ours.map((r) => r.rate));
      const fCpu = median(floors.map((r) => r.cpuMicros));
      const oCpu = median(ours.map((r) => r.cpuMicros));
      console.log(
        `${label.padEnd(26)} ours ${o.toFixed(0).padStart(7)} cmd/s   floor ${f.toFixed(0).padStart(7)} cmd/s   ratio ${((o / f) * 100).toFixed(1)}%   (medians of ${rounds}; ours ${ours.map((x) => x.rate.toFixed(0)).join("/")}, floor ${floors.map((x) => x.rate.toFixed(0)).join("/")})`,
      );
      console.log(
        `${"".padEnd(26)} client CPU per command: ours ${oCpu.toFixed(1)} µs, floor ${fCpu.toFixed(1)} µs`,
      );
    }
    const reassembly = reassemblyMicros(2000);
    console.log(
      `reassembling a 64-player "players" answer (${reassembly.bytes} bytes, ${reassembly.parts} parts of 512, reversed order): ${reassembly.micros.toFixed(1)} µs`,
    );
  } finally {
    await emulator.close();
  }
}
