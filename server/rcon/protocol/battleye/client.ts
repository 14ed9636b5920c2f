/**
 * The client side of BattlEye RCon as a Sans-IO state machine (berconpy's RCONClientProtocol, with
 * the retransmission bugs of §1.3 fixed): datagrams and `now` in, events and datagrams out, and a
 * `nextDeadline()` the I/O layer arms one timer for. It never touches a socket or a clock.
 *
 * - Commands get 8-bit sequence numbers in order (255 wraps to 0). A command waiting for its answer
 *   is re-sent with the same sequence number and the identical bytes, so the server can recognise
 *   the repeat; it fails with a timeout once its time is up, and a late answer is then ignored.
 * - At most `maxInFlight` consecutive sequence numbers are outstanding: a new command never takes a
 *   number so far ahead that the server's repeat cache could confuse it with an older one.
 * - Multi-part answers are collected by index in any order, duplicates ignored, and decoded as text
 *   only once complete (a UTF-8 character may straddle two parts).
 * - Every server message is acknowledged, repeats included, and delivered once (a replay window).
 * - An empty command keeps the session alive; silence for `deadAfterMs` means the server is gone.
 *   So does a command sent `SILENT_SENDS_FOR_DEAD` times or more that timed out without a single
 *   datagram arriving since: a live server answers re-sends from its repeat cache, so the server
 *   dropped the session (restart, idle drop) and nothing would arrive for the rest of the 45 s.
 */
import { assertState, RconLocalError, RconRemoteError } from "../errors.ts";
import type { TextCodec } from "../text.ts";
import { decodePacket, encodePacket, HEADER_SIZE, MAX_PACKET_SIZE, type Packet } from "./packet.ts";
import { EventQueue } from "../event-queue.ts";
import type { ClientCore, CommandSpec, CoreEvent, CoreState } from "../core.ts";

/** The only transitions the client makes; every intent asserts its starting state against this. */
export const CLIENT_TRANSITIONS: Readonly<Record<CoreState, readonly CoreState[]>> = {
  idle: ["logging-in", "closed"],
  "logging-in": ["ready", "closed"],
  ready: ["closed"],
  closed: [],
};

/**
 * The contract's events, with BattlEye's extras: answers say whether they were a keep-alive's (their
 * latency still counts), pushed messages carry their sequence number. A login that gets no answer
 * and a server silent for `deadAfterMs` are both `dead`; an answer outgrowing `maxAnswerBytes` is a
 * `too-large` failure whose further parts are ignored; malformed datagrams are `dropped`.
 */
export type BattlEyeEvent =
  | Exclude<CoreEvent, { type: "answer" } | { type: "pushed" }>
  | (Extract<CoreEvent, { type: "answer" }> & { keepAlive: boolean })
  | (Extract<CoreEvent, { type: "pushed" }> & { seq: number });

export const LOGIN_REFUSED_REASON = "login refused: wrong RCon password";

export interface ClientTiming {
  /** Re-send the login this often while waiting for its answer. */
  loginRetryMs: number;
  /** Give up on a login that got no answer after this long. */
  loginTimeoutMs: number;
  /** Re-send an unanswered command this often (same sequence number, same bytes). */
  retransmitMs: number;
  /** Default time a command may take, retries included. */
  commandTimeoutMs: number;
  /** Send an empty command after this long without sending any command (the server drops us after 45 s). */
  keepAliveMs: number;
  /** Nothing received for this long: the session is dead. 45 s by the protocol. */
  deadAfterMs: number;
  /** Consecutive sequence numbers that may be outstanding; more commands wait in a queue. */
  maxInFlight: number;
  /** Largest multi-part answer kept (parts are held until the last arrives): a hostile server cannot make us hold 255 x 64 KB per command. */
  maxAnswerBytes: number;
}

export const DEFAULT_CLIENT_TIMING: ClientTiming = {
  loginRetryMs: 1_000,
  loginTimeoutMs: 5_000,
  retransmitMs: 1_000,
  commandTimeoutMs: 10_000,
  keepAliveMs: 25_000,
  deadAfterMs: 45_000,
  maxInFlight: 32,
  maxAnswerBytes: 4 * 1024 * 1024,
};

export interface ClientStats {
  received: number;
  malformed: number;
  badChecksum: number;
  /** Well-formed but unwanted: late answers, answers to unknown sequences, packets in the wrong state. */
  ignored: number;
  duplicateMessages: number;
  retransmits: number;
}

interface Queued {
  id: number;
  body: Uint8Array;
  deadline: number;
  createdAt: number;
  keepAlive: boolean;
}

