/**
 * The Quake 3 client core as a ClientCore, against the Sans-IO server role in memory with a manual
 * clock: login by probe, refusals and silence, re-sends only for read-only commands, the
 * silent-requests rule, cancel and close, and getstatus/getinfo as extras before login.
 */
import { describe, expect, it } from "vitest";
import { InvalidStateError, RconLocalError } from "../errors.ts";
import type { CoreEvent } from "../core.ts";
import { Quake3Client, type QueryResult } from "./client.ts";
import { IOQ3_PROFILE } from "./dialects/ioq3.ts";
import { Pacer } from "./pacing.ts";
import { Quake3Server } from "./server.ts";
import { LATIN1 } from "./test-helpers.ts";

const PASSWORD = "secret";

function makeClient(maxSilentRequests?: number) {
  return new Quake3Client({
    codec: LATIN1,
    pacer: new Pacer({ kind: "none" }),
    quietMs: 40,
    probeCommand: "",
    loginTimeoutMs: 500,
    readOnlyCommands: ["status"],
    ...(maxSilentRequests === undefined ? {} : { maxSilentRequests }),
  });
}

/** Client and server in memory; `answering` false models a server that went away. */
class Pair {
  now = 1_000;
  answering = true;
  readonly events: CoreEvent[] = [];
  readonly queries: QueryResult[] = [];
  readonly sent: string[] = [];
  readonly server = new Quake3Server(IOQ3_PROFILE.server, PASSWORD, {
    executeRcon: (command, print) => print(`ran ${command}\n`),
    statusInfo: () => ({ info: { sv_hostname: "x", mapname: "q3dm17" }, players: [] }),
    info: () => ({ hostname: "x", clients: "0" }),
  });
  constructor(readonly client: Quake3Client) {}

  run(limitMs = 60_000): void {
    const end = this.now + limitMs;
    while (this.now < end) {
      for (const bytes of this.client.takeOutgoing(this.now)) {
        this.sent.push(LATIN1.decode(bytes.subarray(4)));
        if (!this.answering) continue;
        this.server.receive(bytes, { address: "127.0.0.1", port: 5555 }, this.now);
        for (const out of this.server.takeOutgoing()) this.client.receive(out.bytes, this.now);
      }
      for (let e = this.client.nextEvent(); e; e = this.client.nextEvent()) this.events.push(e);
      for (let q = this.client.nextQueryResult(); q; q = this.client.nextQueryResult()) this.queries.push(q);
      const deadline = this.client.nextDeadline();
      if (deadline === null) return;
      this.now = Math.max(this.now + 1, deadline);
      this.client.handleTimeout(this.now);
    }
  }

  loggedIn(): this {
    this.client.login(PASSWORD);
    this.run();
    expect(this.events.splice(0)).toEqual([{ type: "logged-in" }]);
    return this;
  }
}

