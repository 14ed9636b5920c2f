/**
 * The server side of BattlEye RCon, Sans-IO, for the emulator and for in-memory pair tests
 * (berconpy's RCONServerProtocol, with its one gap closed: a repeated command is answered again
 * from a cache instead of being dropped, so a client whose answer was lost can still get it).
 *
 * Peers are opaque strings (the I/O layer uses "ip:port"). Only logged-in peers hold state:
 * - a repeated command (same sequence number, identical bytes, among the last `repeatWindow`
 *   sequence numbers) is answered from the cache and never reaches the application twice;
 * - answers longer than `partSize` bytes go out as parts with the 3-byte sub-header;
 * - each message is re-sent every `messageRetryMs` until acknowledged; after `messageAttempts`
 *   sends without an acknowledgement the peer is dropped (the spec's "5 times for 10 seconds");
 * - a peer that sent no command for `idleTimeoutMs` (45 s) is forgotten.
 */
import { RconLocalError } from "../errors.ts";
import type { TextCodec } from "../text.ts";
import { decodePacket, encodePacket, type Packet } from "./packet.ts";
import { EventQueue } from "../event-queue.ts";

export interface ServerTiming {
  partSize: number;
  messageRetryMs: number;
  messageAttempts: number;
  idleTimeoutMs: number;
  repeatWindow: number;
  /**
   * Messages in flight without acknowledgement; later ones wait. Kept well under 128 so that a
   * client's replay window (half the 8-bit sequence space) can always tell a re-send from a new one.
   */
  maxUnacked: number;
}

export const DEFAULT_SERVER_TIMING: ServerTiming = {
  partSize: 512,
  messageRetryMs: 2_000,
  messageAttempts: 5,
  idleTimeoutMs: 45_000,
  repeatWindow: 64,
  maxUnacked: 64,
};

export type ServerEvent =
  | { type: "login"; peer: string; success: boolean }
  | { type: "command"; peer: string; seq: number; text: string }
  | { type: "ack"; peer: string; seq: number }
  | { type: "peer-dropped"; peer: string; reason: "unacknowledged" | "idle" | "refused" };

export interface ServerDatagram {
  peer: string;
  bytes: Uint8Array;
}

export interface ServerStats {
  malformed: number;
  ignored: number;
  repeatedCommands: number;
  messageResends: number;
}

interface Unacked {
  bytes: Uint8Array;
  attempts: number;
  nextSendAt: number;
}

interface Recent {
  command: Uint8Array;
  answer: Uint8Array[] | null;
}

interface PeerState {
  lastCommandAt: number;
  nextMessageSeq: number;
  unacked: Map<number, Unacked>;
  /** Messages waiting because their sequence number is still taken by an unacknowledged one. */
  backlog: Uint8Array[];
  recent: Map<number, Recent>;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time comparison so the emulator does not leak the password through timing. */
function equalSecret(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}

/** Splits an answer into datagrams: one plain packet, or parts when long (or when it starts with 0x00). */
export function answerPackets(seq: number, body: Uint8Array, partSize: number): Uint8Array[] {
  if (body.length <= partSize && body[0] !== 0) return [encodePacket({ type: "command", seq, body })];
  const total = Math.max(1, Math.ceil(body.length / partSize));
  if (total > 255)
    throw new RconLocalError("TOO_LARGE", `answer of ${body.length} bytes needs more than 255 parts`);
  const packets: Uint8Array[] = [];
  for (let index = 0; index < total; index++) {
    const part = body.subarray(index * partSize, (index + 1) * partSize);
    packets.push(encodePacket({ type: "command-part", seq, total, index, body: part }));
  }
  return packets;
}

export class BattlEyeServer {
  private readonly timing: ServerTiming;
  private readonly password: Uint8Array;
  private readonly peers = new Map<string, PeerState>();
  private readonly events = new EventQueue<ServerEvent>();
  private outgoing: ServerDatagram[] = [];
  readonly stats: ServerStats = { malformed: 0, ignored: 0, repeatedCommands: 0, messageResends: 0 };

  constructor(
    password: string,
    private readonly codec: TextCodec,
    timing: Partial<ServerTiming> = {},
  ) {
    this.timing = { ...DEFAULT_SERVER_TIMING, ...timing };
    if (this.timing.partSize < 1 || this.timing.partSize > 65_000) {
      throw new RconLocalError("INVALID_ARGUMENT", "partSize must be 1..65000");
    }
    if (this.timing.maxUnacked < 1 || this.timing.maxUnacked > 127) {
      throw new RconLocalError("INVALID_ARGUMENT", "maxUnacked must be 1..127");
    }
    if (this.timing.repeatWindow < 1 || this.timing.repeatWindow > 255) {
      throw new RconLocalError("INVALID_ARGUMENT", "repeatWindow must be 1..255");
    }
    this.password = codec.encode(password);
  }

  isLoggedIn(peer: string): boolean {
    return this.peers.has(peer);
  }

  loggedInPeers(): string[] {
    return [...this.peers.keys()];
  }