interface InFlight extends Queued {
  seq: number;
  counter: number;
  bytes: Uint8Array;
  nextSendAt: number;
  attempts: number;
  total: number | null;
  /** Created on the first part: most answers are one packet. */
  parts: Map<number, Uint8Array> | null;
  /** Bytes held in `parts`. */
  partBytes: number;
}

/**
 * Commands in flight by sequence number. Numbers are handed out in order, so everything in flight
 * lies between `tail` (the oldest) and `head` (the next to hand out); a flat array of 256 slots
 * keeps lookups and "which is the oldest" O(1) on the hot path.
 */
class SeqWindow {
  private readonly slots: (InFlight | undefined)[] = new Array<InFlight | undefined>(256).fill(undefined);
  private tail = 0;
  private head = 0;
  size = 0;

  get(seq: number): InFlight | undefined {
    return this.slots[seq];
  }

  add(entry: InFlight): void {
    if (this.size === 0) this.tail = entry.seq;
    this.slots[entry.seq] = entry;
    this.head = (entry.seq + 1) & 255;
    this.size++;
  }

  delete(seq: number): void {
    if (!this.slots[seq]) return;
    this.slots[seq] = undefined;
    this.size--;
    while (this.size > 0 && !this.slots[this.tail]) this.tail = (this.tail + 1) & 255;
  }

  oldest(): InFlight | undefined {
    return this.size > 0 ? this.slots[this.tail] : undefined;
  }

  /** A snapshot, oldest first, safe to modify the window while walking it. */
  entries(): InFlight[] {
    const out: InFlight[] = [];
    if (this.size === 0) return out;
    let seq = this.tail;
    do {
      const entry = this.slots[seq];
      if (entry) out.push(entry);
      seq = (seq + 1) & 255;
    } while (seq !== this.head && out.length < this.size);
    return out;
  }

  /** The earliest re-send or deadline among the commands in flight (Infinity when none). */
  earliest(): number {
    let at = Infinity;
    if (this.size === 0) return at;
    let seen = 0;
    for (let seq = this.tail; seen < this.size; seq = (seq + 1) & 255) {
      const entry = this.slots[seq];
      if (!entry) continue;
      seen++;
      if (entry.nextSendAt < at) at = entry.nextSendAt;
      if (entry.deadline < at) at = entry.deadline;
    }
    return at;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.size = 0;
  }
}

/** Sends of one command, all unanswered with nothing else received, that mean the session is gone. */
export const SILENT_SENDS_FOR_DEAD = 3;

