/**
 * Starts Debian's real `openarena-server` on loopback for the shared quake3 test suite and the
 * benchmark: a free port, bots, rconPassword, a throw-away home directory; ready when it answers
 * getstatus/getinfo. Absent binary = a clear error (the suite fails; it never skips).
 */
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { OPENARENA } from "../../protocol/quake3/dialects/ioq3.ts";
import { queryServer } from "../query.ts";

export const OPENARENA_BINARY = "/usr/games/openarena-server";

export interface RealServer {
  host: string;
  port: number;
  password: string;
  bots: readonly string[];
  /** Server console output so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function waitForGetinfo(
  host: string,
  port: number,
  child: ChildProcess,
  clients: number,
  deadline: number,
): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`openarena-server exited with code ${child.exitCode} before answering`);
    const summary = await queryServer(host, port, { dialect: OPENARENA, timeoutMs: 700 }).catch(() => null);
    // Bots join a few frames after the map loads.
    if (summary && (summary.clients ?? 0) >= clients) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error("openarena-server did not answer getinfo within the time limit");
}

export async function startOpenArena(
  options: { bots?: readonly string[]; password?: string; timeoutMs?: number } = {},
): Promise<RealServer> {
  if (!existsSync(OPENARENA_BINARY)) {
    throw new Error(
      `${OPENARENA_BINARY} is missing: the Quake 3 suite needs Debian's real server. Install it with "bash scripts/openarena.sh install" (root) or "sudo apt-get install -y openarena-server".`,
    );
  }
  const bots = options.bots ?? ["Grism", "Sarge", "Angelyss", "Gargoyle"];
  const password = options.password ?? "secret";
  const host = "127.0.0.1";
  const port = await freeUdpPort();
  const home = mkdtempSync(path.join(tmpdir(), "rcondeck-oa-"));
  const args = [
    ...[
      "+set",
      "com_homepath",
      "oa-home",
      "+set",
      "dedicated",
      "1",
      "+set",
      "net_ip",
      host,
      "+set",
      "net_port",
      String(port),
    ],
    ...[
      "+set",
      "net_enabled",
      "1",
      "+set",
      "rconPassword",
      password,
      "+set",
      "bot_enable",
      "1",
      "+set",
      "sv_maxclients",
      "16",
    ],
    ...["+set", "sv_hostname", "^1Red ^7Test Server", "+map", "oa_dm1"],
    ...bots.flatMap((bot) => ["+addbot", bot, "1"]),
  ];
  // fs_homepath is $HOME/<com_homepath>: everything the server writes stays in the temp dir.
  const child = spawn(OPENARENA_BINARY, args, {
    env: { ...process.env, HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("latin1")).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForGetinfo(host, port, child, bots.length, Date.now() + (options.timeoutMs ?? 30_000));
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output.slice(-3000)}`);
  }
  return { host, port, password, bots, output: () => output, stop };
}
