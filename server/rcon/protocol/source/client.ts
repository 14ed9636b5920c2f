/**
 * Source RCON client state machine, Sans-IO, implementing the ClientCore contract (../core.ts):
 * bytes in (`receive`), events out (`nextEvent`), bytes out (`takeOutgoing`), time passed in
 * (`now`, `nextDeadline`, `handleTimeout`).
 *
 * - Login accepts every known variant (SRCDS sends an empty RESPONSE_VALUE first, CS2 and Minecraft
 *   do not: Valve Developer wiki, EnriqCG/rcon-srcds#26): packets of type 0 are skipped until the
 *   AUTH_RESPONSE (type 2) arrives; success iff its id is ours, failure iff it is -1. A reply to
 *   the wrong request can therefore never pass as a login (the rcon-client bug).
 * - Request ids are positive, never 0 or -1, and wrap below 2^31 skipping ids still in use.
 * - Multi-packet answers are assembled whole whatever the server does with the end marker: the
 *   client learns it once per connection (`MarkerBehaviour`, see docs/source-answers.md). Where
 *   markers are answered, a command goes out alone and a marker follows only once a packet of its
 *   answer is long enough to be a fragment (`MarkerPolicy`); a short first packet is the whole
 *   answer. A server seen splitting into short fragments gets a marker after every batch from then
 *   on. Elsewhere answers end by a later command's packet or a split-size and quiet-time heuristic.
 *   An answer whose end was not seen by its deadline fails as `incomplete`, never as a whole answer.
 * - A command that times out keeps its ids in a bounded "ignored" set, so a late answer is
 *   discarded by id and can never be attributed to the next command.
 * - A command that ended keeps its id there too: more packets of an answer that already ended
 *   (a hostile or broken server streaming one answer forever) are dropped and reported as
 *   `dropped` "late", never turned into pushed messages.
 * - A command time-out with half a packet still buffered means the size header lied (Palworld) or
 *   the stream is broken: the core is `dead` rather than misread what follows.
 */
import { assertState, RconLocalError, RconRemoteError } from "../errors.ts";
import type { TextCodec } from "../text.ts";
import { SourceFramer } from "./framer.ts";
import { EventQueue } from "../event-queue.ts";
import type { ClientCore, CommandSpec, CoreEvent, CoreState } from "../core.ts";
import { describeForeignPeer, growPrefix } from "../foreign-peer.ts";
import {
  decodePacketAt,
  DEFAULT_MAX_PACKET_SIZE,
  packetLength,
  PacketType,
  writePacketInto,
  type SourcePacket,
} from "./packet.ts";
import { RecentIds } from "./recent-ids.ts";

/**
 * What the server was seen doing with the end marker, an empty RESPONSE_VALUE with its own id
 * (Valve Developer wiki, "Source RCON Protocol", Multiple-packet Responses). Learned from one probe
 * marker sent right after login: servers answer in request order, so whatever comes back before the
 * first command's answer tells.
 */
export type MarkerBehaviour =
  /** Probe sent, no command answered yet. */
  | "unknown"
  /** An empty RESPONSE_VALUE with the marker's id (SRCDS, then its `00 01 00 00` trailer; Squad twice). */
  | "echoed"
  /** A RESPONSE_VALUE with text and the marker's id (Minecraft: "Unknown request 0"). */
  | "answered"
  /** Nothing before the next command's answer (Factorio, ARK): answers end by size and quiet time. */
  | "ignored"
  /** The profile forbids markers. */
  | "not-sent";

/**
 * Where end markers are answered ("echoed", "answered"), which commands get one. "on-demand": only
 * a command whose answer has a packet long enough to be a fragment, so a short answer costs one
 * packet each way instead of two out and three back (marker, echo, SRCDS's trailer). "every-batch":
 * one after each batch of commands (the wiki's workaround), once this connection's server was seen
 * splitting an answer into short fragments.
 */
