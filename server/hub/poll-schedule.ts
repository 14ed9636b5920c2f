/**
 * Per-server player-list poll timers on the injected clock. A server polls every
 * `pollIntervalSeconds`, or every `watchedPollMs` (if shorter) while a browser watches it. A
 * refresh requested during a poll runs right after it (pollAgain) instead of overlapping it. The
 * poll itself is the hub's (`run`); this module only decides when.
 *
 * Regular polls fall on the server's own grid: multiples of the delay, offset by a stable phase
 * per server (a hash of its id). Without it, a page subscribing to every server re-armed them all
 * at the same instant and the whole fleet then polled in step, every 2 s: at 1,000 servers the
 * event loop was busy for 85% of one part of the period and 42% of another. Refreshes (a join, a
 * kick, a poll asked again) are not on the grid: they run when asked.
 *
 * A game that pushes joins and leaves (BattlEye) has each of them trigger a refresh, so a faster
 * watched poll would only bring new pings and scores, which browsers get every
 * `livePlayerFieldsEveryMs` anyway (player-list-throttle.ts): a watched server of such a game polls
 * every `pushedJoinsWatchedPollMs` (if shorter than its interval) instead. At 1,000 watched
 * servers that is a third fewer polls.
 */
import type { Clock, TimerHandle } from "../rcon/clock.ts";
import { LIVE_FIELDS_EVERY_MS } from "./player-list-throttle.ts";

export const DEFAULT_WATCHED_POLL_MS = 2_000;

export interface PollScheduleOptions {
  /** A watched server polls at least this often. */
  watchedPollMs?: number;
  /** ...or this often if its game pushes joins and leaves. */
  pushedJoinsWatchedPollMs?: number;
  /** The server's place in the period, in [0, 1) (a hash of its id unless given: tests). */
  phaseOf?: (serverId: string) => number;
}

