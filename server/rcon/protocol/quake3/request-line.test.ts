import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidStateError } from "../errors.ts";
import { AUTH_FAILURE_RULES, classifyAuthFailure, RequestLine, type LineEvent } from "./request-line.ts";
import { IOQ3_PROFILE } from "./dialects/ioq3.ts";
import { Q3_PROFILE } from "./dialects/quake3.ts";
import { encodePrint, encodeOutOfBand, readRequestLine } from "./packet.ts";
import { Pacer, type PacingRule } from "./pacing.ts";
import { Quake3Server, type ServerProfile } from "./server.ts";
import { capture, LATIN1, packetBytes, printedText } from "./test-helpers.ts";

function makeClient(options: { pacing?: PacingRule; quietMs?: number; maxAnswerBytes?: number } = {}) {
  return new RequestLine({
    password: "secret",
    codec: LATIN1,
    pacer: new Pacer(options.pacing ?? { kind: "none" }),
    quietMs: options.quietMs ?? 40,
    ...(options.maxAnswerBytes === undefined ? {} : { maxAnswerBytes: options.maxAnswerBytes }),
  });
}

function events(client: RequestLine): LineEvent[] {
  const out: LineEvent[] = [];
  for (let e = client.nextEvent(); e; e = client.nextEvent()) out.push(e);
  return out;
}

/** Client and server in memory with a manual clock: every datagram takes `latency` ms. */
class Pair {
  now = 1_000;
  readonly answers = new Map<number, LineEvent>();
  constructor(
    readonly client: RequestLine,
    readonly server: Quake3Server,
  ) {}

  /** Runs until the client is idle with an empty queue, stepping time to each deadline. */
  run(limitMs = 600_000): void {
    const end = this.now + limitMs;
    while (this.now < end) {
      for (const bytes of this.client.takeOutgoing(this.now)) {
        this.server.receive(bytes, { address: "127.0.0.1", port: 5555 }, this.now);
        for (const out of this.server.takeOutgoing()) this.client.receive(out.bytes, this.now);
      }
      for (const e of events(this.client)) if (e.type !== "dropped") this.answers.set(e.id, e);
      const deadline = this.client.nextDeadline();
      if (deadline === null) return;
      this.now = Math.max(this.now + 1, deadline);
      this.client.handleTimeout(this.now);
    }
  }
}

function fakeServer(
  profile: ServerProfile,
  handler: (command: string, print: (t: string) => void) => void = (c, p) => p(`${c}\n`),
) {
  return new Quake3Server(profile, "secret", {
    executeRcon: handler,
    statusInfo: () => ({
      info: { sv_hostname: "x", mapname: "q3dm17" },
      players: [{ score: 1, ping: 2, name: "A", team: null }],
    }),
    info: () => ({ hostname: "x", clients: "1" }),
  });
}

