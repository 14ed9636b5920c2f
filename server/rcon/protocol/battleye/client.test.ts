import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidStateError, RconRemoteError } from "../errors.ts";
import { utf8 } from "../../testing/bytes.ts";
import { BattlEyeClient } from "./client.ts";
import { encodePacket } from "./packet.ts";
import { answer, drainEvents as events, dropped, loggedIn, sentPackets as sent, T0 } from "./test-helpers.ts";

describe("BattlEyeClient login", () => {
  it("sends the login, re-sends it, and reports no answer after the login timeout", () => {
    const client = new BattlEyeClient(utf8, { loginRetryMs: 1000, loginTimeoutMs: 3000 });
    client.login("password", T0);
    expect(sent(client)).toEqual([{ type: "login-request", password: utf8.encode("password") }]);
    expect(client.nextDeadline()).toBe(T0 + 1000);
    client.handleTimeout(T0 + 1000);
    expect(sent(client)).toHaveLength(1);
    client.handleTimeout(T0 + 2000);
    client.handleTimeout(T0 + 3000);
    expect(events(client)).toEqual([{ type: "dead", reason: "no answer to login after 3 attempts" }]);
    expect(client.state).toBe("closed");
  });

  it("accepted, then a duplicated login answer is ignored", () => {
    const client = loggedIn();
    expect(client.state).toBe("ready");
    client.receive(encodePacket({ type: "login-reply", success: true }), T0 + 1);
    client.receive(encodePacket({ type: "login-reply", success: false }), T0 + 1);
    expect(events(client)).toEqual([]);
    expect(client.state).toBe("ready");
  });

  it("refused once, then closed", () => {
    const client = new BattlEyeClient(utf8);
    client.login("wrong", T0);
    client.receive(encodePacket({ type: "login-reply", success: false }), T0 + 5);
    expect(events(client)).toEqual([{ type: "login-refused", reason: "login refused: wrong RCon password" }]);
    expect(client.state).toBe("closed");
    expect(client.nextDeadline()).toBeNull();
  });

  it("asserts states: no command before login, no second login", () => {
    const client = new BattlEyeClient(utf8);
    expect(() => client.command({ text: "players", timeoutMs: client.timing.commandTimeoutMs }, T0)).toThrow(
      InvalidStateError,
    );
    client.login("x", T0);
    expect(() => client.login("x", T0)).toThrow(InvalidStateError);
  });

  it("drops answers and messages that arrive before the login is accepted", () => {
    const client = new BattlEyeClient(utf8);
    client.login("x", T0);
    client.takeOutgoing();
    client.receive(encodePacket({ type: "message", seq: 0, body: utf8.encode("hi") }), T0);
    client.receive(answer(0, "x"), T0);
    expect(events(client)).toEqual([]);
    expect(client.takeOutgoing()).toEqual([]); // not acknowledged: the server will repeat it
    expect(client.stats.ignored).toBe(2);
  });
});

