/**
 * One logged-in conversation with a game server, for any ClientCore over any Transport: opens the
 * transport, logs in, turns commands into promises, and the core's events into what the connection
 * reports (server messages with the dialect's reading, anomalies, latency, why the session ended).
 * SupervisedConnection (../supervised-connection.ts) opens a new one after each loss.
 *
 * Families differ only in data: which core, which transport, how the login's failures read
 * (SessionWording), and options (write batching, a read budget, answer normalisation, how a
 * pushed message reads as a console line).
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { ClientCore, CommandSpec, CoreEvent } from "../protocol/core.ts";
import { RconLocalError, type RconRemoteError } from "../protocol/errors.ts";
import { FOREIGN_PREFIX_BYTES } from "../protocol/foreign-peer.ts";
import { SessionError, type Session, type SessionContext } from "../supervised-connection.ts";
import {
  FENCED_REASON,
  RconCommandError,
  type CommandOptions,
  type GameEvent,
  type Logger,
  type ProtocolId,
} from "../types.ts";
import { CorePump } from "./pump.ts";
import { ReadBudget } from "./read-budget.ts";
import type { OpenTransport, Transport } from "./transport.ts";

/** The family's words for how a login can fail; everything else is said the same way for every family. */
export interface SessionWording {
  /**
   * The login got no answer in time. `foreign`: the first bytes of a unit the core could not read
   * while logging in (another protocol answered), else null; `transportError`: the last socket error.
   */
  loginUnanswered(evidence: {
    reason: string;
    foreign: Uint8Array | null;
    transportError: string | null;
  }): string;
  /** The stream closed during login. Default: unreachable, "<reason> during login". */
  closedDuringLogin?(reason: string): SessionError;
  /** A unit after which the stream cannot continue (not a foreign peer). Default: generic words. */
  unreadable?(error: RconRemoteError): string;
  /**
   * The transport could not be opened: a family may read a refusal or a foreign peer in the error
   * (WebRCON: HTTP 401 to the upgrade). Default, or null: unreachable, in the error's own words.
   */
  openFailed?(error: unknown): SessionError | null;
}

export interface SessionSpec<C extends ClientCore = ClientCore> {
  protocol: ProtocolId;
  host: string;
  port: number;
  password: string;
  clock: Clock;
  createCore(): C;
  openTransport: OpenTransport;
  wording: SessionWording;
  commandTimeoutMs: number;
  /** A password the protocol can never send: final (auth), before any socket is opened. */
  checkPassword?: ((password: string) => string | null) | undefined;
  /** PumpOptions.batchWrites (TCP families). */
  batchWrites?: number | undefined;
  /** ConnectionOptions.maxReadBytesPerSecond; applies to transports with flow control. */
  maxReadBytesPerSecond?: number | undefined;
  /** The dialect's cleaning of answers (Source games that append junk), applied before resolving. */
  normaliseAnswer?: ((text: string) => string) | undefined;
  /**
   * A pushed message as a console line, from its channel (WebRCON: the message's Type, where Rust's
   * Chat messages carry JSON), before parseServerMessage reads it. Absent: the text as pushed.
   */
  renderPushed?: ((text: string, channel: string | undefined) => string) | undefined;
  parseServerMessage?: ((text: string) => GameEvent | null) | undefined;
  logger?: Logger | undefined;
  writeGate?: (() => boolean) | undefined;
}

interface Waiter {
  /** Only its first word is ever shown (commandName): the rest may carry a secret. */
  text: string;
  resolve(answer: string): void;
  reject(error: RconCommandError): void;
}

/** A command's first word, for errors: the rest may carry a secret (sv_password, rcon_password). */
function commandName(text: string): string {
  const first = /^\s*(\S*)/.exec(text)?.[1] ?? "";
  return first.length > 40 ? `${first.slice(0, 37)}...` : first;
}

