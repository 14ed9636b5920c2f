import { describe, expect, it } from "vitest";
import { RconRemoteError } from "../errors.ts";
import { utf8 } from "../../testing/bytes.ts";
import { BattlEyeClient, type BattlEyeEvent, type ClientTiming } from "./client.ts";
import { answerPackets, BattlEyeServer, type ServerEvent, type ServerTiming } from "./server.ts";
import { decodePacket, encodePacket } from "./packet.ts";

const PEER = "127.0.0.1:50000";

/** A client and a server wired in memory, with time that moves only when told (berconpy's `communicate`). */
class Pair {
  now = 1_000_000;
  readonly client: BattlEyeClient;
  readonly server: BattlEyeServer;
  readonly clientEvents: BattlEyeEvent[] = [];
  readonly serverEvents: ServerEvent[] = [];
  /** Set to false to cut one direction (a dead server, a client that never acknowledges). */
  toServer = true;
  toClient = true;
  /** Called for each server command: the application's answer. */
  execute: (text: string) => string = (text) => `ran ${text}`;
  executed: string[] = [];

  constructor(
    clientTiming: Partial<ClientTiming> = {},
    serverTiming: Partial<ServerTiming> = {},
    password = "secret",
  ) {
    this.client = new BattlEyeClient(utf8, clientTiming);
    this.server = new BattlEyeServer(password, utf8, serverTiming);
  }

  exchange(): void {
    for (let round = 0; round < 100; round++) {
      const up = this.client.takeOutgoing();
      for (const bytes of up) if (this.toServer) this.server.receive(PEER, bytes, this.now);
      for (let e = this.server.nextEvent(); e; e = this.server.nextEvent()) {
        this.serverEvents.push(e);
        if (e.type === "command") {
          this.executed.push(e.text);
          this.server.respond(e.peer, e.seq, this.execute(e.text));
        }
      }
      const down = this.server.takeOutgoing();
      for (const { bytes } of down) if (this.toClient) this.client.receive(bytes, this.now);
      for (let e = this.client.nextEvent(); e; e = this.client.nextEvent()) this.clientEvents.push(e);
      if (up.length === 0 && down.length === 0) return;
    }
    throw new Error("the peers never went quiet");
  }

  /** Moves time to `until`, firing both sides' deadlines in order. */
  advanceTo(until: number): void {
    for (;;) {
      const deadlines = [this.client.nextDeadline(), this.server.nextDeadline()].filter(
        (d): d is number => d !== null,
      );
      const next = Math.min(...deadlines);
      if (deadlines.length === 0 || next > until) break;
      this.now = Math.max(this.now, next);
      this.client.handleTimeout(this.now);
      this.server.handleTimeout(this.now);
      this.exchange();
    }
    this.now = until;
  }

  login(): void {
    this.client.login("secret", this.now);
    this.exchange();
  }
}