describe("Quake3Client (ClientCore)", () => {
  it("logs in with the probe command, then answers commands with their latency", () => {
    const pair = new Pair(makeClient());
    expect(pair.client.state).toBe("idle");
    pair.loggedIn();
    expect(pair.client.state).toBe("ready");
    expect(pair.sent).toEqual([`rcon ${PASSWORD}`]);
    const id = pair.client.command({ text: "echo hi", timeoutMs: 1000 });
    pair.run();
    expect(pair.events).toEqual([
      expect.objectContaining({
        type: "answer",
        id,
        text: "ran echo hi\n",
        latencyMs: 40,
        datagrams: 1,
        truncated: false,
      }),
    ]);
  });

  it("a wrong password is login-refused in the server's words, and the core closes", () => {
    const pair = new Pair(makeClient());
    pair.server.setPassword("other");
    pair.client.login(PASSWORD);
    pair.run();
    expect(pair.events).toEqual([
      {
        type: "login-refused",
        reason: 'login refused: wrong rcon password (the server said "Bad rconpassword.")',
      },
    ]);
    expect(pair.client.state).toBe("closed");
  });

  it("a server without an rcon password is login-refused as rcon disabled", () => {
    const pair = new Pair(makeClient());
    pair.server.setPassword("");
    pair.client.login(PASSWORD);
    pair.run();
    expect(pair.events).toEqual([
      {
        type: "login-refused",
        reason: 'rcon is disabled on the server (it said "No rconpassword set on the server.")',
      },
    ]);
  });

  it("a login without any answer is dead after the probe was sent twice", () => {
    const pair = new Pair(makeClient());
    pair.answering = false;
    pair.client.login(PASSWORD);
    pair.run();
    expect(pair.events).toEqual([{ type: "dead", reason: "no answer to the rcon probe after 2 sends" }]);
    expect(pair.sent).toHaveLength(2);
  });

  it("refuses a password the protocol cannot carry and a multi-line command before sending anything", () => {
    expect(() => makeClient().login("two words")).toThrow(RconLocalError);
    const pair = new Pair(makeClient()).loggedIn();
    expect(() => pair.client.command({ text: "say a\nquit", timeoutMs: 100 })).toThrow(/one line/);
    expect(() => makeClient().command({ text: "status", timeoutMs: 100 })).toThrow(InvalidStateError);
  });

  it("re-sends an unanswered read-only command once, never a command that changes state", () => {
    const pair = new Pair(makeClient()).loggedIn();
    pair.answering = false;
    pair.sent.length = 0;
    const status = pair.client.command({ text: "status", timeoutMs: 100 });
    const kick = pair.client.command({ text: "kick 1", timeoutMs: 100 });
    pair.run();
    expect(pair.sent).toEqual([
      `rcon ${PASSWORD} status`,
      `rcon ${PASSWORD} status`,
      `rcon ${PASSWORD} kick 1`,
    ]);
    expect(pair.events).toEqual([
      { type: "command-failed", id: status, code: "timeout", detail: "no answer after 2 sends" },
      {
        type: "command-failed",
        id: kick,
        code: "timeout",
        detail: "no answer (not re-sent: it may have run)",
      },
    ]);
    expect(pair.client.state).toBe("ready");
  });

  it("the caller's idempotent flag overrides the read-only list", () => {
    const pair = new Pair(makeClient()).loggedIn();
    pair.answering = false;
    pair.sent.length = 0;
    pair.client.command({ text: "kick 1", timeoutMs: 100, idempotent: true });
    pair.client.command({ text: "status", timeoutMs: 100, idempotent: false });
    pair.run();
    expect(pair.sent).toEqual([
      `rcon ${PASSWORD} kick 1`,
      `rcon ${PASSWORD} kick 1`,
      `rcon ${PASSWORD} status`,
    ]);
  });

  it("several requests in a row without an answer mean dead; an answer in between resets the count", () => {
    const pair = new Pair(makeClient(2)).loggedIn();
    pair.answering = false;
    pair.client.command({ text: "kick 1", timeoutMs: 100 });
    pair.run();
    pair.answering = true;
    pair.client.command({ text: "echo back", timeoutMs: 100 });
    pair.run();
    pair.answering = false;
    pair.client.command({ text: "kick 2", timeoutMs: 100 });
    pair.run();
    expect(pair.client.state).toBe("ready");
    pair.client.command({ text: "kick 3", timeoutMs: 100 });
    const queued = pair.client.command({ text: "kick 4", timeoutMs: 100 });
    pair.run();
    expect(pair.events.slice(-3)).toEqual([
      expect.objectContaining({ type: "command-failed", code: "timeout" }),
      { type: "dead", reason: "no answer to 2 requests in a row" },
      { type: "command-failed", id: queued, code: "closed", detail: "the client closed" },
    ]);
    expect(pair.client.state).toBe("closed");
  });

  it("a password that stops working is login-refused even after login", () => {
    const pair = new Pair(makeClient()).loggedIn();
    pair.server.setPassword("changed");
    pair.client.command({ text: "status", timeoutMs: 1000 });
    pair.run();
    expect(pair.events).toEqual([expect.objectContaining({ type: "login-refused" })]);
    expect(pair.client.state).toBe("closed");
  });

  it("cancel: a queued command is never sent, one on the wire is finished silently", () => {
    const pair = new Pair(makeClient()).loggedIn();
    pair.sent.length = 0;
    const onWire = pair.client.command({ text: "echo a", timeoutMs: 1000 });
    pair.client.takeOutgoing(pair.now).forEach((bytes) => {
      pair.server.receive(bytes, { address: "127.0.0.1", port: 5555 }, pair.now);
      for (const out of pair.server.takeOutgoing()) pair.client.receive(out.bytes, pair.now);
    });
    const queued = pair.client.command({ text: "echo b", timeoutMs: 1000 });
    pair.client.cancel(onWire);
    pair.client.cancel(queued);
    pair.client.cancel(12345); // unknown: nothing happens
    const after = pair.client.command({ text: "echo c", timeoutMs: 1000 });
    pair.run();
    expect(pair.events).toEqual([
      expect.objectContaining({ type: "answer", id: after, text: "ran echo c\n" }),
    ]);
    expect(pair.sent).toEqual([`rcon ${PASSWORD} echo c`]);
  });

  it("close fails every pending command once and ends all output", () => {
    const pair = new Pair(makeClient()).loggedIn();
    const a = pair.client.command({ text: "echo a", timeoutMs: 1000 });
    const b = pair.client.command({ text: "echo b", timeoutMs: 1000 });
    expect(pair.client.close()).toEqual([a, b]);
    expect(pair.client.close()).toEqual([]);
    expect(pair.client.nextEvent()).toEqual({
      type: "command-failed",
      id: a,
      code: "closed",
      detail: "the client closed",
    });
    expect(pair.client.nextEvent()).toEqual({
      type: "command-failed",
      id: b,
      code: "closed",
      detail: "the client closed",
    });
    expect(pair.client.takeOutgoing(pair.now)).toEqual([]);
    expect(pair.client.nextDeadline()).toBeNull();
    pair.client.handleTimeout(pair.now + 10_000);
    pair.client.receive(new Uint8Array([0xff, 0xff, 0xff, 0xff]), pair.now);
    expect(pair.client.nextEvent()).toBeNull();
  });

  it("queries need no password: getstatus and getinfo before login, results apart from the events", () => {
    const pair = new Pair(makeClient());
    const status = pair.client.query("getstatus", 500);
    const info = pair.client.query("getinfo", 500);
    pair.run();
    expect(pair.events).toEqual([]);
    expect(pair.queries).toEqual([
      expect.objectContaining({ type: "status", id: status }),
      expect.objectContaining({
        type: "info",
        id: info,
        info: expect.objectContaining({ hostname: "x" }) as object,
      }),
    ]);
    expect(pair.client.state).toBe("idle");
  });

  it("a cancelled query gets no result; closing gives a pending one its no-answer", () => {
    const pair = new Pair(makeClient());
    const cancelled = pair.client.query("getinfo", 500);
    const pending = pair.client.query("getstatus", 500);
    pair.client.cancel(cancelled);
    pair.client.close();
    expect(pair.client.nextQueryResult()).toEqual({ type: "no-answer", id: pending, sentAt: 0, attempts: 0 });
    expect(pair.client.nextQueryResult()).toBeNull();
  });

  it("malformed datagrams are dropped as such; stale ones are only counted", () => {
    const pair = new Pair(makeClient()).loggedIn();
    pair.client.receive(new Uint8Array([1, 2, 3]), pair.now);
    pair.client.receive(
      new Uint8Array([0xff, 0xff, 0xff, 0xff, ...LATIN1.encode("print\nlate\n")]),
      pair.now,
    );
    expect(pair.client.nextEvent()).toMatchObject({ type: "dropped", reason: "malformed", fatal: false });
    expect(pair.client.nextEvent()).toBeNull();
    expect(pair.client.staleDatagrams).toBe(1);
  });
});
