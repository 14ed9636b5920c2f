/**
 * Test parts for the lease manager: holders that record what they were told (and a registry that
 * notices two holders connected to one server at once), clocks that can be killed (a SIGKILL stops
 * every timer) or moved by hand, a database that can be made unreachable, and `until`.
 */
import type { Db } from "../../db/client.ts";
import type { Logger } from "../../rcon/types.ts";
import { systemLeaseClock, type LeaseClock, type LeaseHolder, type LeaseTimer } from "../lease-manager.ts";

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Waits until `condition` is true (polling), failing with `what` after `ms`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  ms: number,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Which holder is connected to which server, across holders: a second connection is a violation. */
export class ConnectionRegistry {
  readonly connected = new Map<string, string>();
  readonly violations: string[] = [];
}

export class RecordingHolder implements LeaseHolder {
  readonly connected = new Map<string, number>();
  readonly adopted: { serverId: string; epoch: number }[] = [];
  readonly released: string[] = [];
  readonly fences: string[] = [];

  constructor(
    readonly name: string,
    private readonly registry: ConnectionRegistry,
  ) {}

  async adopt(serverId: string, epoch: number): Promise<void> {
    await Promise.resolve();
    const other = this.registry.connected.get(serverId);
    if (other !== undefined && other !== this.name)
      this.registry.violations.push(`${serverId}: ${this.name} adopted while ${other} held it`);
    this.registry.connected.set(serverId, this.name);
    this.adopted.push({ serverId, epoch });
    this.connected.set(serverId, epoch);
  }

  async release(serverId: string): Promise<void> {
    await Promise.resolve();
    this.released.push(serverId);
    this.disconnect(serverId);
  }

  fenceAll(reason: string): void {
    this.fences.push(reason);
    for (const serverId of [...this.connected.keys()]) this.disconnect(serverId);
  }

  /** The process is gone (SIGKILL): its connections are gone with it. */
  die(): void {
    for (const serverId of [...this.connected.keys()]) this.disconnect(serverId);
  }

  private disconnect(serverId: string): void {
    this.connected.delete(serverId);
    if (this.registry.connected.get(serverId) === this.name) this.registry.connected.delete(serverId);
  }
}

/** The real clock, until kill(): then no timer fires again (a SIGKILLed process). */
export class KillableClock implements LeaseClock {
  private readonly timers = new Set<LeaseTimer>();
  private dead = false;

  monotonic(): number {
    return systemLeaseClock.monotonic();
  }

  setTimeout(callback: () => void, delayMs: number): LeaseTimer {
    if (this.dead) return {};
    const timer = systemLeaseClock.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.dead) callback();
    }, delayMs);
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: LeaseTimer): void {
    this.timers.delete(timer);
    systemLeaseClock.clearTimeout(timer);
  }

  kill(): void {
    this.dead = true;
    for (const timer of this.timers) systemLeaseClock.clearTimeout(timer);
    this.timers.clear();
  }
}

/** Time moves only by jump(); due timers run only on runDue(), earliest first. */
export class ManualClock implements LeaseClock {
  private current = 1_000_000;
  private nextId = 1;
  private timers: { id: number; at: number; callback: () => void }[] = [];

  monotonic(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): LeaseTimer {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(timer: LeaseTimer): void {
    this.timers = this.timers.filter((t) => t.id !== timer);
  }

  jump(ms: number): void {
    this.current += ms;
  }

  runDue(): void {
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= this.current)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) return;
      this.timers = this.timers.filter((t) => t !== due);
      due.callback();
    }
  }
}

/**
 * A Db whose raw queries and transactions fail while `broken`, wait for `paused` while it is set
 * (a slow database or a stalled process), and that counts them.
 */
export function breakableDb(db: Db): {
  db: Db;
  state: { broken: boolean; calls: number; paused: Promise<void> | null };
} {
  const state: { broken: boolean; calls: number; paused: Promise<void> | null } = {
    broken: false,
    calls: 0,
    paused: null,
  };
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (
        typeof value !== "function" ||
        typeof property !== "string" ||
        !property.startsWith("$") ||
        property === "$disconnect"
      )
        return value;
      const call = (args: unknown[]) => {
        if (state.broken)
          return Promise.reject(new Error("connect ECONNREFUSED (test: database unreachable)"));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
      return (...args: unknown[]) => {
        state.calls++;
        return state.paused ? state.paused.then(() => call(args)) : call(args);
      };
    },
  });
  return { db: proxy, state };
}
