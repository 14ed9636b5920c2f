/**
 * WebRconClient driven with the exact frames Rust sends and expects (docs/webrcon.md): the login
 * probe, Identifier matching, pushed messages, late answers, size caps, keep-alive and silence.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CoreEvent } from "../core.ts";
import { RconLocalError } from "../errors.ts";
import { WebRconClient, type WebRconClientOptions } from "./client.ts";
import { MAX_IDENTIFIER } from "./message.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (unit: Uint8Array) => new TextDecoder().decode(unit);
/** A message as Rust's serialiser writes it: Message first, Identifier after. */
const reply = (identifier: number, message: string, type = "Generic") =>
  bytes(`{"Message":${JSON.stringify(message)},"Identifier":${identifier},"Type":"${type}","Stacktrace":""}`);

function drain(client: WebRconClient): CoreEvent[] {
  const out: CoreEvent[] = [];
  for (let e = client.nextEvent(); e; e = client.nextEvent()) out.push(e);
  return out;
}

function ready(options: WebRconClientOptions = {}, now = 0): WebRconClient {
  const client = new WebRconClient(options);
  client.login("secret", now);
  expect(client.takeOutgoing(now).map(text)).toEqual([
    '{"Identifier":1,"Message":"serverinfo","Name":"WebRcon"}',
  ]);
  client.receive(reply(1, '{"Hostname":"x"}'), now);
  expect(drain(client)).toEqual([{ type: "logged-in" }]);
  return client;
}

describe("WebRconClient login", () => {
  it("sends the probe command (never the password, which is in the URL) and is ready at its answer", () => {
    const client = new WebRconClient();
    expect(client.state).toBe("idle");
    client.login("secret", 0);
    expect(client.state).toBe("logging-in");
    const [frame] = client.takeOutgoing(0);
    expect(text(frame!)).not.toContain("secret");
    // A console line pushed before the answer is a push, and the login still waits.
    client.receive(reply(0, "Saving complete"), 5);
    expect(drain(client)).toEqual([{ type: "pushed", text: "Saving complete", channel: "Generic" }]);
    expect(client.state).toBe("logging-in");
    client.receive(reply(1, "{}"), 10);
    expect(drain(client)).toEqual([{ type: "logged-in" }]);
    expect(client.state).toBe("ready");
  });

  it("is dead when the probe is never answered within the login time", () => {
    const client = new WebRconClient({ loginTimeoutMs: 2000 });
    client.login("pw", 100);
    expect(client.nextDeadline()).toBe(2100);
    client.handleTimeout(2099);
    expect(drain(client)).toEqual([]);
    client.handleTimeout(2100);
    expect(drain(client)).toEqual([
      { type: "dead", reason: "no answer to the login command within 2000 ms" },
    ]);
    expect(client.nextDeadline()).toBeNull();
  });

  it("refuses commands before the login and a second login", () => {
    const client = new WebRconClient();
    expect(() => client.command({ text: "status", timeoutMs: 1000 }, 0)).toThrow(RconLocalError);
    client.login("pw", 0);
    expect(() => client.login("pw", 0)).toThrow(/cannot log in/);
  });
});

