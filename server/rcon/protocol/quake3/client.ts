/**
 * The Quake 3-family client core (ClientCore, ../core.ts) over the request line (request-line.ts).
 * Rcon is connectionless, so "logging in" is a cheap probe command that proves the password: an
 * auth-failure reply is `login-refused` (final), no reply is `dead` while logging in. A live session
 * is `dead` after several requests in a row got no answer, and `login-refused` if the password stops
 * working. Commands are re-sent once only when they change nothing (a lost request and a lost
 * answer look the same, and there is no sequence number to de-duplicate).
 *
 * Extras of this family: `query()` for getstatus/getinfo (no password needed, allowed before
 * login), whose results come from `nextQueryResult()`, not from the contract's event stream.
 */
import { assertState, RconLocalError } from "../errors.ts";
import { EventQueue } from "../event-queue.ts";
import type { ClientCore, CommandSpec, CoreEvent, CoreState } from "../core.ts";
import { checkRconPassword } from "./packet.ts";
import {
  RequestLine,
  type AuthFailureKind,
  type LineEvent,
  type RequestLineOptions,
} from "./request-line.ts";

export {
  AUTH_FAILURE_RULES,
  classifyAuthFailure,
  type AuthFailureKind,
  type AuthFailureRule,
} from "./request-line.ts";

export interface Quake3ClientOptions extends Omit<RequestLineOptions, "password"> {
  /** The read-only command `login` sends to prove the password. */
  probeCommand: string;
  loginTimeoutMs: number;
  /** Commands re-sent once when unanswered unless the caller says otherwise (they change nothing). */
  readOnlyCommands: readonly string[];
  /** Requests in a row without any answer before the session is declared dead. */
  maxSilentRequests?: number;
}

/** The contract's events; answers also say how they arrived (the benchmark's quiet-period cost). */
export type Quake3Event =
  | Exclude<CoreEvent, { type: "answer" }>
  | (Extract<CoreEvent, { type: "answer" }> & {
      datagrams: number;
      sentAt: number;
      lastDatagramAt: number;
      /** Cut by the answer size or time cap. */
      truncated: boolean;
    });

/** How an rcon request (the login probe or a command) ended on the line. */
type RconOutcome = Extract<LineEvent, { type: "answer" | "auth-failed" | "no-answer" }>;

/** A getstatus/getinfo outcome (Quake3Client.query). */
export type QueryResult = Extract<LineEvent, { type: "status" | "info" | "no-answer" }>;

const DEFAULT_MAX_SILENT_REQUESTS = 3;

export function describeAuthFailure(kind: AuthFailureKind, text: string): string {
  return kind === "not-set"
    ? `rcon is disabled on the server (it said "${text}")`
    : `login refused: wrong rcon password (the server said "${text}")`;
}

function firstToken(command: string): string {
  return command.replace(/^\s*(\S*)[\s\S]*$/, "$1").toLowerCase();
}

export class Quake3Client implements ClientCore {
  private currentState: CoreState = "idle";
  private readonly line: RequestLine;
  private readonly events = new EventQueue<Quake3Event>();
  private readonly queryResults = new EventQueue<QueryResult>();
  private readonly readOnly: ReadonlySet<string>;
  private loginId: number | null = null;
  /** Commands on the line, with whether they may be re-sent (for the failure's words). */
  private readonly commands = new Map<number, { resent: boolean }>();
  private readonly queries = new Set<number>();
  /** Cancelled while on the wire: the line finishes them, nobody hears of it. */
  private readonly cancelled = new Set<number>();
  private silent = 0;
  /** Datagrams that arrived after their request had ended (normal after a time-out on UDP). */
  staleDatagrams = 0;

  constructor(private readonly options: Quake3ClientOptions) {
    this.line = new RequestLine({ ...options, password: "" });
    this.readOnly = new Set(options.readOnlyCommands.map((c) => c.toLowerCase()));
  }

  get state(): CoreState {
    return this.currentState;
  }

  /** The probe leaves with takeOutgoing(now), when pacing allows: no time is needed here. */
  login(password: string): void {
    assertState(this.currentState, ["idle"], "log in");
    const problem = checkRconPassword(password);
    if (problem) throw new RconLocalError("INVALID_ARGUMENT", problem);
    this.line.setPassword(password);
    this.loginId = this.line.request({
      kind: "rcon",
      command: this.options.probeCommand,
      timeoutMs: this.options.loginTimeoutMs,
      retries: 1,
    });
    this.currentState = "logging-in";
  }

