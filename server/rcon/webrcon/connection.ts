/**
 * One Rust WebRCON server: a SupervisedConnection whose sessions drive the Sans-IO WebRconClient
 * over a WebSocket from transport/websocket.ts. Deliberately thin (one timer at the core's next
 * deadline, waiters by command id, events turned into RconEvents) so that the generic session
 * driver can replace it.
 */
import { systemClock, type Clock, type TimerHandle } from "../clock.ts";
import type { CoreEvent } from "../protocol/core.ts";
import { RconLocalError } from "../protocol/errors.ts";
import { WebRconClient, WEBRCON_DEFAULTS } from "../protocol/webrcon/client.ts";
import type { WebRconDialect } from "../protocol/webrcon/dialects/common.ts";
import {
  SessionError,
  SupervisedConnection,
  type Session,
  type SessionContext,
} from "../supervised-connection.ts";
import { openWebSocket, WebSocketOpenError, type WebSocketStream } from "../transport/websocket.ts";
import {
  FENCED_REASON,
  RconCommandError,
  type CommandOptions,
  type ConnectionOptions,
  type Logger,
  type RconConnection,
} from "../types.ts";
import { checkWebRconPassword } from "./password.ts";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
/** A frame this many times over the answer cap closes the socket (ws maxPayload) instead of being read whole. */
const PAYLOAD_FACTOR = 4;
const READ_WINDOWS_PER_SECOND = 10;

export interface WebRconSessionSettings {
  host: string;
  port: number;
  password: string;
  dialect: WebRconDialect;
  clock: Clock;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxAnswerBytes: number;
  maxReadBytesPerSecond?: number | undefined;
  logger?: Logger | undefined;
  writeGate?: (() => boolean) | undefined;
}

export function createWebRconConnection(options: ConnectionOptions, dialect: WebRconDialect): RconConnection {
  const settings: WebRconSessionSettings = {
    host: options.host,
    port: options.port,
    password: options.password,
    dialect,
    clock: options.clock ?? systemClock,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    maxAnswerBytes:
      options.maxAnswerBytes ?? dialect.client.maxMessageBytes ?? WEBRCON_DEFAULTS.maxMessageBytes,
    maxReadBytesPerSecond: options.maxReadBytesPerSecond,
    logger: options.logger,
    writeGate: options.writeGate,
  };
  return new SupervisedConnection({
    protocol: "webrcon",
    dialect,
    clock: settings.clock,
    random: options.random,
    backoff: options.backoff,
    reconnect: options.reconnect,
    logger: options.logger,
    writeGate: options.writeGate,
    openSession: (context) => openWebRconSession(settings, context),
  });
}

interface Waiter {
  text: string;
  resolve(answer: string): void;
  reject(error: RconCommandError): void;
}

const shorten = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

