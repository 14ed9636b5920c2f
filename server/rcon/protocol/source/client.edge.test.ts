/**
 * SourceClient edges driven with hand-made server packets: deadlines across several commands, queued
 * commands that outlive a timer, request ids from odd starting points, the bound on remembered
 * (ignored) ids, packets split across reads, and a profile that leaves the request limit unset.
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
    firstRequestId,
    ...(maxResponseBytes ? { maxResponseBytes } : {}),
  });
  client.authenticate("pw", 0, 1000);
  const [auth] = client.takeOutgoing();
  client.receive(
    encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
    0,
  );
  expect(client.nextEvent()).toEqual({ type: "authenticated" });
  const [marker] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
  expect(marker).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
  if (probe === "echo") client.receive(answer(marker!.id, ""), 0);
  expect(client.markerBehaviour).toBe(probe === "echo" ? "echoed" : "unknown");
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
    client.command("a", 100, 5000);
    client.command("b", 100, 1000);
    client.command("c", 100, 3000);
    expect(client.nextDeadline()).toBe(1100);
  });

  it("counts queued commands too, earlier or later than the one on the wire", () => {
    const client = ready(ONE_AT_A_TIME);
    client.command("on the wire", 0, 5000);
    client.command("queued, later", 0, 9000);
    expect(client.nextDeadline()).toBe(5000);
    client.command("queued, sooner", 0, 2000);
    expect(client.nextDeadline()).toBe(2000);
  });

  it("a queued command not yet due survives the timer, then goes out when the one ahead times out", () => {
    const client = ready(ONE_AT_A_TIME);
    const a = client.command("a", 0, 1000);
    const b = client.command("b", 0, 5000);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).id)).toEqual([a, expect.any(Number)]);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([{ type: "timeout", requestId: a }]);
    const wire = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(wire[0]).toMatchObject({ id: b, type: PacketType.EXECCOMMAND });
    client.receive(answer(b, "B"), 1100);
    client.receive(answer(wire[1]!.id, ""), 1100); // the marker's echo ends the answer
    expect(drain(client)).toEqual([{ type: "response", requestId: b, text: "B", packets: 1 }]);
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
      const client = new SourceClient({ profile: MARKER, codec: utf8, firstRequestId: first });
      client.authenticate("pw", 0, 1000);
      expect(decodePacket(client.takeOutgoing()[0]!).id).toBe(expected);
    }
  });

  it("remembers at most 4096 ignored ids: the oldest timed-out command's late answer becomes unsolicited", () => {
    const client = ready(MARKER);
    const timedOut: number[] = [];
    let now = 0;
    // Each timeout leaves two ids ignored: the command's and its end marker's.
    for (let i = 0; i < 2100; i++) {
      timedOut.push(client.command("x", now, 1));
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
        type: "unsolicited",
        packetType: PacketType.RESPONSE_VALUE,
        id: timedOut[0],
        text: "late, forgotten",
      },
    ]);
    expect(client.pendingCount).toBe(0);
  });
});

describe("SourceClient stream and limits", () => {
  it("holds a packet split across reads until it is whole", () => {
    const client = ready({ maxInFlight: 1, maxRequestSize: 4106 }, undefined, "ignore");
    const id = client.command("status", 0, 1000);
    expect(client.outgoingCount).toBe(1);
    client.takeOutgoing();
    expect(client.outgoingCount).toBe(0);
    const bytes = answer(id, "hostname: x");
    client.receive(bytes.subarray(0, 7), 1);
    expect(client.bufferedBytes).toBe(7);
    expect(drain(client)).toEqual([]);
    client.receive(bytes.subarray(7), 2);
    expect(client.bufferedBytes).toBe(0);
    expect(drain(client)).toEqual([{ type: "response", requestId: id, text: "hostname: x", packets: 1 }]);
  });

  it("a profile without a request limit allows commands up to the default packet size", () => {
    const client = ready({ maxInFlight: 1 }, undefined, "ignore");
    const largest = DEFAULT_MAX_PACKET_SIZE - 10;
    let thrown: unknown;
    try {
      client.command("x".repeat(largest + 1), 0, 1000);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RconLocalError);
    expect((thrown as RconLocalError).code).toBe("TOO_LARGE");
    const id = client.command("x".repeat(largest), 0, 1000);
    const [wire] = client.takeOutgoing();
    expect(decodePacket(wire!, Infinity)).toMatchObject({ id, type: PacketType.EXECCOMMAND });
    expect(wire!.length).toBe(largest + 14);
  });
});

describe("SourceClient answers that never end", () => {
  it("drops further packets of an answer that already ended as late-answer, never as pushed messages", () => {
    const client = ready({ maxInFlight: 1, maxRequestSize: 4106 }, undefined, "ignore");
    const id = client.command("status", 0, 1000);
    client.takeOutgoing();
    client.receive(answer(id, "first"), 1); // shorter than a full fragment: the whole answer
    for (let i = 0; i < 3; i++) client.receive(answer(id, `more ${i}`), 2);
    client.receive(answer(id, ""), 2); // an empty packet of the same id says nothing
    expect(drain(client)).toEqual([
      { type: "response", requestId: id, text: "first", packets: 1 },
      { type: "late-answer", requestId: id, bytes: 6 },
      { type: "late-answer", requestId: id, bytes: 6 },
      { type: "late-answer", requestId: id, bytes: 6 },
    ]);
  });

  it("cuts an answer at the smaller of the profile's and the app's cap, then drops its rest as late-answer", () => {
    const client = ready(MARKER, undefined, "echo", 10);
    const id = client.command("endless", 0, 1000);
    client.takeOutgoing();
    client.receive(answer(id, "123456"), 1);
    client.receive(answer(id, "789012"), 1);
    client.receive(answer(id, "345678"), 1);
    const events = drain(client);
    expect(events[0]).toMatchObject({ type: "failed", requestId: id, error: { code: "FRAME_TOO_LARGE" } });
    expect(events.slice(1)).toEqual([{ type: "late-answer", requestId: id, bytes: 6 }]);
    // A timed-out command's late answer is not an endless one: silently dropped.
    const slow = client.command("slow", 0, 10);
    client.takeOutgoing();
    client.handleTimeout(20);
    expect(drain(client)).toEqual([{ type: "timeout", requestId: slow }]);
    client.receive(answer(slow, "late"), 30);
    expect(drain(client)).toEqual([]);
  });
});

describe("SourceClient learns what the server does with the end marker", () => {
  const full = "x".repeat(4096);

  it("echoed: answers end at the marker's echo, however many full fragments came before", () => {
    const client = ready(MARKER);
    const id = client.command("cvarlist", 0, 1000);
    const marker = client.takeOutgoing().map((bytes) => decodePacket(bytes))[1]!;
    expect(marker).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(id, full), 1);
    client.receive(answer(id, "tail"), 1); // short, but only the echo ends it
    expect(drain(client)).toEqual([]);
    client.receive(answer(marker.id, ""), 2);
    client.receive(answer(marker.id, "\u0000\u0001\u0000\u0000"), 2);
    expect(drain(client)).toEqual([{ type: "response", requestId: id, text: `${full}tail`, packets: 2 }]);
  });

  it('answered with text ("Unknown request 0"): the text ends answers and is never part of one', () => {
    const client = new SourceClient({ profile: ONE_AT_A_TIME, codec: utf8 });
    client.authenticate("pw", 0, 1000);
    const [auth] = client.takeOutgoing();
    client.receive(
      encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
      0,
    );
    drain(client);
    const probe = decodePacket(client.takeOutgoing()[0]!);
    // A command issued before the probe's reply leaves without a marker...
    const id = client.command("list", 0, 1000);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([PacketType.EXECCOMMAND]);
    client.receive(answer(probe.id, "Unknown request 0"), 1);
    expect(client.markerBehaviour).toBe("answered");
    // ...and gets one as soon as the server is known to answer markers.
    const [marker] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(marker).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(id, "There are 0 players"), 2);
    expect(drain(client)).toEqual([]);
    client.receive(answer(marker!.id, "Unknown request 0"), 2);
    expect(drain(client)).toEqual([
      { type: "response", requestId: id, text: "There are 0 players", packets: 1 },
    ]);
  });

  it("ignored: a later command's answer proves it; then a short packet ends an answer, a full one waits for quiet", () => {
    const client = ready(MARKER, undefined, "ignore");
    const first = client.command("status", 0, 1000);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([PacketType.EXECCOMMAND]);
    client.receive(answer(first, "hostname: x"), 1);
    expect(client.markerBehaviour).toBe("ignored");
    const big = client.command("cvarlist", 1, 1000);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([PacketType.EXECCOMMAND]); // no marker any more
    client.receive(answer(big, full), 10);
    client.receive(answer(big, full), 20);
    expect(drain(client)).toEqual([{ type: "response", requestId: first, text: "hostname: x", packets: 1 }]);
    expect(client.nextDeadline()).toBe(20 + DEFAULT_QUIET_MS);
    client.handleTimeout(20 + DEFAULT_QUIET_MS);
    expect(drain(client)).toEqual([{ type: "response", requestId: big, text: full + full, packets: 2 }]);
  });

  it("a marker echoed with a wrong id proves nothing: the client falls back as if it were ignored", () => {
    const client = ready(MARKER, undefined, "ignore");
    client.receive(answer(999, ""), 0);
    client.receive(answer(999, "\u0000\u0001\u0000\u0000"), 0);
    expect(client.markerBehaviour).toBe("unknown");
    // An empty packet of no command is passed on (the driver drops empty lines); the trailer is not.
    expect(drain(client)).toEqual([
      { type: "unsolicited", packetType: PacketType.RESPONSE_VALUE, id: 999, text: "" },
    ]);
    const id = client.command("status", 0, 1000);
    client.takeOutgoing();
    client.receive(answer(id, "hostname: x"), 1);
    expect(drain(client)).toEqual([{ type: "response", requestId: id, text: "hostname: x", packets: 1 }]);
    expect(client.markerBehaviour).toBe("ignored");
  });

  it("a profile that forbids markers sends none, not even the probe", () => {
    const client = new SourceClient({ profile: { ...MARKER, markers: "never" }, codec: utf8 });
    client.authenticate("pw", 0, 1000);
    const [auth] = client.takeOutgoing();
    client.receive(
      encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
      0,
    );
    expect(client.takeOutgoing()).toEqual([]);
    expect(client.markerBehaviour).toBe("not-sent");
    client.command("status", 0, 1000);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([PacketType.EXECCOMMAND]);
  });
});

describe("SourceClient never passes off part of an answer as the whole", () => {
  it("echoed marker never comes back: at the deadline the command fails as incomplete, with the partial text", () => {
    const client = ready(MARKER);
    const id = client.command("cvarlist", 0, 1000);
    client.takeOutgoing();
    client.receive(answer(id, "part one, "), 10);
    client.receive(answer(id, "part two"), 20);
    client.handleTimeout(999);
    expect(drain(client)).toEqual([]);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([
      { type: "incomplete", requestId: id, partial: "part one, part two", packets: 2 },
    ]);
    client.receive(answer(id, "part three"), 1001); // the rest, too late: never a pushed message
    expect(drain(client)).toEqual([{ type: "late-answer", requestId: id, bytes: 10 }]);
  });

  it("markers ignored and full fragments for ever: incomplete at the deadline, not complete at a quiet time", () => {
    const client = ready(MARKER, undefined, "ignore");
    const id = client.command("endless", 0, 1000);
    client.takeOutgoing();
    const full = "y".repeat(4096);
    for (let now = 0; now < 1000; now += 100) {
      client.receive(answer(id, full), now);
      client.handleTimeout(now);
    }
    client.handleTimeout(1000);
    const events = drain(client);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "incomplete", requestId: id, packets: 10 });
    expect((events[0] as { partial: string }).partial).toBe(full.repeat(10));
  });

  it("a command with no packet at all still times out as before", () => {
    const client = ready(MARKER);
    const id = client.command("changelevel de_dust2", 0, 1000);
    client.takeOutgoing();
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([{ type: "timeout", requestId: id }]);
  });
});

describe("SourceClient markers in a pipeline", () => {
  it("one marker per round trip: commands sent while one is out get the next, sent when its reply comes", () => {
    const client = ready(MARKER);
    const a = client.command("a", 0, 1000);
    const [, first] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(first).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    const b = client.command("b", 0, 1000);
    const c = client.command("c", 0, 1000);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).id)).toEqual([b, c]); // no marker yet
    client.receive(answer(a, "A"), 1);
    client.receive(answer(first!.id, ""), 1);
    expect(drain(client)).toEqual([{ type: "response", requestId: a, text: "A", packets: 1 }]);
    const [second] = client.takeOutgoing().map((bytes) => decodePacket(bytes));
    expect(second).toMatchObject({ type: PacketType.RESPONSE_VALUE, body: new Uint8Array() });
    client.receive(answer(first!.id, "\u0000\u0001\u0000\u0000"), 1);
    client.receive(answer(b, "B"), 2);
    client.receive(answer(c, "C"), 2); // ends b
    client.receive(answer(second!.id, ""), 2); // ends c
    expect(drain(client)).toEqual([
      { type: "response", requestId: b, text: "B", packets: 1 },
      { type: "response", requestId: c, text: "C", packets: 1 },
    ]);
  });

  it("a marker whose commands all timed out is not waited for: the next command gets its own", () => {
    const client = ready(MARKER);
    client.command("changelevel de_dust2", 0, 100); // never answered, nor its marker
    client.takeOutgoing();
    client.handleTimeout(100);
    drain(client);
    const next = client.command("status", 100, 1000);
    expect(client.takeOutgoing().map((bytes) => decodePacket(bytes).type)).toEqual([
      PacketType.EXECCOMMAND,
      PacketType.RESPONSE_VALUE,
    ]);
    expect(next).toBeGreaterThan(0);
  });
});
