/**
 * SourceServerConnection on its own: the default request limit, a closed connection, fault injection,
 * answering a login that never came, and Minecraft's UTF-16 split at surrogate-pair boundaries.
 */
import { describe, expect, it } from "vitest";
import { RconLocalError, RconRemoteError } from "../errors.ts";
import { concatBytes, utf8 } from "../../testing/bytes.ts";
import { decodePacket, encodePacket, PacketType } from "./packet.ts";
import { SourceServerConnection, type SourceServerProfile } from "./server.ts";

const SRCDS_NO_LIMIT: SourceServerProfile = {
  authReply: "srcds",
  authFailure: "reply-and-close",
  execBeforeAuth: "empty",
  split: { unit: "bytes", size: 4096 },
  markerReply: "mirror",
};
const MINECRAFT_SPLIT: SourceServerProfile = {
  authReply: "single",
  authFailure: "reply-and-close",
  execBeforeAuth: "auth-failure",
  split: { unit: "utf16", size: 4096 },
  markerReply: "unknown-request",
};

function loggedIn(profile: SourceServerProfile): SourceServerConnection {
  const server = new SourceServerConnection(profile, utf8);
  server.receive(encodePacket({ id: 1, type: PacketType.AUTH, body: utf8.encode("pw") }));
  expect(server.nextEvent()).toEqual({ type: "auth", id: 1, password: "pw" });
  server.acceptAuth();
  server.takeOutgoing();
  return server;
}

function fragments(server: SourceServerConnection, id: number, text: string): string[] {
  server.receive(encodePacket({ id, type: PacketType.EXECCOMMAND, body: utf8.encode("cmd") }));
  expect(server.nextEvent()).toMatchObject({ type: "command", id });
  server.respond(id, text);
  return server.takeOutgoing().map((bytes) => utf8.decode(decodePacket(bytes, Infinity).body));
}

describe("SourceServerConnection limits and lifecycle", () => {
  it("without a profile limit it accepts SRCDS's largest request and closes on a larger one", () => {
    const server = loggedIn(SRCDS_NO_LIMIT);
    server.receive(
      encodePacket({ id: 2, type: PacketType.EXECCOMMAND, body: new Uint8Array(4096).fill(0x61) }),
    );
    expect(server.nextEvent()).toMatchObject({ type: "command", id: 2 });
    server.receive(
      encodePacket({ id: 3, type: PacketType.EXECCOMMAND, body: new Uint8Array(4097).fill(0x61) }),
    );
    const event = server.nextEvent();
    expect(event).toMatchObject({ type: "protocol-error", fatal: true });
    expect(event?.type === "protocol-error" && event.error).toBeInstanceOf(RconRemoteError);
    expect(server.closeRequested).toBe(true);
    expect(server.state).toBe("CLOSED");
  });

  it("once closed it reads nothing more and pushes nothing more", () => {
    const server = loggedIn(SRCDS_NO_LIMIT);
    server.requestClose();
    server.receive(encodePacket({ id: 2, type: PacketType.EXECCOMMAND, body: utf8.encode("status") }));
    expect(server.nextEvent()).toBeNull();
    server.push(0, 1, "chat after close");
    expect(server.takeOutgoing()).toEqual([]);
  });

  it("sends raw fault-injection bytes verbatim, in order with regular packets", () => {
    const server = loggedIn(SRCDS_NO_LIMIT);
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);
    server.push(0, 1, "chat");
    server.pushRaw(garbage);
    const [chat, raw] = server.takeOutgoing();
    expect(decodePacket(chat!)).toMatchObject({ id: 0, type: 1 });
    expect(raw).toBe(garbage);
  });

  it("answering a login that never arrived is the caller's mistake, not the peer's", () => {
    const server = new SourceServerConnection(SRCDS_NO_LIMIT, utf8);
    for (const answer of [() => server.acceptAuth(), () => server.rejectAuth()]) {
      let thrown: unknown;
      try {
        answer();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RconLocalError);
      expect(thrown).not.toBeInstanceOf(RconRemoteError);
      expect((thrown as RconLocalError).code).toBe("INVALID_STATE");
    }
    expect(server.takeOutgoing()).toEqual([]);
    expect(server.state).toBe("AWAITING_AUTH");
  });
});

describe("SourceServerConnection UTF-16 split (Minecraft)", () => {
  it("never cuts a surrogate pair: the fragment ends one unit early instead", () => {
    const text = `${"a".repeat(4095)}😀b`;
    const parts = fragments(loggedIn(MINECRAFT_SPLIT), 2, text);
    expect(parts.map((p) => p.length)).toEqual([4095, 3]);
    expect(parts.join("")).toBe(text);
    expect(parts.join("")).not.toContain("\ufffd");
  });

  it("a pair that ends exactly at the limit stays in the first fragment", () => {
    const text = `${"a".repeat(4094)}😀b`;
    const parts = fragments(loggedIn(MINECRAFT_SPLIT), 2, text);
    expect(parts.map((p) => p.length)).toEqual([4096, 1]);
    expect(parts.join("")).toBe(text);
  });

  it("characters above the surrogate range are cut like any other unit", () => {
    const text = `${"a".repeat(4095)}\uff38\uff38`; // full-width X: one UTF-16 unit, three UTF-8 bytes
    const parts = fragments(loggedIn(MINECRAFT_SPLIT), 2, text);
    expect(parts.map((p) => p.length)).toEqual([4096, 1]);
    expect(parts.join("")).toBe(text);
  });
});