describe("BattlEyeClient commands", () => {
  it("re-sends identical bytes with the same sequence number, then times out; a late answer is ignored", () => {
    const client = loggedIn({ retransmitMs: 1000, commandTimeoutMs: 3500 });
    const id = client.command({ text: "players", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const [first] = client.takeOutgoing();
    client.handleTimeout(T0 + 1000);
    const [second] = client.takeOutgoing();
    expect(second).toEqual(first);
    client.handleTimeout(T0 + 2000);
    // The server is alive (it pushes a message), so the silent command is a time-out, not a dead session.
    client.receive(message(0), T0 + 2500);
    const [third, acknowledgement] = client.takeOutgoing();
    expect(third).toEqual(first);
    expect(acknowledgement).toEqual(encodePacket({ type: "message", seq: 0, body: new Uint8Array(0) }));
    client.handleTimeout(T0 + 3000);
    expect(client.takeOutgoing()).toEqual([first]);
    client.handleTimeout(T0 + 3500);
    expect(events(client).filter((e) => e.type !== "pushed")).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer after 4 sends" },
    ]);
    client.receive(answer(0, "late"), T0 + 3600);
    expect(events(client)).toEqual([]);
    expect(client.stats.ignored).toBe(1);
  });

  it("matches answers by sequence number with several in flight, and ignores a duplicate answer", () => {
    const client = loggedIn();
    const a = client.command({ text: "a", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const b = client.command({ text: "b", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const c = client.command({ text: "c", timeoutMs: client.timing.commandTimeoutMs }, T0);
    expect(sent(client).map((p) => (p.type === "command" ? p.seq : -1))).toEqual([0, 1, 2]);
    client.receive(answer(2, "C"), T0 + 10);
    client.receive(answer(0, "A"), T0 + 20);
    client.receive(answer(0, "A"), T0 + 21);
    client.receive(answer(1, "B"), T0 + 30);
    expect(events(client).map((e) => (e.type === "answer" ? [e.id, e.text, e.latencyMs] : e))).toEqual([
      [c, "C", 10],
      [a, "A", 20],
      [b, "B", 30],
    ]);
    expect(client.stats.ignored).toBe(1);
  });

  it("wraps the sequence number from 255 to 0", () => {
    const client = loggedIn();
    const seqs: number[] = [];
    for (let i = 0; i < 300; i++) {
      client.command({ text: `cmd ${i}`, timeoutMs: client.timing.commandTimeoutMs }, T0);
      const [p] = sent(client);
      if (p?.type !== "command") throw new Error("no command sent");
      seqs.push(p.seq);
      client.receive(answer(p.seq, `r${i}`), T0);
    }
    expect(seqs.slice(254, 258)).toEqual([254, 255, 0, 1]);
    expect(events(client).filter((e) => e.type === "answer")).toHaveLength(300);
  });

  it("keeps at most maxInFlight consecutive sequence numbers outstanding; the rest wait", () => {
    const client = loggedIn({ maxInFlight: 4 });
    for (let i = 0; i < 6; i++)
      client.command({ text: `c${i}`, timeoutMs: client.timing.commandTimeoutMs }, T0);
    expect(sent(client)).toHaveLength(4);
    client.receive(answer(1, "x"), T0); // not the oldest: the window does not move
    expect(sent(client)).toHaveLength(0);
    client.receive(answer(0, "x"), T0);
    expect(sent(client).map((p) => (p.type === "command" ? p.seq : -1))).toEqual([4, 5]);
    expect(client.pendingCommands).toBe(4);
  });

  it("a cancelled command's answer is ignored", () => {
    const client = loggedIn();
    const id = client.command({ text: "x", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.cancel(id);
    client.receive(answer(0, "x"), T0);
    expect(events(client)).toEqual([]);
  });
});

describe("BattlEyeClient command bytes", () => {
  it("repeated and alternating commands each carry their own text (the last encoding is reused)", () => {
    const client = loggedIn();
    const texts = ["players", "players", "say -1 é", "players", "say -1 é"];
    for (const text of texts) client.command({ text: text, timeoutMs: client.timing.commandTimeoutMs }, T0);
    expect(sent(client)).toEqual(
      texts.map((text, seq) => ({ type: "command", seq, body: utf8.encode(text) })),
    );
  });
});

describe("BattlEyeClient multi-part answers", () => {
  const text = "Players on server: Дмитрий, 李小龙, 🔥 Fire 🔥 and more";
  const bytes = utf8.encode(text);
  const size = Math.ceil(bytes.length / 4);
  const parts = [0, 1, 2, 3].map((index) =>
    encodePacket({
      type: "command-part",
      seq: 0,
      total: 4,
      index,
      body: bytes.subarray(index * size, (index + 1) * size),
    }),
  );

  it("splits a multi-byte character across parts and still decodes it (decoding only after reassembly)", () => {
    const decodedPerPart = [0, 1, 2, 3]
      .map((i) => utf8.decode(bytes.subarray(i * size, (i + 1) * size)))
      .join("");
    expect(decodedPerPart).not.toBe(text); // proves the test splits a character
  });

  it("reassembles in every order, with duplicates anywhere, into exactly one answer", () => {
    const orders = fc
      .array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 12 })
      .filter((order) => [0, 1, 2, 3].every((i) => order.includes(i)));
    fc.assert(
      fc.property(orders, (order) => {
        const client = loggedIn();
        const id = client.command({ text: "players", timeoutMs: client.timing.commandTimeoutMs }, T0);
        for (const i of order) client.receive(parts[i]!, T0 + 1);
        const responses = events(client);
        expect(responses).toEqual([{ type: "answer", id, text, latencyMs: 1, keepAlive: false }]);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a part whose total disagrees, keeps waiting, and completes from a full resend", () => {
    const client = loggedIn();
    client.command({ text: "players", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.receive(parts[0]!, T0);
    const liar = encodePacket({
      type: "command-part",
      seq: 0,
      total: 3,
      index: 1,
      body: new Uint8Array([1]),
    });
    expect(dropped(client, liar, T0)).toBeInstanceOf(RconRemoteError);
    const changed = encodePacket({
      type: "command-part",
      seq: 0,
      total: 4,
      index: 2,
      body: new Uint8Array([1]),
    });
    client.receive(parts[2]!, T0);
    expect(dropped(client, changed, T0)?.message).toMatch(/different content/);
    expect(events(client)).toEqual([]);
    for (const p of parts) client.receive(p, T0);
    expect(events(client)).toMatchObject([{ type: "answer", text }]);
  });

  it("accepts a one-part answer with a sub-header", () => {
    const client = loggedIn();
    client.command({ text: "x", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.receive(
      encodePacket({ type: "command-part", seq: 0, total: 1, index: 0, body: utf8.encode("\0zero") }),
      T0,
    );
    expect(events(client)).toMatchObject([{ type: "answer", text: "\0zero" }]);
  });
});

describe("BattlEyeClient server messages", () => {
  const message = (seq: number, text: string) =>
    encodePacket({ type: "message", seq, body: utf8.encode(text) });

  it("acknowledges every copy and delivers each once", () => {
    const client = loggedIn();
    client.receive(message(0, "RCon admin #0 (127.0.0.1:1) logged in"), T0);
    client.receive(message(0, "RCon admin #0 (127.0.0.1:1) logged in"), T0);
    expect(sent(client)).toEqual([
      { type: "message", seq: 0, body: new Uint8Array() },
      { type: "message", seq: 0, body: new Uint8Array() },
    ]);
    expect(events(client)).toEqual([
      { type: "pushed", seq: 0, text: "RCon admin #0 (127.0.0.1:1) logged in" },
    ]);
    expect(client.stats.duplicateMessages).toBe(1);
  });

  it("delivers 1,000 messages through several wraps exactly once despite repeats and reordering", () => {
    const client = loggedIn();
    const delivered: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const seq = n % 256;
      client.receive(message(seq, `m${n}`), T0);
      if (n % 3 === 0 && n >= 5) client.receive(message((n - 5) % 256, `m${n - 5}`), T0); // a late repeat
      if (n % 7 === 0) client.receive(message(seq, `m${n}`), T0); // an immediate repeat
    }
    for (const e of events(client)) if (e.type === "pushed") delivered.push(e.text);
    expect(delivered).toEqual(Array.from({ length: 1000 }, (_, n) => `m${n}`));
  });

  it("delivers a message that arrives between parts of an answer", () => {
    const client = loggedIn();
    client.command({ text: "x", timeoutMs: client.timing.commandTimeoutMs }, T0);
    client.receive(
      encodePacket({ type: "command-part", seq: 0, total: 2, index: 1, body: utf8.encode("B") }),
      T0,
    );
    client.receive(message(7, "(Global) a: b"), T0);
    client.receive(
      encodePacket({ type: "command-part", seq: 0, total: 2, index: 0, body: utf8.encode("A") }),
      T0,
    );
    expect(events(client).map((e) => e.type)).toEqual(["pushed", "answer"]);
  });
});

describe("BattlEyeClient 45-second rules (fake time)", () => {
  it("sends an empty keep-alive command well inside 45 s, and its answer is not a user answer", () => {
    const client = loggedIn({ keepAliveMs: 25_000 });
    expect(client.nextDeadline()).toBe(T0 + 25_000);
    client.handleTimeout(T0 + 25_000);
    const [keepAlive] = sent(client);
    expect(keepAlive).toEqual({ type: "command", seq: 0, body: new Uint8Array() });
    client.receive(answer(0, ""), T0 + 25_010);
    expect(events(client)).toMatchObject([{ type: "answer", text: "", latencyMs: 10, keepAlive: true }]);
    expect(client.nextDeadline()).toBe(T0 + 50_000);
  });

  it("declares the server dead after 45 s without any packet", () => {
    const client = loggedIn();
    client.receive(message(0), T0 + 10_000);
    client.handleTimeout(T0 + 54_999);
    expect(events(client).filter((e) => e.type === "dead")).toEqual([]);
    client.handleTimeout(T0 + 55_000);
    expect(events(client)).toEqual([
      { type: "dead", reason: "nothing received for 45 s: server gone or restarted" },
    ]);
    expect(client.state).toBe("closed");
  });

  it("counts malformed and corrupt datagrams and stays usable", () => {
    const client = loggedIn();
    const corrupt = answer(0, "x");
    corrupt[9]! ^= 0xff;
    expect(dropped(client, corrupt, T0)).toBeInstanceOf(RconRemoteError);
    expect(dropped(client, new Uint8Array([1, 2, 3]), T0)).toBeInstanceOf(RconRemoteError);
    expect(client.stats).toMatchObject({ badChecksum: 1, malformed: 1 });
    expect(client.state).toBe("ready");
  });
});

function message(seq: number): Uint8Array {
  return encodePacket({ type: "message", seq, body: new Uint8Array([65]) });
}

describe("BattlEyeClient edge cases", () => {
  const msg = (seq: number, text: string) => encodePacket({ type: "message", seq, body: utf8.encode(text) });

  it("delivers messages that arrive out of order across a gap, once each", () => {
    const client = loggedIn();
    for (const [seq, text] of [
      [0, "a"],
      [5, "f"],
      [2, "c"],
      [5, "f"],
      [1, "b"],
      [4, "e"],
      [3, "d"],
      [2, "c"],
    ] as const) {
      client.receive(msg(seq, text), T0);
    }
    expect(events(client).map((e) => (e.type === "pushed" ? e.text : e.type))).toEqual([
      "a",
      "f",
      "c",
      "b",
      "e",
      "d",
    ]);
  });

  it("times out a command still queued behind a full window", () => {
    const client = loggedIn({ maxInFlight: 1, commandTimeoutMs: 1000, retransmitMs: 400 });
    client.command({ text: "first", timeoutMs: client.timing.commandTimeoutMs }, T0);
    const queued = client.command({ text: "second", timeoutMs: 500 }, T0);
    client.handleTimeout(T0 + 500);
    expect(events(client)).toEqual([
      {
        type: "command-failed",
        id: queued,
        code: "timeout",
        detail: "never sent: the sequence window stayed full",
      },
    ]);
  });

  it("queues a new keep-alive after the previous one got no answer", () => {
    const client = loggedIn({ keepAliveMs: 10_000, retransmitMs: 5_000, deadAfterMs: 45_000 });
    client.handleTimeout(T0 + 10_000);
    expect(sent(client)).toHaveLength(1);
    client.receive(msg(0, "keeps us alive"), T0 + 30_000);
    client.takeOutgoing(); // the acknowledgement
    client.handleTimeout(T0 + 55_000); // the first keep-alive's own deadline (45 s) passed unanswered
    expect(sent(client)).toEqual([{ type: "command", seq: 1, body: new Uint8Array() }]);
    expect(events(client).filter((e) => e.type === "command-failed")).toEqual([]); // keep-alives fail silently
  });

  it("refuses a command too large for one datagram and bad options", () => {
    const client = loggedIn();
    expect(() =>
      client.command({ text: "x".repeat(65_600), timeoutMs: client.timing.commandTimeoutMs }, T0),
    ).toThrow(/does not fit/);
    expect(() => new BattlEyeClient(utf8, { maxInFlight: 0 })).toThrow(/maxInFlight/);
  });
});
