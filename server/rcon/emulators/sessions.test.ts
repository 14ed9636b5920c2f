import { afterEach, describe, expect, it, vi } from "vitest";
import { family as battleye } from "../battleye/index.ts";
import { family as quake3 } from "../quake3/index.ts";
import { family as source } from "../source/index.ts";
import { FakeClock } from "../testing/fake-clock.ts";
import type { ProtocolFamily, RconConnection } from "../types.ts";
import type { RunningEmulator } from "./types.ts";
import { findOverlaps, SessionLog, type EmulatorSession } from "./sessions.ts";
import { startEmulator } from "./registry.ts";

const session = (id: number, loginAt: number, lastPacketAt: number): EmulatorSession => ({
  id,
  remote: `127.0.0.1:${id}`,
  loginAt,
  lastPacketAt,
  closedAt: null,
});
const pairs = (list: EmulatorSession[]) => findOverlaps(list).map(({ a, b }) => [a.id, b.id]);

describe("findOverlaps", () => {
  it("finds sessions live at the same time, and only those", () => {
    expect(pairs([session(1, 0, 10), session(2, 11, 20), session(3, 21, 30)])).toEqual([]);
    expect(pairs([session(1, 0, 10), session(2, 5, 20)])).toEqual([[1, 2]]);
    // Touching ends count: a packet in the same millisecond as the other's login.
    expect(pairs([session(1, 0, 10), session(2, 10, 20)])).toEqual([[1, 2]]);
    // A long session contains two later ones that do not overlap each other.
    expect(pairs([session(3, 5, 6), session(1, 0, 100), session(2, 50, 60)])).toEqual([
      [1, 3],
      [1, 2],
    ]);
    expect(pairs([])).toEqual([]);
    // One client socket logging in again is not two clients.
    const again = { ...session(2, 10, 20), remote: session(1, 0, 0).remote };
    expect(pairs([session(1, 0, 10), again])).toEqual([]);
  });
});

describe("SessionLog", () => {
  it("a session runs from login to its last packet; a new login from the same remote ends the old one", () => {
    const log = new SessionLog();
    log.packet("a:1", 5); // before any login: not a session
    expect(log.sessions()).toEqual([]);
    log.login("a:1", 10);
    log.packet("a:1", 15);
    log.login("b:2", 20);
    log.close("b:2", 25);
    log.login("a:1", 30);
    log.packet("a:1", 12); // late (reordered) timestamps never move the end back
    expect(log.sessions()).toEqual([
      { id: 1, remote: "a:1", loginAt: 10, lastPacketAt: 15, closedAt: 30 },
      { id: 2, remote: "b:2", loginAt: 20, lastPacketAt: 20, closedAt: 25 },
      { id: 3, remote: "a:1", loginAt: 30, lastPacketAt: 30, closedAt: null },
    ]);
    expect(log.overlaps()).toEqual([]);
    log.packet("a:1", 40);
    log.packet("b:2", 35); // b sends after a's second login: both live at once
    expect(log.overlaps().map(({ a, b }) => [a.id, b.id])).toEqual([[2, 3]]);
  });

  it("keeps each command with the session it came in", () => {
    const log = new SessionLog();
    log.command("a:1", "before login", 1);
    log.login("a:1", 10);
    log.command("a:1", "say hello", 11);
    log.login("a:1", 20);
    log.command("a:1", "say again", 21);
    expect(log.commands()).toEqual([
      { session: null, remote: "a:1", at: 1, text: "before login" },
      { session: 1, remote: "a:1", at: 11, text: "say hello" },
      { session: 2, remote: "a:1", at: 21, text: "say again" },
    ]);
  });

  it("keeps only recent sessions", () => {
    const log = new SessionLog(3);
    for (let i = 0; i < 20; i++) log.login(`r:${i}`, i);
    expect(log.sessions().length).toBeLessThanOrEqual(6);
    expect(log.sessions().at(-1)?.remote).toBe("r:19");
  });
});

/** Each family's emulator records real logins from real connections on loopback. */
describe.each([
  { family: battleye, command: "players" },
  { family: source, command: "status" },
  { family: quake3, command: "status" },
] satisfies { family: ProtocolFamily; command: string }[])(
  "$family.id emulator sessions",
  ({ family, command }) => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      while (cleanups.length > 0) await cleanups.pop()?.();
    });

    async function connect(emulator: RunningEmulator): Promise<RconConnection> {
      const connection = family.createConnection({
        host: emulator.host,
        port: emulator.port,
        password: "secret-pw",
        reconnect: false,
      });
      cleanups.push(() => connection.stop());
      connection.start();
      await vi.waitFor(() => expect(connection.status.state).toBe("online"), {
        timeout: 5_000,
        interval: 10,
      });
      await connection.command(command);
      return connection;
    }

    it("records one session per client and reports two live at once", async () => {
      const clock = new FakeClock();
      const emulator = await startEmulator(family.id, {
        password: "secret-pw",
        players: 2,
        activity: 0,
        clock,
      });
      cleanups.push(() => emulator.close());

      const first = await connect(emulator);
      expect(emulator.sessions()).toHaveLength(1);
      await first.stop();
      clock.advance(1_000);
      const second = await connect(emulator);
      const [a, b] = emulator.sessions();
      expect(a?.remote).not.toBe(b?.remote);
      expect(b?.loginAt).toBe((a?.loginAt ?? 0) + 1_000);
      expect(emulator.overlaps()).toEqual([]); // one after the other

      clock.advance(1_000);
      const third = await connect(emulator);
      await second.command(command); // the second client is still acting after the third logged in
      expect(emulator.sessions()).toHaveLength(3);
      expect(emulator.overlaps().map((o) => [o.a.id, o.b.id])).toEqual([[2, 3]]);
      // Each command is recorded in the session it came in.
      const sent = emulator.commands().filter((c) => c.text === command);
      expect(sent.map((c) => c.session)).toEqual([1, 2, 3, 2]);
      expect(sent.map((c) => c.remote)).toEqual([a, b, emulator.sessions()[2], b].map((s) => s?.remote));
      await third.stop();
    });
  },
);
