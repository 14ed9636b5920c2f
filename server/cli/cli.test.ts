/**
 * End to end: `bin/rcondeck` spawned as a child process against an emulator it started itself.
 * Checks exit codes (0 ok, 2 auth refused, 3 unreachable / timed out), `emulate` printing its real
 * port and stopping cleanly on SIGINT, and the shell driven through stdin.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenTcp, type TcpListener } from "../rcon/transport/tcp.ts";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/rcondeck");
const HOME = mkdtempSync(path.join(tmpdir(), "rcondeck-cli-"));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd: tmpdir(),
      env: { ...process.env, HOME, RCON_PASSWORD: "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

let emulator: ChildProcess;
let emulatorStderr = "";
let address = "";

function startEmulator(args: string[]): Promise<{ child: ChildProcess; address: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ["emulate", "source", ...args], {
      cwd: tmpdir(),
      env: { ...process.env, HOME },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stderr.on("data", (d: Buffer) => (emulatorStderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /^listening source (127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) resolve({ child, address: match[1] as string });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}: ${emulatorStderr}`)));
  });
}

beforeAll(async () => {
  const started = await startEmulator([
    "--game",
    "tf2",
    "--port",
    "0",
    "--password",
    "secret",
    "--players",
    "5",
    "--seed",
    "3",
    "--ban-after",
    "0",
  ]);
  emulator = started.child;
  address = started.address;
});

afterAll(() => {
  emulator.kill("SIGTERM");
});

describe("rcondeck", () => {
  it("emulate prints the real port for --port 0", () => {
    expect(address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
  });

  it("exec prints the complete answer and exits 0 (password from RCON_PASSWORD)", async () => {
    const result = await run(["exec", "source", address, "--game", "tf2", "--", "status"], {
      env: { RCON_PASSWORD: "secret" },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("hostname: Team Fortress 2 (RconDeck emulator)");
    expect(result.stdout.match(/^#\s+\d+ "/gm)?.length).toBe(6); // 5 humans + 1 bot
  });

  it("exec with --password warns about ps and prints a 100 kB answer whole", async () => {
    const result = await run([
      "exec",
      "source",
      address,
      "--game",
      "tf2",
      "--password",
      "secret",
      "--",
      "cvarlist",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("visible to other users in `ps`");
    expect(result.stdout.length).toBeGreaterThan(100_000);
    expect(result.stdout.trimEnd().endsWith("total convars/concommands")).toBe(true);
  });

  it("exits 2 when the password is refused, with one clear line", async () => {
    const result = await run(["exec", "source", address, "--", "status"], {
      env: { RCON_PASSWORD: "wrong" },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringContaining("authentication refused")]);
  });

  it("exits 3 when nothing listens, and 3 when the server never answers in time", async () => {
    const closed: TcpListener = await listenTcp("127.0.0.1", 0, () => ({ onData() {}, onClose() {} }));
    const port = closed.port;
    await closed.close();
    const refused = await run(["exec", "source", `127.0.0.1:${port}`, "--", "status"], {
      env: { RCON_PASSWORD: "x" },
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("cannot reach");

    const silent = await listenTcp("127.0.0.1", 0, () => ({ onData() {}, onClose() {} }));
    try {
      const timedOut = await run(
        ["exec", "source", `127.0.0.1:${silent.port}`, "--timeout", "0.3", "--", "status"],
        { env: { RCON_PASSWORD: "x" } },
      );
      expect(timedOut.code).toBe(3);
      expect(timedOut.stderr).toContain("no answer to login");
    } finally {
      await silent.close();
    }
  });

  it("exits 1 with a clear message for usage errors and a missing password", async () => {
    const noPassword = await run(["exec", "source", address, "--", "status"]);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain("no password");
    const unknown = await run(["exec", "gopher", address, "--", "status"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown protocol "gopher"');
    const game = await run(["exec", "source", address, "--game", "pong", "--", "status"], {
      env: { RCON_PASSWORD: "secret" },
    });
    expect(game.code).toBe(1);
    expect(game.stderr).toContain('unknown game "pong"');
  });

  it("shell: connects, runs commands, help, !disconnect, !connect and !exit through stdin", async () => {
    const input =
      [
        "help",
        "echo hello there",
        "!disconnect",
        "echo nobody",
        `!connect source ${address}`,
        "listid",
        "!bogus",
        "!exit",
        "echo never",
      ].join("\n") + "\n";
    const result = await run(["shell", "source", address, "--game", "tf2"], {
      input,
      env: { RCON_PASSWORD: "secret" },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("connected to source " + address);
    expect(result.stdout).toContain("kickid <userid> [reason]");
    expect(result.stdout).toContain("hello there");
    expect(result.stdout).toContain("disconnected from source");
    expect(result.stdout).toContain("ID filter list: empty");
    expect(result.stdout).not.toContain("never");
    expect(result.stderr).toContain("not connected");
    expect(result.stderr).toContain("unknown shell command !bogus");
  });

  it("emulate stops cleanly on SIGINT", async () => {
    const { child } = await startEmulator([
      "--game",
      "minecraft",
      "--port",
      "0",
      "--password",
      "pw",
      "--quiet",
    ]);
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    child.removeAllListeners("exit");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