export type MarkerPolicy = "on-demand" | "every-batch";

/**
 * A server that splits fills every fragment but the last (4,096 bytes on SRCDS, 4,096 UTF-16 units
 * on Minecraft), so a packet shorter than this ends its answer at once; a longer one may be a
 * fragment (or CS2's one large packet): with markers answered it gets one, without it ends after the
 * quiet time. Other clients send the marker the same way: rcon-srcds after a packet over 3,700 bytes
 * (EnriqCG/rcon-srcds#25, EnriqCG/rcon-srcds:src/rcon.ts), PHP-Source-Query after a first packet
 * whose body is 4,000 bytes or more (xPaw/PHP-Source-Query:SourceQuery/SourceRcon.php).
 */
export const SPLIT_THRESHOLD = 3700;
export const DEFAULT_QUIET_MS = 150;

export interface SourceClientProfile {
  /** "never" only for a game known to break on a marker; by default one probe after login decides. */
  markers?: "probe" | "never";
  /** Without markers, an answer whose last packet may be a fragment ends after this long without another. */
  quietMs?: number;
  /** Commands on the wire at once; 1 for servers that mishandle pipelining (Minecraft, ARK). */
  maxInFlight: number;
  /** Largest size field accepted from the server. */
  maxPacketSize?: number;
  /** Largest size field the server accepts from us (Minecraft: 1446 + 10). */
  maxRequestSize?: number;
  /** Largest assembled answer. */
  maxResponseBytes?: number;
}

const TRANSITIONS: Readonly<Record<CoreState, readonly CoreState[]>> = {
  idle: ["logging-in", "closed"],
  "logging-in": ["ready", "closed"],
  ready: ["closed"],
  closed: [],
};

/**
 * The contract's events with Source's extras: an answer says how many packets it took; a pushed
 * line (a packet that belongs to no command: Squad chat type 1, Rust type 4, Rust `say` with id -1)
 * keeps its packet type and id. A `dropped` "late" packet belongs to an answer that had already
 * ended (completed, or cut at the size cap); a `fatal` drop means the stream cannot continue.
 */
export type SourceClientEvent =
  | Exclude<CoreEvent, { type: "answer" } | { type: "pushed" }>
  | (Extract<CoreEvent, { type: "answer" }> & { packets: number })
  | (Extract<CoreEvent, { type: "pushed" }> & { packetType: number; packetId: number });

export const LOGIN_REFUSED_REASON = "login refused: wrong RCON password";
export const OUT_OF_SYNC_REASON =
  "the server's packet stream went out of sync (incomplete packet); reconnecting";
const DEFAULT_LOGIN_TIMEOUT_MS = 5_000;

export const MAX_REQUEST_ID = 0x7fffffff;
const IGNORED_IDS_LIMIT = 4096;
const EMPTY_BODY = new Uint8Array(0);

interface PendingCommand {
  id: number;
  /** Id of the end marker closing this command, or 0 while it has none. */
  markerId: number;
  /** A marker was asked for (sent or waiting in `unmarked`): only its reply or a later command ends the answer. */
  marked: boolean;
  body: Uint8Array;
  startedAt: number;
  deadline: number;
  fragments: Uint8Array[];
  bytes: number;
  quietDeadline: number;
}

export interface SourceClientOptions {
  profile: SourceClientProfile;
  codec: TextCodec;
  /** For tests of id wrapping. */
  firstRequestId?: number;
  /** Largest assembled answer, below the profile's (the app's budget); the smaller of the two applies. */
  maxResponseBytes?: number;
  /** Time the login may take. */
  loginTimeoutMs?: number;
}

