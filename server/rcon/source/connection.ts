/**
 * One Source RCON server: a SupervisedConnection (status, backoff, auth_failed never retried) whose
 * sessions are a TCP stream from transport/tcp.ts driven by the Sans-IO SourceClient. This file
 * owns the timers: one timer armed at the client's next deadline (command timeouts, quiet periods,
 * login timeout). Malformed packets are counted and dropped; a broken stream ends the session.
 */
import { systemClock, type Clock, type TimerHandle } from "../clock.ts";
import { createTextCodec } from "../encoding.ts";
import { RconLocalError } from "../protocol/errors.ts";
import { describeForeignPeer } from "../protocol/foreign-peer.ts";
import type { TextCodec } from "../protocol/text.ts";
import { SourceClient, type SourceClientEvent } from "../protocol/source/client.ts";
import type { SourceDialect } from "../protocol/source/dialects/index.ts";
import {
  SessionError,
  SupervisedConnection,
  type Session,
  type SessionContext,
} from "../supervised-connection.ts";
import { connectTcp, TcpConnectError, type TcpStream } from "../transport/tcp.ts";
import {
  FENCED_REASON,
  RconCommandError,
  type CommandOptions,
  type ConnectionOptions,
  type Logger,
  type RconConnection,
} from "../types.ts";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
const FLUSH_BATCH = 16;
const READ_WINDOWS_PER_SECOND = 10;

export interface SourceSessionSettings {
  host: string;
  port: number;
  password: string;
  dialect: SourceDialect;
  encoding: string;
  clock: Clock;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxAnswerBytes?: number | undefined;
  maxReadBytesPerSecond?: number | undefined;
  logger?: Logger | undefined;
  /** ConnectionOptions.writeGate: false => nothing is sent and the session ends as fenced. */
  writeGate?: (() => boolean) | undefined;
}

export function createSourceConnection(options: ConnectionOptions, dialect: SourceDialect): RconConnection {
  const settings: SourceSessionSettings = {
    host: options.host,
    port: options.port,
    password: options.password,
    dialect,
    encoding: options.encoding ?? dialect.defaultEncoding,
    clock: options.clock ?? systemClock,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    maxAnswerBytes: options.maxAnswerBytes,
    maxReadBytesPerSecond: options.maxReadBytesPerSecond,
    logger: options.logger,
    writeGate: options.writeGate,
  };
  createTextCodec(settings.encoding); // an unknown encoding fails here, loudly, not at first use
  return new SupervisedConnection({
    protocol: "source",
    dialect,
    clock: settings.clock,
    random: options.random,
    backoff: options.backoff,
    reconnect: options.reconnect,
    logger: options.logger,
    writeGate: options.writeGate,
    openSession: (context) => openSourceSession(settings, context),
  });
}

const UTF8_NAMES = new Set(["utf-8", "utf8"]);