describe("BattlEye client and server paired in memory", () => {
  it("logs in; the server refuses a wrong password and keeps no state for it", () => {
    const ok = new Pair();
    ok.login();
    expect(ok.client.state).toBe("ready");
    expect(ok.server.loggedInPeers()).toEqual([PEER]);

    const bad = new Pair({}, {}, "other");
    bad.login();
    expect(bad.clientEvents).toEqual([
      { type: "login-refused", reason: "login refused: wrong RCon password" },
    ]);
    expect(bad.server.loggedInPeers()).toEqual([]);
  });

  it("carries a long answer in parts of the configured size and reassembles it", () => {
    const pair = new Pair({}, { partSize: 16 });
    const long = "Дмитрий ".repeat(40);
    pair.execute = () => long;
    pair.login();
    pair.client.command({ text: "players", timeoutMs: pair.client.timing.commandTimeoutMs }, pair.now);
    const parts = answerPackets(0, utf8.encode(long), 16);
    expect(parts.length).toBe(Math.ceil(utf8.encode(long).length / 16));
    pair.exchange();
    expect(pair.clientEvents.at(-1)).toMatchObject({ type: "answer", text: long });
  });

  it("answers a repeated command from its cache instead of running it twice", () => {
    const pair = new Pair({ retransmitMs: 1000 });
    pair.login();
    pair.toClient = false; // the first answer is lost
    pair.client.command({ text: "kick 3 spam", timeoutMs: pair.client.timing.commandTimeoutMs }, pair.now);
    pair.exchange();
    pair.toClient = true;
    pair.advanceTo(pair.now + 1000); // the client re-sends the same bytes
    expect(pair.executed).toEqual(["kick 3 spam"]);
    expect(pair.server.stats.repeatedCommands).toBe(1);
    expect(pair.clientEvents.at(-1)).toMatchObject({ type: "answer", text: "ran kick 3 spam" });
  });

  it("runs a new command that reuses an old sequence number after the wrap", () => {
    const pair = new Pair();
    pair.login();
    for (let i = 0; i < 300; i++) {
      pair.client.command({ text: "players", timeoutMs: pair.client.timing.commandTimeoutMs }, pair.now);
      pair.exchange();
    }
    expect(pair.executed).toHaveLength(300);
    expect(pair.clientEvents.filter((e) => e.type === "answer")).toHaveLength(300);
  });

  it("answers keep-alives itself and keeps an active client for 10 minutes", () => {
    const pair = new Pair({ keepAliveMs: 25_000 });
    pair.login();
    pair.advanceTo(pair.now + 600_000);
    expect(pair.client.state).toBe("ready");
    expect(pair.server.loggedInPeers()).toEqual([PEER]);
    expect(pair.executed).toEqual([]); // keep-alives never reach the application
    expect(pair.serverEvents.filter((e) => e.type === "peer-dropped")).toEqual([]);
  });

  it("forgets a client that sent no command for 45 s", () => {
    const pair = new Pair();
    pair.login();
    pair.toServer = false; // the client goes quiet (from the server's point of view)
    pair.advanceTo(pair.now + 44_999);
    expect(pair.server.loggedInPeers()).toEqual([PEER]);
    pair.advanceTo(pair.now + 1);
    expect(pair.server.loggedInPeers()).toEqual([]);
    expect(pair.serverEvents.at(-1)).toEqual({ type: "peer-dropped", peer: PEER, reason: "idle" });
    // A command from a forgotten client is not answered.
    pair.server.receive(
      PEER,
      encodePacket({ type: "command", seq: 9, body: utf8.encode("players") }),
      pair.now,
    );
    expect(pair.server.takeOutgoing()).toEqual([]);
  });

  it("re-sends an unacknowledged message 5 times over 10 s, then drops the client", () => {
    const pair = new Pair({ keepAliveMs: 5_000 });
    pair.login();
    const sends: number[] = [];
    pair.toServer = false;
    pair.server.sendMessage(PEER, "(Global) a: b", pair.now);
    const start = pair.now;
    for (let t = 0; t <= 12_000; t += 500) {
      pair.server.handleTimeout(start + t);
      for (const d of pair.server.takeOutgoing())
        if (decodePacket(d.bytes, "to-client").type === "message") sends.push(t);
    }
    expect(sends).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(pair.server.nextEvent()).toEqual({ type: "peer-dropped", peer: PEER, reason: "unacknowledged" });
  });

  it("does not drop a client that acknowledges, and delivers each message once", () => {
    const pair = new Pair();
    pair.login();
    pair.toServer = false; // no acknowledgement yet: 300 messages pile up, 64 in flight, the rest waiting
    for (let i = 0; i < 300; i++) pair.server.sendMessage(PEER, `(Side) n: ${i}`, pair.now);
    pair.exchange();
    expect(pair.clientEvents.filter((e) => e.type === "pushed")).toHaveLength(64);
    pair.toServer = true;
    pair.exchange();
    pair.advanceTo(pair.now + 20_000);
    const texts = pair.clientEvents.flatMap((e) => (e.type === "pushed" ? [e.text] : []));
    expect(texts).toEqual(Array.from({ length: 300 }, (_, i) => `(Side) n: ${i}`));
    expect(pair.server.loggedInPeers()).toEqual([PEER]);
    expect(pair.serverEvents.filter((e) => e.type === "ack")).toHaveLength(300);
  });

  it("the client detects a dead server 45 s after the last packet", () => {
    const pair = new Pair({ keepAliveMs: 25_000 });
    pair.login();
    const loginAt = pair.now;
    pair.toClient = false;
    pair.advanceTo(loginAt + 44_999);
    expect(pair.client.state).toBe("ready");
    pair.advanceTo(loginAt + 45_000);
    expect(pair.clientEvents.at(-1)).toEqual({
      type: "dead",
      reason: "nothing received for 45 s: server gone or restarted",
    });
  });

  it("answers a repeated login without treating it as a new admin; a wrong one logs the peer out", () => {
    const pair = new Pair();
    pair.login();
    const before = pair.serverEvents.length;
    pair.server.receive(
      PEER,
      encodePacket({ type: "login-request", password: utf8.encode("secret") }),
      pair.now,
    );
    expect(pair.server.takeOutgoing()).toHaveLength(1);
    expect(pair.serverEvents.length).toBe(before);
    expect(pair.server.nextEvent()).toBeNull();
    pair.server.receive(
      PEER,
      encodePacket({ type: "login-request", password: utf8.encode("nope") }),
      pair.now,
    );
    expect(pair.server.nextEvent()).toEqual({ type: "peer-dropped", peer: PEER, reason: "refused" });
  });

  it("counts malformed datagrams and never answers them", () => {
    const server = new BattlEyeServer("x", utf8);
    expect(() => server.receive(PEER, new Uint8Array([0x42, 0x45, 0, 0]), 0)).toThrow(RconRemoteError);
    expect(server.stats.malformed).toBe(1);
    expect(server.takeOutgoing()).toEqual([]);
  });

  it("never sends a one-packet answer that starts with 0x00 (it would read as a part header)", () => {
    const [only, ...rest] = answerPackets(3, new Uint8Array([0, 65]), 512);
    expect(rest).toEqual([]);
    expect(decodePacket(only!, "to-client")).toMatchObject({ type: "command-part", total: 1, index: 0 });
    expect(answerPackets(3, new Uint8Array(), 512)).toHaveLength(1);
  });
});

