/** Starts the production build on a fresh data directory and reads what it prints (URL, setup link). */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { serverEnv, serverNodeOptions } from "../scripts/node-options.ts";

export const E2E_DIR = path.resolve(".tmp/e2e");
const STATE_FILE = path.join(E2E_DIR, "state.json");

export interface E2EState {
  baseURL: string;
  setupLink: string;
  /** The Node version the server printed (E2E_SERVER_NODE selects the binary). */
  nodeVersion: string;
  pid: number;
  dataDir: string;
}

export async function startServer(port: number): Promise<{ child: ChildProcess; state: E2EState }> {
  const dataDir = path.join(E2E_DIR, "data");
  rmSync(E2E_DIR, { recursive: true, force: true });
  mkdirSync(E2E_DIR, { recursive: true });
  // E2E_SERVER_NODE: the Node binary that runs the server (`npm test` runs a smoke on Node 24 too).
  const child = spawn(
    process.env.E2E_SERVER_NODE || process.execPath,
    [...serverNodeOptions(), "dist/server/index.js"],
    {
      env: {
        ...process.env,
        ...serverEnv(),
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        DATABASE_URL: "",
        NEXT_TELEMETRY_DISABLED: "1",
        DEMO: "1",
        BAN_SYNC_EVERY_MS: "2000",
        // Webhook specs post to a receiver on loopback.
        WEBHOOKS_ALLOW_LOOPBACK: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const state = await new Promise<E2EState>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(output)?.[1];
      if (link && output.includes("listening on")) {
        clearTimeout(timer);
        const nodeVersion = /listening on .*Node (v[\d.]+)/.exec(output)?.[1] ?? "unknown";
        resolve({
          baseURL: `http://127.0.0.1:${port}`,
          setupLink: link,
          nodeVersion,
          pid: child.pid ?? 0,
          dataDir,
        });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  child.stdout?.on("data", (c: Buffer) => process.env.E2E_SERVER_LOG && process.stdout.write(c));
  writeFileSync(STATE_FILE, JSON.stringify(state));
  return { child, state };
}

export function readState(): E2EState {
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as E2EState;
}
