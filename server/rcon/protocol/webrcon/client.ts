/**
 * The Rust WebRCON client core (ClientCore of protocol/core.ts): JSON messages over WebSocket text
 * frames, matched to commands by Identifier (docs/webrcon.md).
 *
 * - Login: the password travels in the URL path, so the socket being accepted is most of the
 *   login. The core still proves the peer is a WebRCON server by sending one cheap command
 *   ("serverinfo", what Facepunch's own web client polls every second) and is ready at its answer.
 *   A wrong password makes Rust close the socket without a message: the driver reports that.
 * - Identifiers: positive, wrapping below 2^31, never one still pending. Messages with
 *   Identifier <= 0, or one we never used, are the server's own output: `pushed`, channel = Type.
 *   An answer to a command that already timed out or was cancelled is dropped as `late`.
 * - Keep-alive: Rust does not answer WebSocket pings, so a cheap command goes out after
 *   `keepAliveIdleMs` without sending anything, and the session is `dead` after `deadAfterMs`
 *   without hearing anything.
 * - Caps: a message over `maxMessageBytes` is dropped (its command fails "too-large"); at most
 *   `maxPending` commands wait for an answer.
 */
import type { ClientCore, CommandSpec, CoreEvent, CoreState } from "../core.ts";
import { assertState, RconLocalError, type RconRemoteError } from "../errors.ts";
import { EventQueue } from "../event-queue.ts";
import { decodeMessage, encodeCommand, MAX_IDENTIFIER } from "./message.ts";

export interface WebRconClientOptions {
  /** The command whose answer completes the login, and the keep-alive command. */
  probeCommand?: string;
  loginTimeoutMs?: number;
  /** Nothing sent for this long: a keep-alive command goes out. */
  keepAliveIdleMs?: number;
  /** Nothing heard for this long: the session is dead. */
  deadAfterMs?: number;
  /** Largest message (one whole answer) accepted. */
  maxMessageBytes?: number;
  /** Largest command frame we send. */
  maxCommandBytes?: number;
  /** Commands waiting for an answer at most. */
  maxPending?: number;
}

export const WEBRCON_DEFAULTS = {
  probeCommand: "serverinfo",
  loginTimeoutMs: 10_000,
  keepAliveIdleMs: 30_000,
  deadAfterMs: 90_000,
  maxMessageBytes: 1024 * 1024,
  maxCommandBytes: 64 * 1024,
  maxPending: 64,
} satisfies Required<WebRconClientOptions>;

/** Answers of commands that ended are remembered this long (in ids) to tell a late answer from a push. */
const FINISHED_MEMORY = 256;
/** Where Rust's serialiser puts Identifier in an oversized message: after Message, near the end. */
const TAIL_BYTES = 256;

interface Pending {
  role: "login" | "keep-alive" | "command";
  sentAt: number;
  /** null: waits as long as the session lives (keep-alive: silence decides). */
  deadline: number | null;
}

export class WebRconClient implements ClientCore {
  private current: CoreState = "idle";
  private readonly settings: Required<WebRconClientOptions>;
  private readonly events = new EventQueue<CoreEvent>();
  private readonly pending = new Map<number, Pending>();
  private readonly finished = new Set<number>();
  private readonly finishedOrder: number[] = [];
  private outgoing: Uint8Array[] = [];
  private nextId = 1;
  private commandsPending = 0;
  private keepAliveId: number | null = null;
  private lastHeardAt = 0;
  private lastSentAt = 0;
  private declaredDead = false;

  constructor(options: WebRconClientOptions = {}) {
    this.settings = { ...WEBRCON_DEFAULTS, ...options };
  }

  get state(): CoreState {
    return this.current;
  }

  /** The password is in the URL the transport opened; it is not sent again. */
  login(_password: string, now: number): void {
    assertState(this.current, ["idle"], "log in");
    this.current = "logging-in";
    this.lastHeardAt = now;
    this.send("login", this.settings.probeCommand, now, now + this.settings.loginTimeoutMs);
  }

  command(spec: CommandSpec, now: number): number {
    assertState(this.current, ["ready"], "send a command");
    if (this.commandsPending >= this.settings.maxPending) {
      throw new RconLocalError(
        "TOO_MANY_IN_FLIGHT",
        `more than ${this.settings.maxPending} commands are waiting for an answer`,
      );
    }
    return this.send("command", spec.text, now, now + spec.timeoutMs);
  }

  cancel(id: number): void {
    const entry = this.pending.get(id);
    if (entry?.role !== "command") return;
    this.finish(id, entry);
  }

