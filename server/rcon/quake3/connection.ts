/**
 * A supervised Quake 3-family rcon connection. Rcon is connectionless, so "logging in" is a cheap
 * probe command that proves the password: an auth-failure reply is final (auth_failed, never
 * retried), no reply means unreachable (retried with backoff). A live session becomes unreachable
 * after several requests in a row got no answer, and auth_failed if the password stops working.
 */
import { systemClock } from "../clock.ts";
import { createTextCodec } from "../encoding.ts";
import type { Quake3Dialect } from "../protocol/quake3/dialects/common.ts";
import { checkRconPassword } from "../protocol/quake3/packet.ts";
import { RconLocalError } from "../protocol/errors.ts";
import {
  SessionError,
  SupervisedConnection,
  type Session,
  type SessionContext,
} from "../supervised-connection.ts";
import {
  FENCED_REASON,
  RconCommandError,
  type CommandOptions,
  type ConnectionOptions,
  type RconConnection,
} from "../types.ts";
import { Quake3Transport, TransportClosedError, type RequestOutcome } from "./transport.ts";

const DEFAULT_CONNECT_TIMEOUT_MS = 2_500;
const DEFAULT_COMMAND_TIMEOUT_MS = 3_000;
/** Requests in a row without any answer before the session is declared lost. */
const MAX_SILENT_REQUESTS = 3;

function firstToken(command: string): string {
  return (/^\s*(\S*)/.exec(command)?.[1] ?? "").toLowerCase();
}

const NOT_QUAKE3_RCON =
  'not an RCON server (it answered, but never with a Quake 3 "print" reply); check the host and port';

export function describeAuthFailure(kind: "bad-password" | "not-set", text: string): string {
  return kind === "not-set"
    ? `rcon is disabled on the server (it said "${text}")`
    : `login refused: wrong rcon password (the server said "${text}")`;
}

export function createQuake3Connection(options: ConnectionOptions, dialect: Quake3Dialect): RconConnection {
  const clock = options.clock ?? systemClock;
  const codec = createTextCodec(options.encoding ?? dialect.defaultEncoding);
  const profile = dialect.quake3;
  const readOnly = new Set(profile.readOnlyCommands.map((c) => c.toLowerCase()));
  const where = `${options.host}:${options.port}`;

  const openSession = async (context: SessionContext): Promise<Session> => {
    const problem = checkRconPassword(options.password);
    if (problem) throw new SessionError("auth", problem);
    const socket: {
      error: string | null;
      foreign: number;
      fenced: boolean;
      lose: ((error: SessionError) => void) | null;
    } = {
      error: null,
      foreign: 0,
      fenced: false,
      lose: null,
    };
    const transport = await Quake3Transport.open({
      host: options.host,
      port: options.port,
      password: options.password,
      profile,
      codec,
      clock,
      onSocketError: (error) => {
        socket.error =
          error.code === "ECONNREFUSED"
            ? "connection refused (nothing listens on that UDP port)"
            : error.message;
      },
      onDropped: (event) => {
        if (event.reason !== "stale") socket.foreign++;
        options.logger?.debug("quake3 datagram dropped", { reason: event.reason, server: where });
      },
      writeGate: options.writeGate,
      onFenced: () => {
        socket.fenced = true;
        socket.lose?.(new SessionError("fenced", FENCED_REASON));
      },
    });
    const fail = async (error: SessionError): Promise<never> => {
      await transport.close();
      throw error;
    };

    const probe = await transport
      .request({
        kind: "rcon",
        command: profile.probeCommand,
        timeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        retries: 1,
      })
      .catch((error: unknown) => {
        if (socket.fenced) throw new SessionError("fenced", FENCED_REASON);
        throw error;
      });
    if (probe.type === "auth-failed")
      return fail(new SessionError("auth", describeAuthFailure(probe.kind, probe.text)));
    if (probe.type !== "answer" && socket.foreign > 0) {
      // Datagrams came back, none of them a Quake 3 "print": something else listens there.
      return fail(new SessionError("unreachable", NOT_QUAKE3_RCON));
    }
    if (probe.type !== "answer") {
      return fail(
        new SessionError(
          "unreachable",
          `no answer to rcon from ${where}${socket.error ? `: ${socket.error}` : " (server down, wrong port or firewall)"}`,
        ),
      );
    }
    context.reportLatency(probe.deliveredAt - probe.sentAt);

    let silent = 0;
    let lost = false;
    const loseWith = (error: SessionError) => {
      if (lost) return;
      lost = true;
      context.lost(error);
      void transport.close();
    };
    socket.lose = loseWith;

    return {
      async command(text: string, commandOptions?: CommandOptions): Promise<string> {
        if (/[\r\n\0]/.test(text))
          throw new RconCommandError(
            "INVALID_ARGUMENT",
            "a Quake 3 rcon command is one line: the server stops reading at a line break",
          );
        const idempotent = commandOptions?.idempotent ?? readOnly.has(firstToken(text));
        let outcome: RequestOutcome;
        try {
          outcome = await transport.request({
            kind: "rcon",
            command: text,
            timeoutMs: commandOptions?.timeoutMs ?? options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
            // A lost request and a lost answer look the same: only commands that change nothing are re-sent.
            retries: idempotent ? 1 : 0,
          });
        } catch (error) {
          if (error instanceof RconLocalError) throw new RconCommandError("INVALID_ARGUMENT", error.message);
          if (error instanceof TransportClosedError)
            throw new RconCommandError(lost ? "CONNECTION_LOST" : "CLOSED", "connection closed");
          throw error;
        }
        if (outcome.type === "answer") {
          silent = 0;
          context.reportLatency(outcome.deliveredAt - outcome.sentAt);
          return outcome.text;
        }
        if (outcome.type === "auth-failed") {
          const message = describeAuthFailure(outcome.kind, outcome.text);
          loseWith(new SessionError("auth", message));
          throw new RconCommandError("AUTH_REFUSED", message);
        }
        silent++;
        if (silent >= MAX_SILENT_REQUESTS)
          loseWith(new SessionError("unreachable", `no answer to ${silent} requests in a row from ${where}`));
        throw new RconCommandError(
          "TIMEOUT",
          `no answer from ${where} to "${firstToken(text)}"${idempotent ? "" : " (not re-sent: it may have run)"}`,
        );
      },
      close: () => transport.close(),
    };
  };

  return new SupervisedConnection({
    protocol: "quake3",
    dialect,
    openSession,
    clock,
    random: options.random,
    backoff: options.backoff,
    reconnect: options.reconnect,
    logger: options.logger,
    writeGate: options.writeGate,
  });
}