describe("BattlEyeServer options and edges", () => {
  it("rejects impossible options and over-long answers", () => {
    expect(() => new BattlEyeServer("x", utf8, { partSize: 0 })).toThrow(/partSize/);
    expect(() => new BattlEyeServer("x", utf8, { maxUnacked: 200 })).toThrow(/maxUnacked/);
    expect(() => new BattlEyeServer("x", utf8, { repeatWindow: 0 })).toThrow(/repeatWindow/);
    expect(() => answerPackets(0, new Uint8Array(256 * 4), 4)).toThrow(/255 parts/);
  });

  it("broadcasts to every logged-in peer and ignores repeated acknowledgements", () => {
    const server = new BattlEyeServer("pw", utf8);
    const login = encodePacket({ type: "login-request", password: utf8.encode("pw") });
    server.receive("a", login, 0);
    server.receive("b", login, 0);
    server.takeOutgoing();
    server.broadcast("hello", 0);
    expect(server.takeOutgoing().map((d) => d.peer)).toEqual(["a", "b"]);
    const ack = encodePacket({ type: "message", seq: 0, body: new Uint8Array() });
    server.receive("a", ack, 1);
    server.receive("a", ack, 1);
    expect(server.stats.ignored).toBe(1);
    expect(server.isLoggedIn("a")).toBe(true);
    server.drop("a");
    expect(server.isLoggedIn("a")).toBe(false);
  });
});
