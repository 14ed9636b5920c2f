/**
 * BattlEyeClient against unusual or misbehaving servers, and timers that fire at odd moments: gaps in
 * the sequence window, parts that change content, cancelled and stranded commands, keep-alives that
 * wait behind a full window or expire unanswered.
 */
import { describe, expect, it } from "vitest";
import { RconRemoteError } from "../errors.ts";
import { utf8 } from "../../testing/bytes.ts";
import { BattlEyeClient } from "./client.ts";
import { encodePacket, type Packet } from "./packet.ts";
import { answer, drainEvents as events, dropped, loggedIn, sentPackets as sent, T0 } from "./test-helpers.ts";

function seqs(packets: Packet[]): number[] {
  return packets.map((p) => (p.type === "command" || p.type === "message" ? p.seq : -1));
}

const part = (seq: number, total: number, index: number, text: string) =>
  encodePacket({ type: "command-part", seq, total, index, body: utf8.encode(text) });
const message = (seq: number, text: string) =>
  encodePacket({ type: "message", seq, body: utf8.encode(text) });

describe("BattlEyeClient login timers", () => {
  it("an early timer neither re-sends the login nor gives up", () => {
    const client = new BattlEyeClient(utf8, { loginRetryMs: 1000, loginTimeoutMs: 5000 });
    client.login("pw", T0);
    expect(sent(client)).toHaveLength(1);
    client.handleTimeout(T0 + 999);
    expect(client.takeOutgoing()).toEqual([]);
    expect(events(client)).toEqual([]);
    expect(client.state).toBe("logging-in");
    expect(client.nextDeadline()).toBe(T0 + 1000);
  });

  it("timers before login and after close do nothing, and close() is idempotent", () => {
    const idle = new BattlEyeClient(utf8);
    idle.handleTimeout(T0 + 60_000);
    expect(idle.takeOutgoing()).toEqual([]);
    expect(events(idle)).toEqual([]);
    expect(idle.state).toBe("idle");

    const refused = new BattlEyeClient(utf8);
    refused.login("wrong", T0);
    refused.takeOutgoing();
    refused.receive(encodePacket({ type: "login-reply", success: false }), T0 + 5);
    expect(events(refused)).toEqual([
      { type: "login-refused", reason: "login refused: wrong RCon password" },
    ]);
    refused.close(); // the I/O layer closing after the refusal must not throw
    expect(refused.state).toBe("closed");
    refused.handleTimeout(T0 + 60_000);
    expect(refused.takeOutgoing()).toEqual([]);
    expect(events(refused)).toEqual([]);
  });

  it("after close, a server message is neither delivered nor acknowledged", () => {
    const client = loggedIn();
    const id = client.command({ text: "players", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.takeOutgoing();
    expect(client.close()).toEqual([id]);
    expect(events(client)).toEqual([
      { type: "command-failed", id, code: "closed", detail: "the client closed" },
    ]);
    client.receive(message(0, "(Global) late"), T0 + 1);
    client.receive(answer(0, "late answer"), T0 + 1);
    expect(client.takeOutgoing()).toEqual([]);
    expect(events(client)).toEqual([]);
    expect(client.stats.ignored).toBe(2);
    expect(client.pendingCommands).toBe(0);
    expect(client.nextDeadline()).toBeNull();
  });
});

describe("BattlEyeClient with gaps in the sequence window", () => {
  it("re-sends only the unanswered commands around an answered one, each on its own schedule", () => {
    const client = loggedIn({ retransmitMs: 1000, commandTimeoutMs: 10_000 });
    const a = client.command({ text: "a", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.command({ text: "b", timeoutMs: client.timing.commandTimeoutMs }, T0 + 100);
    const c = client.command({ text: "c", timeoutMs: client.timing.commandTimeoutMs }, T0 + 200);
    expect(seqs(sent(client))).toEqual([0, 1, 2]);
    client.receive(answer(1, "B"), T0 + 300); // the middle one: a hole between tail and head
    expect(client.nextDeadline()).toBe(T0 + 1000); // a's re-send, not c's (T0 + 1200)

    client.handleTimeout(T0 + 1000);
    expect(sent(client)).toEqual([{ type: "command", seq: 0, body: utf8.encode("a") }]);
    expect(client.nextDeadline()).toBe(T0 + 1200);
    client.handleTimeout(T0 + 1200);
    expect(sent(client)).toEqual([{ type: "command", seq: 2, body: utf8.encode("c") }]);
    expect(client.stats.retransmits).toBe(2);

    client.receive(answer(2, "C"), T0 + 1500); // the newest: only the oldest is left in flight
    client.handleTimeout(T0 + 2000);
    expect(seqs(sent(client))).toEqual([0]);
    client.receive(answer(0, "A"), T0 + 2100);
    expect(events(client).map((e) => (e.type === "answer" ? [e.id, e.text] : e.type))).toEqual([
      [2, "B"],
      [c, "C"],
      [a, "A"],
    ]);
    expect(client.pendingCommands).toBe(0);
  });

  it("a command whose timeout is shorter than the re-send interval fails at its deadline, never re-sent", () => {
    const client = loggedIn({ retransmitMs: 1000 });
    const id = client.command({ text: "quick", timeoutMs: 400 }, T0);
    client.takeOutgoing();
    expect(client.nextDeadline()).toBe(T0 + 400);
    client.handleTimeout(T0 + 400);
    expect(client.takeOutgoing()).toEqual([]);
    expect(events(client)).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer after 1 sends" },
    ]);
  });

  it("cancels a command still queued behind a full window: it never goes on the wire", () => {
    const client = loggedIn({ maxInFlight: 1 });
    const a = client.command({ text: "a", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const b = client.command({ text: "b", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const c = client.command({ text: "c", timeoutMs: client.timing.commandTimeoutMs }, T0);
    expect(sent(client)).toEqual([{ type: "command", seq: 0, body: utf8.encode("a") }]);
    client.cancel(b);
    expect(client.pendingCommands).toBe(2);
    client.receive(answer(0, "A"), T0 + 1);
    expect(sent(client)).toEqual([{ type: "command", seq: 1, body: utf8.encode("c") }]);
    client.receive(answer(1, "C"), T0 + 2);
    expect(events(client).map((e) => (e.type === "answer" ? e.id : e.type))).toEqual([a, c]);
  });

  it("cancelling one of several commands in flight leaves the others answerable", () => {
    const client = loggedIn();
    const a = client.command({ text: "a", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const b = client.command({ text: "b", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.takeOutgoing();
    client.cancel(b);
    client.receive(answer(1, "B"), T0 + 1);
    client.receive(answer(0, "A"), T0 + 2);
    expect(events(client)).toEqual([{ type: "answer", id: a, text: "A", latencyMs: 2, keepAlive: false }]);
    expect(client.stats.ignored).toBe(1);
  });

  it("a queued command that is not yet due stays queued when the timer fires for another", () => {
    const client = loggedIn({ maxInFlight: 1, retransmitMs: 1000, commandTimeoutMs: 10_000 });
    client.command({ text: "first", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const second = client.command({ text: "second", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.takeOutgoing();
    client.handleTimeout(T0 + 1000); // re-sends the first; the second keeps waiting
    expect(seqs(sent(client))).toEqual([0]);
    expect(events(client)).toEqual([]);
    expect(client.pendingCommands).toBe(2);
    client.receive(answer(0, "1"), T0 + 1100);
    expect(seqs(sent(client))).toEqual([1]);
    client.receive(answer(1, "2"), T0 + 1200);
    expect(events(client).at(-1)).toMatchObject({ type: "answer", id: second, text: "2" });
  });
});

describe("BattlEyeClient multi-part answers from a confused server", () => {
  it("rejects a repeated part whose bytes differ (same length) as the server's fault, then recovers", () => {
    const client = loggedIn();
    const id = client.command({ text: "players", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.receive(part(0, 2, 0, "AB"), T0);
    const error = dropped(client, part(0, 2, 0, "AC"), T0);
    expect(error).toBeInstanceOf(RconRemoteError);
    expect(error?.code).toBe("INCONSISTENT_FRAGMENTS");
    // Everything collected so far was discarded: a complete, consistent set still answers the command.
    client.receive(part(0, 2, 1, "CD"), T0 + 1);
    expect(events(client)).toEqual([]);
    client.receive(part(0, 2, 0, "AB"), T0 + 2);
    expect(events(client)).toEqual([{ type: "answer", id, text: "ABCD", latencyMs: 2, keepAlive: false }]);
  });
});

describe("BattlEyeClient keep-alives at the edges", () => {
  it("a keep-alive stuck behind a full window expires silently and is replaced, then goes out in order", () => {
    const client = loggedIn({
      maxInFlight: 1,
      keepAliveMs: 10_000,
      retransmitMs: 100_000,
      deadAfterMs: 45_000,
      commandTimeoutMs: 200_000,
    });
    const slow = client.command({ text: "slow", timeoutMs: client.timing.commandTimeoutMs }, T0);
    expect(seqs(sent(client))).toEqual([0]);

    client.handleTimeout(T0 + 10_000); // keep-alive due, but the window is full: it waits
    expect(client.takeOutgoing()).toEqual([]);
    expect(client.pendingCommands).toBe(2);
    expect(client.nextDeadline()).toBe(T0 + 45_000); // the dead-server check; no second keep-alive timer

    client.receive(message(0, "(Global) still here"), T0 + 40_000);
    expect(seqs(sent(client))).toEqual([0]); // the acknowledgement
    client.handleTimeout(T0 + 55_000); // the waiting keep-alive's own deadline: dropped, a new one queued
    expect(client.takeOutgoing()).toEqual([]);
    expect(events(client).filter((e) => e.type !== "pushed")).toEqual([]); // keep-alives fail silently
    expect(client.pendingCommands).toBe(2);

    client.receive(answer(0, "slow done"), T0 + 56_000);
    expect(sent(client)).toEqual([{ type: "command", seq: 1, body: new Uint8Array() }]);
    const user = client.command({ text: "user", timeoutMs: client.timing.commandTimeoutMs }, T0 + 56_000);
    // The keep-alive in flight counts as pending even though a user command waits in the queue: the
    // next deadline is its own (queued at T0 + 55 s with 45 s to live), not another keep-alive at T0 + 66 s.
    expect(client.nextDeadline()).toBe(T0 + 100_000);
    client.receive(answer(1, ""), T0 + 56_500);
    expect(sent(client)).toEqual([{ type: "command", seq: 2, body: utf8.encode("user") }]);
    expect(events(client).map((e) => (e.type === "answer" ? [e.id, e.keepAlive] : e.type))).toEqual([
      [slow, false],
      [3, true],
    ]);
    expect(user).toBe(4);
  });

  it("an unanswered keep-alive that expires while a command is in flight no longer blocks the next one", () => {
    const client = loggedIn({ keepAliveMs: 10_000, retransmitMs: 100_000, deadAfterMs: 45_000 });
    client.handleTimeout(T0 + 10_000);
    expect(sent(client)).toEqual([{ type: "command", seq: 0, body: new Uint8Array() }]);
    client.receive(message(0, "alive"), T0 + 40_000);
    client.takeOutgoing();
    client.command({ text: "x", timeoutMs: 100_000 }, T0 + 50_000);
    expect(seqs(sent(client))).toEqual([1]);
    client.handleTimeout(T0 + 55_000); // the keep-alive's deadline; x is not due for a re-send
    expect(client.takeOutgoing()).toEqual([]);
    expect(events(client).filter((e) => e.type !== "pushed")).toEqual([]);
    // The next keep-alive is scheduled from the last command sent, not held back by the expired one.
    expect(client.nextDeadline()).toBe(T0 + 60_000);
    client.handleTimeout(T0 + 60_000);
    expect(sent(client)).toEqual([{ type: "command", seq: 2, body: new Uint8Array() }]);
  });
});

describe("BattlEyeClient answers over the size cap", () => {
  it("fails a command whose parts outgrow maxAnswerBytes, ignores its further parts and sends the next command", () => {
    const client = loggedIn({ maxInFlight: 1, maxAnswerBytes: 10 });
    const big = client.command({ text: "endless", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const next = client.command({ text: "next", timeoutMs: client.timing.commandTimeoutMs }, T0);
    expect(seqs(sent(client))).toEqual([0]);
    client.receive(part(0, 200, 0, "123456"), T0 + 1);
    expect(events(client)).toEqual([]);
    client.receive(part(0, 200, 1, "789012"), T0 + 2);
    const [failed, ...rest] = events(client);
    expect(failed).toMatchObject({ type: "command-failed", id: big, code: "too-large" });
    expect(rest).toEqual([]);
    expect(sent(client)).toEqual([{ type: "command", seq: 1, body: utf8.encode("next") }]);
    const ignoredBefore = client.stats.ignored;
    client.receive(part(0, 200, 2, "345678"), T0 + 3);
    expect(client.stats.ignored).toBe(ignoredBefore + 1);
    client.receive(answer(1, "ok"), T0 + 4);
    expect(events(client)).toEqual([
      { type: "answer", id: next, text: "ok", latencyMs: 4, keepAlive: false },
    ]);
  });

  it("a keep-alive answered with an oversized answer fails and no longer blocks the next keep-alive", () => {
    const client = loggedIn({
      keepAliveMs: 10_000,
      retransmitMs: 100_000,
      deadAfterMs: 45_000,
      maxAnswerBytes: 4,
    });
    client.handleTimeout(T0 + 10_000);
    expect(sent(client)).toEqual([{ type: "command", seq: 0, body: new Uint8Array() }]);
    client.receive(part(0, 3, 0, "abcdef"), T0 + 10_001);
    expect(events(client)).toMatchObject([{ type: "command-failed", code: "too-large" }]);
    expect(client.pendingCommands).toBe(0);
    client.handleTimeout(T0 + 20_000);
    expect(sent(client)).toEqual([{ type: "command", seq: 1, body: new Uint8Array() }]);
  });

  it("parts reset by inconsistent content start the byte count again", () => {
    const client = loggedIn({ maxAnswerBytes: 10 });
    const id = client.command({ text: "x", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.takeOutgoing();
    client.receive(part(0, 2, 0, "123456"), T0 + 1);
    expect(dropped(client, part(0, 2, 0, "654321"), T0 + 1)).toBeInstanceOf(RconRemoteError);
    client.receive(part(0, 2, 0, "123456"), T0 + 2);
    client.receive(part(0, 2, 1, "7890"), T0 + 2);
    expect(events(client)).toEqual([
      { type: "answer", id, text: "1234567890", latencyMs: 2, keepAlive: false },
    ]);
  });
});

describe("BattlEyeClient: a server that dropped the session", () => {
  const silentCommand = (client: ReturnType<typeof loggedIn>) => {
    const id = client.command({ text: "players", timeoutMs: 3000 }, T0 + 10);
    for (const at of [T0 + 1010, T0 + 2010]) client.handleTimeout(at);
    expect(sent(client)).toHaveLength(3);
    return id;
  };

  it("a command unanswered through three sends with nothing received since means dead, without waiting 45 s", () => {
    const client = loggedIn({ retransmitMs: 1000 });
    const id = silentCommand(client);
    client.handleTimeout(T0 + 3010);
    expect(events(client)).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer after 3 sends" },
      { type: "dead", reason: expect.stringContaining("the server dropped the session") as string },
    ]);
    expect(client.state).toBe("closed");
  });

  it("a datagram received in the millisecond the command was issued came before it, so it does not prove the server alive", () => {
    const client = loggedIn({ retransmitMs: 1000 });
    // The login reply arrived at T0; the command is issued in that same millisecond.
    const id = client.command({ text: "players", timeoutMs: 3000 }, T0);
    for (const at of [T0 + 1000, T0 + 2000]) client.handleTimeout(at);
    client.handleTimeout(T0 + 3000);
    expect(events(client)).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer after 3 sends" },
      { type: "dead", reason: expect.stringContaining("the server dropped the session") as string },
    ]);
  });

  it("is only a command time-out when anything arrived meanwhile (the server is alive)", () => {
    const client = loggedIn({ retransmitMs: 1000 });
    const id = silentCommand(client);
    client.receive(message(0, "(Global) still here"), T0 + 2500);
    client.handleTimeout(T0 + 3010);
    expect(events(client).filter((e) => e.type !== "pushed")).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer after 3 sends" },
    ]);
    expect(client.state).toBe("ready");
  });
});

describe("BattlEyeClient: an answer whose parts never all arrive", () => {
  it("fails as incomplete, naming how many parts came, and never passes the parts off as the answer", () => {
    const client = loggedIn({ retransmitMs: 1000 });
    const id = client.command({ text: "players", timeoutMs: 1500 }, T0);
    client.receive(part(0, 3, 1, "middle"), T0 + 10);
    client.handleTimeout(T0 + 1000);
    client.handleTimeout(T0 + 1500);
    expect(events(client)).toEqual([
      { type: "command-failed", id, code: "incomplete", detail: "1 of 3 parts after 2 sends" },
    ]);
    expect(client.state).toBe("ready");
  });
});
