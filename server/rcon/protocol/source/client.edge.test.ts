/**
 * SourceClient edges driven with hand-made server packets: deadlines across several commands, queued
 * commands that outlive a timer, request ids from odd starting points, the bound on remembered
 * (ignored) ids, packets split across reads, and a profile that leaves the request limit unset.
 */
import { describe, expect, it } from "vitest";
import { RconLocalError } from "../errors.ts";
import { utf8 } from "../../testing/bytes.ts";
import { MAX_REQUEST_ID, SourceClient, type SourceClientEvent, type SourceClientProfile } from "./client.ts";
import { decodePacket, DEFAULT_MAX_PACKET_SIZE, encodePacket, PacketType } from "./packet.ts";

const MARKER: SourceClientProfile = {
  endStrategy: { kind: "marker" },
  maxInFlight: 64,
  maxRequestSize: 4096 + 10,
};
const ONE_AT_A_TIME: SourceClientProfile = { ...MARKER, maxInFlight: 1 };

function ready(profile: SourceClientProfile, firstRequestId?: number): SourceClient {
  const client = new SourceClient({ profile, codec: utf8, loginTimeoutMs: 1000, firstRequestId });
  client.login("pw", 0);
  const [auth] = client.takeOutgoing();
  client.receive(
    encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
    0,
  );
  expect(client.nextEvent()).toEqual({ type: "logged-in" });
  return client;
}

function drain(client: SourceClient): SourceClientEvent[] {
  const out: SourceClientEvent[] = [];
  for (let e = client.nextEvent(); e; e = client.nextEvent()) out.push(e);
  return out;
}

const answer = (id: number, text: string) =>
  encodePacket({ id, type: PacketType.RESPONSE_VALUE, body: utf8.encode(text) });

describe("SourceClient deadlines", () => {
  it("the next deadline is the earliest among commands on the wire, whatever order they were sent in", () => {
    const client = ready(MARKER);
    client.command({ text: "a", timeoutMs: 5000 }, 100);
    client.command({ text: "b", timeoutMs: 1000 }, 100);
    client.command({ text: "c", timeoutMs: 3000 }, 100);
    expect(client.nextDeadline()).toBe(1100);
  });

  it("counts queued commands too, earlier or later than the one on the wire", () => {
    const client = ready(ONE_AT_A_TIME);
    client.command({ text: "on the wire", timeoutMs: 5000 }, 0);
    client.command({ text: "queued, later", timeoutMs: 9000 }, 0);
    expect(client.nextDeadline()).toBe(5000);
    client.command({ text: "queued, sooner", timeoutMs: 2000 }, 0);
    expect(client.nextDeadline()).toBe(2000);
  });

  it("a queued command not yet due survives the timer, then goes out when the one ahead times out", () => {
    const client = ready(ONE_AT_A_TIME);
    const a = client.command({ text: "a", timeoutMs: 1000 }, 0);
    const b = client.command({ text: "b", timeoutMs: 5000 }, 0);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).id)).toEqual([a, expect.any(Number)]);
    client.handleTimeout(1000);
    expect(drain(client)).toMatchObject([{ type: "command-failed", id: a, code: "timeout" }]);
    const wire = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(wire[0]).toMatchObject({ id: b, type: PacketType.EXECCOMMAND });
    client.receive(answer(b, "B"), 1100);
    client.receive(answer(wire[1]!.id, ""), 1100); // the marker's echo ends the answer
    expect(drain(client)).toEqual([
      { type: "answer", id: b, latencyMs: expect.any(Number) as number, text: "B", packets: 1 },
    ]);
  });
});

describe("SourceClient request ids", () => {
  it("an out-of-range first id falls back to 1, a fractional one is rounded down", () => {
    for (const [first, expected] of [
      [0, 1],
      [-1, 1],
      [MAX_REQUEST_ID + 1, 1],
      [Number.NaN, 1],
      [41.9, 41],
      [MAX_REQUEST_ID, MAX_REQUEST_ID],
    ] as const) {
      const client = new SourceClient({
        profile: MARKER,
        codec: utf8,
        loginTimeoutMs: 1000,
        firstRequestId: first,
      });
      client.login("pw", 0);
      expect(decodePacket(client.takeOutgoing()[0]!).id).toBe(expected);
    }
  });

  it("remembers at most 4096 ignored ids: the oldest timed-out command's late answer becomes unsolicited", () => {
    const client = ready(MARKER);
    const timedOut: number[] = [];
    let now = 0;
    // Each timeout leaves two ids ignored: the command's and its end marker's.
    for (let i = 0; i < 2100; i++) {
      timedOut.push(client.command({ text: "x", timeoutMs: 1 }, now));
      client.takeOutgoing();
      now += 1;
      client.handleTimeout(now);
    }
    expect(drain(client)).toHaveLength(2100);
    client.receive(answer(timedOut.at(-1)!, "late, still remembered"), now);
    expect(drain(client)).toEqual([]);
    client.receive(answer(timedOut[0]!, "late, forgotten"), now);
    expect(drain(client)).toEqual([
      {
        type: "pushed",
        packetType: PacketType.RESPONSE_VALUE,
        packetId: timedOut[0],
        text: "late, forgotten",
      },
    ]);
    expect(client.pendingCount).toBe(0);
  });
});

