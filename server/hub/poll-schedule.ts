/**
 * Per-server player-list poll timers on the injected clock. A server polls every
 * `pollIntervalSeconds`, or every `watchedPollMs` (if shorter) while a browser watches it. A
 * refresh requested during a poll runs right after it (pollAgain) instead of overlapping it. The
 * poll itself is the hub's (`run`); this module only decides when.
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
  polling: boolean;
  again: boolean;
  /** Bumped by stop(): a poll that ends after a stop/start does not re-arm the old series. */
  generation: number;
}

export class PollSchedule {
  private readonly entries = new Map<string, Entry>();
  private readonly watchedPollMs: number;
  private readonly pushedJoinsWatchedPollMs: number;

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

  /** A connection exists: polls run from now (first one after the regular delay unless told). */
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

  /** Re-arms the timer (after an interval change, or a watcher arriving). */
  schedule(serverId: string, delayMs = this.delayOf(serverId)): void {
    const entry = this.entry(serverId);
    if (!entry.active) return;
    this.clock.clearTimeout(entry.timer);
    const generation = entry.generation;
    entry.dueAt = this.clock.now() + delayMs;
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = null;
      if (entry.generation === generation) void this.fire(serverId, entry, generation);
    }, delayMs);
  }

  /**
   * Re-arms the timer only if that brings the poll forward. A watcher arriving or a refresh asked
   * never postpones a poll already due sooner: re-arming each time let a browser that subscribed
   * and unsubscribed faster than the interval keep the server from being polled at all.
   */
  private scheduleNoLater(serverId: string, delayMs: number): void {
    const entry = this.entry(serverId);
    if (entry.timer !== null && entry.dueAt <= this.clock.now() + delayMs) return;
    this.schedule(serverId, delayMs);
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
    this.scheduleNoLater(serverId, this.delayOf(serverId));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.watchers = Math.max(0, entry.watchers - 1);
    };
  }

  private async fire(serverId: string, entry: Entry, generation: number): Promise<void> {
    entry.polling = true;
    try {
      await this.run(serverId);
    } finally {
      entry.polling = false;
      const again = entry.again;
      entry.again = false;
      if (entry.generation === generation && this.entries.get(serverId) === entry)
        this.schedule(serverId, again ? 0 : this.delayOf(serverId));
    }
  }
}
