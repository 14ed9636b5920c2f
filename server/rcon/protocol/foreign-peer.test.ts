import { describe, expect, it } from "vitest";
import { utf8 } from "../testing/bytes.ts";
import {
  describeForeignPeer,
  FOREIGN_PREFIX_BYTES,
  growPrefix,
  guessForeignProtocol,
} from "./foreign-peer.ts";
import { SourceClient } from "./source/client.ts";
import { SOURCE_DIALECTS } from "./source/dialects/index.ts";
import { encodePacket, PacketType } from "./source/packet.ts";

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("foreign peers", () => {
  it.each([
    ["HTTP/1.1 400 Bad Request\r\n", "HTTP"],
    ["SSH-2.0-OpenSSH_9.6\r\n", "SSH"],
    ["RFB 003.008\n", "VNC"],
    ["\x16\x03\x01\x00", "TLS"],
    ["\x15\x03\x03\x00\x02", "TLS"],
    ["\xff\xff\xff\xffinfoResponse", "a Quake 3 or Source query server"],
    ["220 mail.example.com ESMTP\r\n", "a text protocol"],
    ["\x00\x01\x02\x03", null],
    ["", null],
    ["\x16", null],
    ["\x16\x01\x00", null],
  ])("guesses what %j is", (text, guess) => {
    expect(guessForeignProtocol(ascii(text))).toBe(guess);
  });

  it("words the status reason without the bytes themselves", () => {
    expect(describeForeignPeer(ascii("HTTP/1.1 400"))).toBe(
      "not an RCON server (it answered like HTTP); check the host and port",
    );
    expect(describeForeignPeer(ascii("\x00\x01"))).toBe(
      "not an RCON server (its answer is not RCON); check the host and port",
    );
    expect(describeForeignPeer(null)).toBe(
      "not an RCON server (its answer is not RCON); check the host and port",
    );
  });

  it("keeps only the first bytes", () => {
    let prefix: Uint8Array = new Uint8Array(0);
    prefix = growPrefix(prefix, ascii("HTTP/"));
    prefix = growPrefix(prefix, new Uint8Array(0));
    prefix = growPrefix(prefix, ascii("1.1 400 Bad Request\r\n"));
    expect(prefix).toEqual(ascii("HTTP/1.1 400 Bad Request").subarray(0, FOREIGN_PREFIX_BYTES));
    expect(growPrefix(prefix, ascii("more"))).toBe(prefix);
  });
});

describe("Source client facing another protocol", () => {
  const profile = SOURCE_DIALECTS.find((d) => d.id === "cs2")?.client ?? SOURCE_DIALECTS[0]?.client;
  if (!profile) throw new Error("no Source dialects");

  it("reports an HTTP answer to the login as NOT_RCON, not as a packet size", () => {
    const client = new SourceClient({ profile, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    client.receive(ascii("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"), 0);
    const event = client.nextEvent();
    expect(event).toMatchObject({
      type: "dropped",
      fatal: true,
      error: {
        code: "NOT_RCON",
        message: "not an RCON server (it answered like HTTP); check the host and port",
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/1347703880/);
    expect(client.state).toBe("closed");
  });

  it("recognises the protocol even when its first bytes arrive one by one", () => {
    const client = new SourceClient({ profile, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    for (const byte of ascii("SSH-2.0-x")) client.receive(Uint8Array.of(byte), 0);
    const event = client.nextEvent();
    expect(event).toMatchObject({ type: "dropped", error: { code: "NOT_RCON" } });
    expect(event?.type === "dropped" && event.error?.message).toMatch(/like SSH/);
  });

  it("after a valid packet, a bad size is a broken stream (FRAME_TOO_LARGE), not a foreign peer", () => {
    const client = new SourceClient({ profile, codec: utf8, loginTimeoutMs: 1000 });
    client.login("pw", 0);
    const authId = 1;
    client.receive(encodePacket({ id: authId, type: PacketType.AUTH_RESPONSE, body: new Uint8Array(0) }), 0);
    expect(client.nextEvent()).toEqual({ type: "logged-in" });
    client.receive(ascii("HTTP/1.1 400 Bad Request\r\n"), 0);
    expect(client.nextEvent()).toMatchObject({
      type: "dropped",
      fatal: true,
      error: { code: "FRAME_TOO_LARGE" },
    });
  });
});