export class SourceClient implements ClientCore {
  private currentState: CoreState = "idle";
  private readonly framer: SourceFramer;
  private readonly profile: SourceClientProfile;
  private readonly codec: TextCodec;
  private readonly maxRequestSize: number;
  private readonly maxResponseBytes: number;
  private readonly quietMs: number;
  private nextRequestId: number;
  private authId = 0;
  private authDeadline = Infinity;
  private markerMode: MarkerBehaviour = "unknown";
  private policy: MarkerPolicy = "on-demand";
  /** The last answer ended at its one short packet, unmarked: more packets of it mean short fragments. */
  private lastGuessedId = 0;
  /** Id of the probe marker sent after login (0: none). */
  private probeId = 0;
  private readonly loginTimeoutMs: number;
  /** The `now` of the latest input, for answer latencies. */
  private now = 0;
  private readonly queued: PendingCommand[] = [];
  private readonly inFlight = new Map<number, PendingCommand>();
  /** Marker id -> the commands it closes (those sent since the previous marker). */
  private readonly markers = new Map<number, Set<PendingCommand>>();
  /** Markers sent and not yet answered (one, but for a server that skipped a reply; see takeOutgoing). */
  private readonly markersOnWire = new Set<number>();
  private unmarked: PendingCommand[] = [];
  /** Ids whose packets are dropped: true when more packets mean an answer that never ends. */
  private readonly ignored = new RecentIds(IGNORED_IDS_LIMIT);
  private outgoing: Uint8Array[] = [];
  private readonly events = new EventQueue<SourceClientEvent>();
  private lastText = "";
  private lastBody: Uint8Array | null = null;
  /** Malformed packets seen and dropped. */
  remoteErrors = 0;
  /** The stream's first bytes until a valid packet arrives: a framing error before one is a foreign peer. */
  private foreignPrefix: Uint8Array | null = new Uint8Array(0);

  constructor(options: SourceClientOptions) {
    this.profile = options.profile;
    this.codec = options.codec;
    this.framer = new SourceFramer(options.profile.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE);
    this.maxRequestSize = options.profile.maxRequestSize ?? DEFAULT_MAX_PACKET_SIZE;
    this.maxResponseBytes = Math.min(
      options.profile.maxResponseBytes ?? 16 * 1024 * 1024,
      options.maxResponseBytes ?? Infinity,
    );
    this.nextRequestId = clampId(options.firstRequestId ?? 1);
    this.quietMs = options.profile.quietMs ?? DEFAULT_QUIET_MS;
    this.loginTimeoutMs = options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  }

  get state(): CoreState {
    return this.currentState;
  }

  /** Commands accepted and not yet answered (queued or on the wire). */
  get pendingCount(): number {
    return this.queued.length + this.inFlight.size;
  }

  /** What this server does with end markers, as learned so far. */
  get markerBehaviour(): MarkerBehaviour {
    return this.markerMode;
  }

  /** Which commands get an end marker, where markers are answered (see MarkerPolicy). */
  get markerPolicy(): MarkerPolicy {
    return this.policy;
  }

  /** Bytes of an incomplete packet waiting for the rest. */
  get bufferedBytes(): number {
    return this.framer.buffered;
  }

  // --- intents ----------------------------------------------------------------------------

  login(password: string, now: number): void {
    this.transition("logging-in", "log in");
    const body = this.codec.encode(password);
    this.authId = this.allocateId();
    this.authDeadline = now + this.loginTimeoutMs;
    const out = new Uint8Array(packetLength(body.length));
    writePacketInto(out, 0, this.authId, PacketType.AUTH, body, this.maxRequestSize);
    this.outgoing.push(out);
  }

