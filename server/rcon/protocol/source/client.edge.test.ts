/**
 * SourceClient edges driven with hand-made server packets: deadlines across several commands, queued
 * commands that outlive a timer, request ids from odd starting points, the bound on remembered
 * (ignored) ids, packets split across reads, a profile that leaves the request limit unset, and end
 * markers sent on demand (only for long answers) or, after short fragments, after every batch.
 */
import { describe, expect, it } from "vitest";
import { RconLocalError } from "../errors.ts";
import { utf8 } from "../../testing/bytes.ts";
import {
  DEFAULT_QUIET_MS,
  MAX_REQUEST_ID,
  SourceClient,
  type SourceClientEvent,
  type SourceClientProfile,
} from "./client.ts";
import { decodePacket, DEFAULT_MAX_PACKET_SIZE, encodePacket, PacketType } from "./packet.ts";

const MARKER: SourceClientProfile = {
  maxInFlight: 64,
  maxRequestSize: 4096 + 10,
};
const ONE_AT_A_TIME: SourceClientProfile = { ...MARKER, maxInFlight: 1 };

/**
 * A logged-in client whose probe marker the server echoed (SRCDS) or ignored (the first command's
 * answer then shows the marker is not answered: answers end by size and quiet time).
 */
function ready(
  profile: SourceClientProfile,
  firstRequestId?: number,
  probe: "echo" | "ignore" = "echo",
  maxResponseBytes?: number,
): SourceClient {
  const client = new SourceClient({
    profile,
    codec: utf8,
    loginTimeoutMs: 1000,
    firstRequestId,
    ...(maxResponseBytes ? { maxResponseBytes } : {}),
  });
  client.login("pw", 0);
  const [auth] = client.takeOutgoing();
  client.receive(
    encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
    0,
  );
  expect(client.nextEvent()).toEqual({ type: "logged-in" });
  const [marker] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
  expect(marker).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
  if (probe === "echo") client.receive(answer(marker!.id, ""), 0);
  expect(client.markerBehaviour).toBe(probe === "echo" ? "echoed" : "unknown");
  return client;
}

/**
 * Shows `client` a server that splits an answer into short fragments: the answer is cut at its first
 * packet (reported late), and from then on an end marker follows every batch of commands.
 */
function everyBatch(client: SourceClient): SourceClient {
  const id = client.command({ text: "cvarlist", timeoutMs: 1000 }, 0);
  client.takeOutgoing();
  client.receive(answer(id, "short fragment, "), 0);
  client.receive(answer(id, "then the rest"), 0);
  expect(drain(client)).toEqual([
    { type: "answer", id, latencyMs: 0, text: "short fragment, ", packets: 1 },
    { type: "dropped", reason: "late", error: null, fatal: false },
  ]);
  expect(client.markerPolicy).toBe("every-batch");
  return client;
}

