/**
 * The generic `rcondeck` CLI with the webrcon family, as child processes: `emulate webrcon` prints
 * its port, `exec webrcon` prints the answer (exit 0), a wrong password exits 2, nothing there 3.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../bin/rcondeck");

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd: tmpdir(),
      env: { ...process.env, RCON_PASSWORD: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let emulator: ChildProcess;
let address = "";

beforeAll(async () => {
  await new Promise<void>((resolve, reject) => {
    emulator = spawn(
      BIN,
      [
        "emulate",
        "webrcon",
        "--game",
        "rust", // the alias of rust-webrcon within the webrcon family
        "--port",
        "0",
        "--password",
        "cli-pw",
        "--players",
        "3",
        "--activity",
        "0",
      ],
      { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    emulator.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /^listening webrcon (127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) {
        address = match[1] as string;
        resolve();
      }
    });
    emulator.on("error", reject);
    emulator.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
});

afterAll(() => {
  emulator.kill("SIGTERM");
});

describe("rcondeck with webrcon", () => {
  it("exec playerlist prints the JSON player list and exits 0 (password from RCON_PASSWORD)", async () => {
    const result = await run(["exec", "webrcon", address, "--", "playerlist"], { RCON_PASSWORD: "cli-pw" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const players = JSON.parse(result.stdout) as { SteamID: string }[];
    expect(players).toHaveLength(3);
    expect(players.every((p) => /^7656119\d{10}$/.test(p.SteamID))).toBe(true);
  });

  it("exits 2 on a wrong password, without printing it", async () => {
    const result = await run(["exec", "webrcon", address, "--password", "not-it", "--", "playerlist"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/wrong RCON password/);
    expect(result.stderr + result.stdout).not.toContain("not-it");
  });

  it("exits 3 when nothing listens there", async () => {
    const result = await run(["exec", "webrcon", "127.0.0.1:1", "--password", "cli-pw", "--", "playerlist"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/connection refused/);
  });
});
