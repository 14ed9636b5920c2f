/**
 * The request line under the Quake 3 client core (client.ts): Sans-IO out-of-band rcon and queries
 * (docs/protocols.md §3.2-3.7).
 *
 * There is no framing, no request id and no end marker: an answer is every `print` datagram that
 * arrives after the request until the line goes quiet for `quietMs`. Hence one request at a time,
 * paced to the server's rate limit (a dropped request gets no answer at all), stale datagrams
 * dropped while idle, and a short drain window after a request that got no answer.
 *
 * Surface: `request()` queues; `takeOutgoing(now)` yields the datagram to send when pacing allows;
 * `receive(bytes, now)`; `nextDeadline()` / `handleTimeout(now)`; `nextEvent()`.
 */
import { assertState, RconRemoteError } from "../errors.ts";
import type { TextCodec } from "../text.ts";
import { decodeReply, encodeQuery, encodeRconRequest, IOQ3_FRAMING, type ReplyFraming } from "./packet.ts";
import type { Pacer } from "./pacing.ts";
import { parseInfoResponse, parseStatusResponse, type InfoMap, type StatusResponse } from "./query.ts";
import { EventQueue } from "../event-queue.ts";

export type LineState = "READY" | "AWAITING_REPLY" | "COLLECTING" | "CLOSED";

/** Allowed transitions, in one place (h11 rule 1). */
const TRANSITIONS: Record<LineState, readonly LineState[]> = {
  READY: ["AWAITING_REPLY", "CLOSED"],
  AWAITING_REPLY: ["COLLECTING", "READY", "CLOSED"],
  COLLECTING: ["READY", "CLOSED"],
  CLOSED: [],
};

export type AuthFailureKind = "bad-password" | "not-set";

export interface AuthFailureRule {
  /** Tested against the whole answer text with surrounding whitespace trimmed. */
  pattern: RegExp;
  kind: AuthFailureKind;
}

/** Every wrong-password / no-password reply of the family (docs/protocols.md §3.4). */
export const AUTH_FAILURE_RULES: readonly AuthFailureRule[] = [
  { pattern: /^Bad rconpassword\.?$/, kind: "bad-password" }, // ioq3, OpenArena, Q3 1.32 (.), ET:Legacy (no period)
  { pattern: /^Bad rcon$/, kind: "bad-password" }, // CoD4x
  { pattern: /^Invalid password\.?$/, kind: "bad-password" }, // CoD4 1.7
  { pattern: /^\^1server denied rcon access to \S+$/, kind: "bad-password" }, // DarkPlaces
  { pattern: /^No rconpassword set on the server\.?$/, kind: "not-set" }, // ioq3 (.), ET:Legacy
  { pattern: /^No rconpassword set on server or password is shorter than 8 characters\.?$/, kind: "not-set" }, // CoD4x
  { pattern: /^The server must set 'rcon_password' for clients to use 'rcon'\.?$/, kind: "not-set" }, // CoD4 1.7
];

export function classifyAuthFailure(
  text: string,
  rules: readonly AuthFailureRule[] = AUTH_FAILURE_RULES,
): AuthFailureKind | null {
  const trimmed = text.trim();
  for (const rule of rules) if (rule.pattern.test(trimmed)) return rule.kind;
  return null;
}

export interface RequestLineOptions {
  password: string;
  codec: TextCodec;
  pacer: Pacer;
  /** Silence that ends an answer once its first datagram arrived. */
  quietMs: number;
  framing?: ReplyFraming;
  /** Caps against a server (or an attacker) that never stops sending. */
  maxAnswerBytes?: number;
  maxAnswerMs?: number;
  /** Silence after a request that got no answer, before the next one goes out. */
  drainMs?: number;
  authFailureRules?: readonly AuthFailureRule[];
}

export type RequestSpec =
  | { kind: "rcon"; command: string; timeoutMs: number; retries?: number }
  | { kind: "getstatus" | "getinfo"; timeoutMs: number; retries?: number };

interface PendingRequest {
  id: number;
  spec: RequestSpec;
  retriesLeft: number;
  challenge: string;
}

export type LineEvent =
  | {
      type: "answer";
      id: number;
      text: string;
      datagrams: number;
      sentAt: number;
      lastDatagramAt: number;
      deliveredAt: number;
      /** Cut by maxAnswerBytes / maxAnswerMs. */
      truncated: boolean;
    }
  | { type: "auth-failed"; id: number; kind: AuthFailureKind; text: string }
  | { type: "status"; id: number; response: StatusResponse; sentAt: number; receivedAt: number }
  | { type: "info"; id: number; info: InfoMap; sentAt: number; receivedAt: number }
  | { type: "no-answer"; id: number; sentAt: number; attempts: number }
  /** A datagram that was not part of the current answer (stale, malformed, wrong kind). */
  | { type: "dropped"; reason: "stale" | "malformed" | "unexpected"; error: RconRemoteError | null };

const DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_ANSWER_MS = 30_000;

export class RequestLine {
  private stateValue: LineState = "READY";
  private readonly queue: PendingRequest[] = [];
  private readonly events = new EventQueue<LineEvent>();
  private current: PendingRequest | null = null;
  private attempts = 0;
  private sentAt = 0;
  private firstDeadline = 0;
  private lastDatagramAt = 0;
  private chunks: Uint8Array[] = [];
  private answerBytes = 0;
  private datagrams = 0;
  private drainUntil = Number.NEGATIVE_INFINITY;
  private nextId = 1;
  private readonly framing: ReplyFraming;
  private readonly maxAnswerBytes: number;
  private readonly maxAnswerMs: number;
  private readonly drainMs: number;
  private readonly authRules: readonly AuthFailureRule[];

  private password: string;

  constructor(private readonly options: RequestLineOptions) {
    this.password = options.password;
    this.framing = options.framing ?? IOQ3_FRAMING;
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.maxAnswerMs = options.maxAnswerMs ?? DEFAULT_MAX_ANSWER_MS;
    this.drainMs = options.drainMs ?? Math.max(options.quietMs, 200);
    this.authRules = options.authFailureRules ?? AUTH_FAILURE_RULES;
  }

  /** The password rcon requests carry from now on (queries need none). */
  setPassword(password: string): void {
    this.password = password;
  }

  get state(): LineState {
    return this.stateValue;
  }