  /** Queues a command; returns its request id. The answer arrives as an `answer` event. */
  command(spec: CommandSpec, now: number): number {
    assertState(this.currentState, ["ready"], "send a command");
    const { text, timeoutMs } = spec;
    // Dashboards poll the same few commands over and over: the last accepted encoding is reused
    // (bodies are never modified).
    let body = this.lastBody;
    if (body === null || text !== this.lastText) {
      body = this.codec.encode(text);
      if (body.length + 10 > this.maxRequestSize) {
        throw new RconLocalError(
          "TOO_LARGE",
          `command of ${body.length} bytes exceeds the server's limit of ${this.maxRequestSize - 10}`,
        );
      }
      if (body.includes(0)) throw new RconLocalError("INVALID_ARGUMENT", "command contains a NUL byte");
      this.lastText = text;
      this.lastBody = body;
    }
    const pending: PendingCommand = {
      id: 0,
      markerId: 0,
      marked: false,
      body,
      startedAt: now,
      deadline: now + timeoutMs,
      fragments: [],
      bytes: 0,
      quietDeadline: Infinity,
    };
    pending.id = this.allocateId();
    if (this.inFlight.size < this.profile.maxInFlight && this.queued.length === 0) this.send(pending);
    else this.queued.push(pending);
    return pending.id;
  }

  /** Forgets a command: no event about it follows; its id stays ignored so a late answer is discarded. */
  cancel(id: number): void {
    const queued = this.queued.findIndex((p) => p.id === id);
    if (queued >= 0) {
      this.queued.splice(queued, 1);
      return;
    }
    const pending = this.inFlight.get(id);
    if (!pending) return;
    this.forget(pending);
    this.ignore(pending.id);
    this.sendQueued();
  }

  /** The socket is gone or we are closing it: every pending command gets a `closed` failure. Returns their ids. */
  close(): number[] {
    if (this.currentState === "closed") return [];
    this.transition("closed", "close");
    const ids = [...this.inFlight.keys(), ...this.queued.map((p) => p.id)];
    this.inFlight.clear();
    this.markers.clear();
    this.markersOnWire.clear();
    this.unmarked = [];
    this.queued.length = 0;
    this.outgoing = [];
    for (const id of ids)
      this.pushEvent({ type: "command-failed", id, code: "closed", detail: "the client closed" });
    return ids;
  }

  // --- I/O ----------------------------------------------------------------------------------

  receive(bytes: Uint8Array, now: number): void {
    if (this.currentState === "closed") return;
    this.now = now;
    if (this.foreignPrefix) this.foreignPrefix = growPrefix(this.foreignPrefix, bytes);
    this.framer.push(bytes);
    for (;;) {
      let length: number;
      try {
        length = this.framer.nextFrameAt();
      } catch (error) {
        this.remoteErrors++;
        // No valid packet so far ("HTTP/1.1 400" reads as a size of 1347703880): another protocol.
        const reported = this.foreignPrefix
          ? new RconRemoteError("NOT_RCON", describeForeignPeer(this.foreignPrefix))
          : (error as RconRemoteError);
        this.pushEvent({ type: "dropped", reason: "malformed", error: reported, fatal: true });
        this.close();
        return;
      }
      if (length === 0) return;
      let packet: SourcePacket;
      try {
        packet = decodePacketAt(this.framer.frameBytes, this.framer.frameOffset, length, Infinity);
      } catch (error) {
        this.remoteErrors++;
        this.pushEvent({
          type: "dropped",
          reason: "malformed",
          error: error as RconRemoteError,
          fatal: false,
        });
        continue;
      }
      this.foreignPrefix = null;
      this.handlePacket(packet, now);
      if ((this.currentState as CoreState) === "closed") return;
    }
  }

  /** Packets (or packet groups) waiting in takeOutgoing(). */
  get outgoingCount(): number {
    return this.outgoing.length;
  }

  takeOutgoing(): Uint8Array[] {
    // While a marker is out, new commands wait for the next one, sent when its reply comes: a full
    // pipeline then costs one marker per round trip instead of one per batch (their answers end at
    // later commands' packets meanwhile). With nothing on the wire a command's marker leaves with it.
    if (this.unmarked.length > 0 && this.markersOnWire.size === 0) this.sendMarker();
    if (this.outgoing.length === 0) return [];
    const out = this.outgoing;
    this.outgoing = [];
    return out;
  }