describe("WebRconClient commands", () => {
  it("encodes a command as Rust expects and matches answers by Identifier, in any order", () => {
    const client = ready();
    const a = client.command({ text: "playerlist", timeoutMs: 5000 }, 100);
    const b = client.command({ text: 'say "hi there"', timeoutMs: 5000 }, 100);
    expect(client.takeOutgoing(100).map(text)).toEqual([
      '{"Identifier":2,"Message":"playerlist","Name":"WebRcon"}',
      '{"Identifier":3,"Message":"say \\"hi there\\"","Name":"WebRcon"}',
    ]);
    client.receive(reply(b, ""), 130);
    client.receive(reply(a, "[]"), 160);
    expect(drain(client)).toEqual([
      { type: "answer", id: b, text: "", latencyMs: 30 },
      { type: "answer", id: a, text: "[]", latencyMs: 60 },
    ]);
  });

  it("pushes messages with Identifier 0 or -1 and ids it never used, with the Type as channel", () => {
    const client = ready();
    client.receive(reply(0, "[CHAT] x", "Chat"), 1);
    client.receive(reply(-1, "Saved 12,000 ents", "Log"), 2);
    client.receive(reply(777, "someone else's answer", "Warning"), 3);
    expect(drain(client)).toEqual([
      { type: "pushed", text: "[CHAT] x", channel: "Chat" },
      { type: "pushed", text: "Saved 12,000 ents", channel: "Log" },
      { type: "pushed", text: "someone else's answer", channel: "Warning" },
    ]);
  });

  it("reads a message without a Type as Generic", () => {
    const client = ready();
    client.receive(bytes('{"Identifier":0,"Message":"plain"}'), 1);
    expect(drain(client)).toEqual([{ type: "pushed", text: "plain", channel: "Generic" }]);
  });

  it("fails a command whose answer is of Type Error (remote-error)", () => {
    const client = ready();
    const id = client.command({ text: "banid nope", timeoutMs: 5000 }, 0);
    client.receive(reply(id, "Invalid SteamID", "Error"), 1);
    expect(drain(client)).toEqual([
      { type: "command-failed", id, code: "remote-error", detail: "Invalid SteamID" },
    ]);
  });

  it("times a command out, and drops its answer arriving afterwards as late (never a pushed line)", () => {
    const client = ready();
    const id = client.command({ text: "slow", timeoutMs: 1000 }, 0);
    expect(client.nextDeadline()).toBe(1000);
    client.handleTimeout(1000);
    expect(drain(client)).toEqual([
      { type: "command-failed", id, code: "timeout", detail: "no answer within the time limit" },
    ]);
    client.receive(reply(id, "finally"), 1500);
    expect(drain(client)).toEqual([{ type: "dropped", reason: "late", error: null, fatal: false }]);
  });

  it("forgets a cancelled command: its answer is late, no event about it", () => {
    const client = ready();
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    client.cancel(id);
    client.handleTimeout(5000);
    client.receive(reply(id, "ok"), 5001);
    expect(drain(client)).toEqual([{ type: "dropped", reason: "late", error: null, fatal: false }]);
  });

  it("wraps Identifiers below 2^31 and skips ids still waiting", () => {
    const client = ready({ maxPending: 1000 });
    const ids: number[] = [];
    // Walk the counter to the top quickly through the private field, as a long session would.
    (client as unknown as { nextId: number }).nextId = MAX_IDENTIFIER - 1;
    ids.push(client.command({ text: "a", timeoutMs: 10_000 }, 0));
    ids.push(client.command({ text: "b", timeoutMs: 10_000 }, 0));
    ids.push(client.command({ text: "c", timeoutMs: 10_000 }, 0));
    expect(ids).toEqual([MAX_IDENTIFIER - 1, MAX_IDENTIFIER, 1]);
    const frames = client.takeOutgoing(0).map((f) => JSON.parse(text(f)) as { Identifier: number });
    expect(frames.map((f) => f.Identifier)).toEqual(ids);
  });

  it("refuses more than maxPending commands waiting, and line breaks that would split a command", () => {
    const client = ready({ maxPending: 2 });
    client.command({ text: "a", timeoutMs: 1000 }, 0);
    client.command({ text: "b", timeoutMs: 1000 }, 0);
    expect(() => client.command({ text: "c", timeoutMs: 1000 }, 0)).toThrow(
      expect.objectContaining({ code: "TOO_MANY_IN_FLIGHT" }),
    );
    const roomy = ready();
    expect(() => roomy.command({ text: "say hi\nquit", timeoutMs: 1000 }, 0)).toThrow(
      expect.objectContaining({ code: "UNSAFE_ARGUMENT" }),
    );
    expect(() => roomy.command({ text: "x".repeat(70_000), timeoutMs: 1000 }, 0)).toThrow(
      expect.objectContaining({ code: "TOO_LARGE" }),
    );
  });

  it("close fails every waiting command once and returns their ids", () => {
    const client = ready();
    const a = client.command({ text: "a", timeoutMs: 1000 }, 0);
    const b = client.command({ text: "b", timeoutMs: 1000 }, 0);
    expect(client.close()).toEqual([a, b]);
    expect(drain(client)).toEqual([
      { type: "command-failed", id: a, code: "closed", detail: "the session was closed" },
      { type: "command-failed", id: b, code: "closed", detail: "the session was closed" },
    ]);
    expect(client.state).toBe("closed");
    expect(client.close()).toEqual([]);
    client.receive(reply(a, "late"), 1);
    expect(drain(client)).toEqual([]);
  });
});

