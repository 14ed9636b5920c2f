/**
 * An emulated game server in a child process (`rcondeck emulate`, through the emulator registry), like
 * a real game server: in the benchmark's own process its work would share one event loop with the
 * client being measured.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ProtocolId } from "../../server/rcon/types.ts";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/rcondeck");

export interface EmulatorProcess {
  port: number;
  /** SIGTERM, resolved once the child has exited. */
  close(): Promise<void>;
}

/** Starts `rcondeck emulate <protocol> --port 0 --quiet <args>` and resolves with the port it printed. */
export function spawnEmulator(protocol: ProtocolId, args: readonly string[]): Promise<EmulatorProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ["emulate", protocol, "--port", "0", "--quiet", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const onExit = (code: number | null) => reject(new Error(`emulator exited (${code})`));
    child.on("error", reject);
    child.on("exit", onExit);
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const match = new RegExp(`listening ${protocol} [\\d.]+:(\\d+)`).exec(out);
      if (!match) return;
      resolve({
        port: Number(match[1]),
        close: () =>
          new Promise<void>((done) => {
            child.off("exit", onExit);
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
