/**
 * The lifecycle every protocol family shares: status, reconnect with backoff and jitter, and the
 * rule that a refused password is never retried automatically (Source servers ban IPs after
 * repeated failures). A family supplies `openSession`, which opens its socket, logs in and resolves
 * with a Session, or rejects with SessionError saying what went wrong.
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff.ts";
import { systemClock, type Clock, type TimerHandle } from "./clock.ts";
import { Emitter } from "./emitter.ts";
import {
  RconCommandError,
  type CommandOptions,
  type ConnectionState,
  type ConnectionStatus,
  type Dialect,
  type Logger,
  type ProtocolId,
  type RconConnection,
  type RconEvent,
  FENCED_REASON,
} from "./types.ts";

/**
 * Why a session could not be opened or ended. `auth` is final until the configuration changes;
 * `fenced` (the write gate refused a send) is final: the connection stops itself.
 */
export class SessionError extends Error {
  override readonly name = "SessionError";
  constructor(
    readonly kind: "auth" | "unreachable" | "fenced",
    message: string,
  ) {
    super(message);
  }
}

/** One logged-in conversation with the game server; replaced by a new one after each reconnect. */
export interface Session {
  command(text: string, options?: CommandOptions): Promise<string>;
  /** Closes the socket and rejects the session's pending commands with CONNECTION_LOST or CLOSED. */
  close(): Promise<void>;
}

/** What a session may tell its connection while it lives. */
export interface SessionContext {
  emit(event: RconEvent): void;
  reportLatency(ms: number): void;
  /** The session died (socket closed, server silent for too long...). Called at most once. */
  lost(error: SessionError): void;
}

export interface SupervisedConnectionOptions {
  protocol: ProtocolId;
  dialect: Dialect;
  openSession: (context: SessionContext) => Promise<Session>;
  clock?: Clock | undefined;
  random?: (() => number) | undefined;
  backoff?: BackoffPolicy | undefined;
  reconnect?: boolean | undefined;
  logger?: Logger | undefined;
  /** ConnectionOptions.writeGate: also checked before each (re)connect attempt. */
  writeGate?: (() => boolean) | undefined;
}

export class SupervisedConnection implements RconConnection {
  readonly protocol: ProtocolId;
  readonly dialect: Dialect;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly reconnect: boolean;
  private readonly events = new Emitter<RconEvent>();
  private current: ConnectionStatus;
  /**
   * The latest round-trip time. Sessions report one per command; the status object (immutable, as
   * it is handed out in events) is rebuilt with it only when someone reads `status`.
   */
  private latencyMs: number | null = null;
  private session: Session | null = null;
  private attempt = 0;
  private retryTimer: TimerHandle | null = null;
  /** Increments on every (re)start/stop so that a late result of an abandoned attempt is ignored. */
  private generation = 0;

  constructor(private readonly options: SupervisedConnectionOptions) {
    this.protocol = options.protocol;
    this.dialect = options.dialect;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.reconnect = options.reconnect ?? true;
    this.current = {
      state: "idle",
      reason: null,
      since: this.clock.now(),
      latencyMs: null,
      nextRetryAt: null,
    };
  }

  get status(): ConnectionStatus {
    if (this.current.latencyMs !== this.latencyMs)
      this.current = { ...this.current, latencyMs: this.latencyMs };
    return this.current;
  }

  on(listener: (event: RconEvent) => void): () => void {
    return this.events.on(listener);
  }

  start(): void {
    if (this.current.state === "connecting" || this.current.state === "online") return;
    this.attempt = 0;
    this.connect();
  }

  async stop(): Promise<void> {
    this.generation++;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const session = this.session;
    this.session = null;
    if (this.current.state !== "closed") this.setStatus("closed", "stopped");
    if (session) await session.close();
  }

  // Not `async`: the session's promise is handed back as is, without another promise around it
  // on the path of every command.
  command(text: string, options?: CommandOptions): Promise<string> {
    const session = this.session;
    if (!session || this.current.state !== "online") {
      return Promise.reject(new RconCommandError("NOT_CONNECTED", `not connected (${this.describeState()})`));
    }
    try {
      return session.command(text, options);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private describeState(): string {
    return this.current.reason ? `${this.current.state}: ${this.current.reason}` : this.current.state;
  }

  private connect(): void {
    const generation = ++this.generation;
    if (this.options.writeGate && !this.options.writeGate()) {
      this.setStatus("closed", FENCED_REASON); // no socket is even opened
      return;
    }
    this.setStatus("connecting", this.attempt === 0 ? null : `reconnect attempt ${this.attempt}`);
    let alive = true;
    const context: SessionContext = {
      emit: (event) => {
        if (alive && generation === this.generation) this.events.emit(event);
      },
      reportLatency: (ms) => {
        if (alive && generation === this.generation) this.latencyMs = ms;
      },
      lost: (error) => {
        if (!alive || generation !== this.generation) return;
        alive = false;
        this.session = null;
        this.fail(error);
      },
    };
    this.options.openSession(context).then(
      (session) => {
        if (generation !== this.generation || !alive) {
          void session.close();
          return;
        }
        this.session = session;
        this.attempt = 0;
        this.setStatus("online", null);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        alive = false;
        this.fail(error instanceof SessionError ? error : new SessionError("unreachable", String(error)));
      },
    );
  }

  private fail(error: SessionError): void {
    if (error.kind === "fenced") {
      // The write gate refused a send: this instance may no longer talk to the server. Final.
      this.setStatus("closed", FENCED_REASON);
      return;
    }
    if (error.kind === "auth") {
      // Never retried automatically: the status stays auth_failed until the configuration changes.
      this.setStatus("auth_failed", error.message);
      return;
    }
    if (!this.reconnect) {
      this.setStatus("unreachable", error.message);
      return;
    }
    const delay = backoffDelay(this.attempt++, this.backoff, this.random);
    const generation = this.generation;
    this.setStatus("unreachable", error.message, this.clock.now() + delay);
    this.retryTimer = this.clock.setTimeout(() => {
      if (generation === this.generation) this.connect();
    }, delay);
  }

  private setStatus(state: ConnectionState, reason: string | null, nextRetryAt: number | null = null): void {
    this.options.logger?.debug("rcon status", { protocol: this.protocol, state, reason });
    this.current = { state, reason, since: this.clock.now(), latencyMs: this.latencyMs, nextRetryAt };
    this.events.emit({ type: "status", status: this.current });
  }
}