describe("WebRconClient hostile input", () => {
  it("drops frames that are not WebRCON messages, and the session carries on", () => {
    const client = ready();
    const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
    for (const frame of [
      "not json",
      "[1,2]",
      "null",
      '{"Identifier":"1","Message":"x"}',
      '{"Identifier":1.5,"Message":"x"}',
      '{"Identifier":2}',
      "\u00ff\u00fe",
    ]) {
      client.receive(bytes(frame), 1);
    }
    const events = drain(client);
    expect(events).toHaveLength(7);
    expect(events.every((e) => e.type === "dropped" && e.reason === "malformed" && !e.fatal)).toBe(true);
    client.receive(reply(id, "ok"), 2);
    expect(drain(client)).toEqual([{ type: "answer", id, text: "ok", latencyMs: 2 }]);
  });

  it("fails a command whose answer is over the size cap (too-large), reading its Identifier from the tail only", () => {
    const client = ready({ maxMessageBytes: 1000 });
    const id = client.command({ text: "playerlist", timeoutMs: 1000 }, 0);
    client.receive(reply(id, "x".repeat(5000)), 1);
    const events = drain(client);
    expect(events[0]).toEqual({
      type: "command-failed",
      id,
      code: "too-large",
      detail: expect.stringContaining("over the 1000-byte limit") as string,
    });
    expect(events[1]).toMatchObject({
      type: "dropped",
      reason: "malformed",
      error: { code: "FRAME_TOO_LARGE" },
    });
    // An oversized push just goes.
    client.receive(reply(0, "y".repeat(5000)), 2);
    expect(drain(client)).toMatchObject([{ type: "dropped", reason: "malformed" }]);
  });

  it("never throws on arbitrary bytes and never reports an answer for a command it did not send", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (frames) => {
        const client = ready();
        const id = client.command({ text: "status", timeoutMs: 1000 }, 0);
        for (const frame of frames) client.receive(frame, 1);
        for (const event of drain(client)) {
          if (event.type === "answer" || event.type === "command-failed") expect(event.id).toBe(id);
        }
      }),
    );
  });
});