describe("SourceServerConnection with requests pipelined behind a login", () => {
  const concat = (...parts: Uint8Array[]) => concatBytes(parts);
  const auth = (id: number, password: string) =>
    encodePacket({ id, type: PacketType.AUTH, body: utf8.encode(password) });
  const exec = (id: number, text: string) =>
    encodePacket({ id, type: PacketType.EXECCOMMAND, body: utf8.encode(text) });
  const replies = (server: SourceServerConnection) =>
    server
      .takeOutgoing()
      .map((bytes) => decodePacket(bytes, Infinity))
      .map((p) => [p.id, p.type]);

  it("two logins in one read are answered one at a time, each with its own id", () => {
    const server = new SourceServerConnection(SRCDS_NO_LIMIT, utf8);
    server.receive(concat(auth(1, "first"), auth(2, "second")));
    expect(server.nextEvent()).toEqual({ type: "auth", id: 1, password: "first" });
    expect(server.nextEvent()).toBeNull(); // the second waits for the first's answer
    server.acceptAuth();
    expect(replies(server)).toEqual([
      [1, PacketType.RESPONSE_VALUE],
      [1, PacketType.AUTH_RESPONSE],
    ]);
    expect(server.nextEvent()).toEqual({ type: "auth", id: 2, password: "second" });
    server.acceptAuth();
    expect(replies(server)).toEqual([
      [2, PacketType.RESPONSE_VALUE],
      [2, PacketType.AUTH_RESPONSE],
    ]);
  });

  it("a command sent right behind its login runs once the login is accepted, and never after a refusal", () => {
    const accepted = new SourceServerConnection(SRCDS_NO_LIMIT, utf8);
    accepted.receive(concat(auth(1, "pw"), exec(2, "status")));
    expect(accepted.nextEvent()).toMatchObject({ type: "auth", id: 1 });
    accepted.acceptAuth();
    expect(accepted.nextEvent()).toEqual({ type: "command", id: 2, text: "status" });

    const refused = new SourceServerConnection(SRCDS_NO_LIMIT, utf8);
    refused.receive(concat(auth(1, "wrong"), exec(2, "quit")));
    expect(refused.nextEvent()).toMatchObject({ type: "auth", id: 1 });
    refused.rejectAuth();
    expect(refused.nextEvent()).toBeNull();
    expect(replies(refused)).toEqual([
      [1, PacketType.RESPONSE_VALUE],
      [-1, PacketType.AUTH_RESPONSE],
    ]);
    expect(refused.closeRequested).toBe(true);
  });
});

describe("SourceServerConnection writes", () => {
  const kinds = (write: Uint8Array[]) =>
    write.map((bytes) => [decodePacket(bytes).id, decodePacket(bytes).type]);

  it("SRCDS's two login packets are two writes; what follows the AUTH_RESPONSE shares its write", () => {
    const server = new SourceServerConnection(SRCDS_NO_LIMIT, utf8);
    // A client that pipelines its first command behind the login.
    server.receive(
      concatBytes([
        encodePacket({ id: 7, type: PacketType.AUTH, body: utf8.encode("pw") }),
        encodePacket({ id: 8, type: PacketType.EXECCOMMAND, body: utf8.encode("status") }),
      ]),
    );
    expect(server.nextEvent()).toMatchObject({ type: "auth", id: 7 });
    server.acceptAuth();
    expect(server.nextEvent()).toMatchObject({ type: "command", id: 8 });
    server.respond(8, "hostname: x");
    expect(server.takeWrites().map(kinds)).toEqual([
      [[7, PacketType.RESPONSE_VALUE]],
      [
        [7, PacketType.AUTH_RESPONSE],
        [8, PacketType.RESPONSE_VALUE],
      ],
    ]);
    expect(server.takeWrites()).toEqual([]);
  });

  it("a refused login is two writes too; a single-packet login is one", () => {
    const refused = new SourceServerConnection(SRCDS_NO_LIMIT, utf8);
    refused.receive(encodePacket({ id: 3, type: PacketType.AUTH, body: utf8.encode("bad") }));
    refused.nextEvent();
    refused.rejectAuth();
    expect(refused.takeWrites().map(kinds)).toEqual([
      [[3, PacketType.RESPONSE_VALUE]],
      [[-1, PacketType.AUTH_RESPONSE]],
    ]);
    const minecraft = new SourceServerConnection(MINECRAFT_SPLIT, utf8);
    minecraft.receive(encodePacket({ id: 4, type: PacketType.AUTH, body: utf8.encode("pw") }));
    minecraft.nextEvent();
    minecraft.acceptAuth();
    expect(minecraft.takeWrites().map(kinds)).toEqual([[[4, PacketType.AUTH_RESPONSE]]]);
  });
});
