/** The generic `rcondeck` CLI with the quake3 family, as a child process against the emulator. */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../emulators/registry.ts";
import type { RunningEmulator } from "../emulators/types.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function rcondeck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(root, "bin/rcondeck"),
      args,
      { cwd: root, timeout: 30_000, env: { ...process.env, RCON_PASSWORD: "" } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("rcondeck exec quake3", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator("quake3", {
      password: "secret",
      players: 0,
      activity: 0,
      extra: { bots: "Grism,Sarge" },
    });
  });

  afterAll(async () => {
    await emulator.close();
  });

  it("prints the status table and exits 0", async () => {
    const result = await rcondeck([
      "exec",
      "quake3",
      `127.0.0.1:${emulator.port}`,
      "--password",
      "secret",
      "--",
      "status",
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("map: oa_dm1");
    expect(result.stdout).toContain("Grism           ^7bot");
  });

  it("exits 2 on a wrong password", async () => {
    const result = await rcondeck([
      "exec",
      "quake3",
      `127.0.0.1:${emulator.port}`,
      "--password",
      "wrong",
      "--",
      "status",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Bad rconpassword.");
  });
});
