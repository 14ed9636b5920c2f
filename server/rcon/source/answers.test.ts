/**
 * Whole answers whatever the server does (docs/source-answers.md): every preset (dialect) against
 * scripted loopback servers that split at 4,096 bytes or send one large packet, and that echo the
 * end marker, echo it twice, answer it with an error text, ignore it, or echo it with a wrong id;
 * plus hostile servers whose answers never end. An answer is either whole and in order, or a
 * failure that says it is incomplete: never a truncated text passed off as the answer.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SOURCE_DIALECTS, type SourceDialect } from "../protocol/source/dialects/index.ts";
import { SourceFramer } from "../protocol/source/framer.ts";
import { decodePacket, encodePacket, PacketType } from "../protocol/source/packet.ts";
import { listenTcp, type TcpStream } from "../transport/tcp.ts";
import type { ConnectionOptions, RconConnection, RconEvent } from "../types.ts";
import { FakeClock } from "../testing/fake-clock.ts";
import { family } from "./index.ts";

const port = (server: ScriptedServer) => server.port;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const encoder = new TextEncoder();
const TRAILER = new Uint8Array([0, 1, 0, 0]);
/** ~13 kB with multi-byte characters, so 4,096-byte fragments cut inside characters. */
const LONG = Array.from({ length: 600 }, (_, i) => `line ${i}: Zoë «ünïcødé» ✓`).join("\n");

type MarkerReply =
  | "echo" // SRCDS: empty RESPONSE_VALUE, then the 00 01 00 00 trailer
  | "echo-twice" // Squad
  | "error-text" // Minecraft: "Unknown request 0"
  | "ignore" // Factorio, ARK
  | "wrong-id" // hostile: an echo and trailer carrying another id
  | "probe-only"; // hostile: echoes the first marker, then never again

interface Script {
  /** Body bytes per packet; Infinity: one packet whatever the size (CS2). */
  split: number;
  marker: MarkerReply;
  /** "endless": 300 full fragments at once; "drip": one full fragment each time the test calls drip(). */
  special?: (command: string) => "endless" | "drip" | null;
  /** After each answer (and drip), a pushed "sync" line: once the client shows it, it has read what came before. */
  sync?: boolean;
}

interface ScriptedServer {
  port: number;
  /** Sends one more fragment of the "drip" answer (then "sync" if asked for). */
  drip(): void;
}

/** A Source RCON server on loopback that logs in like the preset's game and answers as scripted. */
async function scriptedServer(dialect: SourceDialect, script: Script): Promise<ScriptedServer> {
  const streams = new Set<TcpStream>();
  let drip = () => {};
  const listener = await listenTcp("127.0.0.1", 0, (stream) => {
    streams.add(stream);
    const framer = new SourceFramer(1 << 20);
    let markers = 0;
    const send = (id: number, type: number, body: Uint8Array) =>
      stream.write([encodePacket({ id, type, body }, Infinity)]);
    const answer = (id: number, text: string) => {
      const bytes = encoder.encode(text);
      if (bytes.length <= script.split) return send(id, PacketType.RESPONSE_VALUE, bytes);
      for (let at = 0; at < bytes.length; at += script.split)
        send(id, PacketType.RESPONSE_VALUE, bytes.subarray(at, at + script.split));
    };
    const fragment = new Uint8Array(4096).fill(0x78);
    return {
      onData(bytes) {
        framer.push(bytes);
        for (let frame = framer.nextFrame(); frame; frame = framer.nextFrame()) {
          const packet = decodePacket(frame, Infinity);
          const text = new TextDecoder().decode(packet.body);
          if (packet.type === PacketType.AUTH) {
            if (dialect.server.authReply === "srcds")
              send(packet.id, PacketType.RESPONSE_VALUE, new Uint8Array());
            send(packet.id, PacketType.AUTH_RESPONSE, new Uint8Array());
          } else if (packet.type === PacketType.EXECCOMMAND) {
            const special = script.special?.(text) ?? null;
            if (special === "endless")
              for (let i = 0; i < 300; i++) send(packet.id, PacketType.RESPONSE_VALUE, fragment);
            else if (special === "drip") {
              const id = packet.id;
              drip = () => {
                send(id, PacketType.RESPONSE_VALUE, fragment);
                if (script.sync) send(0, PacketType.RESPONSE_VALUE, encoder.encode("sync"));
              };
              drip();
            } else {
              answer(packet.id, text === "long" ? LONG : `=${text}`);
              if (script.sync) send(0, PacketType.RESPONSE_VALUE, encoder.encode("sync"));
            }
          } else if (packet.type === PacketType.RESPONSE_VALUE) {
            markers++;
            const empty = new Uint8Array();
            switch (script.marker) {
              case "echo":
                send(packet.id, PacketType.RESPONSE_VALUE, empty);
                send(packet.id, PacketType.RESPONSE_VALUE, TRAILER);
                break;
              case "echo-twice":
                send(packet.id, PacketType.RESPONSE_VALUE, empty);
                send(packet.id, PacketType.RESPONSE_VALUE, empty);
                send(packet.id, PacketType.RESPONSE_VALUE, TRAILER);
                break;
              case "error-text":
                send(packet.id, PacketType.RESPONSE_VALUE, encoder.encode("Unknown request 0"));
                break;
              case "wrong-id":
                send(packet.id + 1000, PacketType.RESPONSE_VALUE, empty);
                send(packet.id + 1000, PacketType.RESPONSE_VALUE, TRAILER);
                break;
              case "probe-only":
                if (markers === 1) send(packet.id, PacketType.RESPONSE_VALUE, empty);
                break;
              case "ignore":
                break;
            }
          }
        }
      },
      onClose() {
        streams.delete(stream);
      },
    };
  });
  cleanups.push(async () => {
    for (const stream of streams) stream.destroy();
    await listener.close();
  });
  return { port: listener.port, drip: () => drip() };
}

