/**
 * `rcondeck shell` (a child process) against a BattlEye emulator on loopback that drops the session,
 * as a restarted server does: the shell says the connection was lost, reconnects by itself, says so,
 * and the next command works, without the 45 s silence rule and without a manual !connect.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunningBattlEyeEmulator } from "../rcon/emulators/battleye/emulator.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/rcondeck");
const HOME = mkdtempSync(path.join(tmpdir(), "rcondeck-shell-"));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function shell(args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(BIN, ["shell", ...args], {
    cwd: tmpdir(),
    env: { ...process.env, HOME, RCON_PASSWORD: "P" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill();
  });
  return { child, output, exited, send: (line: string) => child.stdin.write(`${line}\n`) };
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("rcondeck shell over a dropped BattlEye session", () => {
  it("reports the loss, reconnects by itself and runs the next command", async () => {
    const emulator: RunningBattlEyeEmulator = await startEmulator("battleye", {
      password: "P",
      players: 3,
      activity: 0,
      seed: 4,
    });
    cleanups.push(() => emulator.close());
    const { child, output, exited, send } = shell([
      "battleye",
      `127.0.0.1:${emulator.port}`,
      "--timeout",
      "3",
    ]);
    const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 30_000, interval: 20 });

    await waitFor(() => expect(output.stdout).toContain(`connected to battleye 127.0.0.1:${emulator.port}`));
    send("players");
    await waitFor(() => expect(count(output.stdout, "(3 players in total)")).toBe(1));

    // The server forgets us (a restart, an idle drop): it ignores everything we send from now on.
    const [peer] = emulator.server.loggedInPeers();
    expect(peer).toBeDefined();
    emulator.server.drop(peer!);

    send("players"); // re-sent, unanswered, nothing else arrives: the session is gone
    await waitFor(() =>
      expect(output.stdout).toMatch(/connection lost: .*the server dropped the session.*; reconnecting/),
    );
    await waitFor(() =>
      expect(output.stdout).toContain(`reconnected to battleye 127.0.0.1:${emulator.port}`),
    );
    expect(output.stderr).toContain('no answer to "players"');

    send("players");
    await waitFor(() => expect(count(output.stdout, "(3 players in total)")).toBe(2));
    // A new login, from a new socket: the emulator holds exactly one logged-in session again.
    expect(emulator.server.loggedInPeers()).toHaveLength(1);
    expect(emulator.server.loggedInPeers()[0]).not.toBe(peer);

    send("!exit");
    child.stdin.end();
    expect(await exited).toBe(0);
  }, 60_000);
});
