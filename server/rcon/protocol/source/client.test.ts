/**
 * The client and server cores paired in memory (h11's ConnectionPair, berconpy's communicate):
 * every dialect's wire profile against our client profile for it, plus hand-made server misbehaviour.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidStateError, RconLocalError } from "../errors.ts";
import { utf8 } from "../../testing/bytes.ts";
import {
  LOGIN_REFUSED_REASON,
  MAX_REQUEST_ID,
  SourceClient,
  type SourceClientEvent,
  type SourceClientProfile,
} from "./client.ts";
import { SOURCE_DIALECTS, type SourceDialect } from "./dialects/index.ts";
import { decodePacket, encodePacket, PacketType, type SourcePacket } from "./packet.ts";
import { SourceServerConnection, type SourceServerProfile } from "./server.ts";

const dialect = (id: string) => SOURCE_DIALECTS.find((d) => d.id === id) as SourceDialect;

interface PairOptions {
  client?: SourceClientProfile;
  server?: SourceServerProfile;
  password?: string;
  answer?: (text: string) => string | null; // null: do not answer (yet)
  chunk?: number; // deliver server bytes in chunks of this size
  firstRequestId?: number;
}

function makePair(d: SourceDialect, options: PairOptions = {}) {
  const client = new SourceClient({
    profile: options.client ?? d.client,
    codec: utf8,
    firstRequestId: options.firstRequestId,
  });
  const server = new SourceServerConnection(options.server ?? d.server, utf8);
  const events: SourceClientEvent[] = [];
  const held: { id: number; text: string }[] = [];
  /** Every packet each way, in order (one per element of takeOutgoing on both sides). */
  const wire = { up: [] as SourcePacket[], down: [] as SourcePacket[] };
  let now = 1000;
  const exchange = () => {
    for (let round = 0; round < 100; round++) {
      const up = client.takeOutgoing();
      for (const bytes of up) {
        wire.up.push(decodePacket(bytes, Infinity));
        server.receive(bytes);
      }
      for (let e = server.nextEvent(); e; e = server.nextEvent()) {
        if (e.type === "auth") {
          if (e.password === (options.password ?? "secret")) server.acceptAuth();
          else server.rejectAuth();
        } else if (e.type === "command") {
          const answer = options.answer ? options.answer(e.text) : `echo:${e.text}`;
          if (answer === null) held.push({ id: e.id, text: e.text });
          else server.respond(e.id, answer);
        }
      }
      const down = server.takeOutgoing();
      for (const bytes of down) {
        wire.down.push(decodePacket(bytes, Infinity));
        const step = options.chunk ?? bytes.length;
        for (let i = 0; i < bytes.length; i += step) client.receive(bytes.subarray(i, i + step), now);
      }
      for (let e = client.nextEvent(); e; e = client.nextEvent()) events.push(e);
      if (up.length === 0 && down.length === 0) return;
    }
    throw new Error("exchange did not settle");
  };
  const login = (password = "secret") => {
    client.login(password, now);
    exchange();
  };
  return {
    client,
    server,
    events,
    held,
    wire,
    exchange,
    login,
    advance(ms: number) {
      now += ms;
      client.handleTimeout(now);
      for (let e = client.nextEvent(); e; e = client.nextEvent()) events.push(e);
      exchange();
    },
    get now() {
      return now;
    },
    responses: () =>
      events.filter((e): e is Extract<SourceClientEvent, { type: "answer" }> => e.type === "answer"),
  };
}