  receive(unit: Uint8Array, now: number): void {
    if (this.current === "idle" || this.current === "closed") return;
    this.lastHeardAt = now;
    let message;
    try {
      message = decodeMessage(unit, this.settings.maxMessageBytes);
    } catch (error) {
      const remote = error as RconRemoteError;
      if (remote.code === "FRAME_TOO_LARGE")
        this.failTooLarge(unit, `the answer is too large: ${remote.message}`);
      this.events.push({ type: "dropped", reason: "malformed", error: remote, fatal: false });
      return;
    }
    const id = message.identifier;
    const entry = id > 0 ? this.pending.get(id) : undefined;
    if (entry) {
      this.finish(id, entry);
      if (entry.role === "login") {
        this.current = "ready";
        this.events.push({ type: "logged-in" });
      } else if (entry.role === "command") {
        this.events.push(
          message.type === "Error"
            ? { type: "command-failed", id, code: "remote-error", detail: message.message }
            : { type: "answer", id, text: message.message, latencyMs: now - entry.sentAt },
        );
      }
      return;
    }
    if (id > 0 && this.finished.has(id)) {
      this.events.push({ type: "dropped", reason: "late", error: null, fatal: false });
      return;
    }
    this.events.push({ type: "pushed", text: message.message, channel: message.type });
  }

  takeOutgoing(_now: number): Uint8Array[] {
    const out = this.outgoing;
    this.outgoing = [];
    return out;
  }

  nextEvent(): CoreEvent | null {
    return this.events.next();
  }

  nextDeadline(): number | null {
    if (this.current === "idle" || this.current === "closed" || this.declaredDead) return null;
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.pending.values())
      if (entry.deadline !== null && entry.deadline < earliest) earliest = entry.deadline;
    if (this.current === "ready") {
      earliest = Math.min(earliest, this.lastHeardAt + this.settings.deadAfterMs);
      if (this.keepAliveId === null)
        earliest = Math.min(earliest, this.lastSentAt + this.settings.keepAliveIdleMs);
    }
    // Logging in: the login's deadline; ready: the silence limit. Never Infinity here.
    return earliest;
  }

  handleTimeout(now: number): void {
    if (this.current === "idle" || this.current === "closed" || this.declaredDead) return;
    for (const [id, entry] of [...this.pending]) {
      if (entry.deadline === null || entry.deadline > now) continue;
      if (entry.role === "login") {
        this.die(`no answer to the login command within ${this.settings.loginTimeoutMs} ms`);
        return;
      }
      this.finish(id, entry);
      this.events.push({
        type: "command-failed",
        id,
        code: "timeout",
        detail: "no answer within the time limit",
      });
    }
    if (this.current !== "ready") return;
    if (now - this.lastHeardAt >= this.settings.deadAfterMs) {
      this.die(`no message from the server for ${Math.round(this.settings.deadAfterMs / 1000)} s`);
      return;
    }
    if (this.keepAliveId === null && now - this.lastSentAt >= this.settings.keepAliveIdleMs) {
      this.keepAliveId = this.send("keep-alive", this.settings.probeCommand, now, null);
    }
  }

  close(): number[] {
    if (this.current === "closed") return [];
    this.current = "closed";
    const ids: number[] = [];
    for (const [id, entry] of this.pending) {
      if (entry.role !== "command") continue;
      ids.push(id);
      this.events.push({ type: "command-failed", id, code: "closed", detail: "the session was closed" });
    }
    this.pending.clear();
    this.commandsPending = 0;
    this.keepAliveId = null;
    this.outgoing = [];
    return ids;
  }

  private send(role: Pending["role"], text: string, now: number, deadline: number | null): number {
    const id = this.allocateId();
    this.outgoing.push(encodeCommand(id, text, this.settings.maxCommandBytes));
    this.pending.set(id, { role, sentAt: now, deadline });
    if (role === "command") this.commandsPending++;
    this.lastSentAt = now;
    return id;
  }

  private allocateId(): number {
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= MAX_IDENTIFIER ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
  }

  /** The command ended (answered, failed, cancelled): a later message with its id is late. */
  private finish(id: number, entry: Pending): void {
    this.pending.delete(id);
    if (entry.role === "command") this.commandsPending--;
    if (entry.role === "keep-alive") this.keepAliveId = null;
    this.finished.add(id);
    this.finishedOrder.push(id);
    if (this.finishedOrder.length > FINISHED_MEMORY)
      this.finished.delete(this.finishedOrder.shift() as number);
  }

  /** An oversized answer still fails its command at once when its Identifier can be read near the end. */
  private failTooLarge(unit: Uint8Array, detail: string): void {
    const tail = new TextDecoder().decode(unit.subarray(Math.max(0, unit.length - TAIL_BYTES)));
    const found = /"Identifier"\s*:\s*(\d+)/.exec(tail);
    const id = Number(found?.[1]);
    const entry = this.pending.get(id);
    if (entry?.role !== "command") return;
    this.finish(id, entry);
    this.events.push({ type: "command-failed", id, code: "too-large", detail });
  }

  private die(reason: string): void {
    this.declaredDead = true;
    this.events.push({ type: "dead", reason });
  }
}
