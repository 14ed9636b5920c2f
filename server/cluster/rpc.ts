/**
 * Requests from one instance to another over the bus: `request(instance, method, args, timeoutMs)`
 * publishes { id, from, method, args } on `${prefix}rpc:${instance}` and waits for the answer on
 * `${prefix}rpc-reply:${from}`. Exactly one attempt: a request is never re-sent, because the
 * methods behind it (a kick, a ban, a message) must not run twice. No answer in time means the
 * outcome is unknown (OutcomeUnknownError, a TIMEOUT AppError), and the caller says so.
 * Errors cross as { code, message } and are rethrown as AppError; anything else is INTERNAL.
 */
import { randomUUID } from "node:crypto";
import { APP_ERROR_CODES, AppError, NotSentError, type AppErrorCode } from "../../lib/errors.ts";
import type { Logger } from "../rcon/types.ts";
import type { Bus } from "./bus.ts";
import type { ClusterClock } from "./redis.ts";
import type { TimerHandle } from "../rcon/clock.ts";

/** A TIMEOUT whose action may or may not have happened: the audit row says "unknown". */
export class OutcomeUnknownError extends AppError {
  readonly outcomeUnknown = true;
  constructor(readonly waitedMs: number) {
    const seconds = Math.max(1, Math.round(waitedMs / 1000));
    super(
      "TIMEOUT",
      `The RconDeck instance holding this server did not answer within ${seconds} s: the outcome is unknown. Check the console before trying again.`,
    );
  }

  /** For the audit detail. */
  get auditDetail(): string {
    return `No answer from the instance holding the server within ${Math.max(1, Math.round(this.waitedMs / 1000))} s: outcome unknown`;
  }
}

export function isOutcomeUnknown(error: unknown): error is OutcomeUnknownError {
  return error instanceof OutcomeUnknownError;
}

interface RequestMessage {
  id: string;
  from: string;
  method: string;
  args: unknown;
}

type ReplyMessage =
  | { id: string; ok: true; value: unknown }
  | { id: string; ok: false; error: { code: string; message: string; notSent?: boolean } };

type Handler = (args: unknown) => Promise<unknown>;

export interface Rpc {
  request<T>(instanceId: string, method: string, args: unknown, timeoutMs: number): Promise<T>;
  serve(method: string, handler: Handler): () => void;
  /** Requests waiting for an answer (tests, metrics). */
  inFlight(): number;
  /** Starts listening (the request and reply channels of this instance). */
  start(): Promise<void>;
  close(): void;
}

export const DEFAULT_MAX_PENDING = 10_000;

