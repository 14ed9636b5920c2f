/**
 * SourceClient as a ClientCore (../core.ts), with hand-made server packets: cancel, close failing
 * what is pending, latency, an answer that never ended (incomplete), the out-of-sync stream that
 * makes the core dead, and a login that never got an answer.
 */
import { describe, expect, it } from "vitest";
import { utf8 } from "../../testing/bytes.ts";
import {
  OUT_OF_SYNC_REASON,
  SourceClient,
  type SourceClientEvent,
  type SourceClientProfile,
} from "./client.ts";
import { decodePacket, encodePacket, PacketType } from "./packet.ts";

/** No end markers: a short packet ends its answer, a full-size one waits for 50 ms of quiet. */
const QUIET: SourceClientProfile = { markers: "never", quietMs: 50, maxInFlight: 1 };
const SINGLE: SourceClientProfile = { markers: "never", maxInFlight: 1 };

function ready(profile: SourceClientProfile): SourceClient {
  const client = new SourceClient({ profile, codec: utf8, loginTimeoutMs: 1000 });
  expect(client.state).toBe("idle");
  client.login("pw", 0);
  expect(client.state).toBe("logging-in");
  const [auth] = client.takeOutgoing();
  client.receive(
    encodePacket({ id: decodePacket(auth!).id, type: PacketType.AUTH_RESPONSE, body: new Uint8Array() }),
    0,
  );
  expect(client.nextEvent()).toEqual({ type: "logged-in" });
  expect(client.state).toBe("ready");
  return client;
}

function drain(client: SourceClient): SourceClientEvent[] {
  const out: SourceClientEvent[] = [];
  for (let e = client.nextEvent(); e; e = client.nextEvent()) out.push(e);
  return out;
}

const answer = (id: number, text: string) =>
  encodePacket({ id, type: PacketType.RESPONSE_VALUE, body: utf8.encode(text) });
const sentIds = (client: SourceClient) => client.takeOutgoing().map((bytes) => decodePacket(bytes).id);

describe("SourceClient as a ClientCore", () => {
  it("an answer carries the time from the command to its last packet", () => {
    const client = ready(SINGLE);
    const id = client.command({ text: "status", timeoutMs: 1000 }, 100);
    client.takeOutgoing();
    client.receive(answer(id, "hostname: x"), 175);
    expect(drain(client)).toEqual([{ type: "answer", id, text: "hostname: x", latencyMs: 75, packets: 1 }]);
  });

  it("cancel: a queued command is never sent; one on the wire is forgotten and its late answer ignored", () => {
    const client = ready(SINGLE);
    const first = client.command({ text: "a", timeoutMs: 1000 }, 0);
    const queued = client.command({ text: "b", timeoutMs: 1000 }, 0);
    expect(sentIds(client)).toEqual([first]);
    client.cancel(queued);
    client.cancel(first);
    client.cancel(999); // unknown: nothing happens
    expect(client.pendingCount).toBe(0);
    client.receive(answer(first, "late"), 10);
    expect(drain(client)).toEqual([]);
    const next = client.command({ text: "c", timeoutMs: 1000 }, 20);
    expect(sentIds(client)).toEqual([next]);
  });

  it("close fails every pending command once, with their ids", () => {
    const client = ready(SINGLE);
    const a = client.command({ text: "a", timeoutMs: 1000 }, 0);
    const b = client.command({ text: "b", timeoutMs: 1000 }, 0);
    expect(client.close()).toEqual([a, b]);
    expect(client.close()).toEqual([]);
    expect(drain(client)).toEqual([
      { type: "command-failed", id: a, code: "closed", detail: "the client closed" },
      { type: "command-failed", id: b, code: "closed", detail: "the client closed" },
    ]);
    expect(client.state).toBe("closed");
  });

  it("part of an answer without its end is `incomplete`, never shown as the answer", () => {
    const client = ready(QUIET);
    const id = client.command({ text: "cvarlist", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    // Full-size fragments keep the quiet period waiting, each within it, until the deadline.
    const fragment = "x".repeat(4096);
    for (let at = 10; at < 1000; at += 40) client.receive(answer(id, fragment), at);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([
      {
        type: "command-failed",
        id,
        code: "incomplete",
        detail: "its end did not arrive within the time limit (25 packets received)",
        partial: fragment.repeat(25),
      },
    ]);
  });

  it("a command time-out with half a packet buffered means the stream is out of sync: dead", () => {
    const client = ready(SINGLE);
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    const queued = client.command({ text: "next", timeoutMs: 5000 }, 0);
    client.takeOutgoing();
    // A size field that promises more than ever comes (Palworld's lying header).
    client.receive(answer(id, "hello").subarray(0, 8), 10);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer within the time limit" },
      { type: "dead", reason: OUT_OF_SYNC_REASON },
      { type: "command-failed", id: queued, code: "closed", detail: "the client closed" },
    ]);
    expect(client.state).toBe("closed");
  });

  it("a login without an answer is dead after the login time", () => {
    const client = new SourceClient({ profile: SINGLE, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    expect(client.nextDeadline()).toBe(1000);
    client.handleTimeout(999);
    expect(drain(client)).toEqual([]);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([{ type: "dead", reason: "no answer to login within 1000 ms" }]);
  });
});