/** UTF-8 (the common case) goes through Node's native codec; other encodings through iconv-lite. */
function textCodec(name: string): TextCodec {
  if (!UTF8_NAMES.has(name.toLowerCase())) return createTextCodec(name);
  return {
    name: "utf-8",
    encode: (text) => {
      const bytes = Buffer.from(text, "utf8");
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    // Invalid sequences become U+FFFD; decoding never throws.
    decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  };
}

const FATAL_PACKET_WORDS: Partial<Record<string, string>> = {
  FRAME_TOO_LARGE: "larger than the size limit",
  FRAME_TOO_SMALL: "shorter than any valid packet",
};

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

interface Waiter {
  text: string;
  startedAt: number;
  resolve(answer: string): void;
  reject(error: RconCommandError): void;
}

/** Opens the socket, logs in, and resolves with a Session once the server accepted the password. */
export function openSourceSession(
  settings: SourceSessionSettings,
  context: SessionContext,
): Promise<Session> {
  const { clock, dialect } = settings;
  const codec = textCodec(settings.encoding);
  const client = new SourceClient({
    profile: dialect.client,
    codec,
    ...(settings.maxAnswerBytes !== undefined ? { maxResponseBytes: settings.maxAnswerBytes } : {}),
  });
  // Anomalies go up at most once a second per kind: a flood of bad packets is one warning, not a flood of events.
  const reportedAt = { "endless-answer": -Infinity, malformed: -Infinity, flooding: -Infinity };
  // Read budget: bytes in the current tenth of a second; past a tenth of the budget the socket
  // pauses until the window ends (short windows: what piles up meanwhile is read in small bursts).
  let windowStart = -Infinity;
  let windowBytes = 0;
  let resumeTimer: TimerHandle | null = null;
  const meter = (bytes: number) => {
    const perSecond = settings.maxReadBytesPerSecond;
    if (perSecond === undefined || resumeTimer) return;
    const limit = perSecond / READ_WINDOWS_PER_SECOND;
    const now = clock.now();
    if (now - windowStart >= 1_000 / READ_WINDOWS_PER_SECOND) {
      windowStart = now;
      windowBytes = 0;
    }
    windowBytes += bytes;
    if (windowBytes <= limit) return;
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
  const anomaly = (kind: keyof typeof reportedAt, detail: string) => {
    const now = clock.now();
    if (now - reportedAt[kind] < 1_000) return;
    reportedAt[kind] = now;
    context.emit({ type: "anomaly", at: now, kind, detail });
  };
  const waiters = new Map<number, Waiter>();
  const where = `${settings.host}:${settings.port}`;
  let stream: TcpStream | null = null;
  let timer: TimerHandle | null = null;
  let armedAt: number | null = null;
  let phase: "login" | "online" | "ended" = "login";
  let settle: { resolve(session: Session): void; reject(error: SessionError): void } | null = null;

  // Commands issued in the same tick leave together (one syscall instead of one per command), in
  // groups of FLUSH_BATCH so the server starts on the first ones while we are still producing more.
  let flushScheduled = false;
  const scheduleFlush = () => {
    if (client.outgoingCount >= FLUSH_BATCH) {
      flush();
      return;
    }
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(() => {
      flushScheduled = false;
      if (phase !== "ended") flush();
    });
  };

  const flush = () => {
    const out = client.takeOutgoing();
    if (out.length > 0 && settings.writeGate && !settings.writeGate()) {
      // This instance may no longer talk to the server: nothing is sent, the stream is destroyed.
      end(new SessionError("fenced", FENCED_REASON), new RconCommandError("CLOSED", FENCED_REASON));
      return;
    }
    if (out.length > 0) stream?.write(out);
    // Re-arm only for an earlier deadline: an early timer just finds nothing due and re-arms, which
    // is far cheaper than a setTimeout/clearTimeout pair per command.
    arm(client.nextDeadline());
  };

  const arm = (deadline: number | null) => {
    if (deadline !== null && (armedAt === null || deadline < armedAt)) {
      if (timer) clock.clearTimeout(timer);
      armedAt = deadline;
      timer = clock.setTimeout(onTimer, Math.max(0, deadline - clock.now()));
    }
  };

  const onTimer = () => {
    timer = null;
    armedAt = null;
    if (phase === "ended") return;
    client.handleTimeout(clock.now());
    drain();
  };

  const end = (error: SessionError, commandError: RconCommandError) => {
    if (phase === "ended") return;
    const wasLogin = phase === "login";
    phase = "ended";
    if (timer) clock.clearTimeout(timer);
    timer = null;
    clock.clearTimeout(resumeTimer);
    client.close();
    for (const waiter of waiters.values()) waiter.reject(commandError);
    waiters.clear();
    stream?.destroy();
    if (wasLogin) settle?.reject(error);
    else context.lost(error);
  };

  const handle = (event: SourceClientEvent) => {
    switch (event.type) {
      case "authenticated":
        phase = "online";
        settle?.resolve(session);
        return;
      case "auth-refused":
        end(
          new SessionError("auth", "login refused: wrong RCON password"),
          new RconCommandError("AUTH_REFUSED", "login refused"),
        );
        return;
      case "auth-timeout":
        end(
          // Only malformed packets came back: something answers there, but not in Source RCON.
          new SessionError(
            "unreachable",
            client.remoteErrors > 0
              ? describeForeignPeer(null)
              : `no answer to login from ${where} within ${settings.connectTimeoutMs} ms`,
          ),
          new RconCommandError("TIMEOUT", "login timed out"),
        );
        return;
      case "response": {
        const waiter = waiters.get(event.requestId);
        if (!waiter) return;
        waiters.delete(event.requestId);
        context.reportLatency(clock.now() - waiter.startedAt);
        waiter.resolve(dialect.normaliseAnswer ? dialect.normaliseAnswer(event.text) : event.text);
        return;
      }
      case "timeout":
      case "incomplete":
      case "failed": {
        const waiter = waiters.get(event.requestId);
        waiters.delete(event.requestId);
        waiter?.reject(
          event.type === "timeout"
            ? new RconCommandError(
                "TIMEOUT",
                `no complete answer to "${shorten(waiter.text)}" within the time limit`,
              )
            : event.type === "incomplete"
              ? new RconCommandError(
                  "TIMEOUT",
                  `the answer to "${shorten(waiter.text)}" is incomplete: its end did not arrive within the time limit (${event.packets} packets received)`,
                )
              : new RconCommandError("REJECTED", event.error.message),
        );
        if (event.type === "failed") anomaly("endless-answer", event.error.message);
        // Half a packet still waiting after a whole command timeout: the size header lied (Palworld)
        // or the stream is broken. Start a fresh stream rather than misread what follows.
        if (event.type !== "failed" && client.bufferedBytes > 0) {
          end(
            new SessionError(
              "unreachable",
              "the server's packet stream went out of sync (incomplete packet); reconnecting",
            ),
            new RconCommandError("CONNECTION_LOST", "stream out of sync"),
          );
        }
        return;
      }
      case "late-answer":
        anomaly("endless-answer", "packets of an answer that already ended");
        return;
      case "unsolicited":
        if (event.text.trim() === "") return;
        context.emit({
          type: "server-message",
          at: clock.now(),
          text: event.text,
          event: dialect.parseServerMessage ? dialect.parseServerMessage(event.text) : null,
        });
        return;
      case "protocol-error":
        settings.logger?.warn("source rcon: malformed packet dropped", {
          server: where,
          code: event.error.code,
          message: event.error.message,
        });
        if (event.fatal && event.error.code === "NOT_RCON") {
          end(
            new SessionError("unreachable", event.error.message),
            new RconCommandError("NOT_RCON", event.error.message),
          );
          return;
        }
        anomaly("malformed", event.error.message);
        if (event.fatal) {
          // The detail (a size field's raw value) is in the log above; the status says it in words.
          end(
            new SessionError(
              "unreachable",
              `the server sent a packet that cannot be read (${FATAL_PACKET_WORDS[event.error.code] ?? "malformed"}); reconnecting`,
            ),
            new RconCommandError("CONNECTION_LOST", "invalid packet from the server"),
          );
        }
        return;
    }
  };

  const drain = () => {
    for (let event = client.nextEvent(); event; event = client.nextEvent()) {
      handle(event);
      if (phase === "ended") return;
    }
    flush();
  };

  const session: Session = {
    command(text: string, options?: CommandOptions): Promise<string> {
      if (phase !== "online")
        return Promise.reject(new RconCommandError("CONNECTION_LOST", "the connection is closed"));
      const now = clock.now();
      let id: number;
      const timeoutMs = options?.timeoutMs ?? settings.commandTimeoutMs;
      try {
        id = client.command(text, now, timeoutMs);
      } catch (error) {
        if (error instanceof RconLocalError)
          return Promise.reject(new RconCommandError("INVALID_ARGUMENT", error.message));
        throw error;
      }
      const promise = new Promise<string>((resolve, reject) => {
        waiters.set(id, { text, startedAt: now, resolve, reject });
      });
      arm(now + timeoutMs); // the timeout runs from now, even if the write waits for the batch
      scheduleFlush();
      return promise;
    },
    async close() {
      if (phase === "ended") return;
      phase = "ended";
      if (timer) clock.clearTimeout(timer);
      clock.clearTimeout(resumeTimer);
      client.close();
      for (const waiter of waiters.values())
        waiter.reject(new RconCommandError("CLOSED", "the connection was closed"));
      waiters.clear();
      await stream?.end();
    },
  };

  return new Promise<Session>((resolve, reject) => {
    settle = { resolve, reject };
    connectTcp(settings.host, settings.port, settings.connectTimeoutMs, {
      onData(bytes) {
        if (phase === "ended") return;
        client.receive(bytes, clock.now());
        drain();
        meter(bytes.length);
      },
      onClose(error) {
        const closedDuringLogin = phase === "login";
        const reason = error
          ? `connection to ${where} lost: ${error.message}`
          : `${where} closed the connection`;
        if (closedDuringLogin && dialect.server.authFailure === "close") {
          // This game answers a wrong password by closing the socket: never retry it automatically.
          end(
            new SessionError(
              "auth",
              "login refused: the server closed the connection (wrong RCON password?)",
            ),
            new RconCommandError("AUTH_REFUSED", "login refused"),
          );
        } else if (closedDuringLogin) {
          end(
            new SessionError(
              "unreachable",
              `${reason} during login (is this address banned for failed logins?)`,
            ),
            new RconCommandError("CONNECTION_LOST", reason),
          );
        } else {
          end(new SessionError("unreachable", reason), new RconCommandError("CONNECTION_LOST", reason));
        }
      },
    }).then(
      (opened) => {
        stream = opened;
        if (phase === "ended") {
          opened.destroy();
          return;
        }
        try {
          client.authenticate(settings.password, clock.now(), settings.connectTimeoutMs);
        } catch (error) {
          // A password that cannot even be sent can never work: final, like a refusal.
          end(
            new SessionError("auth", `the password cannot be sent: ${(error as Error).message}`),
            new RconCommandError("AUTH_REFUSED", "bad password"),
          );
          return;
        }
        flush();
      },
      (error: unknown) => {
        phase = "ended";
        reject(
          new SessionError(
            "unreachable",
            error instanceof TcpConnectError ? error.message : `cannot connect to ${where}: ${String(error)}`,
          ),
        );
      },
    );
  });
}