/** A stable fraction in [0, 1) from the id (FNV-1a, 32 bits): spreads servers over the period. */
export function phaseOfId(serverId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < serverId.length; i++) {
    hash ^= serverId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

interface Entry {
  active: boolean;
  intervalMs: number;
  watchers: number;
  /** The connected game pushes joins and leaves (set by start()). */
  pushesJoins: boolean;
  timer: TimerHandle | null;
  /** Clock time the armed timer fires (meaningful while `timer` is set). */
  dueAt: number;
  /** Where the server's regular polls fall in the period, in [0, 1). */
  phase: number;
  /** Clock time the last poll started (-Infinity before the first). */
  lastPollAt: number;
  polling: boolean;
  again: boolean;
  /** Bumped by stop(): a poll that ends after a stop/start does not re-arm the old series. */
  generation: number;
}

export class PollSchedule {
  private readonly entries = new Map<string, Entry>();
  private readonly watchedPollMs: number;
  private readonly pushedJoinsWatchedPollMs: number;
  private readonly phaseOf: (serverId: string) => number;

  constructor(
    private readonly clock: Clock,
    private readonly run: (serverId: string) => Promise<void>,
    options: PollScheduleOptions = {},
  ) {
    this.watchedPollMs = options.watchedPollMs ?? DEFAULT_WATCHED_POLL_MS;
    this.pushedJoinsWatchedPollMs = Math.max(
      this.watchedPollMs,
      options.pushedJoinsWatchedPollMs ?? LIVE_FIELDS_EVERY_MS,
    );
    this.phaseOf = options.phaseOf ?? phaseOfId;
  }

  private entry(serverId: string): Entry {
    let entry = this.entries.get(serverId);
    if (!entry) {
      entry = {
        active: false,
        intervalMs: 10_000,
        watchers: 0,
        pushesJoins: false,
        timer: null,
        dueAt: 0,
        phase: this.phaseOf(serverId),
        lastPollAt: -Infinity,
        polling: false,
        again: false,
        generation: 0,
      };
      this.entries.set(serverId, entry);
    }
    return entry;
  }

  /** The server's configured interval (seconds, at least 1). */
  setInterval(serverId: string, seconds: number | null | undefined): void {
    this.entry(serverId).intervalMs = Math.max(1, seconds ?? 10) * 1000;
  }

  /** The delay until the next regular poll. */
  delayOf(serverId: string): number {
    const entry = this.entry(serverId);
    if (entry.watchers === 0) return entry.intervalMs;
    const watched = entry.pushesJoins ? this.pushedJoinsWatchedPollMs : this.watchedPollMs;
    return Math.min(entry.intervalMs, watched);
  }

  watchers(serverId: string): number {
    return this.entries.get(serverId)?.watchers ?? 0;
  }

  /**
   * A connection exists: polls run from now, on the server's grid (or after `delayMs` if told;
   * going online asks for a refresh of its own).
   */
  start(serverId: string, options: { pushesJoins?: boolean; delayMs?: number } = {}): void {
    const entry = this.entry(serverId);
    entry.active = true;
    entry.pushesJoins = options.pushesJoins ?? false;
    this.schedule(serverId, options.delayMs);
  }

  /** No connection: no timer, and a poll in progress does not re-arm. Watchers are kept. */
  stop(serverId: string): void {
    const entry = this.entries.get(serverId);
    if (!entry) return;
    entry.active = false;
    entry.generation++;
    entry.again = false;
    this.clock.clearTimeout(entry.timer);
    entry.timer = null;
  }

  /** The server is gone: everything about it is forgotten. */
  forget(serverId: string): void {
    this.stop(serverId);
    this.entries.delete(serverId);
  }

  /**
   * Re-arms the timer: after `delayMs` if given, else at the next regular poll (after an interval
   * change, or at start).
   */
  schedule(serverId: string, delayMs?: number): void {
    const entry = this.entry(serverId);
    if (!entry.active) return;
    this.armAt(serverId, entry, this.clock.now() + (delayMs ?? this.regularDelay(entry, serverId)));
  }

  /**
   * The wait until the server's next slot on its grid, at least half a period after its last poll
   * started: steady polls come exactly one period apart, and a watcher arriving soon after a poll
   * does not poll again at once.
   */
  private regularDelay(entry: Entry, serverId: string): number {
    const period = this.delayOf(serverId);
    const now = this.clock.now();
    const notBefore = Math.max(now, entry.lastPollAt + period / 2);
    let slot = Math.ceil((Math.ceil(notBefore / period - entry.phase) + entry.phase) * period);
    if (slot < notBefore) slot += period; // floating-point rounding at a slot's edge
    return slot - now;
  }

  private armAt(serverId: string, entry: Entry, dueAt: number): void {
    this.clock.clearTimeout(entry.timer);
    const generation = entry.generation;
    entry.dueAt = dueAt;
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = null;
      if (entry.generation === generation) void this.fire(serverId, entry, generation);
    }, dueAt - this.clock.now());
  }

  /**
   * Re-arms the timer only if that brings the poll forward. A watcher arriving or a refresh asked
   * never postpones a poll already due sooner: re-arming each time let a browser that subscribed
   * and unsubscribed faster than the interval keep the server from being polled at all.
   */
  private scheduleNoLater(serverId: string, delayMs: number): void {
    const entry = this.entry(serverId);
    if (!entry.active) return;
    const dueAt = this.clock.now() + delayMs;
    if (entry.timer !== null && entry.dueAt <= dueAt) return;
    this.armAt(serverId, entry, dueAt);
  }

  /** Polls soon (a join, a kick): after the poll in progress if there is one. */
  requestRefresh(serverId: string, delayMs: number): void {
    const entry = this.entry(serverId);
    if (entry.polling) {
      entry.again = true;
      return;
    }
    this.scheduleNoLater(serverId, delayMs);
  }

  /** A browser watches the server: faster polls until the returned function is called. */
  watch(serverId: string): () => void {
    const entry = this.entry(serverId);
    entry.watchers++;
    this.scheduleNoLater(serverId, this.regularDelay(entry, serverId));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.watchers = Math.max(0, entry.watchers - 1);
    };
  }

  private async fire(serverId: string, entry: Entry, generation: number): Promise<void> {
    entry.polling = true;
    entry.lastPollAt = this.clock.now();
    try {
      await this.run(serverId);
    } finally {
      entry.polling = false;
      const again = entry.again;
      entry.again = false;
      if (entry.generation === generation && this.entries.get(serverId) === entry)
        this.schedule(serverId, again ? 0 : undefined);
    }
  }
}