  command(spec: CommandSpec): number {
    assertState(this.currentState, ["ready"], "send a command");
    if (/[\r\n\0]/.test(spec.text)) {
      throw new RconLocalError(
        "INVALID_ARGUMENT",
        "a Quake 3 rcon command is one line: the server stops reading at a line break",
      );
    }
    const resent = spec.idempotent ?? this.readOnly.has(firstToken(spec.text));
    const id = this.line.request({
      kind: "rcon",
      command: spec.text,
      timeoutMs: spec.timeoutMs,
      retries: resent ? 1 : 0,
    });
    this.commands.set(id, { resent });
    return id;
  }

  /** getstatus/getinfo, without a password; the result comes from nextQueryResult(). */
  query(kind: "getstatus" | "getinfo", timeoutMs: number, retries = 1): number {
    assertState(this.currentState, ["idle", "logging-in", "ready"], "query the server");
    const id = this.line.request({ kind, timeoutMs, retries });
    this.queries.add(id);
    return id;
  }

  cancel(id: number): void {
    if (!this.commands.delete(id) && !this.queries.delete(id)) return;
    if (!this.line.cancel(id)) this.cancelled.add(id);
  }

  receive(unit: Uint8Array, now: number): void {
    if (this.currentState === "closed") return;
    this.line.receive(unit, now);
    this.translate();
  }

  takeOutgoing(now: number): Uint8Array[] {
    if (this.currentState === "closed") return [];
    return this.line.takeOutgoing(now);
  }

  nextEvent(): Quake3Event | null {
    return this.events.next();
  }

  nextQueryResult(): QueryResult | null {
    return this.queryResults.next();
  }

  nextDeadline(): number | null {
    return this.currentState === "closed" ? null : this.line.nextDeadline();
  }

  handleTimeout(now: number): void {
    if (this.currentState === "closed") return;
    this.line.handleTimeout(now);
    this.translate();
  }

  close(): number[] {
    if (this.currentState === "closed") return [];
    this.currentState = "closed";
    this.line.close();
    const ids = [...this.commands.keys()];
    for (const id of ids)
      this.events.push({ type: "command-failed", id, code: "closed", detail: "the client closed" });
    for (const id of this.queries) this.queryResults.push({ type: "no-answer", id, sentAt: 0, attempts: 0 });
    this.commands.clear();
    this.queries.clear();
    this.cancelled.clear();
    return ids;
  }

  /**
   * The line's outcomes, each for exactly one of: a cancelled request, the login probe, a query, a
   * command (ids are unique, and rcon requests never get query outcomes: hence the casts).
   */
  private translate(): void {
    for (let event = this.line.nextEvent(); event; event = this.line.nextEvent()) {
      if (event.type === "dropped") {
        if (event.reason === "stale") this.staleDatagrams++;
        else this.events.push({ type: "dropped", reason: event.reason, error: event.error, fatal: false });
      } else if (this.cancelled.delete(event.id)) {
        // cancelled while on the wire: nobody hears of it
      } else if (event.id === this.loginId) {
        this.loginOutcome(event as RconOutcome);
      } else if (this.queries.delete(event.id)) {
        this.queryResults.push(event as QueryResult);
      } else {
        this.commandOutcome(event as RconOutcome);
      }
    }
  }

  private loginOutcome(event: RconOutcome): void {
    this.loginId = null;
    if (event.type === "answer") {
      this.currentState = "ready";
      this.events.push({ type: "logged-in" });
    } else if (event.type === "auth-failed") {
      this.refuse(describeAuthFailure(event.kind, event.text));
    } else {
      this.events.push({
        type: "dead",
        reason: `no answer to the rcon probe after ${event.attempts} sends`,
      });
      this.close();
    }
  }

  private commandOutcome(event: RconOutcome): void {
    const resent = this.commands.get(event.id)?.resent;
    this.commands.delete(event.id);
    switch (event.type) {
      case "answer":
        this.silent = 0;
        this.events.push({
          type: "answer",
          id: event.id,
          text: event.text,
          latencyMs: event.deliveredAt - event.sentAt,
          datagrams: event.datagrams,
          sentAt: event.sentAt,
          lastDatagramAt: event.lastDatagramAt,
          truncated: event.truncated,
        });
        return;
      case "auth-failed":
        // The password stopped working (changed on the server): final, like a refused login.
        this.refuse(describeAuthFailure(event.kind, event.text));
        return;
      case "no-answer": {
        this.silent++;
        const detail = resent
          ? `no answer after ${event.attempts} sends`
          : "no answer (not re-sent: it may have run)";
        this.events.push({ type: "command-failed", id: event.id, code: "timeout", detail });
        if (this.silent >= (this.options.maxSilentRequests ?? DEFAULT_MAX_SILENT_REQUESTS)) {
          this.events.push({ type: "dead", reason: `no answer to ${this.silent} requests in a row` });
          this.close();
        }
        return;
      }
    }
  }

  private refuse(reason: string): void {
    this.events.push({ type: "login-refused", reason });
    this.close();
  }
}
