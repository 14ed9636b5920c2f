/**
 * Which game servers this instance holds (multi-instance mode). Each enabled server's RCON
 * connection belongs to exactly one live instance: the one owning its unexpired lease row
 * (lease-sql.ts, expiry on the database's clock). A tick every ~leaseMs/3 (±20% jitter, so a fleet
 * never ticks in step) heartbeats, renews every held lease in one statement, then moves toward a
 * fair share (ceil(servers / live instances)): acquire what is missing, release a bounded surplus.
 *
 * Self-fencing: a lease renewed by a statement SENT at monotonic time t expires in the database no
 * earlier than (database time at t) + leaseMs, so this process treats it as valid only until
 * t + leaseMs - margin on its OWN monotonic clock. The margin (max(1 s, leaseMs/5)) absorbs clock
 * rate drift and the new owner's connect time. When that deadline passes without a renewal
 * (database unreachable, process paused), a timer closes every connection (holder.fenceAll) and
 * the held set is forgotten; writeGate() turns false at the deadline even before that timer runs,
 * which is what keeps a resumed (SIGCONT) process from sending anything. A renewal answered only
 * after that deadline is not trusted either (the gate was shut meanwhile, and a connection that met
 * it has stopped for good): its servers are given back and taken again. Leases still recorded for
 * this instance but no longer held in memory (after a fence, or left by an earlier process with
 * the same INSTANCE_ID) are expired, never silently resumed: they are re-acquired with epoch + 1.
 */
import type { Db } from "../db/client.ts";
import type { Logger } from "../rcon/types.ts";
import {
  acquireLeases,
  expireLeases,
  heartbeat,
  leaveCluster,
  renewLeases,
  survey,
  type LeaseRow,
} from "./lease-sql.ts";
import { LeaseTasks } from "./lease-tasks.ts";

/** What the manager drives: the ConnectionHub in leased mode satisfies this. */
export interface LeaseHolder {
  adopt(serverId: string, epoch: number): Promise<void>;
  release(serverId: string): Promise<void>;
  fenceAll(reason: string): void;
}

/** Whatever the clock returns for a timer (a Node Timeout, a fake id). */
export type LeaseTimer = object | number;

export interface LeaseClock {
  /** Monotonic milliseconds (performance.now-like). */
  monotonic(): number;
  setTimeout(callback: () => void, delayMs: number): LeaseTimer;
  clearTimeout(timer: LeaseTimer): void;
}

