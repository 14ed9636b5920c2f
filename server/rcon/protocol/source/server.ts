/**
 * The game-server side of Source RCON, Sans-IO. Emulators and in-memory pair tests are built on it.
 * Per-game behaviour is a SourceServerProfile (data): login reply variant, what happens on a wrong
 * password or a command before login, how long answers are split, how the end marker is answered.
 *
 * Answers leave in request order, as SRCDS guarantees: every request takes a slot in a FIFO; a
 * command's slot is filled by `respond` (possibly later, for slow answers) and the marker's echo
 * waits behind the commands sent before it.
 */
import { assertState, RconLocalError, RconRemoteError } from "../errors.ts";
import type { TextCodec } from "../text.ts";
import { SourceFramer } from "./framer.ts";
import {
  decodePacketAt,
  packetLength,
  PacketType,
  SRCDS_MAX_PACKET_SIZE,
  writePacketInto,
  type SourcePacket,
} from "./packet.ts";
import { EventQueue } from "../event-queue.ts";

export interface SourceServerProfile {
  /** "srcds": empty RESPONSE_VALUE then AUTH_RESPONSE; "single": AUTH_RESPONSE only (CS2, Minecraft). */
  authReply: "srcds" | "single";
  /** Wrong password: answer id -1 then close, or close without a word (Squad). */
  authFailure: "reply-and-close" | "close";
  /** A command before login: empty RESPONSE_VALUE (SRCDS since 2012), AUTH_RESPONSE -1 (2004 spec), or close. */
  execBeforeAuth: "empty" | "auth-failure" | "close";
  /** Splitting of long answers: by encoded bytes (SRCDS), by UTF-16 units (Minecraft), or never (CS2). */
  split: { unit: "bytes" | "utf16" | "none"; size: number };
  /** Answer to the client's empty RESPONSE_VALUE end marker. */
  markerReply: "mirror" | "mirror-twice" | "unknown-request" | "ignore";
  /** Largest size field accepted from clients. */
  maxRequestSize?: number;
  /** A packet sent before every answer with the command's id (legacy Rust sends type 4). */
  replyPrelude?: { type: number; body: string };
  /** What an empty answer becomes (ARK: "Server received, But no response!!"). */
  emptyAnswer?: string;
}

export type SourceServerState = "AWAITING_AUTH" | "AUTHENTICATED" | "CLOSED";

export type SourceServerEvent =
  | { type: "auth"; id: number; password: string }
  | { type: "command"; id: number; text: string }
  /** A command arrived before login and was answered per profile. */
  | { type: "unauthenticated-command"; id: number }
  | { type: "protocol-error"; error: RconRemoteError; fatal: boolean };

interface Slot {
  id: number;
  bytes: Uint8Array[] | null;
}

const TRAILER_BODY = new Uint8Array([0x00, 0x01, 0x00, 0x00]);
const EMPTY = new Uint8Array(0);

export class SourceServerConnection {
  private currentState: SourceServerState = "AWAITING_AUTH";
  private readonly framer: SourceFramer;
  private readonly slots: Slot[] = [];
  private outgoing: Uint8Array[] = [];
  /** Indexes into `outgoing` where a separate write must begin (see takeWrites). */
  private writeBreaks: number[] = [];
  private readonly events = new EventQueue<SourceServerEvent>();
  private authPending: number | null = null;
  /** True once the connection should be closed after the outgoing bytes are written. */
  closeRequested = false;

  constructor(
    private readonly profile: SourceServerProfile,
    private readonly codec: TextCodec,
  ) {
    this.framer = new SourceFramer(profile.maxRequestSize ?? SRCDS_MAX_PACKET_SIZE);
  }

  get state(): SourceServerState {
    return this.currentState;
  }

  receive(bytes: Uint8Array): void {
    if (this.currentState === "CLOSED") return;
    this.framer.push(bytes);
    this.readFrames();
  }