/** Waits until the client has shown the n-th "sync" line, i.e. has read everything sent before it. */
async function synced(events: RconEvent[], n: number): Promise<void> {
  await vi.waitFor(
    () =>
      expect(
        events.filter((e) => e.type === "server-message" && e.text === "sync").length,
      ).toBeGreaterThanOrEqual(n),
    { timeout: 5_000, interval: 2 },
  );
}

async function online(
  port: number,
  dialect: SourceDialect,
  options: Partial<ConnectionOptions> = {},
): Promise<{ connection: RconConnection; events: RconEvent[] }> {
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    password: "pw",
    dialect: dialect.id,
    reconnect: false,
    ...options,
  });
  const events: RconEvent[] = [];
  connection.on((event) => events.push(event));
  cleanups.push(() => connection.stop());
  connection.start();
  await vi.waitFor(() => expect(connection.status.state).toBe("online"), { timeout: 5_000, interval: 5 });
  return { connection, events };
}

const BEHAVIOURS: { name: string; script: Script }[] = [
  {
    name: "splits at 4,096 bytes and echoes the marker, then the trailer (SRCDS)",
    script: { split: 4096, marker: "echo" },
  },
  {
    name: "sends one packet over 4,096 bytes and echoes the marker",
    script: { split: Infinity, marker: "echo" },
  },
  {
    name: "sends one packet over 4,096 bytes and ignores the marker (CS2 as reported)",
    script: { split: Infinity, marker: "ignore" },
  },
  {
    name: "splits at 4,096 bytes and never answers the marker (Factorio)",
    script: { split: 4096, marker: "ignore" },
  },
  {
    name: 'splits and answers the marker with "Unknown request 0" (Minecraft)',
    script: { split: 4096, marker: "error-text" },
  },
  {
    name: "splits and echoes the marker twice, then the trailer (Squad)",
    script: { split: 4096, marker: "echo-twice" },
  },
  {
    name: "splits and echoes the marker with a wrong id (hostile)",
    script: { split: 4096, marker: "wrong-id" },
  },
];

describe("a Source answer arrives whole and in order, whatever the server does", () => {
  for (const dialect of SOURCE_DIALECTS) {
    describe(`preset ${dialect.id}`, () => {
      for (const { name, script } of BEHAVIOURS) {
        it(`a server that ${name}`, async () => {
          const { port } = await scriptedServer(dialect, script);
          const { connection, events } = await online(port, dialect);
          expect(await connection.command("long")).toBe(LONG);
          expect(await connection.command("short")).toBe("=short");
          // Pipelined where the preset allows it: each answer stays with its command.
          const answers = await Promise.all(
            ["a", "long", "b", "long"].map((text) => connection.command(text)),
          );
          expect(answers).toEqual(["=a", LONG, "=b", LONG]);
          // Neither a marker's reply nor its trailer ever shows up as a server message.
          expect(events.filter((e) => e.type === "server-message")).toEqual([]);
        });
      }

      it("a hostile server whose answer never ends: the command fails, later answers are intact", async () => {
        const { port } = await scriptedServer(dialect, {
          split: 4096,
          marker: "echo",
          special: (text) => (text === "endless" ? "endless" : null),
        });
        const { connection } = await online(port, dialect, { maxAnswerBytes: 64 * 1024 });
        await expect(connection.command("endless")).rejects.toThrow(/exceeds/);
        expect(await connection.command("short")).toBe("=short");
      });

      // Time is a FakeClock here: the deadline passes only once the client has read the parts.
      it("a server that stops answering markers mid-answer: the command fails as incomplete", async () => {
        const clock = new FakeClock();
        const { port } = await scriptedServer(dialect, { split: 4096, marker: "probe-only", sync: true });
        const { connection, events } = await online(port, dialect, { clock, commandTimeoutMs: 600 });
        const answer = connection.command("long");
        await synced(events, 1);
        clock.advance(600);
        await expect(answer).rejects.toThrow(/answer to "long" is incomplete/);
      });

      it("a server that ignores markers and streams an answer for ever: the command fails as incomplete", async () => {
        const clock = new FakeClock();
        const server = await scriptedServer(dialect, {
          split: 4096,
          marker: "ignore",
          sync: true,
          special: (text) => (text === "drip" ? "drip" : null),
        });
        const { connection, events } = await online(port(server), dialect, { clock, commandTimeoutMs: 600 });
        const answer = connection.command("drip");
        let outcome: string | null = null;
        answer.then(
          () => (outcome = "answered"),
          (error: Error) => (outcome = error.message),
        );
        // A full fragment every 100 ms: never quiet for 150 ms, so the answer may go on.
        for (let n = 1; n <= 5; n++) {
          await synced(events, n);
          clock.advance(100);
          server.drip();
        }
        await synced(events, 6);
        expect(outcome).toBeNull();
        clock.advance(100);
        await expect(answer).rejects.toThrow(/answer to "drip" is incomplete/);
      });
    });
  }
});