const types = (client: SourceClient) => client.takeOutgoing().map((bytes) => decodePacket(bytes).type);

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
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).id)).toEqual([a]);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([
      { type: "command-failed", id: a, code: "timeout", detail: "no answer within the time limit" },
    ]);
    const wire = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(wire).toMatchObject([{ id: b, type: PacketType.EXECCOMMAND }]);
    client.receive(answer(b, "B"), 1100); // short: the whole answer
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
    // Each timeout leaves its command's id ignored (no packet came, so no end marker was asked for).
    for (let i = 0; i < 4100; i++) {
      timedOut.push(client.command({ text: "x", timeoutMs: 1 }, now));
      client.takeOutgoing();
      now += 1;
      client.handleTimeout(now);
    }
    expect(drain(client)).toHaveLength(4100);
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
    const client = ready({ maxInFlight: 1, maxRequestSize: 4106 }, undefined, "ignore");
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
      { type: "answer", id, latencyMs: expect.any(Number) as number, text: "hostname: x", packets: 1 },
    ]);
  });

  it("a profile without a request limit allows commands up to the default packet size", () => {
    const client = ready({ maxInFlight: 1 }, undefined, "ignore");
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
    const client = ready({ maxInFlight: 1, maxRequestSize: 4106 }, undefined, "ignore");
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    client.receive(answer(id, "first"), 1); // shorter than a full fragment: the whole answer
    for (let i = 0; i < 3; i++) client.receive(answer(id, `more ${i}`), 2);
    client.receive(answer(id, ""), 2); // an empty packet of the same id says nothing
    expect(drain(client)).toEqual([
      { type: "answer", id, latencyMs: expect.any(Number) as number, text: "first", packets: 1 },
      { type: "dropped", reason: "late", error: null, fatal: false },
      { type: "dropped", reason: "late", error: null, fatal: false },
      { type: "dropped", reason: "late", error: null, fatal: false },
    ]);
  });

  it("cuts an answer at the smaller of the profile's and the app's cap, then drops its rest as late-answer", () => {
    const client = ready(MARKER, undefined, "echo", 10_000);
    const id = client.command({ text: "endless", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    const full = "x".repeat(4096);
    for (let i = 0; i < 4; i++) client.receive(answer(id, full), 1);
    const events = drain(client);
    expect(events[0]).toMatchObject({ type: "command-failed", id, code: "too-large" });
    expect(events.slice(1)).toEqual([{ type: "dropped", reason: "late", error: null, fatal: false }]);
    // Cut on purpose, not guessed short: markers stay on demand.
    expect(client.markerPolicy).toBe("on-demand");
    // A timed-out command's late answer is not an endless one: silently dropped.
    const slow = client.command({ text: "slow", timeoutMs: 10 }, 0);
    client.takeOutgoing();
    client.handleTimeout(20);
    expect(drain(client)).toEqual([
      { type: "command-failed", id: slow, code: "timeout", detail: "no answer within the time limit" },
    ]);
    client.receive(answer(slow, "late"), 30);
    expect(drain(client)).toEqual([]);
  });
});