describe("SourceClient stream and limits", () => {
  it("holds a packet split across reads until it is whole", () => {
    const client = ready({ endStrategy: { kind: "single" }, maxInFlight: 1, maxRequestSize: 4106 });
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    expect(client.outgoingCount).toBe(1);
    client.takeOutgoing();
    expect(client.outgoingCount).toBe(0);
    const bytes = answer(id, "hostname: x");
    client.receive(bytes.subarray(0, 7), 1);
    expect(client.bufferedBytes).toBe(7);
    expect(drain(client)).toEqual([]);
    client.receive(bytes.subarray(7), 2);
    expect(client.bufferedBytes).toBe(0);
    expect(drain(client)).toEqual([
      { type: "answer", id: id, latencyMs: expect.any(Number) as number, text: "hostname: x", packets: 1 },
    ]);
  });

  it("a profile without a request limit allows commands up to the default packet size", () => {
    const client = ready({ endStrategy: { kind: "single" }, maxInFlight: 1 });
    const largest = DEFAULT_MAX_PACKET_SIZE - 10;
    let thrown: unknown;
    try {
      client.command({ text: "x".repeat(largest + 1), timeoutMs: 1000 }, 0);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RconLocalError);
    expect((thrown as RconLocalError).code).toBe("TOO_LARGE");
    const id = client.command({ text: "x".repeat(largest), timeoutMs: 1000 }, 0);
    const [wire] = client.takeOutgoing();
    expect(decodePacket(wire!, Infinity)).toMatchObject({ id, type: PacketType.EXECCOMMAND });
    expect(wire!.length).toBe(largest + 14);
  });
});

describe("SourceClient answers that never end", () => {
  it("drops further packets of an answer that already ended as late-answer, never as pushed messages", () => {
    const client = ready({ endStrategy: { kind: "single" }, maxInFlight: 1, maxRequestSize: 4106 });
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    client.receive(answer(id, "first"), 1);
    for (let i = 0; i < 3; i++) client.receive(answer(id, `more ${i}`), 2);
    client.receive(answer(id, ""), 2); // an empty packet of the same id says nothing
    expect(drain(client)).toEqual([
      { type: "answer", id: id, latencyMs: expect.any(Number) as number, text: "first", packets: 1 },
      { type: "dropped", reason: "late", error: null, fatal: false },
      { type: "dropped", reason: "late", error: null, fatal: false },
      { type: "dropped", reason: "late", error: null, fatal: false },
    ]);
  });

  it("cuts an answer at the smaller of the profile's and the app's cap, then drops its rest as late-answer", () => {
    const client = new SourceClient({
      profile: MARKER,
      codec: utf8,
      loginTimeoutMs: 1000,
      maxResponseBytes: 10,
    });
    client.login("pw", 0);
    const [auth] = client.takeOutgoing();
    client.receive(
      encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
      0,
    );
    drain(client);
    const id = client.command({ text: "endless", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    client.receive(answer(id, "123456"), 1);
    client.receive(answer(id, "789012"), 1);
    client.receive(answer(id, "345678"), 1);
    const events = drain(client);
    expect(events[0]).toMatchObject({ type: "command-failed", id, code: "too-large" });
    expect(events.slice(1)).toEqual([{ type: "dropped", reason: "late", error: null, fatal: false }]);
    // A timed-out command's late answer is not an endless one: silently dropped.
    const slow = client.command({ text: "slow", timeoutMs: 10 }, 0);
    client.takeOutgoing();
    client.handleTimeout(20);
    expect(drain(client)).toMatchObject([{ type: "command-failed", id: slow, code: "timeout" }]);
    client.receive(answer(slow, "late"), 30);
    expect(drain(client)).toEqual([]);
  });
});
