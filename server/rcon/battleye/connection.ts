/**
 * A BattlEye connection: the shared SupervisedConnection lifecycle around sessions that each own one
 * connected UDP socket and one Sans-IO client core. The I/O here is thin: datagrams go into the core,
 * the core's outgoing datagrams go to the socket, and a single clock timer is armed for the core's
 * next deadline (retransmits, keep-alive, the 45 s liveness rule).
 */
import { systemClock, type Clock, type TimerHandle } from "../clock.ts";
import { battlEyeCodec } from "./codec.ts";
import { RconLocalError, RconRemoteError } from "../protocol/errors.ts";
import { describeForeignPeer, FOREIGN_PREFIX_BYTES } from "../protocol/foreign-peer.ts";
import { BattlEyeClient, DEFAULT_CLIENT_TIMING, type ClientTiming } from "../protocol/battleye/client.ts";
import { BATTLEYE_DIALECTS, DEFAULT_BATTLEYE_DIALECT } from "../protocol/battleye/dialects/index.ts";
import {
  SessionError,
  SupervisedConnection,
  type Session,
  type SessionContext,
} from "../supervised-connection.ts";
import { connectUdp, type UdpClientSocket } from "../transport/udp.ts";
import {
  RconCommandError,
  type CommandOptions,
  type ConnectionOptions,
  type Dialect,
  type Logger,
  type RconConnection,
  FENCED_REASON,
} from "../types.ts";
import type { TextCodec } from "../protocol/text.ts";

export function findBattlEyeDialect(id: string | undefined): Dialect {
  const wanted = id ?? DEFAULT_BATTLEYE_DIALECT;
  const dialect = BATTLEYE_DIALECTS.find((d) => d.id === wanted);
  if (!dialect) {
    throw new Error(
      `unknown BattlEye game "${wanted}"; known: ${BATTLEYE_DIALECTS.map((d) => d.id).join(", ")}`,
    );
  }
  return dialect;
}

export interface BattlEyeSessionSetup {
  host: string;
  port: number;
  password: string;
  dialect: Dialect;
  codec: TextCodec;
  clock: Clock;
  timing: Partial<ClientTiming>;
  logger?: Logger | undefined;
  /** ConnectionOptions.writeGate: false => nothing is sent and the session ends as fenced. */
  writeGate?: (() => boolean) | undefined;
}

interface Waiter {
  resolve(text: string): void;
  reject(error: Error): void;
}