describe("SourceClient learns what the server does with the end marker", () => {
  const full = "x".repeat(4096);

  it("echoed, short answer: the command goes out alone and its one packet is the whole answer", () => {
    const client = ready(MARKER);
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes))).toMatchObject([
      { id, type: PacketType.EXECCOMMAND },
    ]);
    client.receive(answer(id, "hostname: x"), 1);
    expect(drain(client)).toEqual([{ type: "answer", id, latencyMs: 1, text: "hostname: x", packets: 1 }]);
    expect(client.takeOutgoing()).toEqual([]);
    expect(client.markerPolicy).toBe("on-demand");
  });

  it("echoed, split answer: a marker follows the first full fragment and only its echo ends the answer", () => {
    const client = ready(MARKER);
    const id = client.command({ text: "cvarlist", timeoutMs: 1000 }, 0);
    expect(types(client)).toEqual([PacketType.EXECCOMMAND]);
    client.receive(answer(id, full), 1);
    const [marker, ...more] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(marker).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    expect(more).toEqual([]);
    client.receive(answer(id, full.toUpperCase()), 1);
    client.receive(answer(id, "tail"), 1); // short, but only the echo ends it
    expect(drain(client)).toEqual([]);
    expect(client.takeOutgoing()).toEqual([]); // one marker per answer
    client.receive(answer(marker!.id, ""), 2);
    client.receive(answer(marker!.id, "\u0000\u0001\u0000\u0000"), 2);
    expect(drain(client)).toEqual([
      { type: "answer", id, latencyMs: 2, text: `${full}${full.toUpperCase()}tail`, packets: 3 },
    ]);
    expect(client.markerPolicy).toBe("on-demand");
  });

  it('answered with text ("Unknown request 0"): a long answer gets a marker, whose reply ends it unseen', () => {
    const client = new SourceClient({ profile: ONE_AT_A_TIME, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    const [auth] = client.takeOutgoing();
    client.receive(
      encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
      0,
    );
    drain(client);
    const probe = decodePacket(client.takeOutgoing()[0]!);
    // A command issued before the probe's reply leaves alone and stays so once markers are known.
    const list = client.command({ text: "list", timeoutMs: 1000 }, 0);
    expect(types(client)).toEqual([PacketType.EXECCOMMAND]);
    client.receive(answer(probe.id, "Unknown request 0"), 1);
    expect(client.markerBehaviour).toBe("answered");
    expect(client.takeOutgoing()).toEqual([]);
    client.receive(answer(list, "There are 0 players"), 2);
    expect(drain(client)).toEqual([
      { type: "answer", id: list, latencyMs: 2, text: "There are 0 players", packets: 1 },
    ]);
    // Minecraft splits by 4,096 UTF-16 units: a full fragment may be longer in bytes.
    const help = client.command({ text: "help", timeoutMs: 1000 }, 2);
    expect(types(client)).toEqual([PacketType.EXECCOMMAND]);
    client.receive(answer(help, "é".repeat(4096)), 3);
    const [marker] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(marker).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(help, "/tp"), 3);
    expect(drain(client)).toEqual([]);
    client.receive(answer(marker!.id, "Unknown request 0"), 4);
    expect(drain(client)).toEqual([
      { type: "answer", id: help, latencyMs: 2, text: `${"é".repeat(4096)}/tp`, packets: 2 },
    ]);
  });

  it("ignored: a later command's answer proves it; then a short packet ends an answer, a full one waits for quiet", () => {
    const client = ready(MARKER, undefined, "ignore");
    const first = client.command({ text: "status", timeoutMs: 1000 }, 0);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([PacketType.EXECCOMMAND]);
    client.receive(answer(first, "hostname: x"), 1);
    expect(client.markerBehaviour).toBe("ignored");
    const big = client.command({ text: "cvarlist", timeoutMs: 1000 }, 1);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([PacketType.EXECCOMMAND]); // no marker any more
    client.receive(answer(big, full), 10);
    client.receive(answer(big, full), 20);
    expect(drain(client)).toEqual([
      { type: "answer", id: first, latencyMs: expect.any(Number) as number, text: "hostname: x", packets: 1 },
    ]);
    expect(client.nextDeadline()).toBe(20 + DEFAULT_QUIET_MS);
    client.handleTimeout(20 + DEFAULT_QUIET_MS);
    expect(drain(client)).toEqual([
      { type: "answer", id: big, latencyMs: expect.any(Number) as number, text: full + full, packets: 2 },
    ]);
  });

  it("a marker echoed with a wrong id proves nothing: the client falls back as if it were ignored", () => {
    const client = ready(MARKER, undefined, "ignore");
    client.receive(answer(999, ""), 0);
    client.receive(answer(999, "\u0000\u0001\u0000\u0000"), 0);
    expect(client.markerBehaviour).toBe("unknown");
    // An empty packet of no command is passed on (the driver drops empty lines); the trailer is not.
    expect(drain(client)).toEqual([
      { type: "pushed", packetType: PacketType.RESPONSE_VALUE, packetId: 999, text: "" },
    ]);
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    client.receive(answer(id, "hostname: x"), 1);
    expect(drain(client)).toEqual([
      { type: "answer", id, latencyMs: expect.any(Number) as number, text: "hostname: x", packets: 1 },
    ]);
    expect(client.markerBehaviour).toBe("ignored");
  });

  it("a profile that forbids markers sends none, not even the probe", () => {
    const client = new SourceClient({
      profile: { ...MARKER, markers: "never" },
      codec: utf8,
      loginTimeoutMs: 1000,
    });
    client.login("pw", 0);
    const [auth] = client.takeOutgoing();
    client.receive(
      encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
      0,
    );
    expect(client.takeOutgoing()).toEqual([]);
    expect(client.markerBehaviour).toBe("not-sent");
    client.command({ text: "status", timeoutMs: 1000 }, 0);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([PacketType.EXECCOMMAND]);
  });
});