  get queued(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  private moveTo(next: LineState, action: string): void {
    assertState(
      this.stateValue,
      Object.keys(TRANSITIONS).filter((s) => TRANSITIONS[s as LineState].includes(next)) as LineState[],
      action,
    );
    this.stateValue = next;
  }

  /** Queues a request; validates it at once so a bad command fails before it waits its turn. */
  request(spec: RequestSpec): number {
    assertState(this.stateValue, ["READY", "AWAITING_REPLY", "COLLECTING"], "queue a request");
    if (spec.kind === "rcon") encodeRconRequest(this.password, spec.command);
    const id = this.nextId++;
    this.queue.push({ id, spec, retriesLeft: spec.retries ?? 0, challenge: `rd${id}` });
    return id;
  }

  /** Removes a queued request that has not been sent yet; false when it is already in flight. */
  cancel(id: number): boolean {
    const index = this.queue.findIndex((r) => r.id === id);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    return true;
  }

  /** The datagram to send now, if the current request is done and pacing allows the next. */
  takeOutgoing(now: number): Uint8Array[] {
    if (this.stateValue !== "READY" || now < this.drainUntil) return [];
    const next = this.queue[0];
    if (!next) return [];
    const kind = next.spec.kind === "rcon" ? "rcon" : "query";
    if (!this.options.pacer.canSend(kind, now)) return [];
    this.queue.shift();
    this.options.pacer.record(kind, now);
    const bytes =
      next.spec.kind === "rcon"
        ? encodeRconRequest(this.password, next.spec.command)
        : encodeQuery(next.spec.kind, next.challenge);
    if (this.current?.id !== next.id) this.attempts = 0;
    this.current = next;
    this.attempts++;
    this.sentAt = now;
    this.firstDeadline = now + next.spec.timeoutMs;
    this.chunks = [];
    this.answerBytes = 0;
    this.datagrams = 0;
    this.moveTo("AWAITING_REPLY", "send a request");
    return [bytes];
  }

  receive(bytes: Uint8Array, now: number): void {
    if (this.stateValue === "CLOSED") return;
    let reply;
    try {
      reply = decodeReply(bytes, this.framing);
    } catch (error) {
      this.events.push({
        type: "dropped",
        reason: "malformed",
        error: error instanceof RconRemoteError ? error : null,
      });
      return;
    }
    const current = this.current;
    if (this.stateValue === "READY" || !current) {
      this.events.push({ type: "dropped", reason: "stale", error: null });
      return;
    }
    if (current.spec.kind === "rcon") {
      if (reply.kind !== "print") {
        this.events.push({ type: "dropped", reason: "unexpected", error: null });
        return;
      }
      this.appendChunk(reply.body, now);
      return;
    }
    this.receiveQueryReply(current, reply.kind, reply.body, now);
  }

  private receiveQueryReply(current: PendingRequest, kind: string, body: Uint8Array, now: number): void {
    const expected = current.spec.kind === "getstatus" ? "statusResponse" : "infoResponse";
    if (kind !== expected) {
      this.events.push({ type: "dropped", reason: "unexpected", error: null });
      return;
    }
    const text = this.options.codec.decode(body);
    try {
      if (current.spec.kind === "getstatus") {
        const response = parseStatusResponse(text);
        if (response.info.challenge !== undefined && response.info.challenge !== current.challenge)
          throw new RconRemoteError("UNEXPECTED_PACKET", "stale query answer");
        this.finish();
        this.current = null;
        this.events.push({ type: "status", id: current.id, response, sentAt: this.sentAt, receivedAt: now });
      } else {
        const info = parseInfoResponse(text);
        if (info.challenge !== undefined && info.challenge !== current.challenge)
          throw new RconRemoteError("UNEXPECTED_PACKET", "stale query answer");
        this.finish();
        this.current = null;
        this.events.push({ type: "info", id: current.id, info, sentAt: this.sentAt, receivedAt: now });
      }
    } catch (error) {
      if (!(error instanceof RconRemoteError)) throw error;
      this.events.push({
        type: "dropped",
        reason: error.code === "UNEXPECTED_PACKET" ? "stale" : "malformed",
        error,
      });
    }
  }

  private appendChunk(body: Uint8Array, now: number): void {
    if (this.stateValue === "AWAITING_REPLY") this.moveTo("COLLECTING", "collect an answer");
    this.datagrams++;
    this.lastDatagramAt = now;
    const room = this.maxAnswerBytes - this.answerBytes;
    if (body.length > room) {
      this.chunks.push(body.slice(0, Math.max(0, room)));
      this.answerBytes = this.maxAnswerBytes;
      this.completeAnswer(now, true);
      return;
    }
    this.chunks.push(body.slice());
    this.answerBytes += body.length;
  }

  nextDeadline(): number | null {
    switch (this.stateValue) {
      case "AWAITING_REPLY":
        return this.firstDeadline;
      case "COLLECTING":
        return Math.min(this.lastDatagramAt + this.options.quietMs, this.sentAt + this.maxAnswerMs);
      case "READY": {
        const next = this.queue[0];
        if (!next) return null;
        const at = this.options.pacer.earliestAt(next.spec.kind === "rcon" ? "rcon" : "query");
        return Math.max(at, this.drainUntil, 0);
      }
      case "CLOSED":
        return null;
    }
  }

  handleTimeout(now: number): void {
    const current = this.current;
    if (this.stateValue === "COLLECTING") {
      const capped = now >= this.sentAt + this.maxAnswerMs;
      if (now >= this.lastDatagramAt + this.options.quietMs || capped)
        this.completeAnswer(now, capped && now < this.lastDatagramAt + this.options.quietMs);
      return;
    }
    if (this.stateValue !== "AWAITING_REPLY" || !current || now < this.firstDeadline) return;
    this.finish();
    this.drainUntil = now + this.drainMs;
    if (current.retriesLeft > 0) {
      current.retriesLeft--;
      this.current = current; // keeps the attempt count for the retry
      this.queue.unshift(current);
      return;
    }
    this.current = null;
    this.events.push({ type: "no-answer", id: current.id, sentAt: this.sentAt, attempts: this.attempts });
  }

  private completeAnswer(now: number, truncated: boolean): void {
    const current = this.current;
    if (!current) return;
    const all = new Uint8Array(this.answerBytes);
    let offset = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    // Decode once at the end: a multi-byte character may straddle two datagrams.
    const text = this.options.codec.decode(all);
    const datagrams = this.datagrams;
    const sentAt = this.sentAt;
    const lastDatagramAt = this.lastDatagramAt;
    this.finish();
    this.current = null;
    const authKind = classifyAuthFailure(text, this.authRules);
    if (authKind) {
      this.events.push({ type: "auth-failed", id: current.id, kind: authKind, text: text.trim() });
      return;
    }
    this.events.push({
      type: "answer",
      id: current.id,
      text,
      datagrams,
      sentAt,
      lastDatagramAt,
      deliveredAt: now,
      truncated,
    });
  }

  private finish(): void {
    this.chunks = [];
    this.answerBytes = 0;
    this.datagrams = 0;
    if (this.stateValue !== "READY") this.moveTo("READY", "finish a request");
  }

  nextEvent(): LineEvent | null {
    return this.events.next();
  }

  /** Ends the client; returns the ids of requests that will never be answered. */
  close(): number[] {
    if (this.stateValue === "CLOSED") return [];
    const ids = [
      ...(this.current ? [this.current.id] : []),
      ...this.queue.filter((r) => r.id !== this.current?.id).map((r) => r.id),
    ];
    this.queue.length = 0;
    this.current = null;
    this.moveTo("CLOSED", "close");
    return ids;
  }
}
