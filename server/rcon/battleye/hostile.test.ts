/**
 * The real BattlEye connection (UDP socket, timers) against a raw hostile server on loopback:
 * malformed datagrams and an answer whose parts outgrow the cap are reported as anomalies, fail
 * only what they concern, and never end the session.
 */
import { createSocket, type RemoteInfo } from "node:dgram";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodePacket, encodePacket } from "../protocol/battleye/packet.ts";
import type { RconEvent } from "../types.ts";
import { createBattlEyeConnection } from "./index.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Logs anyone in; answers "huge" with 10 parts of 1,000 bytes, anything else with "ok: <text>". */
async function hostileServer(): Promise<{ port: number; send(bytes: Uint8Array): void }> {
  const socket = createSocket("udp4");
  let peer: RemoteInfo | null = null;
  socket.on("message", (bytes, from) => {
    peer = from;
    const packet = decodePacket(new Uint8Array(bytes), "to-server");
    const reply = (p: Parameters<typeof encodePacket>[0]) =>
      socket.send(encodePacket(p), from.port, from.address);
    if (packet.type === "login-request") reply({ type: "login-reply", success: true });
    else if (packet.type === "command" && packet.body.length > 0) {
      const text = new TextDecoder().decode(packet.body);
      if (text === "huge")
        for (let index = 0; index < 10; index++)
          reply({
            type: "command-part",
            seq: packet.seq,
            total: 10,
            index,
            body: new Uint8Array(1_000).fill(65),
          });
      else reply({ type: "command", seq: packet.seq, body: new TextEncoder().encode(`ok: ${text}`) });
    } else if (packet.type === "command") reply({ type: "command", seq: packet.seq, body: new Uint8Array() });
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => socket.close(() => resolve(undefined))));
  return {
    port: socket.address().port,
    send: (bytes) => {
      if (peer) socket.send(bytes, peer.port, peer.address);
    },
  };
}

describe("BattlEye connection against a hostile server", () => {
  it("reports malformed datagrams and an oversized answer as anomalies and stays online", async () => {
    const server = await hostileServer();
    const connection = createBattlEyeConnection({
      host: "127.0.0.1",
      port: server.port,
      password: "pw",
      maxAnswerBytes: 4_000,
    });
    cleanups.push(() => connection.stop());
    const events: RconEvent[] = [];
    connection.on((e) => events.push(e));
    connection.start();
    await vi.waitFor(() => expect(connection.status.state).toBe("online"), { timeout: 5_000 });

    server.send(new Uint8Array([0x42, 0x45, 1, 2, 3, 4, 0xff, 9, 9])); // bad checksum
    server.send(new Uint8Array([1, 2, 3]));
    await expect(connection.command("hello")).resolves.toBe("ok: hello");
    expect(events.filter((e) => e.type === "anomaly")).toMatchObject([{ kind: "malformed" }]); // one a second at most

    await expect(connection.command("huge")).rejects.toMatchObject({
      code: "REJECTED",
      message: "answer exceeds 4000 bytes",
    });
    expect(events.filter((e) => e.type === "anomaly").map((e) => e.type === "anomaly" && e.kind)).toEqual([
      "malformed",
      "endless-answer",
    ]);
    await expect(connection.command("still")).resolves.toBe("ok: still");
    expect(connection.status.state).toBe("online");
  });
});