describe("RequestLine", () => {
  it("reassembles the 10 captured cvarlist datagrams, split mid-line, without adding separators", () => {
    const client = makeClient();
    const id = client.request({ kind: "rcon", command: "cvarlist", timeoutMs: 1000 });
    expect(client.takeOutgoing(0)).toHaveLength(1);
    const packets = capture("cvarlist").packets;
    packets.forEach((p, i) => client.receive(packetBytes(p), 10 + i));
    expect(client.nextDeadline()).toBe(10 + packets.length - 1 + 40);
    client.handleTimeout(10 + packets.length - 1 + 39);
    expect(events(client)).toEqual([]);
    client.handleTimeout(10 + packets.length - 1 + 40);
    const [answer] = events(client);
    expect(answer).toMatchObject({
      type: "answer",
      id,
      datagrams: 10,
      text: printedText("cvarlist"),
      truncated: false,
    });
    expect(answer?.type === "answer" && answer.text.endsWith("285 total cvars\n285 cvar indexes\n")).toBe(
      true,
    );
    expect(client.state).toBe("READY");
  });

  it("an empty print is a complete (empty) answer", () => {
    const client = makeClient();
    client.request({ kind: "rcon", command: "addip 10.9.8.7", timeoutMs: 1000 });
    client.takeOutgoing(0);
    client.receive(packetBytes(capture("addip").packets[0] as string), 5);
    client.handleTimeout(45);
    expect(events(client)).toMatchObject([{ type: "answer", text: "", datagrams: 1 }]);
  });

  it("classifies every dialect's wrong-password and no-password reply", () => {
    expect(classifyAuthFailure(printedText("bad_password"))).toBe("bad-password");
    for (const text of [
      "Bad rconpassword.\n",
      "Bad rconpassword\n",
      "Bad rcon",
      "Invalid password.\n",
      "^1server denied rcon access to 1.2.3.4:5",
    ]) {
      expect(classifyAuthFailure(text)).toBe("bad-password");
    }
    for (const text of [
      "No rconpassword set on the server.\n",
      "No rconpassword set on the server\n",
      "No rconpassword set on server or password is shorter than 8 characters.\n",
      "The server must set 'rcon_password' for clients to use 'rcon'.\n",
    ]) {
      expect(classifyAuthFailure(text)).toBe("not-set");
    }
    // Answers that merely mention it are not failures.
    expect(classifyAuthFailure("console: Bad rconpassword.\n")).toBeNull();
    expect(classifyAuthFailure("")).toBeNull();
    expect(AUTH_FAILURE_RULES.length).toBeGreaterThanOrEqual(7);

    const client = makeClient();
    const id = client.request({ kind: "rcon", command: "status", timeoutMs: 1000 });
    client.takeOutgoing(0);
    client.receive(packetBytes(capture("bad_password").packets[0] as string), 1);
    client.handleTimeout(100);
    expect(events(client)).toEqual([
      { type: "auth-failed", id, kind: "bad-password", text: "Bad rconpassword." },
    ]);
  });

  it("drops stale datagrams while idle and during the drain after a lost answer", () => {
    const client = makeClient();
    client.receive(encodePrint("old\n"), 0);
    expect(events(client)).toMatchObject([{ type: "dropped", reason: "stale" }]);
    const first = client.request({ kind: "rcon", command: "kick 1", timeoutMs: 500 });
    const second = client.request({ kind: "rcon", command: "status", timeoutMs: 500 });
    client.takeOutgoing(0);
    client.handleTimeout(500);
    expect(events(client)).toEqual([{ type: "no-answer", id: first, sentAt: 0, attempts: 1 }]);
    // The late answer to the first request arrives during the drain window: not the second's answer.
    expect(client.takeOutgoing(600)).toEqual([]);
    client.receive(encodePrint("late kick answer\n"), 650);
    expect(events(client)).toMatchObject([{ type: "dropped", reason: "stale" }]);
    expect(client.nextDeadline()).toBe(700);
    expect(client.takeOutgoing(700)).toHaveLength(1);
    client.receive(encodePrint("status answer\n"), 710);
    client.handleTimeout(750);
    expect(events(client)).toMatchObject([{ type: "answer", id: second, text: "status answer\n" }]);
  });

  it("re-sends a request only when it allows retries", () => {
    const client = makeClient();
    const id = client.request({ kind: "rcon", command: "status", timeoutMs: 100, retries: 1 });
    expect(client.takeOutgoing(0)).toHaveLength(1);
    client.handleTimeout(100);
    expect(events(client)).toEqual([]);
    expect(client.takeOutgoing(300)).toHaveLength(1);
    client.handleTimeout(400);
    expect(events(client)).toEqual([{ type: "no-answer", id, sentAt: 300, attempts: 2 }]);
  });

  it("ignores other kinds of datagram during an rcon answer and non-OOB junk", () => {
    const client = makeClient();
    client.request({ kind: "rcon", command: "status", timeoutMs: 100 });
    client.takeOutgoing(0);
    client.receive(packetBytes(capture("getinfo").packets[0] as string), 1);
    client.receive(new Uint8Array([1, 2, 3]), 2);
    expect(events(client).map((e) => e.type === "dropped" && e.reason)).toEqual(["unexpected", "malformed"]);
    expect(client.state).toBe("AWAITING_REPLY");
  });

  it("caps an answer that never ends", () => {
    const client = makeClient({ maxAnswerBytes: 10 });
    client.request({ kind: "rcon", command: "cvarlist", timeoutMs: 100 });
    client.takeOutgoing(0);
    client.receive(encodePrint("0123456789abcdef"), 1);
    expect(events(client)).toMatchObject([{ type: "answer", text: "0123456789", truncated: true }]);
  });

  it("answers queries from one datagram and checks the challenge", () => {
    const client = makeClient();
    const id = client.request({ kind: "getinfo", timeoutMs: 100 });
    const [request] = client.takeOutgoing(0);
    expect(readRequestLine(request as Uint8Array)).toBe(`getinfo rd${id}`);
    client.receive(encodeOutOfBand("infoResponse\n\\hostname\\x\\challenge\\other"), 1);
    expect(events(client)).toMatchObject([{ type: "dropped", reason: "stale" }]);
    client.receive(encodeOutOfBand(`infoResponse\n\\hostname\\x\\challenge\\rd${id}`), 2);
    expect(events(client)).toMatchObject([{ type: "info", id, info: { hostname: "x" } }]);
    const status = client.request({ kind: "getstatus", timeoutMs: 100 });
    client.takeOutgoing(3);
    client.receive(packetBytes(capture("getstatus").packets[0] as string), 4);
    const [event] = events(client);
    expect(event).toMatchObject({ type: "status", id: status });
    expect(event?.type === "status" && event.response.players.map((p) => p.name)).toEqual([
      "Grism",
      "Angelyss",
      "Gargoyle",
      "Sarge",
    ]);
  });

  it("enforces its state machine", () => {
    const client = makeClient();
    expect(client.close()).toEqual([]);
    expect(() => client.request({ kind: "rcon", command: "status", timeoutMs: 1 })).toThrow(
      InvalidStateError,
    );
    expect(client.close()).toEqual([]);
    const busy = makeClient();
    const a = busy.request({ kind: "rcon", command: "a", timeoutMs: 100 });
    const b = busy.request({ kind: "rcon", command: "b", timeoutMs: 100 });
    busy.takeOutgoing(0);
    expect(busy.cancel(a)).toBe(false);
    expect(busy.close()).toEqual([a, b]);
  });

  it("pacing keeps a burst of 30 inside ioq3's rate limit: no drops, every answer to its request", () => {
    const server = fakeServer(IOQ3_PROFILE.server);
    const pair = new Pair(makeClient({ pacing: IOQ3_PROFILE.pacing }), server);
    const ids = Array.from({ length: 30 }, (_, i) =>
      pair.client.request({ kind: "rcon", command: `echo ${i}`, timeoutMs: 2000 }),
    );
    pair.run();
    expect(server.dropped).toBe(0);
    expect(
      ids.map((id) => {
        const a = pair.answers.get(id);
        return a?.type === "answer" ? a.text : a?.type;
      }),
    ).toEqual(ids.map((_, i) => `echo ${i}\n`));
    // Burst of 9, then one per 1.05 s.
    expect(pair.now - 1_000).toBeGreaterThan(21 * 1050 - 100);
  });

  it("without pacing the same burst loses answers to silent drops (the server limit is real)", () => {
    const server = fakeServer(IOQ3_PROFILE.server);
    const pair = new Pair(makeClient({ pacing: { kind: "none" } }), server);
    const ids = Array.from({ length: 30 }, (_, i) =>
      pair.client.request({ kind: "rcon", command: `echo ${i}`, timeoutMs: 100 }),
    );
    pair.run();
    expect(server.dropped).toBeGreaterThan(0);
    expect(ids.filter((id) => pair.answers.get(id)?.type === "no-answer").length).toBe(server.dropped);
  });

  it("pacing respects Quake 3 1.32's global 500 ms gate", () => {
    const server = fakeServer(Q3_PROFILE.server);
    const pair = new Pair(makeClient({ pacing: Q3_PROFILE.pacing }), server);
    for (let i = 0; i < 10; i++) pair.client.request({ kind: "rcon", command: `echo ${i}`, timeoutMs: 2000 });
    pair.run();
    expect(server.dropped).toBe(0);
    expect([...pair.answers.values()].every((a) => a.type === "answer")).toBe(true);
  });

  it("pair: a wrong password and a server without password answer with the engine's texts", () => {
    const wrong = new Quake3Server(IOQ3_PROFILE.server, "other", {
      executeRcon: () => undefined,
      statusInfo: () => ({ info: {}, players: [] }),
      info: () => ({}),
    });
    const pair = new Pair(makeClient(), wrong);
    const id = pair.client.request({ kind: "rcon", command: "status", timeoutMs: 100 });
    pair.run();
    expect(pair.answers.get(id)).toMatchObject({ type: "auth-failed", kind: "bad-password" });
    wrong.setPassword("");
    const id2 = pair.client.request({ kind: "rcon", command: "status", timeoutMs: 100 });
    pair.run();
    expect(pair.answers.get(id2)).toMatchObject({ type: "auth-failed", kind: "not-set" });
  });

  it("fuzz: random datagrams in any state never throw and never break the state machine", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 300 })), {
          maxLength: 30,
        }),
        (steps) => {
          const client = makeClient();
          let now = 0;
          for (const [bytes, prefix, dt] of steps) {
            if (client.queued === 0)
              client.request(
                dt % 3 === 0
                  ? { kind: "getstatus", timeoutMs: 200 }
                  : { kind: "rcon", command: "status", timeoutMs: 200 },
              );
            client.takeOutgoing(now);
            client.receive(prefix ? new Uint8Array([0xff, 0xff, 0xff, 0xff, ...bytes]) : bytes, now);
            now += dt;
            client.handleTimeout(now);
            events(client);
            expect(["READY", "AWAITING_REPLY", "COLLECTING"]).toContain(client.state);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
