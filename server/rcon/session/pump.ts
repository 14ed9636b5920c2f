/**
 * Runs one ClientCore over one Transport with a Clock: units in go to the core, the core's events
 * go to a handler, its outgoing units go to the transport (behind the write gate), and one clock
 * timer is armed at its next deadline. This is all the I/O any core needs; the session
 * (session.ts) adds login, waiters and status on top, and one-shot users (Quake 3 queries) use the
 * pump alone.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { ClientCore, CoreEvent } from "../protocol/core.ts";
import type { Transport } from "./transport.ts";

export interface PumpOptions<C extends ClientCore> {
  core: C;
  clock: Clock;
  onEvent(event: CoreEvent): void;
  /** Called after each batch of events, for a core's extra outputs (Quake 3 query results). */
  afterEvents?: ((core: C) => void) | undefined;
  /** ConnectionOptions.writeGate: checked before every write; false => nothing is written and onFenced runs. */
  writeGate?: (() => boolean) | undefined;
  onFenced?: (() => void) | undefined;
  /**
   * Coalesced writes (TCP): commands issued in the same tick leave together (one syscall instead
   * of one per command), in groups of this many so the server starts on the first ones while more
   * are produced. Absent: every command is written at once (datagram transports).
   */
  batchWrites?: number | undefined;
}

export class CorePump<C extends ClientCore> {
  private transport: Transport | null = null;
  private timer: TimerHandle | null = null;
  private armedAt: number | null = null;
  private stopped = false;
  private flushScheduled = false;
  private unflushedCommands = 0;

  constructor(private readonly options: PumpOptions<C>) {}

  get core(): C {
    return this.options.core;
  }

  get running(): boolean {
    return !this.stopped;
  }

  attach(transport: Transport): void {
    this.transport = transport;
  }

  /** One unit from the transport. */
  receive(unit: Uint8Array): void {
    if (this.stopped) return;
    this.options.core.receive(unit, this.options.clock.now());
    this.pump();
  }

  /**
   * After login() or command(): writes now, or soon with batching. `deadline`: the intent's own
   * time limit, armed at once (it runs from now even if the write waits for the batch).
   */
  afterIntent(deadline?: number): void {
    if (this.stopped) return;
    const batch = this.options.batchWrites;
    if (batch === undefined || ++this.unflushedCommands >= batch) {
      this.pump();
      return;
    }
    if (deadline !== undefined) this.arm(deadline);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.scheduledFlush);
  }

  /** One closure for every batch, not one per command. */
  private readonly scheduledFlush = (): void => {
    this.flushScheduled = false;
    this.pump();
  };

  /** Delivers pending events, writes what the core has to send and re-arms the timer. */
  pump(): void {
    const { core } = this.options;
    for (let event = core.nextEvent(); event; event = core.nextEvent()) {
      if (this.stopped) return;
      this.options.onEvent(event);
    }
    if (this.stopped) return;
    this.options.afterEvents?.(core);
    if (this.stopped) return;
    this.flush();
  }

  private flush(): void {
    const { core, clock } = this.options;
    this.unflushedCommands = 0;
    const out = core.takeOutgoing(clock.now());
    if (out.length > 0) {
      if (this.options.writeGate && !this.options.writeGate()) {
        // This instance may no longer talk to the server: nothing is sent.
        this.stop();
        this.transport?.destroy();
        this.options.onFenced?.();
        return;
      }
      this.transport?.write(out);
    }
    this.arm(core.nextDeadline());
  }

  /**
   * One timer for the core's next deadline. A timer already armed for an earlier or equal time is
   * kept (it fires, finds little to do, and re-arms): a setTimeout/clearTimeout pair per command or
   * datagram costs more than the protocol work itself.
   */
  private arm(deadline: number | null): void {
    if (deadline === null || this.stopped) return;
    if (this.armedAt !== null && this.armedAt <= deadline) return;
    const { clock } = this.options;
    clock.clearTimeout(this.timer);
    this.armedAt = deadline;
    this.timer = clock.setTimeout(() => this.onTimer(), Math.max(0, deadline - clock.now()));
  }

  private onTimer(): void {
    this.timer = null;
    this.armedAt = null;
    if (this.stopped) return;
    this.options.core.handleTimeout(this.options.clock.now());
    this.pump();
  }

  /** No more events, writes or timers. The core and transport are closed by the owner. */
  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = null;
  }
}
