/** The generic `rcondeck exec` CLI against the BattlEye emulator, as a child process (exit codes included). */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningBattlEyeEmulator } from "../emulators/battleye/emulator.ts";
import { startEmulator } from "../emulators/registry.ts";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../bin/rcondeck");

function rcondeck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let emulator: RunningBattlEyeEmulator;
beforeAll(async () => {
  emulator = await startEmulator("battleye", { password: "P", players: 6, activity: 0, seed: 2 });
});
afterAll(async () => {
  await emulator.close();
});

describe("rcondeck exec battleye", () => {
  it("runs `players` and exits 0", async () => {
    const result = await rcondeck([
      "exec",
      "battleye",
      `127.0.0.1:${emulator.port}`,
      "--password",
      "P",
      "--",
      "players",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Players on server:/);
    expect(result.stdout).toContain("(6 players in total)");
  }, 40_000);

  it("exits 2 when the password is refused", async () => {
    const result = await rcondeck([
      "exec",
      "battleye",
      `127.0.0.1:${emulator.port}`,
      "--password",
      "wrong",
      "--",
      "players",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refused/);
  }, 40_000);
});
