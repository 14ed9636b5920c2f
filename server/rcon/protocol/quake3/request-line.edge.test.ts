/**
 * RequestLine against servers that answer the wrong query, echo a foreign challenge, send broken
 * player lines or never stop printing, and the intents around a request that has not gone out yet.
 */
import { describe, expect, it } from "vitest";
import { RconRemoteError } from "../errors.ts";
import { RequestLine, type LineEvent } from "./request-line.ts";
import { encodeOutOfBand, encodePrint, readRequestLine } from "./packet.ts";
import { Pacer, type PacingRule } from "./pacing.ts";
import { LATIN1 } from "./test-helpers.ts";

function makeClient(
  options: { pacing?: PacingRule; quietMs?: number; maxAnswerMs?: number; drainMs?: number } = {},
) {
  return new RequestLine({
    password: "secret",
    codec: LATIN1,
    pacer: new Pacer(options.pacing ?? { kind: "none" }),
    quietMs: options.quietMs ?? 40,
    ...(options.maxAnswerMs === undefined ? {} : { maxAnswerMs: options.maxAnswerMs }),
    ...(options.drainMs === undefined ? {} : { drainMs: options.drainMs }),
  });
}

function events(client: RequestLine): LineEvent[] {
  const out: LineEvent[] = [];
  for (let e = client.nextEvent(); e; e = client.nextEvent()) out.push(e);
  return out;
}

describe("RequestLine queue", () => {
  it("cancels a request that has not gone out: it is never sent and the next one takes its turn", () => {
    const client = makeClient();
    const first = client.request({ kind: "rcon", command: "kick 1", timeoutMs: 100 });
    const second = client.request({ kind: "rcon", command: "kick 2", timeoutMs: 100 });
    expect(client.cancel(first)).toBe(true);
    expect(client.cancel(first)).toBe(false);
    expect(client.queued).toBe(1);
    const [bytes] = client.takeOutgoing(0);
    expect(readRequestLine(bytes!)).toBe("rcon secret kick 2");
    client.receive(encodePrint("kicked\n"), 5);
    client.handleTimeout(45);
    expect(events(client)).toMatchObject([{ type: "answer", id: second, text: "kicked\n" }]);
  });

  it("after close, datagrams are ignored without events and nothing is scheduled", () => {
    const client = makeClient();
    const id = client.request({ kind: "rcon", command: "status", timeoutMs: 100 });
    client.takeOutgoing(0);
    expect(client.close()).toEqual([id]);
    client.receive(encodePrint("late status\n"), 5);
    client.receive(new Uint8Array([1, 2, 3]), 6);
    expect(events(client)).toEqual([]);
    expect(client.nextDeadline()).toBeNull();
    client.handleTimeout(1_000);
    expect(events(client)).toEqual([]);
    expect(client.state).toBe("CLOSED");
  });

  it("a query waiting for the pacer is scheduled at the pacer's time", () => {
    const client = makeClient({ pacing: { kind: "interval", minIntervalMs: 500, includesQueries: true } });
    const first = client.request({ kind: "getinfo", timeoutMs: 100 });
    expect(client.takeOutgoing(0)).toHaveLength(1);
    client.receive(encodeOutOfBand(`infoResponse\n\\hostname\\x\\challenge\\rd${first}`), 10);
    expect(events(client)).toMatchObject([{ type: "info", id: first }]);
    client.request({ kind: "getstatus", timeoutMs: 100 });
    expect(client.takeOutgoing(10)).toEqual([]); // the server would drop it
    expect(client.nextDeadline()).toBe(500);
    expect(client.takeOutgoing(500)).toHaveLength(1);
  });
});

describe("RequestLine query answers from a confused server", () => {
  it("drops an infoResponse to getstatus, a foreign challenge and a broken player line; takes the real answer", () => {
    const client = makeClient();
    const id = client.request({ kind: "getstatus", timeoutMs: 1000 });
    client.takeOutgoing(0);
    client.receive(encodeOutOfBand(`infoResponse\n\\hostname\\x\\challenge\\rd${id}`), 1);
    client.receive(encodeOutOfBand('statusResponse\n\\challenge\\rd999\\mapname\\q3dm17\n1 2 "A"\n'), 2);
    client.receive(encodeOutOfBand(`statusResponse\n\\challenge\\rd${id}\nnot a player line\n`), 3);
    const dropped = events(client);
    expect(dropped.map((e) => (e.type === "dropped" ? e.reason : e.type))).toEqual([
      "unexpected",
      "stale",
      "malformed",
    ]);
    const malformed = dropped[2];
    expect(malformed?.type === "dropped" && malformed.error).toBeInstanceOf(RconRemoteError);
    expect(malformed?.type === "dropped" && malformed.error?.code).toBe("MALFORMED_PACKET");
    expect(client.state).toBe("AWAITING_REPLY");

    client.receive(
      encodeOutOfBand(`statusResponse\n\\challenge\\rd${id}\\mapname\\q3dm17\n3 40 "Sarge"\n`),
      4,
    );
    expect(events(client)).toEqual([
      {
        type: "status",
        id,
        response: {
          info: { challenge: `rd${id}`, mapname: "q3dm17" },
          players: [{ score: 3, ping: 40, name: "Sarge", team: null }],
        },
        sentAt: 0,
        receivedAt: 4,
      },
    ]);
    expect(client.state).toBe("READY");
  });
});

describe("RequestLine answers that never go quiet", () => {
  it("cuts an answer at maxAnswerMs while datagrams still arrive, and marks it truncated", () => {
    const client = makeClient({ quietMs: 40, maxAnswerMs: 100 });
    const id = client.request({ kind: "rcon", command: "cvarlist", timeoutMs: 1000 });
    client.takeOutgoing(0);
    for (const t of [10, 40, 70, 95]) client.receive(encodePrint(`line ${t}\n`), t);
    expect(client.nextDeadline()).toBe(100); // the cap, before the quiet period (95 + 40)
    client.handleTimeout(100);
    expect(events(client)).toEqual([
      {
        type: "answer",
        id,
        text: "line 10\nline 40\nline 70\nline 95\n",
        datagrams: 4,
        sentAt: 0,
        lastDatagramAt: 95,
        deliveredAt: 100,
        truncated: true,
      },
    ]);
    client.receive(encodePrint("line 105\n"), 105);
    expect(events(client)).toMatchObject([{ type: "dropped", reason: "stale" }]);
  });

  it("an answer that went quiet exactly at the cap is complete, not truncated", () => {
    const client = makeClient({ quietMs: 40, maxAnswerMs: 100 });
    client.request({ kind: "rcon", command: "status", timeoutMs: 1000 });
    client.takeOutgoing(0);
    client.receive(encodePrint("done\n"), 60);
    client.handleTimeout(100);
    expect(events(client)).toMatchObject([{ type: "answer", text: "done\n", truncated: false }]);
  });
});