  /**
   * Handles buffered requests in order, pausing at a login until the application answers it: a
   * client that pipelines a login and commands (or two logins) in one write gets each one handled
   * as the login's outcome says, like SRCDS, which checks the password before reading on.
   */
  private readFrames(): void {
    while (this.authPending === null) {
      let length: number;
      try {
        length = this.framer.nextFrameAt();
      } catch (error) {
        this.events.push({ type: "protocol-error", error: error as RconRemoteError, fatal: true });
        this.requestClose();
        return;
      }
      if (length === 0) return;
      let packet: SourcePacket;
      try {
        packet = decodePacketAt(this.framer.frameBytes, this.framer.frameOffset, length, Infinity);
      } catch (error) {
        this.events.push({ type: "protocol-error", error: error as RconRemoteError, fatal: false });
        continue;
      }
      this.handlePacket(packet);
      if (this.currentState === "CLOSED") return;
    }
  }

  nextEvent(): SourceServerEvent | null {
    return this.events.next();
  }

  takeOutgoing(): Uint8Array[] {
    if (this.outgoing.length === 0) return [];
    const out = this.outgoing;
    this.outgoing = [];
    this.writeBreaks = [];
    return out;
  }

  /**
   * The same packets grouped into the separate writes a real server makes. SRCDS sends the empty
   * RESPONSE_VALUE and the AUTH_RESPONSE of a login in two send() calls; clients that read one
   * packet per read (rcon-srcds decodes each 'data' event as one packet) rely on it.
   */
  takeWrites(): Uint8Array[][] {
    const breaks = this.writeBreaks;
    const out = this.takeOutgoing();
    if (out.length === 0) return [];
    const writes: Uint8Array[][] = [];
    let start = 0;
    for (const at of [...breaks, out.length]) {
      if (at > start) writes.push(out.slice(start, at));
      start = Math.max(start, at);
    }
    return writes;
  }

  acceptAuth(): void {
    assertState(this.currentState, ["AWAITING_AUTH"], "accept a login");
    const id = this.takeAuthId();
    this.pushLoginPrelude(id);
    this.outgoing.push(packet(id, PacketType.AUTH_RESPONSE, EMPTY));
    this.currentState = "AUTHENTICATED";
    this.readFrames();
  }

  rejectAuth(): void {
    assertState(this.currentState, ["AWAITING_AUTH"], "refuse a login");
    const id = this.takeAuthId();
    if (this.profile.authFailure === "reply-and-close") {
      this.pushLoginPrelude(id);
      this.outgoing.push(packet(-1, PacketType.AUTH_RESPONSE, EMPTY));
    }
    this.requestClose();
  }

  /** SRCDS: an empty RESPONSE_VALUE before the AUTH_RESPONSE, written on its own. */
  private pushLoginPrelude(id: number): void {
    if (this.profile.authReply !== "srcds") return;
    this.outgoing.push(packet(id, PacketType.RESPONSE_VALUE, EMPTY));
    this.writeBreaks.push(this.outgoing.length);
  }

  /** Answers the command with this id; answers leave in request order. */
  respond(id: number, text: string): void {
    const slot = this.slots.find((s) => s.id === id && s.bytes === null);
    if (!slot) return; // already answered or never asked: ignore (a fault-injection test may do this)
    slot.bytes = this.encodeAnswer(
      id,
      text === "" && this.profile.emptyAnswer !== undefined ? this.profile.emptyAnswer : text,
    );
    this.flushSlots();
  }

  /** Sends a packet outside any answer (Squad chat type 1, Rust type 4, fault injection). */
  push(id: number, type: number, text: string): void {
    if (this.currentState === "CLOSED") return;
    this.outgoing.push(packet(id, type, this.codec.encode(text)));
  }

  /** Raw bytes, for fault injection (lying size headers, garbage). */
  pushRaw(bytes: Uint8Array): void {
    this.outgoing.push(bytes);
  }

  requestClose(): void {
    this.currentState = "CLOSED";
    this.closeRequested = true;
  }

  private takeAuthId(): number {
    const id = this.authPending;
    // Answering a login that never arrived is our misuse of the API, not something the peer sent.
    if (id === null) throw new RconLocalError("INVALID_STATE", "no login to answer");
    this.authPending = null;
    return id;
  }

