/**
 * Seeded fault injection for datagram traffic: loss, duplication, and reordering by delaying some
 * datagrams. Generic over (bytes, send) so any UDP emulator (BattlEye, Quake 3) can wrap its sends
 * or receives with it; the same seed replays the same faults.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { Random } from "../random.ts";

export interface ImpairmentOptions {
  /** Probability (0..1) that a datagram is dropped. */
  loss?: number;
  /** Probability (0..1) that a datagram is delivered twice. */
  duplicate?: number;
  /** Probability (0..1) that a datagram (each copy) is held back, so later ones overtake it. */
  reorder?: number;
  /** Longest hold-back of a reordered datagram, in ms. */
  maxDelayMs?: number;
  random: Random;
  clock: Clock;
}

export interface ImpairmentStats {
  passed: number;
  dropped: number;
  duplicated: number;
  delayed: number;
}

export interface Impairment {
  /** Passes `bytes` to `send` zero, one or two times, now or a little later. */
  apply(bytes: Uint8Array, send: (bytes: Uint8Array) => void): void;
  readonly stats: ImpairmentStats;
  readonly active: boolean;
  /** Cancels datagrams still held back. */
  close(): void;
}

function probability(value: number | undefined, name: string): number {
  const p = value ?? 0;
  if (!(p >= 0 && p <= 1)) throw new Error(`${name} must be a probability between 0 and 1, got ${value}`);
  return p;
}

export function createImpairment(options: ImpairmentOptions): Impairment {
  const loss = probability(options.loss, "loss");
  const duplicate = probability(options.duplicate, "duplicate");
  const reorder = probability(options.reorder, "reorder");
  const maxDelayMs = Math.max(1, options.maxDelayMs ?? 20);
  const { random, clock } = options;
  const stats: ImpairmentStats = { passed: 0, dropped: 0, duplicated: 0, delayed: 0 };
  const held = new Set<TimerHandle>();
  let closed = false;

  function deliver(bytes: Uint8Array, send: (bytes: Uint8Array) => void): void {
    if (reorder > 0 && random() < reorder) {
      stats.delayed++;
      const timer = clock.setTimeout(
        () => {
          held.delete(timer);
          if (!closed) send(bytes);
        },
        1 + Math.floor(random() * maxDelayMs),
      );
      held.add(timer);
      return;
    }
    send(bytes);
  }

  return {
    stats,
    active: loss > 0 || duplicate > 0 || reorder > 0,
    apply(bytes, send) {
      if (closed) return;
      if (loss > 0 && random() < loss) {
        stats.dropped++;
        return;
      }
      stats.passed++;
      deliver(bytes, send);
      if (duplicate > 0 && random() < duplicate) {
        stats.duplicated++;
        deliver(bytes, send);
      }
    },
    close() {
      closed = true;
      for (const timer of held) clock.clearTimeout(timer);
      held.clear();
    },
  };
}