export function createRpc(options: {
  bus: Bus;
  clock: ClusterClock;
  logger: Logger;
  maxPending?: number;
}): Rpc {
  const { bus, clock, logger } = options;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  const requestChannel = (instanceId: string) => `${bus.prefix}rpc:${instanceId}`;
  const replyChannel = (instanceId: string) => `${bus.prefix}rpc-reply:${instanceId}`;
  const pending = new Map<string, { settle: (reply: ReplyMessage) => void; timer: TimerHandle }>();
  const methods = new Map<string, Handler>();
  const offs: (() => void)[] = [];
  let closed = false;

  const answer = (to: string, reply: ReplyMessage) =>
    bus.publishRaw(replyChannel(to), reply).catch((error: unknown) => {
      logger.warn("rpc: answer not sent", { to, error: String(error).slice(0, 200) });
    });

  const onRequest = (payload: unknown) => {
    const message = payload as Partial<RequestMessage> | null;
    if (
      !message ||
      typeof message.id !== "string" ||
      typeof message.from !== "string" ||
      typeof message.method !== "string"
    )
      return;
    const { id, from, method, args } = message as RequestMessage;
    const handler = methods.get(method);
    if (!handler) {
      void answer(from, {
        id,
        ok: false,
        error: {
          code: "UNAVAILABLE",
          message: "That RconDeck instance cannot do this (a different version?).",
        },
      });
      return;
    }
    void Promise.resolve()
      .then(() => handler(args))
      .then(
        (value) => answer(from, { id, ok: true, value: value ?? null }),
        (error: unknown) => {
          if (!(error instanceof AppError))
            logger.error("rpc handler failed", { method, error: String(error).slice(0, 200) });
          const failure =
            error instanceof AppError
              ? {
                  code: error.code,
                  message: error.message,
                  ...(error instanceof NotSentError ? { notSent: true } : {}),
                }
              : {
                  code: "INTERNAL",
                  message:
                    "Something went wrong on the RconDeck instance holding this server. The error was logged there.",
                };
          return answer(from, { id, ok: false, error: failure });
        },
      );
  };

  const onReply = (payload: unknown) => {
    const reply = payload as ReplyMessage | null;
    if (!reply || typeof reply.id !== "string") return;
    const waiting = pending.get(reply.id);
    if (!waiting) return; // answered after its timeout: the caller already said "unknown"
    pending.delete(reply.id);
    clock.clearTimeout(waiting.timer);
    waiting.settle(reply);
  };

  return {
    async start() {
      offs.push(await bus.onChannel(requestChannel(bus.instanceId), onRequest));
      offs.push(await bus.onChannel(replyChannel(bus.instanceId), onReply));
    },

    serve(method, handler) {
      methods.set(method, handler);
      return () => {
        if (methods.get(method) === handler) methods.delete(method);
      };
    },

    inFlight: () => pending.size,

    async request<T>(instanceId: string, method: string, args: unknown, timeoutMs: number): Promise<T> {
      if (closed) throw new NotSentError("This RconDeck instance is shutting down: nothing was sent.");
      if (pending.size >= maxPending)
        throw new NotSentError(
          "Too many requests are waiting for other RconDeck instances: nothing was sent, try again shortly.",
        );
      const id = randomUUID();
      const reply = new Promise<ReplyMessage>((settle) => {
        const timer = clock.setTimeout(() => {
          if (!pending.delete(id)) return;
          settle({ id, ok: false, error: { code: "__timeout", message: "" } });
        }, timeoutMs);
        pending.set(id, { settle, timer });
      });
      let receivers: number;
      try {
        receivers = await bus.publishRaw(requestChannel(instanceId), {
          id,
          from: bus.instanceId,
          method,
          args,
        } satisfies RequestMessage);
      } catch {
        dropPending(id);
        throw new NotSentError("The other RconDeck instances cannot be reached (Redis): nothing was sent.");
      }
      if (receivers === 0) {
        // Nobody listens on that instance's channel: it is gone, so certainly nothing ran.
        dropPending(id);
        throw new NotSentError(
          "The RconDeck instance holding this server is not reachable: nothing was sent. Servers move within 15 s after an instance stops: try again shortly.",
        );
      }
      const settled = await reply;
      if (settled.ok) return settled.value as T;
      if (settled.error.code === "__timeout") throw new OutcomeUnknownError(timeoutMs);
      const code = (APP_ERROR_CODES as readonly string[]).includes(settled.error.code)
        ? (settled.error.code as AppErrorCode)
        : "INTERNAL";
      const message = String(settled.error.message).slice(0, 500);
      // Refused on the holder before anything was sent: stays retryable across the hop.
      if (code === "UNAVAILABLE" && settled.error.notSent === true) throw new NotSentError(message);
      throw new AppError(code, message);
    },

    close() {
      closed = true;
      for (const off of offs.splice(0)) off();
      for (const [id, waiting] of pending) {
        clock.clearTimeout(waiting.timer);
        pending.delete(id);
        waiting.settle({ id, ok: false, error: { code: "__timeout", message: "" } });
      }
    },
  };

  function dropPending(id: string): void {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    clock.clearTimeout(waiting.timer);
  }
}