  nextEvent(): SourceClientEvent | null {
    return this.events.next();
  }

  /** The earliest time at which handleTimeout has something to do, or null. */
  nextDeadline(): number | null {
    let earliest = this.currentState === "logging-in" ? this.authDeadline : Infinity;
    for (const pending of this.inFlight.values()) {
      if (pending.deadline < earliest) earliest = pending.deadline;
      if (pending.quietDeadline < earliest) earliest = pending.quietDeadline;
    }
    for (const pending of this.queued) if (pending.deadline < earliest) earliest = pending.deadline;
    return earliest === Infinity ? null : earliest;
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.currentState === "logging-in") {
      if (now >= this.authDeadline) {
        this.pushEvent({ type: "dead", reason: `no answer to login within ${this.loginTimeoutMs} ms` });
        this.close();
      }
      return;
    }
    if (this.currentState !== "ready") return;
    let timedOut = false;
    for (const pending of [...this.inFlight.values()]) {
      if (now >= pending.quietDeadline) this.complete(pending);
      else if (now >= pending.deadline) {
        timedOut = true;
        const event = this.timeoutEvent(pending);
        this.abandon(pending, event, pending.fragments.length > 0);
      }
    }
    for (let i = this.queued.length - 1; i >= 0; i--) {
      const pending = this.queued[i] as PendingCommand;
      if (now >= pending.deadline) {
        this.queued.splice(i, 1);
        this.pushEvent(this.timeoutEvent(pending));
      }
    }
    if (timedOut && this.framer.buffered > 0) {
      this.pushEvent({ type: "dead", reason: OUT_OF_SYNC_REASON });
      this.close();
      return;
    }
    this.sendQueued();
  }

  // --- internals ------------------------------------------------------------------------------

  private transition(to: CoreState, action: string): void {
    const allowed = (Object.keys(TRANSITIONS) as CoreState[]).filter((from) =>
      TRANSITIONS[from].includes(to),
    );
    assertState(this.currentState, allowed, action);
    this.currentState = to;
  }

  private pushEvent(event: SourceClientEvent): void {
    this.events.push(event);
  }

  private allocateId(): number {
    for (;;) {
      const id = this.nextRequestId;
      this.nextRequestId = id >= MAX_REQUEST_ID ? 1 : id + 1;
      if (
        !this.inFlight.has(id) &&
        !this.markers.has(id) &&
        !this.ignored.has(id) &&
        id !== this.authId &&
        id !== this.probeId
      )
        return id;
    }
  }

  private send(pending: PendingCommand): void {
    const out = new Uint8Array(packetLength(pending.body.length));
    writePacketInto(out, 0, pending.id, PacketType.EXECCOMMAND, pending.body, this.maxRequestSize);
    this.inFlight.set(pending.id, pending);
    this.outgoing.push(out);
    if (this.policy === "every-batch") this.requestMarker(pending);
  }

  /** Its marker leaves with the next takeOutgoing, or when the one on the wire comes back. */
  private requestMarker(pending: PendingCommand): void {
    pending.marked = true;
    this.unmarked.push(pending);
  }

  /** A server that split an answer into short fragments: guessing would cut its long answers. */
  private markEveryBatch(): void {
    this.policy = "every-batch";
    for (const pending of this.inFlight.values()) if (!pending.marked) this.requestMarker(pending);
  }

  private markersAnswered(): boolean {
    return this.markerMode === "echoed" || this.markerMode === "answered";
  }

  private sendMarker(): void {
    const markerId = this.allocateId();
    for (const pending of this.unmarked) pending.markerId = markerId;
    this.markers.set(markerId, new Set(this.unmarked));
    this.unmarked = [];
    this.markersOnWire.add(markerId);
    this.outgoing.push(markerPacket(markerId));
  }

  /** After login: one marker alone, whose fate (echo, text, nothing) tells how answers end here. */
  private sendProbe(): void {
    if (this.profile.markers === "never") {
      this.markerMode = "not-sent";
      return;
    }
    this.probeId = this.allocateId();
    this.outgoing.push(markerPacket(this.probeId));
  }

  /** Commands sent while the probe was out carry no marker: like any other, they get one if their answer is long. */
  private learn(mode: MarkerBehaviour): void {
    this.markerMode = mode;
    this.ignore(this.probeId); // SRCDS's trailer, Squad's second echo, a reply after all
  }

  private sendQueued(): void {
    while (this.queued.length > 0 && this.inFlight.size < this.profile.maxInFlight) {
      this.send(this.queued.shift() as PendingCommand);
    }
  }

  private handlePacket(packet: SourcePacket, now: number): void {
    if (this.currentState === "logging-in") {
      this.handleAuthPacket(packet);
      return;
    }
    if (packet.type !== PacketType.RESPONSE_VALUE) {
      this.unsolicited(packet);
      return;
    }
    if (this.markerMode === "unknown" && packet.id === this.probeId) {
      this.learn(packet.body.length === 0 ? "echoed" : "answered");
      return;
    }
    this.markersOnWire.delete(packet.id);
    const pending = this.inFlight.get(packet.id);
    if (pending) {
      // In request order, the probe's reply would have come first.
      if (this.markerMode === "unknown") this.learn("ignored");
      this.completeEarlier(pending);
      this.addFragment(pending, packet.body, now);
      return;
    }
    const group = this.markers.get(packet.id);
    if (group) {
      // The marker's echo (or Minecraft's "Unknown request 0") ends the answers and is never output.
      for (const owner of [...group]) this.complete(owner);
      return;
    }
    const ended = this.ignored.get(packet.id);
    if (ended === undefined && isTrailer(packet.body)) return; // SRCDS's trailer after a marker echoed with another id
    if (ended === undefined) this.unsolicited(packet);
    else if (ended && packet.body.length > 0) {
      // Servers answer in order: the rest of an answer ended at a short packet comes right after it.
      if (packet.id === this.lastGuessedId) this.markEveryBatch();
      this.pushEvent({ type: "dropped", reason: "late", error: null, fatal: false });
    }
    // else: SRCDS trailer, Squad's second echo, an answer after its timeout
  }

  private handleAuthPacket(packet: SourcePacket): void {
    if (packet.type === PacketType.RESPONSE_VALUE) return; // SRCDS sends an empty one first
    if (packet.type !== PacketType.AUTH_RESPONSE) {
      this.unsolicited(packet);
      return;
    }
    if (packet.id === this.authId) {
      this.transition("ready", "finish login");
      this.sendProbe();
      this.pushEvent({ type: "logged-in" });
    } else if (packet.id === -1) {
      this.pushEvent({ type: "login-refused", reason: LOGIN_REFUSED_REASON });
      this.close();
    } else {
      this.remoteErrors++;
      this.pushEvent({
        type: "dropped",
        reason: "unexpected",
        error: new RconRemoteError(
          "UNEXPECTED_PACKET",
          `login answer carries id ${packet.id}, expected ${this.authId} or -1`,
        ),
        fatal: false,
      });
    }
  }

  private addFragment(pending: PendingCommand, body: Uint8Array, now: number): void {
    pending.bytes += body.length;
    if (pending.bytes > this.maxResponseBytes) {
      this.abandon(
        pending,
        {
          type: "command-failed",
          id: pending.id,
          code: "too-large",
          detail: `answer exceeds ${this.maxResponseBytes} bytes`,
        },
        true,
      );
      this.sendQueued();
      return;
    }
    pending.fragments.push(body);
    if (this.markersAnswered()) {
      if (pending.marked) return; // the marker's reply (or a later command's packet) ends it
      if (body.length >= SPLIT_THRESHOLD) {
        this.requestMarker(pending);
        return;
      }
      this.lastGuessedId = pending.id;
    } else if (body.length >= SPLIT_THRESHOLD) {
      pending.quietDeadline = now + this.quietMs;
      return;
    }
    this.complete(pending);
  }

  /** Answers come in request order: a packet of `pending` ends every answer sent before it. */
  private completeEarlier(pending: PendingCommand): void {
    for (const earlier of this.inFlight.values()) {
      if (earlier === pending) return;
      this.complete(earlier);
    }
  }

  private complete(pending: PendingCommand): void {
    this.forget(pending);
    this.ignore(pending.id, true);
    const bytes = joinFragments(pending);
    this.pushEvent({
      type: "answer",
      id: pending.id,
      text: bytes.length === 0 ? "" : this.codec.decode(bytes),
      latencyMs: this.now - pending.startedAt,
      packets: pending.fragments.length,
    });
    this.sendQueued();
  }

  /** Ends a command without an answer; its ids stay ignored so a late answer is discarded. */
  private abandon(pending: PendingCommand, event: SourceClientEvent, endless = false): void {
    this.forget(pending);
    this.ignore(pending.id, endless);
    this.pushEvent(event);
  }

  private forget(pending: PendingCommand): void {
    this.inFlight.delete(pending.id);
    if (pending.markerId !== 0) {
      const group = this.markers.get(pending.markerId);
      group?.delete(pending);
      if (group?.size === 0) {
        this.markers.delete(pending.markerId);
        // Its commands are gone (timed out, failed): the next batch waits for no reply that may never come.
        this.markersOnWire.delete(pending.markerId);
        this.ignore(pending.markerId); // its echo, the SRCDS trailer, Squad's second echo
      }
    } else if (this.unmarked.length > 0) {
      this.unmarked = this.unmarked.filter((p) => p !== pending);
    }
  }

  private ignore(id: number, endless = false): void {
    this.ignored.set(id, endless);
  }

  private unsolicited(packet: SourcePacket): void {
    this.pushEvent({
      type: "pushed",
      packetType: packet.type,
      packetId: packet.id,
      text: packet.body.length === 0 ? "" : this.codec.decode(packet.body),
    });
  }

  /**
   * A command whose time ran out: with part of its answer in, `incomplete` carrying that part (which is
   * NOT the whole answer); with nothing, `timeout`.
   */
  private timeoutEvent(pending: PendingCommand): SourceClientEvent {
    const packets = pending.fragments.length;
    if (packets === 0) {
      return {
        type: "command-failed",
        id: pending.id,
        code: "timeout",
        detail: "no answer within the time limit",
      };
    }
    return {
      type: "command-failed",
      id: pending.id,
      code: "incomplete",
      detail: `its end did not arrive within the time limit (${packets} packets received)`,
      partial: this.codec.decode(joinFragments(pending)),
    };
  }
}

function joinFragments(pending: PendingCommand): Uint8Array {
  const { fragments } = pending;
  if (fragments.length === 1) return fragments[0] as Uint8Array;
  const bytes = new Uint8Array(pending.bytes);
  let offset = 0;
  for (const fragment of fragments) {
    bytes.set(fragment, offset);
    offset += fragment.length;
  }
  return bytes;
}

/** The body SRCDS sends after a marker's echo (Valve Developer wiki: "0x0000 0001 0000 0000"). */
function isTrailer(body: Uint8Array): boolean {
  return body.length === 4 && body[0] === 0 && body[1] === 1 && body[2] === 0 && body[3] === 0;
}

function markerPacket(id: number): Uint8Array {
  const out = new Uint8Array(packetLength(0));
  writePacketInto(out, 0, id, PacketType.RESPONSE_VALUE, EMPTY_BODY);
  return out;
}

function clampId(id: number): number {
  return id >= 1 && id <= MAX_REQUEST_ID ? Math.floor(id) : 1;
}
