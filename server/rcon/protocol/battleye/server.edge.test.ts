/**
 * BattlEyeServer against unusual clients: re-sends that overtake the application's answer, new
 * commands that reuse a sequence number still in the repeat cache, answers and messages for peers or
 * commands that do not exist, and several peers with their own clocks.
 */
import { describe, expect, it } from "vitest";
import { utf8 } from "../../testing/bytes.ts";
import { BattlEyeServer, type ServerEvent, type ServerTiming } from "./server.ts";
import { decodePacket, encodePacket } from "./packet.ts";

const PASSWORD = "pw";
const login = encodePacket({ type: "login-request", password: utf8.encode(PASSWORD) });
const command = (seq: number, text: string) =>
  encodePacket({ type: "command", seq, body: utf8.encode(text) });

function server(timing: Partial<ServerTiming> = {}, ...peers: string[]): BattlEyeServer {
  const s = new BattlEyeServer(PASSWORD, utf8, timing);
  for (const peer of peers) s.receive(peer, login, 0);
  s.takeOutgoing();
  drain(s);
  return s;
}

function drain(s: BattlEyeServer): ServerEvent[] {
  const out: ServerEvent[] = [];
  for (let e = s.nextEvent(); e; e = s.nextEvent()) out.push(e);
  return out;
}

describe("BattlEyeServer repeat cache", () => {
  it("a re-send that arrives before the application answered is neither run again nor answered twice", () => {
    const s = server({}, "a");
    s.receive("a", command(0, "players"), 10);
    expect(drain(s)).toEqual([{ type: "command", peer: "a", seq: 0, text: "players" }]);
    s.receive("a", command(0, "players"), 20); // the client's re-send overtakes our answer
    expect(drain(s)).toEqual([]);
    expect(s.takeOutgoing()).toEqual([]);
    expect(s.stats.repeatedCommands).toBe(1);

    s.respond("a", 0, "0 players");
    const [first, ...rest] = s.takeOutgoing();
    expect(rest).toEqual([]);
    expect(decodePacket(first!.bytes, "to-client")).toEqual({
      type: "command",
      seq: 0,
      body: utf8.encode("0 players"),
    });
    s.receive("a", command(0, "players"), 30); // one more re-send: the cached answer, byte for byte
    expect(s.takeOutgoing()).toEqual([{ peer: "a", bytes: first!.bytes }]);
    expect(drain(s)).toEqual([]);
  });

  it("a different command on a cached sequence number is new, whether its length differs or not", () => {
    const s = server({}, "a");
    s.receive("a", command(5, "kick 1"), 0);
    s.receive("a", command(5, "kick 2"), 1); // same length, other bytes
    s.receive("a", command(5, "players"), 2); // other length
    expect(drain(s).map((e) => (e.type === "command" ? e.text : e.type))).toEqual([
      "kick 1",
      "kick 2",
      "players",
    ]);
    expect(s.stats.repeatedCommands).toBe(0);
  });

  it("forgets the oldest command beyond the repeat window: its identical re-send runs again", () => {
    const s = server({ repeatWindow: 2 }, "a");
    for (const seq of [0, 1, 2]) s.receive("a", command(seq, "players"), seq);
    s.receive("a", command(2, "players"), 3); // still cached
    s.receive("a", command(0, "players"), 4); // evicted: indistinguishable from a new command
    expect(drain(s).map((e) => (e.type === "command" ? e.seq : -1))).toEqual([0, 1, 2, 0]);
    expect(s.stats.repeatedCommands).toBe(1);
  });
});

describe("BattlEyeServer calls for peers or commands it does not know", () => {
  it("ignores answers to commands never asked and to peers never logged in", () => {
    const s = server({}, "a");
    s.respond("a", 7, "nobody asked");
    s.respond("stranger", 0, "who?");
    expect(s.takeOutgoing()).toEqual([]);
    s.receive("a", command(7, "status"), 0);
    s.respond("a", 7, "ok");
    expect(s.takeOutgoing().map((d) => d.peer)).toEqual(["a"]);
  });

  it("a message for a peer that is not logged in is not sent and creates no state", () => {
    const s = server({}, "a");
    s.sendMessage("stranger", "(Global) hi", 0);
    expect(s.takeOutgoing()).toEqual([]);
    expect(s.loggedInPeers()).toEqual(["a"]);
    s.drop("a");
    s.sendMessage("a", "(Global) after drop", 0);
    expect(s.takeOutgoing()).toEqual([]);
    expect(s.nextDeadline()).toBeNull();
  });
});

describe("BattlEyeServer with several peers", () => {
  it("the next deadline is the earliest of every peer's idle limit and message re-send", () => {
    const s = new BattlEyeServer(PASSWORD, utf8, { idleTimeoutMs: 45_000, messageRetryMs: 2_000 });
    s.receive("a", login, 0);
    s.receive("b", login, 10_000);
    expect(s.nextDeadline()).toBe(45_000);
    s.receive("a", command(0, "players"), 20_000);
    expect(s.nextDeadline()).toBe(55_000); // b is now the first to go idle
    s.sendMessage("b", "(Side) x", 30_000);
    expect(s.nextDeadline()).toBe(32_000);
    s.handleTimeout(55_000); // b idle (its message unacknowledged); a still active
    expect(drain(s).filter((e) => e.type === "peer-dropped")).toEqual([
      { type: "peer-dropped", peer: "b", reason: "idle" },
    ]);
    expect(s.loggedInPeers()).toEqual(["a"]);
    expect(s.nextDeadline()).toBe(65_000);
  });
});