  /** Feeds one datagram from `peer`. Throws RconRemoteError for malformed ones (already counted). */
  receive(peer: string, bytes: Uint8Array, now: number): void {
    let packet: Packet;
    try {
      packet = decodePacket(bytes, "to-server");
    } catch (error) {
      this.stats.malformed++;
      throw error;
    }
    const state = this.peers.get(peer);
    if (packet.type === "login-request") {
      const success = equalSecret(packet.password, this.password);
      this.outgoing.push({ peer, bytes: encodePacket({ type: "login-reply", success }) });
      if (state && success) return; // a repeated login (its first answer was lost): answered, nothing new
      if (state) {
        this.peers.delete(peer);
        this.events.push({ type: "peer-dropped", peer, reason: "refused" });
      }
      if (success) {
        this.peers.set(peer, {
          lastCommandAt: now,
          nextMessageSeq: 0,
          unacked: new Map(),
          backlog: [],
          recent: new Map(),
        });
      }
      this.events.push({ type: "login", peer, success });
      return;
    }
    if (!state) {
      this.stats.ignored++; // not logged in: a real server does not answer either
      return;
    }
    if (packet.type === "command") {
      state.lastCommandAt = now;
      this.receiveCommand(peer, state, packet.seq, packet.body);
    } else if (packet.type === "message") {
      if (state.unacked.delete(packet.seq)) {
        this.events.push({ type: "ack", peer, seq: packet.seq });
        this.flushBacklog(peer, state, now);
      } else {
        this.stats.ignored++; // a repeated acknowledgement
      }
    } else {
      this.stats.ignored++;
    }
  }

  private receiveCommand(peer: string, state: PeerState, seq: number, body: Uint8Array): void {
    const recent = state.recent.get(seq);
    if (recent && sameBytes(recent.command, body)) {
      this.stats.repeatedCommands++;
      if (recent.answer) for (const bytes of recent.answer) this.outgoing.push({ peer, bytes });
      return;
    }
    state.recent.delete(seq);
    state.recent.set(seq, { command: body, answer: null });
    if (state.recent.size > this.timing.repeatWindow) {
      const oldest = state.recent.keys().next().value;
      if (oldest !== undefined) state.recent.delete(oldest);
    }
    if (body.length === 0) {
      this.respond(peer, seq, ""); // keep-alive: answered here, the application never sees it
      return;
    }
    this.events.push({ type: "command", peer, seq, text: this.codec.decode(body) });
  }

  /** Answers command `seq` of `peer`. Ignored when the peer is gone or the command was not asked. */
  respond(peer: string, seq: number, text: string): void {
    const recent = this.peers.get(peer)?.recent.get(seq);
    if (!recent) return;
    recent.answer = answerPackets(seq, this.codec.encode(text), this.timing.partSize);
    for (const bytes of recent.answer) this.outgoing.push({ peer, bytes });
  }

  /**
   * Sends a server message to one logged-in peer. Beyond `maxUnacked` unacknowledged messages, the
   * rest wait in order (so a sequence number is never reused while the client may still see re-sends).
   */
  sendMessage(peer: string, text: string, now: number): void {
    const state = this.peers.get(peer);
    if (!state) return;
    state.backlog.push(this.codec.encode(text));
    this.flushBacklog(peer, state, now);
  }

  private flushBacklog(peer: string, state: PeerState, now: number): void {
    while (state.backlog.length > 0 && state.unacked.size < this.timing.maxUnacked) {
      const seq = state.nextMessageSeq;
      state.nextMessageSeq = (seq + 1) % 256;
      const bytes = encodePacket({ type: "message", seq, body: state.backlog.shift()! });
      state.unacked.set(seq, { bytes, attempts: 1, nextSendAt: now + this.timing.messageRetryMs });
      this.outgoing.push({ peer, bytes });
    }
  }

  broadcast(text: string, now: number): void {
    for (const peer of this.peers.keys()) this.sendMessage(peer, text, now);
  }

  drop(peer: string): void {
    this.peers.delete(peer);
  }

  takeOutgoing(): ServerDatagram[] {
    const out = this.outgoing;
    this.outgoing = [];
    return out;
  }

  nextEvent(): ServerEvent | null {
    return this.events.next();
  }

  nextDeadline(): number | null {
    let at: number | null = null;
    for (const state of this.peers.values()) {
      let peerAt = state.lastCommandAt + this.timing.idleTimeoutMs;
      for (const message of state.unacked.values()) peerAt = Math.min(peerAt, message.nextSendAt);
      at = at === null ? peerAt : Math.min(at, peerAt);
    }
    return at;
  }

  handleTimeout(now: number): void {
    for (const [peer, state] of this.peers) {
      if (now - state.lastCommandAt >= this.timing.idleTimeoutMs) {
        this.peers.delete(peer);
        this.events.push({ type: "peer-dropped", peer, reason: "idle" });
        continue;
      }
      for (const message of state.unacked.values()) {
        if (now < message.nextSendAt) continue;
        if (message.attempts >= this.timing.messageAttempts) {
          this.peers.delete(peer);
          this.events.push({ type: "peer-dropped", peer, reason: "unacknowledged" });
          break;
        }
        message.attempts++;
        message.nextSendAt = now + this.timing.messageRetryMs;
        this.stats.messageResends++;
        this.outgoing.push({ peer, bytes: message.bytes });
      }
    }
  }
}
