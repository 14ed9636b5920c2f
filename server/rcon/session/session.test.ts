/**
 * The session driver over real loopback sockets and the families' real cores and emulators:
 * coalesced writes as a driver option, a dropped session noticed and reconnected, and command
 * errors and logs that never carry a command's arguments or the password. The families' own
 * connection tests (source/, battleye/, quake3/, webrcon/, foreign-peer, write-gate) cover the rest
 * of what the driver does for every family; transport.test.ts covers the WebSocket adapter.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBattlEyeConnection } from "../battleye/index.ts";
import { systemClock } from "../clock.ts";
import { startEmulator } from "../emulators/registry.ts";
import { SourceClient } from "../protocol/source/client.ts";
import { SOURCE_DIALECTS } from "../protocol/source/dialects/index.ts";
import type { SourceEmulator } from "../emulators/source/emulator.ts";
import { family as sourceFamily } from "../source/index.ts";
import { sourceCodec } from "../source/codec.ts";
import type { Session, SessionContext } from "../supervised-connection.ts";
import type { Logger, RconConnection, RconEvent } from "../types.ts";
import { openSession } from "./session.ts";
import { tcpTransport, type OpenTransport } from "./transport.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sourceEmulator(extra: Record<string, number> = {}): Promise<SourceEmulator> {
  const emulator = await startEmulator("source", {
    password: "secret",
    game: "tf2",
    players: 2,
    seed: 1,
    activity: 0,
    extra,
  });
  cleanups.push(() => emulator.close());
  return emulator;
}

function recordingContext(): SessionContext & {
  events: RconEvent[];
  lost: SessionContext["lost"] & { calls: unknown[] };
} {
  const events: RconEvent[] = [];
  const calls: unknown[] = [];
  const lost = Object.assign((error: unknown) => void calls.push(error), { calls });
  return { events, emit: (event) => events.push(event), reportLatency: () => {}, lost };
}

/** A real TCP transport that counts the driver's write calls. */
function countingTcp(port: number, writes: number[]): OpenTransport {
  const open = tcpTransport("127.0.0.1", port, 2000);
  return async (handlers) => {
    const transport = await open(handlers);
    return { ...transport, write: (units) => (writes.push(units.length), transport.write(units)) };
  };
}

async function sourceSession(
  port: number,
  batchWrites: number | undefined,
  writes: number[],
): Promise<Session> {
  const dialect = SOURCE_DIALECTS.find((d) => d.id === "tf2")!;
  const session = await openSession(
    {
      protocol: "source",
      host: "127.0.0.1",
      port,
      password: "secret",
      clock: systemClock,
      createCore: () => new SourceClient({ profile: dialect.client, codec: sourceCodec("utf-8") }),
      openTransport: countingTcp(port, writes),
      wording: { loginUnanswered: () => "no answer to login" },
      commandTimeoutMs: 5000,
      batchWrites,
    },
    recordingContext(),
  );
  cleanups.push(() => session.close());
  return session;
}

/**
 * The Source core probes the end marker right after login; the first answer comes after the probe's
 * echo, so from then on the write counts no longer depend on when that echo arrives.
 */
async function learnMarkers(session: Session): Promise<void> {
  expect(await session.command("echo warm")).toBe("warm\n");
}

describe("session driver", () => {
  it("coalesces the commands of one tick into writes of at most `batchWrites` commands, and answers each", async () => {
    const emulator = await sourceEmulator();
    const writes: number[] = [];
    const session = await sourceSession(emulator.port, 16, writes);
    await learnMarkers(session);
    writes.length = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => session.command(`echo n${i}`)));
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}\n`));
    // 16 commands, then the other 4; their answers are short, so no end marker follows them.
    expect(writes).toEqual([16, 4]);
  });

  it("without batching every command is written as it is issued", async () => {
    const emulator = await sourceEmulator();
    const writes: number[] = [];
    const session = await sourceSession(emulator.port, undefined, writes);
    await learnMarkers(session);
    writes.length = 0;
    await Promise.all([session.command("echo a"), session.command("echo b"), session.command("echo c")]);
    // Short answers: no end marker is sent (docs/source-answers.md).
    expect(writes).toEqual([1, 1, 1]);
  });

  it("a BattlEye server that dropped the session: the connection notices at the next command and logs in again", async () => {
    const emulator = await startEmulator("battleye", { password: "P", players: 1, activity: 0, seed: 5 });
    cleanups.push(() => emulator.close());
    const connection: RconConnection = createBattlEyeConnection(
      {
        host: "127.0.0.1",
        port: emulator.port,
        password: "P",
        // Room for SILENT_SENDS_FOR_DEAD re-sends even when a loaded machine fires the timer late.
        commandTimeoutMs: 2000,
        backoff: { initialMs: 50, maxMs: 50, factor: 1, jitter: 0 },
      },
      { retransmitMs: 250 },
    );
    cleanups.push(() => connection.stop());
    const statuses: string[] = [];
    connection.on((event) => {
      if (event.type === "status")
        statuses.push(`${event.status.state}${event.status.reason ? `: ${event.status.reason}` : ""}`);
    });
    connection.start();
    await vi.waitFor(() => expect(connection.status.state).toBe("online"), { timeout: 5000, interval: 5 });
    const [peer] = emulator.server.loggedInPeers();
    emulator.server.drop(peer!);

    await expect(connection.command("players")).rejects.toMatchObject({ code: "TIMEOUT" });
    await vi.waitFor(
      () =>
        expect(statuses.some((s) => /^unreachable: 127\.0\.0\.1:\d+: .*dropped the session/.test(s))).toBe(
          true,
        ),
      { timeout: 5000, interval: 5 },
    );
    await vi.waitFor(() => expect(connection.status.state).toBe("online"), { timeout: 5000, interval: 5 });
    expect(await connection.command("players")).toContain("(1 players in total)");
  });

  it("a command's error names only its first word, and nothing logged carries an argument or the password", async () => {
    const emulator = await sourceEmulator({ delay: 300 });
    const logged: unknown[] = [];
    const logger: Logger = {
      debug: (...args) => logged.push(args),
      info: (...args) => logged.push(args),
      warn: (...args) => logged.push(args),
      error: (...args) => logged.push(args),
    };
    const connection = sourceFamily.createConnection({
      host: "127.0.0.1",
      port: emulator.port,
      password: "secret",
      dialect: "tf2",
      reconnect: false,
      logger,
    });
    cleanups.push(() => connection.stop());
    connection.start();
    await vi.waitFor(() => expect(connection.status.state).toBe("online"), { timeout: 5000, interval: 5 });
    const failure = (await connection.command("sv_password hunter2", { timeoutMs: 20 }).then(
      () => new Error("answered"),
      (error: unknown) => error,
    )) as Error;
    expect(failure).toMatchObject({ code: "TIMEOUT" });
    expect(failure.message).toContain('"sv_password"');
    expect(failure.message).not.toContain("hunter2");
    expect(JSON.stringify(logged)).not.toMatch(/hunter2|secret/);
  });
});