describe("SourceClient login", () => {
  for (const d of SOURCE_DIALECTS) {
    it(`${d.id}: accepts the right password and refuses a wrong one`, () => {
      const ok = makePair(d);
      ok.login();
      expect(ok.events).toContainEqual({ type: "logged-in" });
      expect(ok.client.state).toBe("ready");

      const bad = makePair(d);
      bad.login("wrong");
      expect(bad.server.closeRequested).toBe(true);
      if (d.server.authFailure === "reply-and-close") {
        expect(bad.events).toContainEqual({ type: "login-refused", reason: LOGIN_REFUSED_REASON });
        expect(bad.client.state).toBe("closed");
      } else {
        // Squad closes without a reply: the connection layer turns that close into a refusal.
        expect(bad.client.state).toBe("logging-in");
      }
      expect(bad.events).not.toContainEqual({ type: "logged-in" });
    });
  }

  it("is not fooled by the empty RESPONSE_VALUE SRCDS sends before a -1 AUTH_RESPONSE (the rcon-client bug)", () => {
    const client = new SourceClient({ profile: dialect("tf2").client, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    const [auth] = client.takeOutgoing();
    const id = decodePacket(auth as Uint8Array).id;
    client.receive(encodePacket({ id, type: PacketType.RESPONSE_VALUE, body: new Uint8Array(0) }), 0);
    expect(client.nextEvent()).toBeNull();
    expect(client.state).toBe("logging-in");
    client.receive(encodePacket({ id: -1, type: PacketType.AUTH_RESPONSE, body: new Uint8Array(0) }), 0);
    expect(client.nextEvent()).toEqual({ type: "login-refused", reason: LOGIN_REFUSED_REASON });
  });

  it("reports an AUTH_RESPONSE with a foreign id as a protocol error and keeps waiting, then times out", () => {
    const client = new SourceClient({ profile: dialect("tf2").client, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    client.receive(encodePacket({ id: 42, type: PacketType.AUTH_RESPONSE, body: new Uint8Array(0) }), 0);
    expect(client.nextEvent()).toMatchObject({ type: "dropped", fatal: false });
    expect(client.nextDeadline()).toBe(1000);
    client.handleTimeout(999);
    expect(client.nextEvent()).toBeNull();
    client.handleTimeout(1000);
    expect(client.nextEvent()).toEqual({ type: "dead", reason: "no answer to login within 1000 ms" });
    expect(client.state).toBe("closed");
  });

  it("asserts its state transitions", () => {
    const client = new SourceClient({ profile: dialect("tf2").client, codec: utf8, loginTimeoutMs: 1000 });
    expect(() => client.command({ text: "status", timeoutMs: 1000 }, 0)).toThrow(InvalidStateError);
    client.login("pw", 0);
    expect(() => client.login("pw", 0)).toThrow(InvalidStateError);
  });
});

describe("SourceClient learns each game's end-marker behaviour (docs/source-answers.md)", () => {
  const expected: Record<string, string> = {
    cs2: "echoed",
    csgo: "echoed",
    tf2: "echoed",
    gmod: "echoed",
    l4d2: "echoed",
    rust: "echoed",
    squad: "echoed",
    minecraft: "answered",
    ark: "ignored",
    factorio: "ignored",
    palworld: "ignored",
  };
  for (const d of SOURCE_DIALECTS) {
    it(`${d.id}: ${expected[d.id]} after the first answer`, () => {
      const pair = makePair(d);
      pair.login();
      pair.client.command({ text: "status", timeoutMs: 5000 }, pair.now);
      pair.exchange();
      expect(pair.client.markerBehaviour).toBe(expected[d.id]);
      expect(pair.responses().map((r) => r.text)).toEqual(["echo:status"]);
    });
  }
});

describe("SourceClient answers", () => {
  const long = Array.from({ length: 3000 }, (_, i) => `line ${i} — ünïcødé ✓`).join("\n"); // ~70 kB

  for (const d of SOURCE_DIALECTS) {
    it(`${d.id}: a long answer arrives whole, in order, with nothing else in it`, () => {
      const pair = makePair(d, { answer: (text) => (text === "big" ? long : `short:${text}`), chunk: 1000 });
      pair.login();
      const first = pair.client.command({ text: "big", timeoutMs: 5000 }, pair.now);
      pair.exchange();
      const second = pair.client.command({ text: "next", timeoutMs: 5000 }, pair.now);
      pair.exchange();
      pair.advance(200); // quiet period for the dialects that need it
      const responses = pair.responses();
      expect(responses.map((r) => r.id)).toEqual([first, second]);
      expect(responses[0]?.text).toBe(long);
      expect(responses[1]?.text).toBe("short:next");
      expect(pair.events.filter((e) => e.type === "pushed" && e.text.includes("Unknown request"))).toEqual(
        [],
      );
    });
  }

  it('minecraft: the marker\'s "Unknown request 0" ends the answer and never leaks into it', () => {
    const pair = makePair(dialect("minecraft"), {
      answer: () => "There are 0 of a max of 20 players online: ",
    });
    pair.login();
    pair.client.command({ text: "list", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.responses()).toEqual([
      {
        type: "answer",
        id: expect.any(Number) as number,
        latencyMs: expect.any(Number) as number,
        text: "There are 0 of a max of 20 players online: ",
        packets: 1,
      },
    ]);
    expect(JSON.stringify(pair.events)).not.toContain("Unknown request");
  });

  it("minecraft: one command at a time, the next is sent when the first completes", () => {
    const pair = makePair(dialect("minecraft"), { answer: () => null });
    pair.login();
    pair.client.command({ text: "a", timeoutMs: 5000 }, pair.now);
    pair.client.command({ text: "b", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.held.map((h) => h.text)).toEqual(["a"]);
    pair.server.respond((pair.held[0] as { id: number }).id, "A");
    pair.exchange();
    expect(pair.held.map((h) => h.text)).toEqual(["a", "b"]);
  });

  it("srcds: pipelines many commands and keeps each answer with its command", () => {
    const pair = makePair(dialect("tf2"), {
      answer: (text) => (text === "x5" ? "y".repeat(5 * 4096 + 7) : `=${text}`),
    });
    pair.login();
    const ids = ["a", "x5", "b", "c"].map((t) => pair.client.command({ text: t, timeoutMs: 5000 }, pair.now));
    pair.exchange();
    const responses = pair.responses();
    expect(responses.map((r) => r.id)).toEqual(ids);
    expect(responses.map((r) => r.text.length)).toEqual([2, 5 * 4096 + 7, 2, 2]);
    expect(responses[1]?.packets).toBe(6);
  });

  it("srcds: one end marker closes a whole batch; answers end at the next command's first packet", () => {
    const client = new SourceClient({ profile: dialect("tf2").client, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    const authId = decodePacket(client.takeOutgoing()[0] as Uint8Array).id;
    client.receive(encodePacket({ id: authId, type: PacketType.AUTH_RESPONSE, body: new Uint8Array(0) }), 0);
    client.nextEvent();
    const probe = decodePacket(client.takeOutgoing()[0] as Uint8Array);
    client.receive(
      encodePacket({ id: probe.id, type: PacketType.RESPONSE_VALUE, body: new Uint8Array(0) }),
      0,
    );
    expect(client.markerBehaviour).toBe("echoed");
    const answer = (id: number, text: string) =>
      client.receive(encodePacket({ id, type: 0, body: utf8.encode(text) }), 0);
    // An answer in short fragments: from then on markers follow every batch (as they do long answers).
    const split = client.command({ text: "split", timeoutMs: 1000 }, 0);
    client.takeOutgoing();
    answer(split, "S1");
    answer(split, "S2");
    expect([client.nextEvent(), client.nextEvent()]).toMatchObject([
      { type: "answer", id: split, text: "S1" },
      { type: "dropped", reason: "late" },
    ]);
    expect(client.markerPolicy).toBe("every-batch");
    const ids = ["a", "b", "c"].map((t) => client.command({ text: t, timeoutMs: 1000 }, 0));
    const sent = client.takeOutgoing().map((b) => decodePacket(b));
    expect(sent.map((p) => p.type)).toEqual([2, 2, 2, 0]);
    const marker = (sent[3] as { id: number }).id;
    answer(ids[0] as number, "A1");
    answer(ids[0] as number, "A2");
    expect(client.nextEvent()).toBeNull(); // a could still have more packets
    answer(ids[2] as number, "C"); // b sent nothing at all: it ends empty, a ends too
    expect([client.nextEvent(), client.nextEvent()]).toEqual([
      { type: "answer", id: ids[0], latencyMs: expect.any(Number) as number, text: "A1A2", packets: 2 },
      { type: "answer", id: ids[1], latencyMs: expect.any(Number) as number, text: "", packets: 0 },
    ]);
    answer(marker, "");
    answer(marker, "\u0000\u0001\u0000\u0000");
    expect(client.nextEvent()).toEqual({
      type: "answer",
      id: ids[2],
      latencyMs: expect.any(Number) as number,
      text: "C",
      packets: 1,
    });
    expect(client.nextEvent()).toBeNull();
  });

  it("srcds: a short answer costs one packet each way; a split one, one marker sent after its first fragment", () => {
    const long = "v".repeat(4096 * 2 + 100);
    const pair = makePair(dialect("tf2"), { answer: (text) => (text === "cvarlist" ? long : `=${text}`) });
    pair.login();
    const upBefore = pair.wire.up.length;
    const downBefore = pair.wire.down.length;
    pair.client.command({ text: "status", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.wire.up.slice(upBefore).map((p) => p.type)).toEqual([PacketType.EXECCOMMAND]);
    expect(pair.wire.down.slice(downBefore).map((p) => p.body.length)).toEqual([7]);
    const cvarlist = pair.client.command({ text: "cvarlist", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    const up = pair.wire.up.slice(upBefore + 1);
    expect(up.map((p) => p.type)).toEqual([PacketType.EXECCOMMAND, PacketType.RESPONSE_VALUE]);
    const marker = (up[1] as SourcePacket).id;
    // The answer's three fragments, the marker's echo and SRCDS's trailer: only the answer shows.
    expect(pair.wire.down.slice(downBefore + 1).map((p) => [p.id, p.body.length])).toEqual([
      [cvarlist, 4096],
      [cvarlist, 4096],
      [cvarlist, 100],
      [marker, 0],
      [marker, 4],
    ]);
    expect(pair.responses().map((r) => [r.id, r.text])).toEqual([
      [expect.any(Number), "=status"],
      [cvarlist, long],
    ]);
    expect(pair.events.filter((e) => e.type !== "answer" && e.type !== "logged-in")).toEqual([]);
  });

  it('minecraft: a long answer gets one marker, its "Unknown request 0" never shows; short ones none', () => {
    const long = "ö".repeat(4096 + 50); // two fragments by UTF-16 units, the first 8,192 bytes
    const pair = makePair(dialect("minecraft"), { answer: (text) => (text === "help" ? long : `=${text}`) });
    pair.login();
    const upBefore = pair.wire.up.length;
    pair.client.command({ text: "list", timeoutMs: 5000 }, pair.now);
    pair.client.command({ text: "help", timeoutMs: 5000 }, pair.now);
    pair.client.command({ text: "seed", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.wire.up.slice(upBefore).map((p) => p.type)).toEqual([
      PacketType.EXECCOMMAND,
      PacketType.EXECCOMMAND,
      PacketType.RESPONSE_VALUE,
      PacketType.EXECCOMMAND,
    ]);
    expect(pair.responses().map((r) => [r.text, r.packets])).toEqual([
      ["=list", 1],
      [long, 2],
      ["=seed", 1],
    ]);
    expect(pair.events.filter((e) => e.type !== "answer" && e.type !== "logged-in")).toEqual([]);
  });

  it("a server that echoes markers but splits into short fragments: one answer is cut, then markers every batch", () => {
    const server = { ...dialect("tf2").server, split: { unit: "bytes" as const, size: 1000 } };
    const long = Array.from({ length: 250 }, (_, i) => `line ${i}`).join("\n"); // ~2 kB: three fragments
    const pair = makePair(dialect("tf2"), {
      server,
      answer: (text) => (text === "maps" ? long : `=${text}`),
    });
    pair.login();
    const cut = pair.client.command({ text: "maps", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.events.filter((e) => e.type !== "logged-in")).toEqual([
      { type: "answer", id: cut, latencyMs: 0, text: long.slice(0, 1000), packets: 1 },
      { type: "dropped", reason: "late", error: null, fatal: false },
      { type: "dropped", reason: "late", error: null, fatal: false },
    ]);
    expect(pair.client.markerPolicy).toBe("every-batch");
    const upBefore = pair.wire.up.length;
    const whole = pair.client.command({ text: "maps", timeoutMs: 5000 }, pair.now);
    const short = pair.client.command({ text: "status", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.wire.up.slice(upBefore).map((p) => p.type)).toEqual([
      PacketType.EXECCOMMAND,
      PacketType.EXECCOMMAND,
      PacketType.RESPONSE_VALUE,
    ]);
    expect(pair.responses().slice(1)).toEqual([
      { type: "answer", id: whole, latencyMs: 0, text: long, packets: 3 },
      { type: "answer", id: short, latencyMs: 0, text: "=status", packets: 1 },
    ]);
    expect(pair.events.filter((e) => e.type === "pushed")).toEqual([]);
  });

  it("srcds: a timed-out command in a batch does not strand the others", () => {
    const pair = makePair(dialect("tf2"), { answer: (text) => (text === "slow" ? null : `=${text}`) });
    pair.login();
    pair.client.command({ text: "slow", timeoutMs: 100 }, pair.now);
    const b = pair.client.command({ text: "b", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    pair.advance(100);
    expect(pair.responses()).toEqual([]);
    pair.server.respond((pair.held[0] as { id: number }).id, "late");
    pair.exchange();
    expect(pair.responses()).toEqual([
      { type: "answer", id: b, latencyMs: expect.any(Number) as number, text: "=b", packets: 1 },
    ]);
  });

  it("factorio: without marker support the answer ends after the quiet period", () => {
    const server = { ...dialect("factorio").server, split: { unit: "bytes" as const, size: 4096 } };
    const pair = makePair(dialect("factorio"), { server, answer: () => "z".repeat(4096 * 2) });
    pair.login();
    pair.client.command({ text: "/players", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.responses()).toEqual([]);
    expect(pair.client.nextDeadline()).toBe(pair.now + 150);
    pair.advance(150);
    expect(pair.responses()[0]?.text.length).toBe(8192);
  });

  it("factorio: a short single fragment completes at once", () => {
    const pair = makePair(dialect("factorio"), { answer: () => "Online players (0):" });
    pair.login();
    pair.client.command({ text: "/players online", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.responses()[0]?.text).toBe("Online players (0):");
  });

  it("rust: the type-4 prelude and the id -1 `say` echo are unsolicited, never part of an answer", () => {
    const pair = makePair(dialect("rust"), { answer: (text) => (text.startsWith("say") ? "" : "ok") });
    pair.login();
    pair.client.command({ text: "status", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    pair.server.push(-1, 0, "[CHAT] SERVER: hi");
    pair.client.command({ text: 'say "hi"', timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.responses().map((r) => r.text)).toEqual(["ok", ""]);
    expect(
      pair.events.filter((e) => e.type === "pushed").map((e) => (e as { packetType: number }).packetType),
    ).toEqual([4, 0, 4]);
  });

  it("squad: the double echo is swallowed and chat packets (type 1) interleave with answers", () => {
    const pair = makePair(dialect("squad"), { answer: () => "----- Active Players -----" });
    pair.login();
    pair.client.command({ text: "ListPlayers", timeoutMs: 5000 }, pair.now);
    pair.server.push(0, 1, "[ChatAll] [SteamID:76561198000000001] Bob : hi");
    pair.exchange();
    pair.client.command({ text: "ListPlayers", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.responses().map((r) => r.text)).toEqual([
      "----- Active Players -----",
      "----- Active Players -----",
    ]);
    expect(pair.events.filter((e) => e.type === "pushed")).toEqual([
      { type: "pushed", packetType: 1, packetId: 0, text: "[ChatAll] [SteamID:76561198000000001] Bob : hi" },
    ]);
    expect(pair.events.filter((e) => e.type === "dropped")).toEqual([]);
  });

  it("ark: the placeholder for an empty answer is normalised by the dialect", () => {
    const pair = makePair(dialect("ark"), { answer: () => "" });
    pair.login();
    pair.client.command({ text: "SaveWorld", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    const text = pair.responses()[0]?.text ?? "";
    expect(text).toContain("no response");
    expect(dialect("ark").normaliseAnswer?.(text)).toBe("");
  });

  it("a command that times out never desynchronises: its late answer is discarded by id", () => {
    const pair = makePair(dialect("tf2"), { answer: (text) => (text === "slow" ? null : `=${text}`) });
    pair.login();
    const slow = pair.client.command({ text: "slow", timeoutMs: 1000 }, pair.now);
    pair.exchange();
    pair.advance(1000);
    expect(pair.events).toContainEqual({
      type: "command-failed",
      id: slow,
      code: "timeout",
      detail: "no answer within the time limit",
    });
    const next = pair.client.command({ text: "fast", timeoutMs: 1000 }, pair.now);
    pair.server.respond((pair.held[0] as { id: number }).id, "LATE ANSWER");
    pair.exchange();
    expect(pair.responses()).toEqual([
      { type: "answer", id: next, latencyMs: expect.any(Number) as number, text: "=fast", packets: 1 },
    ]);
    expect(JSON.stringify(pair.events)).not.toContain("LATE ANSWER");
  });

  it("queued commands time out too, and the trailer of a finished command arriving late is swallowed", () => {
    const pair = makePair(dialect("minecraft"), { answer: () => null });
    pair.login();
    const a = pair.client.command({ text: "a", timeoutMs: 1000 }, pair.now);
    const b = pair.client.command({ text: "b", timeoutMs: 500 }, pair.now);
    pair.exchange();
    pair.advance(500);
    expect(pair.events).toContainEqual({
      type: "command-failed",
      id: b,
      code: "timeout",
      detail: "no answer within the time limit",
    });
    pair.advance(500);
    expect(pair.events).toContainEqual({
      type: "command-failed",
      id: a,
      code: "timeout",
      detail: "no answer within the time limit",
    });
    expect(pair.client.pendingCount).toBe(0);
  });

  it("request ids wrap below 2^31 and are never 0 or -1", () => {
    const pair = makePair(dialect("tf2"), { firstRequestId: MAX_REQUEST_ID - 3 });
    pair.login();
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(pair.client.command({ text: `c${i}`, timeoutMs: 5000 }, pair.now));
    pair.exchange();
    expect(ids.every((id) => id > 0 && id <= MAX_REQUEST_ID)).toBe(true);
    expect(ids.some((id) => id < 10)).toBe(true); // wrapped
    expect(pair.responses().map((r) => r.text)).toEqual(["echo:c0", "echo:c1", "echo:c2", "echo:c3"]);
  });

  it("rejects commands the server could not take, with a local error", () => {
    const pair = makePair(dialect("minecraft"));
    pair.login();
    expect(() => pair.client.command({ text: "x".repeat(2000), timeoutMs: 1000 }, pair.now)).toThrow(
      RconLocalError,
    );
    expect(() => pair.client.command({ text: "a\u0000b", timeoutMs: 1000 }, pair.now)).toThrow(
      RconLocalError,
    );
    // Rejected twice: a refused command is never remembered as the last good encoding.
    expect(() => pair.client.command({ text: "a\u0000b", timeoutMs: 1000 }, pair.now)).toThrow(
      RconLocalError,
    );
  });

  it("repeated and alternating commands each carry their own text (the last encoding is reused)", () => {
    const pair = makePair(dialect("cs2"));
    pair.login();
    const texts = ["status", "status", "echo é", "status", "echo é"];
    const ids = texts.map((text) => pair.client.command({ text, timeoutMs: 1000 }, pair.now));
    // The end marker aside, each command carries its own text.
    const wire = pair.client
      .takeOutgoing()
      .map((bytes) => decodePacket(bytes))
      .filter((p) => p.type === PacketType.EXECCOMMAND);
    expect(wire.map((p) => [p.id, new TextDecoder().decode(p.body)])).toEqual(
      ids.map((id, i) => [id, texts[i]]),
    );
  });

  it("fails a command whose answer exceeds the response limit, and a bad size header is fatal", () => {
    const profile = { ...dialect("tf2").client, maxResponseBytes: 10_000 };
    const pair = makePair(dialect("tf2"), { client: profile, answer: () => "q".repeat(20_000) });
    pair.login();
    const id = pair.client.command({ text: "big", timeoutMs: 5000 }, pair.now);
    pair.exchange();
    expect(pair.events).toContainEqual(
      expect.objectContaining({ type: "command-failed", id, code: "too-large" }),
    );
    pair.client.receive(new Uint8Array([3, 0, 0, 0]), pair.now);
    expect(pair.client.nextEvent()).toMatchObject({ type: "dropped", fatal: true });
    expect(pair.client.state).toBe("closed");
  });

  it("malformed padding is dropped, counted, and the stream continues", () => {
    const pair = makePair(dialect("tf2"));
    pair.login();
    const bad = encodePacket({ id: 5, type: 0, body: new Uint8Array([65]) });
    bad[bad.length - 1] = 7;
    pair.client.receive(bad, pair.now);
    expect(pair.client.nextEvent()).toMatchObject({ type: "dropped", fatal: false });
    expect(pair.client.remoteErrors).toBe(1);
    expect(pair.client.state).toBe("ready");
  });

  it("random bytes from the server never throw out of receive()", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 6 }), (chunks) => {
        const pair = makePair(dialect("tf2"));
        pair.login();
        pair.client.command({ text: "x", timeoutMs: 100 }, pair.now);
        for (const chunk of chunks) pair.client.receive(chunk, pair.now);
        pair.client.handleTimeout(pair.now + 1000);
        for (let e = pair.client.nextEvent(); e; e = pair.client.nextEvent())
          expect(e.type).not.toBe("logged-in");
      }),
      { numRuns: 500 },
    );
  });

  it("close() hands back the pending ids and stops everything", () => {
    const pair = makePair(dialect("tf2"), { answer: () => null });
    pair.login();
    const a = pair.client.command({ text: "a", timeoutMs: 1000 }, pair.now);
    expect(pair.client.close()).toEqual([a]);
    expect(pair.client.close()).toEqual([]);
    expect(pair.client.nextDeadline()).toBeNull();
  });
});

describe("SourceServerConnection", () => {
  it("answers commands before login per profile", () => {
    const codec = utf8;
    const srcds = new SourceServerConnection(dialect("tf2").server, codec);
    srcds.receive(encodePacket({ id: 4, type: 2, body: codec.encode("status") }));
    expect(srcds.nextEvent()).toEqual({ type: "unauthenticated-command", id: 4 });
    expect(decodePacket(srcds.takeOutgoing()[0] as Uint8Array)).toMatchObject({ id: 4, type: 0 });
    const mc = new SourceServerConnection(dialect("minecraft").server, codec);
    mc.receive(encodePacket({ id: 4, type: 2, body: codec.encode("list") }));
    expect(decodePacket(mc.takeOutgoing()[0] as Uint8Array)).toMatchObject({ id: -1, type: 2 });
    const squad = new SourceServerConnection(dialect("squad").server, codec);
    squad.receive(encodePacket({ id: 4, type: 2, body: codec.encode("x") }));
    expect(squad.closeRequested).toBe(true);
  });

  it("splits Minecraft answers by UTF-16 units, so a fragment may exceed 4096 bytes", () => {
    const server = new SourceServerConnection(dialect("minecraft").server, utf8);
    server.receive(encodePacket({ id: 1, type: 3, body: utf8.encode("pw") }));
    server.nextEvent();
    server.acceptAuth();
    server.takeOutgoing();
    server.receive(encodePacket({ id: 2, type: 2, body: utf8.encode("help") }));
    server.respond(2, "é".repeat(5000));
    const bodies = server.takeOutgoing().map((b) => decodePacket(b).body.length);
    expect(bodies).toEqual([8192, 1808]);
  });

  it("rejects oversized requests as fatal", () => {
    const server = new SourceServerConnection(dialect("minecraft").server, utf8);
    server.receive(encodePacket({ id: 1, type: 2, body: new Uint8Array(3000) }));
    expect(server.nextEvent()).toMatchObject({ type: "protocol-error", fatal: true });
    expect(server.state).toBe("CLOSED");
  });
});

describe("edge cases", () => {
  it("the ignored-id set is bounded (old ids are forgotten first)", () => {
    const pair = makePair(dialect("tf2"));
    pair.login();
    for (let i = 0; i < 2100; i++) {
      pair.client.command({ text: "x", timeoutMs: 5000 }, pair.now);
      pair.exchange();
    }
    expect(pair.responses()).toHaveLength(2100);
    expect(pair.client.pendingCount).toBe(0);
  });

  it("a non-auth packet during login is unsolicited; the server answers re-logins, odd packets and bad padding", () => {
    const client = new SourceClient({ profile: dialect("tf2").client, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    client.receive(encodePacket({ id: 3, type: 1, body: utf8.encode("chat") }), 0);
    expect(client.nextEvent()).toEqual({ type: "pushed", packetType: 1, packetId: 3, text: "chat" });

    const server = new SourceServerConnection(dialect("tf2").server, utf8);
    server.receive(encodePacket({ id: 1, type: 3, body: utf8.encode("pw") }));
    server.nextEvent();
    server.acceptAuth();
    server.receive(encodePacket({ id: 2, type: 3, body: utf8.encode("pw") }));
    expect(server.nextEvent()).toEqual({ type: "auth", id: 2, password: "pw" });
    expect(server.state).toBe("AWAITING_AUTH");
    server.acceptAuth();
    server.receive(encodePacket({ id: 4, type: 9, body: new Uint8Array(0) }));
    expect(server.nextEvent()).toMatchObject({ type: "protocol-error", fatal: false });
    const bad = encodePacket({ id: 5, type: 2, body: new Uint8Array([65]) });
    bad[bad.length - 2] = 1;
    server.receive(bad);
    expect(server.nextEvent()).toMatchObject({ type: "protocol-error", fatal: false });
    expect(() => server.rejectAuth()).toThrow(InvalidStateError);
    server.respond(999, "nobody asked");
    server.takeOutgoing();
    server.push(0, 1, "hello");
    expect(decodePacket(server.takeOutgoing()[0] as Uint8Array)).toMatchObject({ id: 0, type: 1 });
  });

  it("factorio ignores the marker and a Squad-style server echoes it twice", () => {
    for (const id of ["factorio", "squad"] as const) {
      const server = new SourceServerConnection(dialect(id).server, utf8);
      server.receive(encodePacket({ id: 1, type: 3, body: utf8.encode("pw") }));
      server.nextEvent();
      server.acceptAuth();
      server.takeOutgoing();
      server.receive(encodePacket({ id: 7, type: 0, body: new Uint8Array(0) }));
      expect(server.takeOutgoing()).toHaveLength(id === "factorio" ? 0 : 3);
    }
  });
});