/** Message sequence numbers behind the newest one that still count as "already seen". */
const MESSAGE_WINDOW = 128;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class BattlEyeClient implements ClientCore {
  private currentState: CoreState = "idle";
  readonly timing: ClientTiming;
  private readonly events = new EventQueue<BattlEyeEvent>();
  private outgoing: Uint8Array[] = [];
  readonly stats: ClientStats = {
    received: 0,
    malformed: 0,
    badChecksum: 0,
    ignored: 0,
    duplicateMessages: 0,
    retransmits: 0,
  };

  private loginPacket: Uint8Array | null = null;
  private loginStartedAt = 0;
  private loginNextSendAt = 0;
  private loginAttempts = 0;

  private nextId = 1;
  private nextSeq = 0;
  private nextCounter = 0;
  private readonly queue: Queued[] = [];
  private readonly inFlight = new SeqWindow();
  private lastReceivedAt = 0;
  /** The keep-alive sent last; while it is pending no other is queued. */
  private keepAliveId: number | null = null;
  private lastCommandSentAt = 0;

  private lastText = "";
  private lastBody: Uint8Array | null = null;

  private newestMessageSeq: number | null = null;
  private readonly seenMessages = new Uint8Array(256);

  constructor(
    private readonly codec: TextCodec,
    timing: Partial<ClientTiming> = {},
  ) {
    this.timing = { ...DEFAULT_CLIENT_TIMING, ...timing };
    if (this.timing.maxInFlight < 1 || this.timing.maxInFlight > 128) {
      throw new RconLocalError("INVALID_ARGUMENT", "maxInFlight must be 1..128");
    }
  }

  get state(): CoreState {
    return this.currentState;
  }

  /** Commands sent and not answered yet, plus those queued behind them. */
  get pendingCommands(): number {
    return this.inFlight.size + this.queue.length;
  }

  private transition(to: CoreState): void {
    assertState(to, CLIENT_TRANSITIONS[this.currentState], `move from ${this.currentState}`);
    this.currentState = to;
  }

  login(password: string, now: number): void {
    assertState(this.currentState, ["idle"], "log in");
    this.loginPacket = encodePacket({ type: "login-request", password: this.codec.encode(password) });
    this.transition("logging-in");
    this.loginStartedAt = now;
    this.sendLogin(now);
  }

  private sendLogin(now: number): void {
    if (!this.loginPacket) return;
    this.outgoing.push(this.loginPacket);
    this.loginAttempts++;
    this.loginNextSendAt = now + this.timing.loginRetryMs;
  }

  /** Queues a command; returns the id its `answer` or `command-failed` event will carry. */
  command(spec: CommandSpec, now: number): number {
    assertState(this.currentState, ["ready"], "send a command");
    // Every re-send carries the same sequence number and the server answers repeats from its
    // cache, so commands that change state are re-sent too: `spec.idempotent` does not matter here.
    const { text, timeoutMs } = spec;
    // Dashboards poll the same few commands over and over: the last encoding is reused (bodies
    // are never modified).
    let body = this.lastBody;
    if (text !== this.lastText || body === null) {
      body = this.codec.encode(text);
      this.lastText = text;
      this.lastBody = body;
    }
    // Checked now so an oversized command fails at the caller, not later inside a timer.
    if (HEADER_SIZE + 1 + body.length > MAX_PACKET_SIZE) {
      throw new RconLocalError("TOO_LARGE", `command of ${body.length} bytes does not fit in one datagram`);
    }
    const id = this.nextId++;
    this.queue.push({ id, body, deadline: now + timeoutMs, createdAt: now, keepAlive: false });
    this.pump(now);
    return id;
  }

  /** Forgets a command: its answer, if it still comes, is ignored. */
  cancel(id: number): void {
    const queued = this.queue.findIndex((q) => q.id === id);
    if (queued >= 0) this.queue.splice(queued, 1);
    for (const entry of this.inFlight.entries()) if (entry.id === id) this.inFlight.delete(entry.seq);
  }

  /** Closes; every pending command gets a `closed` failure (keep-alives excepted). Returns their ids. */
  close(): number[] {
    if (this.currentState === "closed") return [];
    this.transition("closed");
    const pending = [...this.inFlight.entries(), ...this.queue]
      .filter((entry) => !entry.keepAlive)
      .map((entry) => entry.id);
    this.queue.length = 0;
    this.inFlight.clear();
    this.loginPacket = null;
    for (const id of pending)
      this.events.push({ type: "command-failed", id, code: "closed", detail: "the client closed" });
    return pending;
  }

  /** Feeds one datagram. Malformed ones are counted and reported as `dropped`; the session goes on. */
  receive(bytes: Uint8Array, now: number): void {
    try {
      this.receivePacket(bytes, now);
    } catch (error) {
      if (!(error instanceof RconRemoteError)) throw error;
      this.events.push({ type: "dropped", reason: "malformed", error, fatal: false });
    }
  }

  private receivePacket(bytes: Uint8Array, now: number): void {
    let packet: Packet;
    try {
      // Bodies as views: answers and messages are decoded at once; only answer parts are kept (copied).
      packet = decodePacket(bytes, "to-client", false);
    } catch (error) {
      if (error instanceof RconRemoteError && error.code === "BAD_CHECKSUM") this.stats.badChecksum++;
      else this.stats.malformed++;
      throw error;
    }
    this.stats.received++;
    if (this.currentState === "logging-in" && packet.type === "login-reply") {
      this.lastReceivedAt = now;
      if (packet.success) {
        this.transition("ready");
        this.loginPacket = null;
        // The server starts its 45 s idle clock at login, as if we had sent a command.
        this.lastCommandSentAt = now;
        this.events.push({ type: "logged-in" });
        this.pump(now);
      } else {
        this.events.push({ type: "login-refused", reason: LOGIN_REFUSED_REASON });
        this.close();
      }
      return;
    }
    if (this.currentState !== "ready") {
      // A message or answer before our login is accepted, or anything after close: dropped, and the
      // server will repeat a message we did not acknowledge.
      this.stats.ignored++;
      return;
    }
    this.lastReceivedAt = now;
    switch (packet.type) {
      case "login-reply":
        this.stats.ignored++; // a repeat of the answer we already acted on
        return;
      case "message":
        this.receiveMessage(packet.seq, packet.body);
        return;
      case "command":
        this.receiveAnswer(packet.seq, null, packet.body, now);
        return;
      case "command-part":
        this.receiveAnswer(packet.seq, packet, packet.body, now);
        return;
      case "login-request":
        this.stats.ignored++; // unreachable with direction "to-client"; kept for exhaustiveness
        return;
    }
  }

  private receiveMessage(seq: number, body: Uint8Array): void {
    this.outgoing.push(encodePacket({ type: "message", seq, body: new Uint8Array(0) }));
    if (this.newestMessageSeq === null) {
      this.newestMessageSeq = seq;
    } else {
      const behind = (this.newestMessageSeq - seq + 256) % 256;
      if (behind < MESSAGE_WINDOW) {
        if (this.seenMessages[seq]) {
          this.stats.duplicateMessages++;
          return;
        }
      } else {
        // A newer sequence: the numbers between become unseen again (their previous use is 128+ old).
        for (let s = (this.newestMessageSeq + 1) % 256; s !== seq; s = (s + 1) % 256)
          this.seenMessages[s] = 0;
        this.newestMessageSeq = seq;
      }
    }
    this.seenMessages[seq] = 1;
    this.events.push({ type: "pushed", seq, text: this.codec.decode(body) });
  }

  private receiveAnswer(
    seq: number,
    part: { total: number; index: number } | null,
    body: Uint8Array,
    now: number,
  ): void {
    const entry = this.inFlight.get(seq);
    if (!entry) {
      this.stats.ignored++; // late (after a timeout), duplicate (already answered) or never asked
      return;
    }
    if (part === null) {
      this.complete(entry, body, now);
      return;
    }
    if (entry.total !== null && entry.total !== part.total) {
      entry.parts = null;
      entry.partBytes = 0;
      entry.total = null;
      throw new RconRemoteError(
        "INCONSISTENT_FRAGMENTS",
        `answer ${seq}: part says ${part.total} parts, earlier parts said otherwise`,
      );
    }
    entry.total = part.total;
    const parts = (entry.parts ??= new Map<number, Uint8Array>());
    const known = parts.get(part.index);
    if (known) {
      if (sameBytes(known, body)) return; // the same part again (our re-send was answered twice)
      entry.parts = null;
      entry.partBytes = 0;
      entry.total = null;
      throw new RconRemoteError(
        "INCONSISTENT_FRAGMENTS",
        `answer ${seq}: part ${part.index} arrived with different content`,
      );
    }
    entry.partBytes += body.length;
    if (entry.partBytes > this.timing.maxAnswerBytes) {
      this.inFlight.delete(entry.seq);
      if (entry.id === this.keepAliveId) this.keepAliveId = null;
      this.events.push({
        type: "command-failed",
        id: entry.id,
        code: "too-large",
        detail: `answer exceeds ${this.timing.maxAnswerBytes} bytes`,
      });
      this.pump(now);
      return;
    }
    parts.set(part.index, body.slice());
    if (parts.size < part.total) return;
    const joined = new Uint8Array(entry.partBytes);
    let at = 0;
    for (let i = 0; i < part.total; i++) {
      const p = parts.get(i)!;
      joined.set(p, at);
      at += p.length;
    }
    this.complete(entry, joined, now);
  }

  private complete(entry: InFlight, body: Uint8Array, now: number): void {
    this.inFlight.delete(entry.seq);
    if (entry.id === this.keepAliveId) this.keepAliveId = null;
    this.events.push({
      type: "answer",
      id: entry.id,
      text: this.codec.decode(body),
      latencyMs: now - entry.createdAt,
      keepAlive: entry.keepAlive,
    });
    this.pump(now);
  }

  /** Moves queued commands onto the wire while the sequence window allows. */
  private pump(now: number): void {
    if (this.currentState !== "ready") return;
    for (;;) {
      const next = this.queue[0];
      if (!next) return;
      const oldest = this.inFlight.oldest();
      if (oldest && this.nextCounter - oldest.counter >= this.timing.maxInFlight) return;
      this.queue.shift();
      const seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) % 256;
      const bytes = encodePacket({ type: "command", seq, body: next.body });
      const entry: InFlight = {
        id: next.id,
        body: next.body,
        deadline: next.deadline,
        createdAt: next.createdAt,
        keepAlive: next.keepAlive,
        seq,
        counter: this.nextCounter++,
        bytes,
        nextSendAt: now + this.timing.retransmitMs,
        attempts: 1,
        total: null,
        parts: null,
        partBytes: 0,
      };
      this.inFlight.add(entry);
      this.outgoing.push(bytes);
      this.lastCommandSentAt = now;
    }
  }

  takeOutgoing(): Uint8Array[] {
    const out = this.outgoing;
    this.outgoing = [];
    return out;
  }

  nextEvent(): BattlEyeEvent | null {
    return this.events.next();
  }

  /** The earliest time handleTimeout() has something to do, or null when nothing is scheduled. */
  nextDeadline(): number | null {
    if (this.currentState === "logging-in") {
      return Math.min(this.loginNextSendAt, this.loginStartedAt + this.timing.loginTimeoutMs);
    }
    if (this.currentState !== "ready") return null;
    let at = this.lastReceivedAt + this.timing.deadAfterMs;
    if (!this.hasKeepAlivePending()) at = Math.min(at, this.lastCommandSentAt + this.timing.keepAliveMs);
    at = Math.min(at, this.inFlight.earliest());
    // The queue is in deadline order unless callers pass very different timeouts; a scan stays cheap.
    for (let i = 0; i < this.queue.length; i++) at = Math.min(at, this.queue[i]!.deadline);
    return at;
  }

  handleTimeout(now: number): void {
    if (this.currentState === "logging-in") {
      if (now >= this.loginStartedAt + this.timing.loginTimeoutMs) {
        this.events.push({ type: "dead", reason: `no answer to login after ${this.loginAttempts} attempts` });
        this.close();
      } else if (now >= this.loginNextSendAt) {
        this.sendLogin(now);
      }
      return;
    }
    if (this.currentState !== "ready") return;
    if (now - this.lastReceivedAt >= this.timing.deadAfterMs) {
      const silentS = Math.round((now - this.lastReceivedAt) / 1000);
      this.events.push({
        type: "dead",
        reason: `nothing received for ${silentS} s: server gone or restarted`,
      });
      this.close();
      return;
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const entry = this.queue[i]!;
      if (now >= entry.deadline) {
        this.queue.splice(i, 1);
        if (!entry.keepAlive)
          this.events.push({
            type: "command-failed",
            id: entry.id,
            code: "timeout",
            detail: "never sent: the sequence window stayed full",
          });
      }
    }
    let droppedUs = false;
    for (const entry of this.inFlight.entries()) {
      if (now >= entry.deadline) {
        this.inFlight.delete(entry.seq);
        if (entry.keepAlive) continue;
        this.timedOut(entry);
        // A datagram handled in the command's own millisecond was handled before the command was issued.
        if (entry.attempts >= SILENT_SENDS_FOR_DEAD && this.lastReceivedAt <= entry.createdAt)
          droppedUs = true;
      } else if (now >= entry.nextSendAt) {
        this.outgoing.push(entry.bytes);
        entry.attempts++;
        entry.nextSendAt = now + this.timing.retransmitMs;
        this.stats.retransmits++;
        this.lastCommandSentAt = now;
      }
    }
    if (droppedUs) {
      const silentS = Math.round((now - this.lastReceivedAt) / 1000);
      this.events.push({
        type: "dead",
        reason: `a command got no answer to ${SILENT_SENDS_FOR_DEAD} or more sends and nothing was received for ${silentS} s: the server dropped the session or is gone`,
      });
      this.close();
      return;
    }
    if (now - this.lastCommandSentAt >= this.timing.keepAliveMs && !this.hasKeepAlivePending()) {
      this.keepAliveId = this.nextId++;
      this.queue.unshift({
        id: this.keepAliveId,
        body: new Uint8Array(0),
        deadline: now + this.timing.deadAfterMs,
        createdAt: now,
        keepAlive: true,
      });
    }
    this.pump(now);
  }

  private timedOut(entry: InFlight): void {
    // Parts exist only once the first one said how many there are.
    const { parts } = entry;
    this.events.push(
      parts
        ? {
            type: "command-failed",
            id: entry.id,
            code: "incomplete",
            detail: `${parts.size} of ${String(entry.total)} parts after ${entry.attempts} sends`,
          }
        : {
            type: "command-failed",
            id: entry.id,
            code: "timeout",
            detail: `no answer after ${entry.attempts} sends`,
          },
    );
  }

  private hasKeepAlivePending(): boolean {
    return (
      this.keepAliveId !== null &&
      (this.inFlight.size > 0 || this.queue.length > 0) &&
      this.isPending(this.keepAliveId)
    );
  }

  private isPending(id: number): boolean {
    for (const q of this.queue) if (q.id === id) return true;
    for (const entry of this.inFlight.entries()) if (entry.id === id) return true;
    this.keepAliveId = null;
    return false;
  }
}