/** Opens one session: socket, login, then commands and messages until closed or lost. */
export async function openBattlEyeSession(
  setup: BattlEyeSessionSetup,
  context: SessionContext,
): Promise<Session> {
  const { host, port, clock, logger } = setup;
  const core = new BattlEyeClient(setup.codec, setup.timing);
  const waiters = new Map<number, Waiter>();
  let timer: TimerHandle | null = null;
  let armedAt = 0;
  let socket: UdpClientSocket | null = null;
  let finished = false;
  let settleLogin: { resolve(): void; reject(error: SessionError): void } | null = null;
  /** The first datagram that was not BattlEye RCon while logging in: the peer speaks something else. */
  let foreign: Uint8Array | null = null;
  // Anomalies go up at most once a second per kind: a flood of bad datagrams is one warning, not a flood of events.
  const reportedAt = { "endless-answer": -Infinity, malformed: -Infinity };
  const anomaly = (kind: keyof typeof reportedAt, detail: string) => {
    const now = clock.now();
    if (now - reportedAt[kind] < 1_000) return;
    reportedAt[kind] = now;
    context.emit({ type: "anomaly", at: now, kind, detail });
  };

  function finish(error: RconCommandError): void {
    finished = true;
    core.close();
    clock.clearTimeout(timer);
    timer = null;
    for (const waiter of waiters.values()) waiter.reject(error);
    waiters.clear();
  }

  function lose(reason: string): void {
    if (finished) return;
    finish(new RconCommandError("CONNECTION_LOST", reason));
    void socket?.close();
    context.lost(new SessionError("unreachable", reason));
  }

  function drain(): void {
    for (let event = core.nextEvent(); event; event = core.nextEvent()) {
      switch (event.type) {
        case "logged-in":
          settleLogin?.resolve();
          break;
        case "login-refused":
          settleLogin?.reject(new SessionError("auth", "login refused: wrong RCon password"));
          break;
        case "login-timeout":
          settleLogin?.reject(
            new SessionError(
              "unreachable",
              foreign
                ? describeForeignPeer(foreign)
                : `no answer to login from ${host}:${port} — RCon disabled, wrong port, or server still loading`,
            ),
          );
          break;
        case "response": {
          context.reportLatency(event.latencyMs);
          const waiter = waiters.get(event.id);
          waiters.delete(event.id);
          waiter?.resolve(event.text);
          break;
        }
        case "command-timeout": {
          const waiter = waiters.get(event.id);
          waiters.delete(event.id);
          waiter?.reject(new RconCommandError("TIMEOUT", `no complete answer after ${event.attempts} sends`));
          break;
        }
        case "command-failed": {
          const waiter = waiters.get(event.id);
          waiters.delete(event.id);
          waiter?.reject(new RconCommandError("REJECTED", event.error.message));
          anomaly("endless-answer", event.error.message);
          break;
        }
        case "message":
          context.emit({
            type: "server-message",
            at: clock.now(),
            text: event.text,
            event: setup.dialect.parseServerMessage?.(event.text) ?? null,
          });
          break;
        case "dead":
          lose(
            `nothing received from ${host}:${port} for ${Math.round(event.silentMs / 1000)} s: server gone or restarted`,
          );
          return;
      }
    }
    if (finished || !socket) return;
    const outgoing = core.takeOutgoing();
    if (outgoing.length > 0 && setup.writeGate && !setup.writeGate()) return fence();
    for (const bytes of outgoing) socket.send(bytes);
    arm(core.nextDeadline());
  }

  /** The write gate refused: nothing more is sent, the socket closes, the session ends for good. */
  function fence(): void {
    if (finished) return;
    finish(new RconCommandError("CLOSED", FENCED_REASON));
    void socket?.close();
    const error = new SessionError("fenced", FENCED_REASON);
    if (settleLogin) settleLogin.reject(error);
    else context.lost(error);
  }

  /**
   * One timer for the core's next deadline. A timer already armed for an earlier or equal time is
   * kept (it fires, finds little to do, and re-arms): re-creating a Node timer for every datagram
   * costs more than the protocol work itself.
   */
  function arm(at: number | null): void {
    if (at === null) {
      clock.clearTimeout(timer);
      timer = null;
      return;
    }
    if (timer && armedAt <= at) return;
    clock.clearTimeout(timer);
    armedAt = at;
    timer = clock.setTimeout(
      () => {
        timer = null;
        if (finished) return;
        core.handleTimeout(clock.now());
        drain();
      },
      Math.max(0, at - clock.now()),
    );
  }

  try {
    socket = await connectUdp(host, port, {
      onDatagram(datagram) {
        if (finished) return;
        try {
          core.receive(datagram.bytes, clock.now());
        } catch (error) {
          // Malformed or inconsistent datagrams are counted by the core and dropped here.
          if (!(error instanceof RconRemoteError)) throw error;
          logger?.debug("battleye: dropped datagram", { code: error.code, reason: error.message });
          if (settleLogin) foreign ??= datagram.bytes.slice(0, FOREIGN_PREFIX_BYTES);
          else anomaly("malformed", `${error.code}: ${error.message}`);
        }
        drain();
      },
      onError(error) {
        // ICMP "port unreachable" while the server restarts: the liveness rule decides, not one error.
        logger?.debug("battleye: socket error", { code: error.code });
      },
    });
  } catch (error) {
    throw new SessionError(
      "unreachable",
      `cannot open a UDP socket to ${host}:${port}: ${(error as Error).message}`,
    );
  }

  try {
    await new Promise<void>((resolve, reject) => {
      settleLogin = { resolve, reject };
      core.login(setup.password, clock.now());
      drain();
    });
  } catch (error) {
    finish(new RconCommandError("CLOSED", "login failed"));
    await socket.close();
    throw error;
  } finally {
    settleLogin = null;
  }

  const session: Session = {
    command(text: string, options?: CommandOptions): Promise<string> {
      // Every re-send carries the same sequence number and the server answers repeats from its cache,
      // so `idempotent: false` commands are safe to re-send too.
      if (finished) return Promise.reject(new RconCommandError("CONNECTION_LOST", "session closed"));
      let id: number;
      try {
        id = core.command(text, clock.now(), options?.timeoutMs);
      } catch (error) {
        if (error instanceof RconLocalError)
          return Promise.reject(new RconCommandError("INVALID_ARGUMENT", error.message));
        throw error;
      }
      const answer = new Promise<string>((resolve, reject) => waiters.set(id, { resolve, reject }));
      drain();
      return answer;
    },
    async close() {
      if (!finished) finish(new RconCommandError("CLOSED", "connection closed"));
      await socket?.close();
    },
  };
  return session;
}

/** Client timing from the shared options; `tuning` overrides it (tests shorten the 45 s rules on loopback). */
export function clientTimingFor(
  options: ConnectionOptions,
  tuning: Partial<ClientTiming> = {},
): Partial<ClientTiming> {
  return {
    loginTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CLIENT_TIMING.loginTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_CLIENT_TIMING.commandTimeoutMs,
    ...(options.maxAnswerBytes !== undefined ? { maxAnswerBytes: options.maxAnswerBytes } : {}),
    ...tuning,
  };
}

export function createBattlEyeConnection(
  options: ConnectionOptions,
  tuning: Partial<ClientTiming> = {},
): RconConnection {
  const dialect = findBattlEyeDialect(options.dialect);
  const codec = battlEyeCodec(options.encoding ?? dialect.defaultEncoding);
  const clock = options.clock ?? systemClock;
  const timing = clientTimingFor(options, tuning);
  return new SupervisedConnection({
    protocol: "battleye",
    dialect,
    clock,
    random: options.random,
    backoff: options.backoff,
    reconnect: options.reconnect,
    logger: options.logger,
    writeGate: options.writeGate,
    openSession: (context) =>
      openBattlEyeSession(
        {
          host: options.host,
          port: options.port,
          password: options.password,
          dialect,
          codec,
          clock,
          timing,
          logger: options.logger,
          writeGate: options.writeGate,
        },
        context,
      ),
  });
}
