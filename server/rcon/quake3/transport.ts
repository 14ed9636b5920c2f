/**
 * Drives the Sans-IO Quake3Client over one connected UDP socket with a clock: sends what the core
 * yields, feeds it datagrams, arms one timer at its next deadline, and turns its events into
 * settled promises. Used by the rcon connection, by queryServer() and by the benchmark.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import { Quake3Client, type ClientEvent, type RequestSpec } from "../protocol/quake3/client.ts";
import { Pacer, type PacingRule } from "../protocol/quake3/pacing.ts";
import type { TextCodec } from "../protocol/text.ts";
import { connectUdp, type UdpClientSocket } from "../transport/udp.ts";
import type { Quake3Profile } from "../protocol/quake3/dialects/common.ts";

export type RequestOutcome = Exclude<ClientEvent, { type: "dropped" }>;

export class TransportClosedError extends Error {
  override readonly name = "TransportClosedError";
}

/**
 * Servers rate-limit per source address, not per socket: every client of this process that talks
 * to the same server must share one Pacer. Keyed by clock too, so fake-clock tests stay isolated.
 */
const pacers = new WeakMap<Clock, Map<string, Pacer>>();

export function sharedPacer(clock: Clock, host: string, port: number, rule: PacingRule): Pacer {
  let byServer = pacers.get(clock);
  if (!byServer) {
    byServer = new Map();
    pacers.set(clock, byServer);
  }
  const key = `${host}:${port}:${JSON.stringify(rule)}`;
  let pacer = byServer.get(key);
  if (!pacer) {
    pacer = new Pacer(rule);
    byServer.set(key, pacer);
  }
  return pacer;
}

export interface TransportOptions {
  host: string;
  port: number;
  password: string;
  profile: Quake3Profile;
  codec: TextCodec;
  clock: Clock;
  /** Socket-level failure (ICMP port unreachable shows up as ECONNREFUSED). */
  onSocketError?: (error: NodeJS.ErrnoException) => void;
  /** Datagrams that were not part of an answer (stale after a timeout, malformed, foreign). */
  onDropped?: (event: Extract<ClientEvent, { type: "dropped" }>) => void;
  /** ConnectionOptions.writeGate: false => nothing is sent, the transport closes, `onFenced` is told. */
  writeGate?: (() => boolean) | undefined;
  onFenced?: () => void;
}

export class Quake3Transport {
  private readonly waiters = new Map<
    number,
    { resolve: (outcome: RequestOutcome) => void; reject: (error: Error) => void }
  >();
  private timer: TimerHandle | null = null;
  private closed = false;
  droppedDatagrams = 0;

  private constructor(
    private readonly client: Quake3Client,
    private socket: UdpClientSocket | null,
    private readonly options: TransportOptions,
  ) {}

  static async open(options: TransportOptions): Promise<Quake3Transport> {
    const client = new Quake3Client({
      password: options.password,
      codec: options.codec,
      pacer: sharedPacer(options.clock, options.host, options.port, options.profile.pacing),
      quietMs: options.profile.quietMs,
      framing: options.profile.framing,
    });
    const transport = new Quake3Transport(client, null, options);
    transport.socket = await connectUdp(options.host, options.port, {
      onDatagram: (datagram) => transport.onDatagram(datagram.bytes),
      onError: (error) => options.onSocketError?.(error),
    });
    return transport;
  }

  /** Queues one request; resolves with its outcome (answer, auth failure, no answer, query result). */
  request(spec: RequestSpec): Promise<RequestOutcome> {
    if (this.closed) return Promise.reject(new TransportClosedError("transport closed"));
    const id = this.client.request(spec);
    const promise = new Promise<RequestOutcome>((resolve, reject) =>
      this.waiters.set(id, { resolve, reject }),
    );
    this.pump();
    return promise;
  }

  get localPort(): number {
    return this.socket?.localPort ?? 0;
  }

  private onDatagram(bytes: Uint8Array): void {
    if (this.closed) return;
    this.client.receive(bytes, this.options.clock.now());
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    const clock = this.options.clock;
    if (!this.send(this.client.takeOutgoing(clock.now()))) return;
    for (let event = this.client.nextEvent(); event; event = this.client.nextEvent()) {
      if (event.type === "dropped") {
        this.droppedDatagrams++;
        this.options.onDropped?.(event);
        continue;
      }
      const waiter = this.waiters.get(event.id);
      this.waiters.delete(event.id);
      waiter?.resolve(event);
    }
    // A request may have finished and freed the line for the next one.
    if (!this.send(this.client.takeOutgoing(clock.now()))) return;
    this.arm();
  }

  /** Sends unless the write gate refuses; refused: nothing is sent and the transport closes (false). */
  private send(datagrams: Uint8Array[]): boolean {
    if (datagrams.length === 0) return true;
    if (this.options.writeGate && !this.options.writeGate()) {
      void this.close();
      this.options.onFenced?.();
      return false;
    }
    for (const bytes of datagrams) this.socket?.send(bytes);
    return true;
  }

  private arm(): void {
    const clock = this.options.clock;
    clock.clearTimeout(this.timer);
    this.timer = null;
    const deadline = this.client.nextDeadline();
    if (deadline === null) return;
    this.timer = clock.setTimeout(
      () => {
        this.timer = null;
        if (this.closed) return;
        this.client.handleTimeout(clock.now());
        this.pump();
      },
      Math.max(1, deadline - clock.now()),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.options.clock.clearTimeout(this.timer);
    this.client.close();
    for (const waiter of this.waiters.values()) waiter.reject(new TransportClosedError("transport closed"));
    this.waiters.clear();
    await this.socket?.close();
  }
}