export function openWebRconSession(
  settings: WebRconSessionSettings,
  context: SessionContext,
): Promise<Session> {
  const { clock, dialect } = settings;
  const where = `${settings.host}:${settings.port}`;
  const problem = checkWebRconPassword(settings.password);
  if (problem) return Promise.reject(new SessionError("auth", problem));
  const core = new WebRconClient({
    ...dialect.client,
    loginTimeoutMs: settings.connectTimeoutMs,
    maxMessageBytes: settings.maxAnswerBytes,
  });
  const waiters = new Map<number, Waiter>();
  // Anomalies go up at most once a second per kind: a flood of bad frames is one warning.
  const reportedAt = { "endless-answer": -Infinity, malformed: -Infinity, flooding: -Infinity };
  let stream: WebSocketStream | null = null;
  let phase: "login" | "online" | "ended" = "login";
  let timer: TimerHandle | null = null;
  let armedAt: number | null = null;
  let resumeTimer: TimerHandle | null = null;
  let windowStart = -Infinity;
  let windowBytes = 0;
  let settle: { resolve(session: Session): void; reject(error: SessionError): void } | null = null;

  const anomaly = (kind: keyof typeof reportedAt, detail: string) => {
    const now = clock.now();
    if (now - reportedAt[kind] < 1_000) return;
    reportedAt[kind] = now;
    context.emit({ type: "anomaly", at: now, kind, detail });
  };

  // Read budget per tenth of a second: past it reading pauses (TCP slows the sender) until the window ends.
  const meter = (bytes: number) => {
    const perSecond = settings.maxReadBytesPerSecond;
    if (perSecond === undefined || resumeTimer) return;
    const now = clock.now();
    if (now - windowStart >= 1_000 / READ_WINDOWS_PER_SECOND) {
      windowStart = now;
      windowBytes = 0;
    }
    windowBytes += bytes;
    if (windowBytes <= perSecond / READ_WINDOWS_PER_SECOND) return;
    anomaly("flooding", `more than ${perSecond} bytes a second: reading paused`);
    stream?.pause();
    resumeTimer = clock.setTimeout(
      () => {
        resumeTimer = null;
        windowStart = -Infinity;
        if (phase !== "ended") stream?.resume();
      },
      Math.max(0, windowStart + 1_000 / READ_WINDOWS_PER_SECOND - now),
    );
  };

  const end = (error: SessionError, commandError: RconCommandError) => {
    if (phase === "ended") return;
    const wasLogin = phase === "login";
    phase = "ended";
    clock.clearTimeout(timer);
    clock.clearTimeout(resumeTimer);
    core.close();
    for (const waiter of waiters.values()) waiter.reject(commandError);
    waiters.clear();
    stream?.destroy();
    if (wasLogin) settle?.reject(error);
    else context.lost(error);
  };

  const flush = () => {
    const out = core.takeOutgoing(clock.now());
    if (out.length > 0 && settings.writeGate && !settings.writeGate()) {
      end(new SessionError("fenced", FENCED_REASON), new RconCommandError("CLOSED", FENCED_REASON));
      return;
    }
    for (const unit of out) stream?.write(unit);
    arm();
  };

  // Re-armed only for an earlier deadline: a timer that fires early finds nothing due and re-arms,
  // far cheaper than a clearTimeout/setTimeout pair on every command and answer.
  const arm = () => {
    const deadline = core.nextDeadline();
    if (deadline === null || phase === "ended" || (armedAt !== null && armedAt <= deadline)) return;
    clock.clearTimeout(timer);
    armedAt = deadline;
    timer = clock.setTimeout(
      () => {
        timer = null;
        armedAt = null;
        if (phase === "ended") return;
        core.handleTimeout(clock.now());
        drain();
      },
      Math.max(0, deadline - clock.now()),
    );
  };

  const settleWaiter = (id: number, outcome: { answer: string } | { error: RconCommandError }) => {
    const waiter = waiters.get(id);
    if (!waiter) return;
    waiters.delete(id);
    if ("answer" in outcome) waiter.resolve(outcome.answer);
    else waiter.reject(outcome.error);
  };

  const handle = (event: CoreEvent) => {
    switch (event.type) {
      case "logged-in":
        phase = "online";
        settle?.resolve(session);
        return;
      case "login-refused":
        end(new SessionError("auth", event.reason), new RconCommandError("AUTH_REFUSED", "login refused"));
        return;
      case "answer":
        context.reportLatency(event.latencyMs);
        settleWaiter(event.id, { answer: event.text });
        return;
      case "command-failed": {
        const text = shorten(waiters.get(event.id)?.text ?? "");
        if (event.code === "too-large") anomaly("endless-answer", event.detail);
        const error =
          event.code === "timeout" || event.code === "incomplete"
            ? new RconCommandError("TIMEOUT", `no answer to "${text}" within the time limit`)
            : event.code === "closed"
              ? new RconCommandError("CONNECTION_LOST", "the connection was closed")
              : new RconCommandError(
                  "REJECTED",
                  event.code === "too-large"
                    ? `the answer to "${text}" is too large (${event.detail})`
                    : event.detail,
                );
        settleWaiter(event.id, { error });
        return;
      }
      case "pushed": {
        const line = dialect.renderPushed(event.channel ?? "Generic", event.text);
        if (line.trim() === "") return;
        context.emit({
          type: "server-message",
          at: clock.now(),
          text: line,
          event: dialect.parseServerMessage ? dialect.parseServerMessage(line) : null,
        });
        return;
      }
      case "dropped":
        if (event.reason === "late") anomaly("endless-answer", "an answer to a command that already ended");
        else {
          settings.logger?.warn("webrcon: message dropped", {
            server: where,
            reason: event.reason,
            code: event.error?.code,
          });
          anomaly("malformed", event.error?.message ?? "a message that cannot be read");
        }
        return;
      case "dead":
        end(
          new SessionError(
            "unreachable",
            phase === "login"
              ? `${where} accepted the WebSocket but never answered (${event.reason})`
              : event.reason,
          ),
          new RconCommandError("CONNECTION_LOST", event.reason),
        );
        return;
    }
  };

  const drain = () => {
    for (let event = core.nextEvent(); event; event = core.nextEvent()) {
      handle(event);
      if (phase === "ended") return;
    }
    flush();
  };

  const session: Session = {
    command(text: string, options?: CommandOptions): Promise<string> {
      if (phase !== "online")
        return Promise.reject(new RconCommandError("CONNECTION_LOST", "the connection is closed"));
      let id: number;
      try {
        id = core.command({ text, timeoutMs: options?.timeoutMs ?? settings.commandTimeoutMs }, clock.now());
      } catch (error) {
        if (error instanceof RconLocalError) {
          return Promise.reject(
            new RconCommandError(
              error.code === "TOO_MANY_IN_FLIGHT" ? "REJECTED" : "INVALID_ARGUMENT",
              error.message,
            ),
          );
        }
        throw error;
      }
      const promise = new Promise<string>((resolve, reject) => waiters.set(id, { text, resolve, reject }));
      flush();
      return promise;
    },
    async close() {
      if (phase === "ended") return;
      phase = "ended";
      clock.clearTimeout(timer);
      clock.clearTimeout(resumeTimer);
      core.close();
      for (const waiter of waiters.values())
        waiter.reject(new RconCommandError("CLOSED", "the connection was closed"));
      waiters.clear();
      await stream?.end();
    },
  };

  return new Promise<Session>((resolve, reject) => {
    settle = { resolve, reject };
    if (settings.writeGate && !settings.writeGate()) {
      phase = "ended";
      reject(new SessionError("fenced", FENCED_REASON));
      return;
    }
    openWebSocket(
      {
        host: settings.host,
        port: settings.port,
        path: settings.password,
        timeoutMs: settings.connectTimeoutMs,
        maxPayload: settings.maxAnswerBytes * PAYLOAD_FACTOR,
      },
      {
        onUnit(unit, binary) {
          if (phase === "ended") return;
          meter(unit.length);
          if (binary) {
            anomaly("malformed", "a binary WebSocket frame (WebRCON sends text)");
            return;
          }
          core.receive(unit, clock.now());
          drain();
        },
        onClose(code, error) {
          if (phase === "login") {
            // Rust answers a wrong password by closing the accepted socket without a word.
            end(
              new SessionError(
                "auth",
                "login refused: the server closed the WebSocket without answering (wrong RCON password?)",
              ),
              new RconCommandError("AUTH_REFUSED", "login refused"),
            );
            return;
          }
          // ws closes with 1009 when a frame passes maxPayload; the local close event may say 1006.
          const tooLarge = code === 1009 || error?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
          const reason = tooLarge
            ? `${where} sent a message over the size limit; reconnecting`
            : `${where} closed the connection`;
          end(new SessionError("unreachable", reason), new RconCommandError("CONNECTION_LOST", reason));
        },
      },
    ).then(
      (opened) => {
        stream = opened;
        if (phase === "ended") {
          opened.destroy();
          return;
        }
        core.login(settings.password, clock.now());
        flush();
      },
      (error: unknown) => {
        if (phase === "ended") return;
        phase = "ended";
        reject(openFailure(error, where));
      },
    );
  });
}

/** 401/403 is a refusal (never retried); another HTTP answer means something else listens there. */
function openFailure(error: unknown, where: string): SessionError {
  if (!(error instanceof WebSocketOpenError))
    return new SessionError("unreachable", `cannot connect to ${where}`);
  if (error.code === "HTTP" && (error.status === 401 || error.status === 403)) {
    return new SessionError(
      "auth",
      `login refused: ${where} answered HTTP ${error.status} (wrong RCON password?)`,
    );
  }
  if (error.code === "HTTP") {
    return new SessionError(
      "unreachable",
      `not a WebRCON server (it answered HTTP ${error.status ?? "?"} instead of accepting the WebSocket); check the host and port`,
    );
  }
  return new SessionError("unreachable", error.message);
}