export const systemLeaseClock: LeaseClock = {
  // eslint-disable-next-line no-restricted-syntax -- the system clock itself
  monotonic: () => performance.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export interface LeaseManagerOptions {
  db: Db;
  instanceId: string;
  leaseMs: number;
  logger: Logger;
  holder: LeaseHolder;
  clock?: LeaseClock;
  random?: () => number;
  /** The held set changed (for publishing ownership). */
  onChange?: (held: ReadonlyMap<string, number>) => void;
}

export const FENCE_REASON =
  "This instance could not renew its leases in time (database unreachable or the process was paused): connections closed";

/**
 * At most this many leases taken in one tick, and this many surplus ones given back; when more
 * remain, the next tick comes soon (not a third of a lease later), so a dead instance's 500 servers
 * move within seconds of its leases running out while no single statement grows without bound.
 */
const ACQUIRE_BATCH = 250;
const RELEASE_BATCH = 100;
/**
 * Ticks in a row that come soon because an acquisition got fewer free servers than it could have.
 * Instances acquiring at once (after a hand-over, a start) pick at random and collide: one gets a
 * server the other picked too, and a free server neither picked waits a regular tick, a third of
 * a lease (CI saw 17-20 s with minute-long leases). A few soon ticks settle it; the bound keeps a
 * server no one can take (its row locked) from making a busy loop.
 */
const CONTENDED_RETRIES = 5;

export class LeaseManager {
  private readonly db: Db;
  private readonly id: string;
  private readonly leaseMs: number;
  private readonly margin: number;
  private readonly logger: Logger;
  private readonly holder: LeaseHolder;
  private readonly clock: LeaseClock;
  private readonly random: () => number;
  private readonly onChange: ((held: ReadonlyMap<string, number>) => void) | undefined;
  private readonly tasks: LeaseTasks;

  private readonly heldLeases = new Map<string, number>();
  /** Held servers whose connection is being closed before their lease is given back. */
  private readonly releasing = new Set<string>();
  private validUntil = Number.NEGATIVE_INFINITY;
  private tickTimer: LeaseTimer | null = null;
  private tickDueAt = Number.POSITIVE_INFINITY;
  private fenceTimer: LeaseTimer | null = null;
  private ticking: Promise<void> | null = null;
  private running = false;
  private againSoon = false;
  /** Soon ticks in a row for a contended acquisition (CONTENDED_RETRIES). */
  private contendedTicks = 0;
  private leader = false;
  private leaderUntil = Number.NEGATIVE_INFINITY;
  private liveCount = 0;

  constructor(options: LeaseManagerOptions) {
    this.db = options.db;
    this.id = options.instanceId;
    this.leaseMs = options.leaseMs;
    this.margin = Math.max(1000, options.leaseMs / 5);
    if (this.leaseMs <= this.margin)
      throw new Error(`Lease lifetime ${options.leaseMs} ms is too short (must exceed ${this.margin} ms).`);
    this.logger = options.logger;
    this.holder = options.holder;
    this.clock = options.clock ?? systemLeaseClock;
    this.random = options.random ?? Math.random;
    this.onChange = options.onChange;
    this.tasks = new LeaseTasks(options.logger);
  }

  /** Joins the fleet: the first tick (heartbeat, first acquisitions) is awaited. */
  async start(): Promise<void> {
    this.running = true;
    await this.tick();
  }

  /**
   * Graceful stop: every held server is released by the holder (connections closed, writes
   * flushed), then all this instance's leases expire and it leaves the live set, so the others
   * take the servers on their next tick (nudge them) instead of waiting for expiry.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTickTimer();
    await this.ticking;
    const held = [...this.heldLeases.keys()];
    await Promise.all(held.map((serverId) => this.tasks.run(serverId, () => this.holder.release(serverId))));
    await this.tasks.idle();
    this.heldLeases.clear();
    this.setFenceTimer();
    this.changed(held.length > 0);
    try {
      await leaveCluster(this.db, this.id);
    } catch (error) {
      this.logger.warn("Could not give the leases back on stop; they expire by themselves", {
        error: String(error),
      });
    }
  }

  /** Ticks again soon (another instance released servers, or joined). */
  nudge(): void {
    if (!this.running) return;
    this.scheduleTick(50 + this.random() * 250);
  }

  held(): ReadonlyMap<string, number> {
    return this.heldLeases;
  }

  /** True while this instance holds the server and its lease is certainly still valid. */
  writeGate(serverId: string): boolean {
    return this.heldLeases.has(serverId) && this.clock.monotonic() < this.validUntil;
  }

  /**
   * The live instance with the smallest id, as of the last tick: runs the fleet-wide jobs. Only
   * while that view is recent (as long as a lease would be trusted); two leaders can overlap
   * briefly around a change, so those jobs must be safe to run twice.
   */
  isLeader(): boolean {
    return this.running && this.leader && this.clock.monotonic() < this.leaderUntil;
  }

  /** Live instances as of the last tick (this one included). */
  instances(): number {
    return this.liveCount;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.clearTickTimer();
    this.ticking = this.runTick().finally(() => {
      this.ticking = null;
      const soon = this.againSoon;
      this.againSoon = false;
      if (this.running) this.scheduleTick(soon ? 50 + this.random() * 250 : this.nextTickDelay());
    });
    return this.ticking;
  }

  private orphanDelay: number | null = null;

  private nextTickDelay(): number {
    const regular = (this.leaseMs / 3) * (0.8 + 0.4 * this.random());
    const orphan = this.orphanDelay;
    this.orphanDelay = null;
    // A dead owner's lease runs out before the next regular tick: look again just after it does.
    return orphan !== null && orphan < regular ? orphan + 20 + this.random() * 200 : regular;
  }

  private async runTick(): Promise<void> {
    this.fenceIfExpired();
    try {
      await heartbeat(this.db, this.id, 5 * this.leaseMs);
      await this.renew();
      if (!this.running) return;
      const surveyedAt = this.clock.monotonic();
      const view = await survey(this.db, this.id, this.leaseMs, this.leaseMs / 2);
      this.liveCount = view.live.length;
      this.leader = view.live[0]?.id === this.id;
      this.leaderUntil = surveyedAt + this.leaseMs - this.margin;
      this.orphanDelay = view.orphanExpiresInMs;
      const share = Math.ceil(view.servers / Math.max(1, view.live.length));
      if (this.heldLeases.size < share) {
        const wanted = share - this.heldLeases.size;
        const got = await this.acquire(wanted);
        // Fewer than were free and wanted: others took some meanwhile, and some may still be free.
        const contended = got < Math.min(wanted, view.free);
        this.contendedTicks = contended ? this.contendedTicks + 1 : 0;
        if (contended && this.contendedTicks <= CONTENDED_RETRIES) this.againSoon = true;
      } else {
        this.contendedTicks = 0;
        this.releaseSurplus(share, view.live);
      }
    } catch (error) {
      this.logger.warn("Lease tick failed; retrying on the next tick", { error: String(error) });
    }
  }

  private async renew(): Promise<void> {
    const validBefore = this.validUntil;
    const sentAt = this.clock.monotonic();
    const rows = await renewLeases(this.db, this.id, this.leaseMs);
    const renewed = new Map(rows.map((r) => [r.serverId, r.epoch]));
    const now = this.clock.monotonic();
    // Answered after the old validity ran out (a slow tick, a loaded machine): writeGate was false
    // meanwhile, and a connection that tried to send then has stopped itself for good. Untrusted
    // like a late answer: given back, then taken again with a new epoch and fresh connections.
    const stillValid = now < validBefore && now < sentAt + this.leaseMs - this.margin;
    const orphans = rows.filter((r) => this.heldLeases.get(r.serverId) !== r.epoch || !stillValid);
    const lost: LeaseRow[] = [];
    for (const [serverId, epoch] of this.heldLeases) {
      if (renewed.get(serverId) !== epoch || !stillValid) lost.push({ serverId, epoch });
    }
    if (stillValid) {
      this.validUntil = sentAt + this.leaseMs - this.margin;
      this.setFenceTimer();
    }
    // Lost: taken over, disabled, deleted, or renewed too late to trust. Not held from now on
    // (writeGate false at once); the holder closes the connection, then the lease is given back.
    for (const { serverId } of lost) this.heldLeases.delete(serverId);
    if (lost.length > 0) this.changed(true);
    if (orphans.length > 0) await expireLeases(this.db, this.id, orphans);
    for (const lease of lost) this.giveBack(lease);
  }

  /** Takes up to `wanted` free servers (one batch); returns how many it now holds of them. */
  private async acquire(wanted: number): Promise<number> {
    const wasEmpty = this.heldLeases.size === 0;
    const sentAt = this.clock.monotonic();
    const rows = await acquireLeases(
      this.db,
      this.id,
      this.leaseMs,
      Math.min(wanted, ACQUIRE_BATCH),
      this.leaseMs / 4,
    );
    if (rows.length === 0) return 0;
    if (wanted > ACQUIRE_BATCH && rows.length === ACQUIRE_BATCH) this.againSoon = true;
    if (wasEmpty) this.validUntil = sentAt + this.leaseMs - this.margin;
    if (this.clock.monotonic() >= this.validUntil) {
      // Granted, but too late to trust: give them straight back.
      await expireLeases(this.db, this.id, rows);
      return 0;
    }
    for (const row of rows) this.heldLeases.set(row.serverId, row.epoch);
    this.setFenceTimer();
    this.changed(true);
    // Connecting is the holder's business and may be slow: never hold the renewals up for it.
    for (const row of rows) {
      void this.tasks.run(row.serverId, () => this.adopt(row));
    }
    return rows.length;
  }

  private async adopt(row: LeaseRow): Promise<void> {
    if (this.heldLeases.get(row.serverId) !== row.epoch) return;
    try {
      await this.holder.adopt(row.serverId, row.epoch);
    } catch (error) {
      this.logger.warn("Could not take over a server; giving its lease back", {
        serverId: row.serverId,
        error: String(error),
      });
      if (this.heldLeases.get(row.serverId) !== row.epoch) return;
      this.heldLeases.delete(row.serverId);
      this.changed(true);
      await this.holder.release(row.serverId).catch(() => undefined);
      await expireLeases(this.db, this.id, [row]).catch(() => undefined);
    }
  }

  /**
   * Above the share: give back the surplus (bounded per tick). At the share but two or more above
   * the least-loaded live instance (ceil rounding can leave 5/5/3): the most loaded instance with
   * the smallest id gives one back, so holdings end within one of each other without flapping.
   */
  private releaseSurplus(share: number, live: readonly { id: string; held: number }[]): void {
    const holding = this.heldLeases.size - this.releasing.size;
    let count = holding - share;
    if (count <= 0 && live.length > 1) {
      const most = Math.max(...live.map((l) => l.held));
      const least = Math.min(...live.map((l) => l.held));
      const first = live.find((l) => l.held === most);
      if (most - least >= 2 && first?.id === this.id && holding === most) count = 1;
    }
    if (count <= 0) return;
    if (count > RELEASE_BATCH) this.againSoon = true;
    const surplus = [...this.heldLeases]
      .filter(([serverId]) => !this.releasing.has(serverId))
      .slice(0, Math.min(count, RELEASE_BATCH));
    for (const [serverId, epoch] of surplus) this.giveBack({ serverId, epoch });
  }

  /**
   * In the background (a slow close must never hold the renewals up), in order per server: the
   * holder closes the connection, and only then is the lease expired so another instance can take
   * it. A server still held (surplus) stays held and renewed until its connection is closed; if the
   * close fails it stays held, to be given back on a later tick.
   */
  private giveBack(lease: LeaseRow): void {
    if (this.releasing.has(lease.serverId)) return;
    this.releasing.add(lease.serverId);
    void this.tasks.run(lease.serverId, async () => {
      try {
        await this.holder.release(lease.serverId);
      } catch (error) {
        // Still held (surplus): kept, and given back later. Lost: writeGate is already false for it,
        // so the connection stops itself at its next send.
        this.logger.warn("Could not close a server's connection on hand-over", {
          serverId: lease.serverId,
          error: String(error),
        });
        return;
      } finally {
        this.releasing.delete(lease.serverId);
      }
      if (this.heldLeases.get(lease.serverId) === lease.epoch) {
        this.heldLeases.delete(lease.serverId);
        this.changed(true);
      }
      await expireLeases(this.db, this.id, [lease]);
    });
  }

  private fenceIfExpired(): void {
    if (this.heldLeases.size === 0 || this.clock.monotonic() < this.validUntil) return;
    this.logger.error(FENCE_REASON, { servers: this.heldLeases.size });
    this.heldLeases.clear();
    this.setFenceTimer();
    try {
      this.holder.fenceAll(FENCE_REASON);
    } finally {
      this.changed(true);
    }
  }

  private setFenceTimer(): void {
    if (this.fenceTimer !== null) this.clock.clearTimeout(this.fenceTimer);
    this.fenceTimer = null;
    if (this.heldLeases.size === 0) return;
    const delay = Math.max(0, this.validUntil - this.clock.monotonic());
    this.fenceTimer = this.clock.setTimeout(() => {
      this.fenceTimer = null;
      this.fenceIfExpired();
      if (this.heldLeases.size > 0) this.setFenceTimer();
    }, delay);
  }

  private scheduleTick(delayMs: number): void {
    const dueAt = this.clock.monotonic() + delayMs;
    if (this.tickTimer !== null && dueAt >= this.tickDueAt) return;
    this.clearTickTimer();
    this.tickDueAt = dueAt;
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = null;
      this.tickDueAt = Number.POSITIVE_INFINITY;
      // A nudge that falls due during a tick: tick again right after it.
      if (this.ticking) this.againSoon = true;
      else void this.tick();
    }, delayMs);
  }

  private clearTickTimer(): void {
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.tickDueAt = Number.POSITIVE_INFINITY;
  }

  private changed(really: boolean): void {
    if (!really || !this.onChange) return;
    try {
      this.onChange(new Map(this.heldLeases));
    } catch (error) {
      this.logger.warn("Lease change listener failed", { error: String(error) });
    }
  }
}