describe("WebRconClient keep-alive and silence", () => {
  it("sends the probe command after keepAliveIdleMs without sending, and swallows its answer", () => {
    const client = ready({ keepAliveIdleMs: 30_000, deadAfterMs: 90_000 });
    expect(client.nextDeadline()).toBe(30_000);
    client.handleTimeout(30_000);
    const [frame] = client.takeOutgoing(30_000);
    expect(JSON.parse(text(frame!))).toEqual({ Identifier: 2, Message: "serverinfo", Name: "WebRcon" });
    // While it waits, no second keep-alive: the next deadline is the silence limit.
    expect(client.nextDeadline()).toBe(90_000);
    client.receive(reply(2, "{}"), 30_050);
    expect(drain(client)).toEqual([]);
    expect(client.nextDeadline()).toBe(60_000);
  });

  it("a command counts as sending: no keep-alive while commands flow", () => {
    const client = ready({ keepAliveIdleMs: 30_000 });
    client.command({ text: "status", timeoutMs: 1000 }, 20_000);
    client.takeOutgoing(20_000);
    client.receive(reply(2, "ok"), 20_010);
    drain(client);
    client.handleTimeout(30_000);
    expect(client.takeOutgoing(30_000)).toEqual([]);
    expect(client.nextDeadline()).toBe(50_000);
  });

  it("is dead after deadAfterMs without hearing anything, even with the keep-alive sent", () => {
    const client = ready({ keepAliveIdleMs: 30_000, deadAfterMs: 90_000 });
    client.handleTimeout(30_000);
    client.takeOutgoing(30_000);
    client.handleTimeout(89_999);
    expect(drain(client)).toEqual([]);
    client.handleTimeout(90_000);
    expect(drain(client)).toEqual([{ type: "dead", reason: "no message from the server for 90 s" }]);
    expect(client.nextDeadline()).toBeNull();
  });

  it("any message, pushed ones included, is a sign of life", () => {
    const client = ready({ keepAliveIdleMs: 30_000, deadAfterMs: 90_000 });
    client.handleTimeout(30_000);
    client.receive(reply(0, "tick"), 80_000);
    client.handleTimeout(90_000);
    expect(drain(client)).toEqual([{ type: "pushed", text: "tick", channel: "Generic" }]);
    expect(client.nextDeadline()).toBe(170_000);
  });
});

describe("WebRconClient edges", () => {
  it("skips an Identifier still waiting when the counter wraps", () => {
    const client = ready({ maxPending: 1000 });
    const waiting = client.command({ text: "slow", timeoutMs: 10_000 }, 0);
    expect(waiting).toBe(2);
    (client as unknown as { nextId: number }).nextId = MAX_IDENTIFIER;
    const ids = [0, 1, 2].map(() => client.command({ text: "x", timeoutMs: 10_000 }, 0));
    expect(ids).toEqual([MAX_IDENTIFIER, 1, 3]);
  });

  it("remembers a bounded number of ended commands: a very late answer becomes a pushed line", () => {
    const client = ready({ maxPending: 1000 });
    const first = client.command({ text: "a", timeoutMs: 10 }, 0);
    for (let i = 0; i < 300; i++) client.command({ text: "b", timeoutMs: 10 }, 0);
    client.handleTimeout(10);
    expect(drain(client).filter((e) => e.type === "command-failed")).toHaveLength(301);
    client.receive(reply(first, "ancient"), 20);
    expect(drain(client)).toEqual([{ type: "pushed", text: "ancient", channel: "Generic" }]);
  });

  it("an oversized message without a readable Identifier fails nothing, and the command still waits", () => {
    const client = ready({ maxMessageBytes: 100 });
    const id = client.command({ text: "a", timeoutMs: 1000 }, 0);
    client.receive(bytes(`{"Message":"${"z".repeat(500)}"}`), 1);
    expect(drain(client)).toMatchObject([{ type: "dropped", reason: "malformed" }]);
    client.receive(reply(id, "ok"), 2);
    expect(drain(client)).toEqual([{ type: "answer", id, text: "ok", latencyMs: 2 }]);
  });

  it("ignores cancel of an id that is not a waiting command, and input or timers when not running", () => {
    const client = ready();
    client.handleTimeout(30_000); // the keep-alive goes out
    client.takeOutgoing(30_000);
    client.cancel(2); // the keep-alive, not a command
    client.cancel(999);
    client.receive(reply(2, "{}"), 30_001);
    expect(drain(client)).toEqual([]);
    const idle = new WebRconClient();
    idle.receive(reply(0, "x"), 0);
    idle.handleTimeout(1_000_000);
    expect(drain(idle)).toEqual([]);
    expect(idle.nextDeadline()).toBeNull();
    client.close();
    client.handleTimeout(1_000_000);
    expect(client.nextDeadline()).toBeNull();
    expect(drain(client)).toEqual([]);
  });
});