describe("SourceClient never passes off part of an answer as the whole", () => {
  it("echoed marker never comes back: at the deadline the command fails as incomplete, with the partial text", () => {
    const client = ready(MARKER);
    const id = client.command({ text: "cvarlist", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    const partOne = "1".repeat(4096);
    client.receive(answer(id, partOne), 10);
    expect(types(client)).toEqual([PacketType.RESPONSE_VALUE]); // the marker, never echoed
    client.receive(answer(id, "part two"), 20); // short, but a marker was asked for: not the end
    client.handleTimeout(999);
    expect(drain(client)).toEqual([]);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([
      {
        type: "command-failed",
        id,
        code: "incomplete",
        detail: "its end did not arrive within the time limit (2 packets received)",
        partial: `${partOne}part two`,
      },
    ]);
    client.receive(answer(id, "part three"), 1001); // the rest, too late: never a pushed message
    expect(drain(client)).toEqual([{ type: "dropped", reason: "late", error: null, fatal: false }]);
    expect(client.markerPolicy).toBe("on-demand");
  });

  it("markers ignored and full fragments for ever: incomplete at the deadline, not complete at a quiet time", () => {
    const client = ready(MARKER, undefined, "ignore");
    const id = client.command({ text: "endless", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    const full = "y".repeat(4096);
    for (let now = 0; now < 1000; now += 100) {
      client.receive(answer(id, full), now);
      client.handleTimeout(now);
    }
    client.handleTimeout(1000);
    const events = drain(client);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "command-failed",
      id,
      code: "incomplete",
      detail: "its end did not arrive within the time limit (10 packets received)",
    });
    expect((events[0] as { partial: string }).partial).toBe(full.repeat(10));
  });

  it("a command with no packet at all still times out as before", () => {
    const client = ready(MARKER);
    const id = client.command({ text: "changelevel de_dust2", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer within the time limit" },
    ]);
  });
});

describe("SourceClient markers in a pipeline", () => {
  it("on demand: short and split answers in flight together stay whole and in order", () => {
    const client = ready(MARKER);
    const full = "f".repeat(4096);
    const texts = ["a", "b", "c", "d", "e"];
    const ids = texts.map((text) => client.command({ text, timeoutMs: 1000 }, 0));
    const [a, b, c, d, e] = ids as [number, number, number, number, number];
    expect(types(client)).toEqual(texts.map(() => PacketType.EXECCOMMAND));
    client.receive(answer(a, "A"), 1);
    client.receive(answer(b, full), 1);
    const [first] = client.takeOutgoing().map((bytes) => decodePacket(bytes)); // leaves after e
    expect(first).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(b, "B"), 1);
    client.receive(answer(c, "C"), 2); // ends b
    client.receive(answer(d, full), 2);
    // b's marker now closes nothing: d's goes out at once rather than wait for its echo.
    const [second] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(second).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(d, full), 2);
    client.receive(answer(d, "D"), 2);
    client.receive(answer(e, "E"), 3); // ends d
    for (const marker of [first!, second!]) {
      client.receive(answer(marker.id, ""), 3);
      client.receive(answer(marker.id, "\u0000\u0001\u0000\u0000"), 3);
    }
    expect(drain(client)).toEqual([
      { type: "answer", id: a, latencyMs: 1, text: "A", packets: 1 },
      { type: "answer", id: b, latencyMs: 2, text: `${full}B`, packets: 2 },
      { type: "answer", id: c, latencyMs: 2, text: "C", packets: 1 },
      { type: "answer", id: d, latencyMs: 3, text: `${full}${full}D`, packets: 3 },
      { type: "answer", id: e, latencyMs: 3, text: "E", packets: 1 },
    ]);
    expect(client.takeOutgoing()).toEqual([]);
    expect(client.markerPolicy).toBe("on-demand");
  });

  it("short fragments seen: commands already in flight get a marker too, and their answers come whole", () => {
    const client = ready(MARKER);
    const cut = client.command({ text: "cvarlist", timeoutMs: 1000 }, 0);
    const next = client.command({ text: "status", timeoutMs: 1000 }, 0);
    expect(types(client)).toEqual([PacketType.EXECCOMMAND, PacketType.EXECCOMMAND]);
    client.receive(answer(cut, "fragment 1, "), 1);
    expect(client.takeOutgoing()).toEqual([]);
    client.receive(answer(cut, "fragment 2"), 1);
    expect(client.markerPolicy).toBe("every-batch");
    const [marker] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(marker).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(next, "hostname: x, "), 2);
    client.receive(answer(next, "players: 0"), 2);
    expect(drain(client)).toEqual([
      { type: "answer", id: cut, latencyMs: 1, text: "fragment 1, ", packets: 1 },
      { type: "dropped", reason: "late", error: null, fatal: false },
    ]);
    client.receive(answer(marker!.id, ""), 3);
    expect(drain(client)).toEqual([
      { type: "answer", id: next, latencyMs: 3, text: "hostname: x, players: 0", packets: 2 },
    ]);
    // From now on every batch carries its marker.
    const later = client.command({ text: "status", timeoutMs: 1000 }, 3);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes))).toMatchObject([
      { id: later, type: PacketType.EXECCOMMAND },
      { type: PacketType.RESPONSE_VALUE, body: new Uint8Array() },
    ]);
  });

  it("one marker per round trip: commands sent while one is out get the next, sent when its reply comes", () => {
    const client = everyBatch(ready(MARKER));
    const a = client.command({ text: "a", timeoutMs: 1000 }, 0);
    const [, first] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(first).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    const b = client.command({ text: "b", timeoutMs: 1000 }, 0);
    const c = client.command({ text: "c", timeoutMs: 1000 }, 0);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).id)).toEqual([b, c]); // no marker yet
    client.receive(answer(a, "A"), 1);
    client.receive(answer(first!.id, ""), 1);
    expect(drain(client)).toEqual([
      { type: "answer", id: a, latencyMs: expect.any(Number) as number, text: "A", packets: 1 },
    ]);
    const [second] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(second).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(first!.id, "\u0000\u0001\u0000\u0000"), 1);
    client.receive(answer(b, "B"), 2);
    client.receive(answer(c, "C"), 2); // ends b
    client.receive(answer(second!.id, ""), 2); // ends c
    expect(drain(client)).toEqual([
      { type: "answer", id: b, latencyMs: expect.any(Number) as number, text: "B", packets: 1 },
      { type: "answer", id: c, latencyMs: expect.any(Number) as number, text: "C", packets: 1 },
    ]);
  });

  it("a command that already has its marker keeps it when the policy switches (a server out of order)", () => {
    const client = ready(MARKER);
    const cut = client.command({ text: "cvarlist", timeoutMs: 1000 }, 0);
    const long = client.command({ text: "maps *", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    client.receive(answer(cut, "fragment 1"), 1);
    client.receive(answer(long, "m".repeat(4096)), 1);
    const [marker] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    client.receive(answer(cut, "fragment 2"), 1); // after another answer began: out of order
    expect(client.markerPolicy).toBe("every-batch");
    expect(client.takeOutgoing()).toEqual([]); // no second marker for it
    client.receive(answer(long, "tail"), 2);
    client.receive(answer(marker!.id, ""), 2);
    expect(drain(client)).toEqual([
      { type: "answer", id: cut, latencyMs: 1, text: "fragment 1", packets: 1 },
      { type: "dropped", reason: "late", error: null, fatal: false },
      { type: "answer", id: long, latencyMs: 2, text: `${"m".repeat(4096)}tail`, packets: 2 },
    ]);
    expect(client.takeOutgoing()).toEqual([]); // nothing left waiting for a marker
  });

  it("a marker whose commands all timed out is not waited for: the next command gets its own", () => {
    const client = everyBatch(ready(MARKER));
    client.command({ text: "changelevel de_dust2", timeoutMs: 100 }, 0); // never answered, nor its marker
    client.takeOutgoing();
    client.handleTimeout(100);
    drain(client);
    const next = client.command({ text: "status", timeoutMs: 1000 }, 100);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([
      PacketType.EXECCOMMAND,
      PacketType.RESPONSE_VALUE,
    ]);
    expect(next).toBeGreaterThan(0);
  });
});