  private handlePacket(p: SourcePacket): void {
    if (p.type === PacketType.AUTH) {
      if (this.currentState === "AUTHENTICATED") {
        // Re-login on an open connection: answer it like the first.
        this.currentState = "AWAITING_AUTH";
      }
      this.authPending = p.id;
      this.events.push({ type: "auth", id: p.id, password: this.codec.decode(p.body) });
      return;
    }
    if (this.currentState === "AWAITING_AUTH") {
      this.handleBeforeAuth(p);
      return;
    }
    if (p.type === PacketType.EXECCOMMAND) {
      this.slots.push({ id: p.id, bytes: null });
      this.events.push({ type: "command", id: p.id, text: this.codec.decode(p.body) });
      return;
    }
    if (p.type === PacketType.RESPONSE_VALUE) {
      this.slots.push({ id: p.id, bytes: this.markerAnswer(p.id) });
      this.flushSlots();
      return;
    }
    this.events.push({
      type: "protocol-error",
      error: new RconRemoteError("UNEXPECTED_PACKET", `packet type ${p.type} is not a request`),
      fatal: false,
    });
  }

  private handleBeforeAuth(p: SourcePacket): void {
    this.events.push({ type: "unauthenticated-command", id: p.id });
    switch (this.profile.execBeforeAuth) {
      case "empty":
        this.outgoing.push(packet(p.id, PacketType.RESPONSE_VALUE, EMPTY));
        return;
      case "auth-failure":
        this.outgoing.push(packet(-1, PacketType.AUTH_RESPONSE, EMPTY));
        return;
      case "close":
        this.requestClose();
        return;
    }
  }

  private markerAnswer(id: number): Uint8Array[] {
    switch (this.profile.markerReply) {
      case "mirror":
        return [
          packet(id, PacketType.RESPONSE_VALUE, EMPTY),
          packet(id, PacketType.RESPONSE_VALUE, TRAILER_BODY),
        ];
      case "mirror-twice":
        return [
          packet(id, PacketType.RESPONSE_VALUE, EMPTY),
          packet(id, PacketType.RESPONSE_VALUE, EMPTY),
          packet(id, PacketType.RESPONSE_VALUE, TRAILER_BODY),
        ];
      case "unknown-request":
        return [packet(id, PacketType.RESPONSE_VALUE, this.codec.encode("Unknown request 0"))];
      case "ignore":
        return [];
    }
  }

  private encodeAnswer(id: number, text: string): Uint8Array[] {
    const out: Uint8Array[] = [];
    const prelude = this.profile.replyPrelude;
    if (prelude) out.push(packet(id, prelude.type, this.codec.encode(prelude.body)));
    const { unit, size } = this.profile.split;
    if (unit === "utf16") {
      // Minecraft counts UTF-16 units, so a fragment may exceed `size` bytes once encoded.
      let start = 0;
      do {
        let end = Math.min(text.length, start + size);
        const last = text.charCodeAt(end - 1);
        if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // keep surrogate pairs whole
        out.push(packet(id, PacketType.RESPONSE_VALUE, this.codec.encode(text.slice(start, end))));
        start = end;
      } while (start < text.length);
      return out;
    }
    const bytes = this.codec.encode(text);
    if (unit === "none" || bytes.length <= size) {
      out.push(packet(id, PacketType.RESPONSE_VALUE, bytes));
      return out;
    }
    for (let offset = 0; offset < bytes.length; offset += size) {
      out.push(
        packet(id, PacketType.RESPONSE_VALUE, bytes.subarray(offset, Math.min(bytes.length, offset + size))),
      );
    }
    return out;
  }

  private flushSlots(): void {
    let done = 0;
    for (const slot of this.slots) {
      if (slot.bytes === null) break;
      for (const bytes of slot.bytes) this.outgoing.push(bytes);
      done++;
    }
    if (done > 0) this.slots.splice(0, done);
  }
}

function packet(id: number, type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(packetLength(body.length));
  writePacketInto(out, 0, id, type, body, Infinity);
  return out;
}