/** Opens the transport, logs in, and resolves with a Session once the server accepted the password. */
export async function openSession<C extends ClientCore>(
  spec: SessionSpec<C>,
  context: SessionContext,
): Promise<Session> {
  const problem = spec.checkPassword?.(spec.password);
  if (problem) throw new SessionError("auth", problem);
  const { clock, logger } = spec;
  const where = `${spec.host}:${spec.port}`;
  const core = spec.createCore();
  const waiters = new Map<number, Waiter>();
  let phase: "login" | "online" | "ended" = "login";
  let transport: Transport | null = null;
  let settle: { resolve(session: Session): void; reject(error: SessionError): void } | null = null;
  let foreign: Uint8Array | null = null;
  let transportError: string | null = null;
  let pump: CorePump<C> | null = null;

  // Anomalies go up at most once a second per kind: a flood of bad units is one warning, not a flood of events.
  const reportedAt = { "endless-answer": -Infinity, malformed: -Infinity, flooding: -Infinity };
  const anomaly = (kind: keyof typeof reportedAt, detail: string) => {
    const now = clock.now();
    if (now - reportedAt[kind] < 1_000) return;
    reportedAt[kind] = now;
    context.emit({ type: "anomaly", at: now, kind, detail });
  };

  const end = (error: SessionError, commandError: RconCommandError) => {
    if (phase === "ended") return;
    const wasLogin = phase === "login";
    phase = "ended";
    pump?.stop();
    clock.clearTimeout(resumeTimer);
    core.close();
    for (const waiter of waiters.values()) waiter.reject(commandError);
    waiters.clear();
    transport?.destroy();
    if (wasLogin) settle?.reject(error);
    else context.lost(error);
  };
  const lose = (message: string, code: "CONNECTION_LOST" | "NOT_RCON" = "CONNECTION_LOST") =>
    end(new SessionError("unreachable", message), new RconCommandError(code, message));

  const onDropped = (event: Extract<CoreEvent, { type: "dropped" }>, unit: Uint8Array | null) => {
    const detail = event.error ? `${event.error.code}: ${event.error.message}` : event.reason;
    logger?.debug(`${spec.protocol} rcon: unit dropped`, {
      server: where,
      reason: event.reason,
      code: event.error?.code,
      message: event.error?.message,
    });
    if (event.fatal) {
      if (event.error?.code === "NOT_RCON") return lose(event.error.message, "NOT_RCON");
      anomaly("malformed", detail);
      // The detail (a size field's raw value) is in the log above; the status says it in words.
      return lose(
        event.error && spec.wording.unreadable
          ? spec.wording.unreadable(event.error)
          : "the server sent data that cannot be read; reconnecting",
      );
    }
    if (phase === "login") {
      // Something answers, but not in this protocol: remembered to name it if the login gets no answer.
      if (event.reason !== "late" && unit) foreign ??= unit.slice(0, FOREIGN_PREFIX_BYTES);
      return;
    }
    if (event.reason === "late") anomaly("endless-answer", "parts of an answer that already ended");
    else if (event.reason === "malformed") anomaly("malformed", detail);
  };

  let currentUnit: Uint8Array | null = null;
  const onEvent = (event: CoreEvent) => {
    switch (event.type) {
      case "logged-in":
        if (phase !== "login") return;
        phase = "online";
        settle?.resolve(session);
        return;
      case "login-refused":
        // Final at any time (Quake 3 learns it from any command): never retried automatically.
        end(new SessionError("auth", event.reason), new RconCommandError("AUTH_REFUSED", event.reason));
        return;
      case "dead":
        if (phase === "login")
          lose(spec.wording.loginUnanswered({ reason: event.reason, foreign, transportError }));
        else lose(`${where}: ${event.reason}`);
        return;
      case "answer": {
        context.reportLatency(event.latencyMs);
        const waiter = waiters.get(event.id);
        if (!waiter) return; // a keep-alive, or a command cancelled meanwhile
        waiters.delete(event.id);
        waiter.resolve(spec.normaliseAnswer ? spec.normaliseAnswer(event.text) : event.text);
        return;
      }
      case "command-failed": {
        const waiter = waiters.get(event.id);
        waiters.delete(event.id);
        if (event.code === "too-large") anomaly("endless-answer", event.detail);
        if (!waiter) return;
        if (event.code === "timeout") {
          waiter.reject(
            new RconCommandError("TIMEOUT", `no answer to "${commandName(waiter.text)}": ${event.detail}`),
          );
        } else if (event.code === "incomplete") {
          // `event.partial` is not the answer: it is never resolved, only named as incomplete.
          waiter.reject(
            new RconCommandError(
              "TIMEOUT",
              `the answer to "${commandName(waiter.text)}" is incomplete: ${event.detail}`,
            ),
          );
        } else if (event.code === "closed") {
          waiter.reject(new RconCommandError("CONNECTION_LOST", "the connection closed"));
        } else {
          waiter.reject(new RconCommandError("REJECTED", event.detail));
        }
        return;
      }
      case "pushed": {
        if (phase !== "online") return;
        const text = spec.renderPushed ? spec.renderPushed(event.text, event.channel) : event.text;
        if (text.trim() === "") return;
        context.emit({
          type: "server-message",
          at: clock.now(),
          text,
          event: spec.parseServerMessage ? spec.parseServerMessage(text) : null,
        });
        return;
      }
      case "dropped":
        onDropped(event, currentUnit);
        return;
    }
  };

  // Read budget (transports with flow control, read-budget.ts): past it reading pauses until what
  // was read is paid for, and TCP slows the sender.
  let readBudget: ReadBudget | null = null;
  let resumeTimer: TimerHandle | null = null;
  const pauseFor = (ms: number) => {
    resumeTimer = clock.setTimeout(() => {
      resumeTimer = null;
      if (phase === "ended" || !readBudget) return;
      const more = readBudget.remainingPause(clock.now());
      if (more > 0) pauseFor(more);
      else transport?.resume?.();
    }, ms);
  };
  const meter = (bytes: number) => {
    const perSecond = spec.maxReadBytesPerSecond;
    if (perSecond === undefined || !transport?.pause) return;
    const now = clock.now();
    readBudget ??= new ReadBudget(perSecond, now);
    const pauseMs = readBudget.take(bytes, now);
    if (pauseMs === 0 || resumeTimer) return;
    anomaly("flooding", `more than ${perSecond} bytes a second: reading paused`);
    transport.pause();
    pauseFor(pauseMs);
  };

  const session: Session = {
    command(text: string, options?: CommandOptions): Promise<string> {
      if (phase !== "online" || !pump)
        return Promise.reject(new RconCommandError("CONNECTION_LOST", "the connection is closed"));
      let id: number;
      const now = clock.now();
      const timeoutMs = options?.timeoutMs ?? spec.commandTimeoutMs;
      // No spread of an optional part: this runs for every command.
      const intent: CommandSpec = { text, timeoutMs };
      if (options?.idempotent !== undefined) intent.idempotent = options.idempotent;
      try {
        id = core.command(intent, now);
      } catch (error) {
        if (error instanceof RconLocalError)
          // A full pipeline is the server being slow, not the command being wrong.
          return Promise.reject(
            new RconCommandError(
              error.code === "TOO_MANY_IN_FLIGHT" ? "REJECTED" : "INVALID_ARGUMENT",
              error.message,
            ),
          );
        throw error;
      }
      const answer = new Promise<string>((resolve, reject) => waiters.set(id, { text, resolve, reject }));
      pump.afterIntent(now + timeoutMs);
      return answer;
    },
    async close() {
      if (phase === "ended") return;
      phase = "ended";
      pump?.stop();
      clock.clearTimeout(resumeTimer);
      core.close();
      for (const waiter of waiters.values())
        waiter.reject(new RconCommandError("CLOSED", "the connection was closed"));
      waiters.clear();
      await transport?.close();
    },
  };

  const login = new Promise<Session>((resolve, reject) => {
    settle = { resolve, reject };
  });
  pump = new CorePump({
    core,
    clock,
    onEvent,
    writeGate: spec.writeGate,
    onFenced: () =>
      end(new SessionError("fenced", FENCED_REASON), new RconCommandError("CLOSED", FENCED_REASON)),
    batchWrites: spec.batchWrites,
  });
  try {
    transport = await spec.openTransport({
      onUnit(unit) {
        if (phase === "ended") return;
        currentUnit = unit;
        pump?.receive(unit);
        currentUnit = null;
        meter(unit.length);
      },
      onClose(error) {
        if (phase === "ended") return;
        const reason = error
          ? `connection to ${where} lost: ${error.message}`
          : `${where} closed the connection`;
        if (phase !== "login") return lose(reason);
        const closed =
          spec.wording.closedDuringLogin?.(reason) ??
          new SessionError("unreachable", `${reason} during login`);
        end(
          closed,
          new RconCommandError(closed.kind === "auth" ? "AUTH_REFUSED" : "CONNECTION_LOST", closed.message),
        );
      },
      onDropped(detail) {
        if (phase === "ended") return;
        logger?.debug(`${spec.protocol} rcon: unit dropped`, { server: where, reason: detail });
        if (phase === "online") anomaly("malformed", detail);
      },
      onError(error) {
        // ICMP "port unreachable" while a UDP server restarts: the core's liveness rule decides, not one error.
        transportError =
          error.code === "ECONNREFUSED" ? "connection refused (nothing listens on that port)" : error.message;
        logger?.debug(`${spec.protocol} rcon: socket error`, { server: where, code: error.code });
      },
    });
  } catch (error) {
    phase = "ended";
    pump.stop();
    throw (
      spec.wording.openFailed?.(error) ??
      new SessionError("unreachable", error instanceof Error ? error.message : String(error))
    );
  }
  pump.attach(transport);
  if ((phase as string) === "ended") {
    transport.destroy();
    return login;
  }
  try {
    core.login(spec.password, clock.now());
  } catch (error) {
    if (!(error instanceof RconLocalError)) throw error;
    // A password that cannot even be sent can never work: final, like a refusal.
    end(
      new SessionError("auth", `the password cannot be sent: ${error.message}`),
      new RconCommandError("AUTH_REFUSED", "bad password"),
    );
    return login;
  }
  pump.pump();
  return login;
}
