/**
 * Native ban sync: every game whose dialect declares a native ban list (`dialect.nativeBans`, a
 * NativeBanStore: SRCDS filter lists, BattlEye bans.txt, Minecraft banlist, ioq3 engine bans)
 * holds RconDeck's bans there too, so a banned player is refused by the game even while RconDeck
 * is down. Each pass, per server, one at a time:
 * - applies active bans with an identity the game can hold, then verifies by listing: a command
 *   that answered "ok" but changed nothing leaves the ban failed (with the error), retried after
 *   RETRY_AFTER_MS;
 * - lifts what the game holds but should not: revoked, out of scope, or expired (judged against the
 *   injected clock, so a timed ban written permanent on a game without durations ends on time),
 *   then verifies by listing; a failed removal stays applied with its error and is retried;
 * - checks applied bans against the list: one missing (a lapsed time-to-live, a hand edit) goes
 *   back to pending and is written again.
 * - records the game's bans no central ban accounts for (drift, ban-sync-drift.ts) and does the
 *   native removals admins asked for.
 * Bans the game cannot hold (no identity it knows, timed on a game whose timed bans do not last,
 * past `nativeCap` entries) are join_only: kick on join enforces them.
 *
 * A pass lists the game once and again only after writing to it (ban-sync-list.ts). A quiet pass,
 * one whose list is the same as at the end of the server's last full pass, with no ban change
 * signalled since (soon(): every ban action calls it through the hub's recheckBans), reads only the
 * retries and the lifts, whose cost is bounded by the server's own sync rows, and skips the checks
 * whose answer cannot have changed; at 20,000 bans the full reads cost about 60 ms per server and
 * pass. Where the full pass left no sync row in play (nothing pending, failed or applied: the
 * usual server), a quiet pass reads nothing at all: only a pass writes such rows on the server its
 * instance holds, and every ban action signals (at 1,000 bench servers, 33 reads a second fewer).
 * A signal that arrives while a full pass runs keeps the next pass full: the pass may have read
 * the bans before the change. A full pass runs at least every `fullEveryMs` anyway (a missed
 * signal, a hand edit in the database), so "last verified" is at most that old.
 *
 * The central ban is the truth: nothing here changes a Ban row, so a game server that is down,
 * slow or answering nonsense only leaves sync rows pending or failed. Passes run at most every
 * `everyMs` per server (BAN_SYNC_EVERY_MS in server/env.ts), `batch` bans each way per pass.
 * Every write of a pass goes through the WriteFence with the epoch of the server's link: a refused
 * write ends the pass (this instance no longer holds the server). A connection that closes during a
 * pass (stopped at shutdown or handover, or dropped) ends it too, writing nothing more: its bans stay
 * pending, not failed, and the next connection's pass handles them. That is no problem with the
 * game's list, so it is logged at debug level only (a shutdown of 1,000 servers warned 1,000 times).
 */
import {
  appliedBanCount,
  appliedBans,
  bansToApply,
  bansToLift,
  bansToRetry,
  hasSyncRowsInPlay,
  markBanSyncMissing,
  markBanSyncVerified,
  noteBanSyncError,
  recordBanSync,
  type SyncCandidate,
} from "../data/ban-sync.ts";
import type { Db } from "../db/client.ts";
import { reconcileDrift, type FencedWrite } from "./ban-sync-drift.ts";
import { listFingerprint, PassList } from "./ban-sync-list.ts";
import { unfenced, type WriteFence } from "./fence.ts";
import {
  RconCommandError,
  type BanEntry,
  type BanRequest,
  type Dialect,
  type Logger,
  type NativeBanStore,
  type RunCommand,
} from "../rcon/types.ts";

const RETRY_AFTER_MS = 5 * 60_000;

export interface NativeBanSyncOptions {
  db: Db;
  logger: Logger;
  now?: () => number;
  /** Minimum time between two passes on one server (default one minute). */
  everyMs?: number;
  /** A full pass on a server at least this often, however quiet (default ten minutes). */
  fullEveryMs?: number;
  /** Bans applied and lifted per pass (default 50 each). */
  batch?: number;
  /**
   * Native entries per server at most (default 5,000): large engine lists lag game servers (Garry's
   * Mod servers stutter past a few thousand); bans beyond it are enforced on join only.
   */
  nativeCap?: number;
  /** Writes of a pass go through it with the server's epoch (default: unfenced). */
  fence?: WriteFence;
}

/** A pass's write was refused by the fence: the pass ends, nothing else is written. */
export class FencedWriteError extends Error {
  override readonly name = "FencedWriteError";
}

/** The pass's connection closed: the pass ends, nothing else is written. */
export class PassInterruptedError extends Error {
  override readonly name = "PassInterruptedError";
}

/** The command failed because the connection is gone (not a refusal or a silence of the game). */
function connectionGone(error: unknown): boolean {
  return error instanceof RconCommandError && (error.code === "NOT_CONNECTED" || error.code === "CLOSED");
}

export interface SyncSummary {
  applied: number;
  joinOnly: number;
  failed: number;
  removed: number;
  /** Applied bans found missing from the game's list, to be written again. */
  missing: number;
  /** Bans the game's list holds that no central ban accounts for (drift). */
  nativeOnly: number;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** One short line for the game's list; the dialect still escapes or refuses what its syntax cannot carry. */
function nativeReason(reason: string): string {
  return reason
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .trim()
    .slice(0, 100);
}

/**
 * Writes one native ban. A reason the game's syntax cannot carry (SRCDS refuses ';', CoD4x quotes)
 * is replaced by a neutral one rather than leaving the ban off the list: the reason stays central.
 */
async function writeBan(dialect: Dialect, run: RunCommand, request: BanRequest): Promise<void> {
  try {
    await dialect.operations.ban(run, request);
  } catch (error) {
    if (!(error instanceof RconCommandError && error.code === "INVALID_ARGUMENT")) throw error;
    await dialect.operations.ban(run, { ...request, reason: "RconDeck ban" });
  }
}

/** The keys the game's list holds now; entries whose time ran out (BattlEye's "-") do not count. */
function listedKeys(store: NativeBanStore, entries: readonly BanEntry[]): Set<string> {
  const keys = new Set<string>();
  for (const entry of entries) {
    if (entry.minutesLeft === 0) continue;
    const key = store.key(entry);
    if (key) keys.add(key);
  }
  return keys;
}

/** How a server stood after its last full pass: what a quiet pass compares with. */
interface Settled {
  fingerprint: string;
  fullAt: number;
  nativeOnly: number;
  /** No sync row of the server was pending, failed or applied: no retry or lift to look for. */
  nothingInPlay: boolean;
}

export class NativeBanSync {
  private readonly running = new Set<string>();
  private readonly lastRun = new Map<string, number>();
  private readonly settled = new Map<string, Settled>();
  /**
   * Signals (soon) counted, and the count at each server's last one: a pass settles a server only
   * if no signal for it came while the pass ran (it may have read the bans before the change).
   */
  private signals = 0;
  private allSignalledAt = 0;
  private readonly signalledAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly everyMs: number;
  private readonly fullEveryMs: number;

  constructor(private readonly options: NativeBanSyncOptions) {
    this.now = options.now ?? Date.now;
    this.everyMs = options.everyMs ?? 60_000;
    this.fullEveryMs = options.fullEveryMs ?? 10 * 60_000;
  }

  supports(dialect: Dialect): boolean {
    return dialect.nativeBans !== undefined;
  }

  /** Bans changed: the next chance runs a full pass on these servers (all when omitted). */
  soon(serverIds?: readonly string[]): void {
    const signal = ++this.signals;
    if (serverIds === undefined) {
      this.allSignalledAt = signal;
      this.lastRun.clear();
      this.settled.clear();
    } else
      for (const id of serverIds) {
        this.signalledAt.set(id, signal);
        this.lastRun.delete(id);
        this.settled.delete(id);
      }
  }

  private signalledSince(serverId: string, signal: number): boolean {
    return this.allSignalledAt > signal || (this.signalledAt.get(serverId) ?? 0) > signal;
  }

  /** A server removed or handed to another instance: nothing is kept for it (a return starts afresh). */
  forget(serverId: string): void {
    this.soon([serverId]);
  }

  /** Starts a pass in the background when one is due; never throws, never blocks the caller. */
  maybeRun(serverId: string, dialect: Dialect, run: RunCommand, epoch = 0): void {
    if (!this.supports(dialect) || this.running.has(serverId)) return;
    const last = this.lastRun.get(serverId);
    if (last !== undefined && this.now() - last < this.everyMs) return;
    this.lastRun.set(serverId, this.now());
    this.running.add(serverId);
    void this.syncOnce(serverId, dialect, run, epoch)
      .catch((error: unknown) => {
        if (error instanceof FencedWriteError)
          this.options.logger.info("native ban sync ended: server no longer held", { serverId });
        else if (error instanceof PassInterruptedError || connectionGone(error))
          this.options.logger.debug("native ban sync ended: connection closed", { serverId });
        else this.options.logger.warn("native ban sync failed", { serverId, error: errorText(error) });
      })
      .finally(() => this.running.delete(serverId));
  }

  /**
   * The pass's writer: one fenced write (its own transaction where the fence needs one). Once the
   * pass's connection is gone (`gone` names why), writes are refused with PassInterruptedError.
   */
  private writer(serverId: string, epoch: number, gone: () => string | null): FencedWrite {
    const fence = this.options.fence ?? unfenced(this.options.db);
    return (write) => {
      const why = gone();
      if (why !== null) return Promise.reject(new PassInterruptedError(why));
      return fence.run(new Map([[serverId, epoch]]), (db, allowed) => {
        if (!allowed.has(serverId))
          throw new FencedWriteError(`server ${serverId} is no longer held (epoch ${epoch})`);
        return write(db);
      });
    };
  }

  /**
   * One pass on one server. Rejects with FencedWriteError when the fence refuses a write, and with
   * PassInterruptedError when the connection closes during the pass (nothing more is written).
   */
  async syncOnce(serverId: string, dialect: Dialect, command: RunCommand, epoch = 0): Promise<SyncSummary> {
    const summary: SyncSummary = {
      applied: 0,
      joinOnly: 0,
      failed: 0,
      removed: 0,
      missing: 0,
      nativeOnly: 0,
    };
    const store = dialect.nativeBans;
    if (!store) return summary;
    const now = new Date(this.now());
    const signal = this.signals;
    let gone: string | null = null;
    const write = this.writer(serverId, epoch, () => gone);
    const run: RunCommand = (text, options) =>
      command(text, options).catch((error: unknown) => {
        if (connectionGone(error)) gone ??= errorText(error);
        throw error;
      });
    const list = new PassList(() => dialect.operations.listBans(run));
    const quiet = await this.quietSince(serverId, list);
    if (quiet?.nothingInPlay) {
      summary.nativeOnly = quiet.nativeOnly;
      return this.done(serverId, summary);
    }
    await this.apply(serverId, dialect, store, run, now, summary, write, list, quiet !== null);
    await this.lift(serverId, dialect, store, run, now, summary, write, list);
    if (quiet !== null && list.writes === 0) {
      summary.nativeOnly = quiet.nativeOnly;
      return this.done(serverId, summary);
    }
    this.settled.delete(serverId);
    await this.checkApplied(serverId, store, now, summary, write, list);
    try {
      summary.nativeOnly = await reconcileDrift(
        this.options.db,
        serverId,
        dialect,
        store,
        run,
        list,
        now,
        write,
      );
    } catch (error) {
      if (error instanceof FencedWriteError || error instanceof PassInterruptedError) throw error;
      if (gone !== null) throw new PassInterruptedError(gone);
      this.options.logger.warn("native ban list not read", { serverId, error: errorText(error) });
      return this.done(serverId, summary);
    }
    if (summary.missing === 0) await this.settle(serverId, list, now, summary.nativeOnly, signal);
    return this.done(serverId, summary);
  }

  private done(serverId: string, summary: SyncSummary): SyncSummary {
    if (summary.applied + summary.failed + summary.removed + summary.missing > 0)
      this.options.logger.info("native ban sync", { serverId, ...summary });
    return summary;
  }

  /** Records a full pass that found the list as the central bans want it (no signal since it began). */
  private async settle(
    serverId: string,
    list: PassList,
    now: Date,
    nativeOnly: number,
    signal: number,
  ): Promise<void> {
    let fingerprint: string;
    try {
      fingerprint = listFingerprint(await list.get());
    } catch {
      return; // the list could not be read again: the next pass is a full one
    }
    const nothingInPlay = !(await hasSyncRowsInPlay(this.options.db, serverId));
    if (this.signalledSince(serverId, signal)) return;
    this.settled.set(serverId, { fingerprint, fullAt: now.getTime(), nativeOnly, nothingInPlay });
  }

  /** The server's last full pass, if this pass may be quiet: recent enough and the list unchanged since. */
  private async quietSince(serverId: string, list: PassList): Promise<Settled | null> {
    const settled = this.settled.get(serverId);
    if (!settled || this.now() - settled.fullAt >= this.fullEveryMs) return null;
    try {
      return listFingerprint(await list.get()) === settled.fingerprint ? settled : null;
    } catch {
      return null; // unreachable or refusing: the full pass handles (and reports) it
    }
  }

  /** Minutes to write for a ban: null = permanent (permanent bans, and timed ones RconDeck lifts on time). */
  private minutesFor(store: NativeBanStore, ban: SyncCandidate, now: Date): number | null {
    if (ban.expiresAt === null || store.timed.mode !== "native") return null;
    const left = Math.ceil((ban.expiresAt.getTime() - now.getTime()) / 60_000);
    return Math.max(1, Math.min(left, store.timed.maxMinutes));
  }

  private async apply(
    serverId: string,
    dialect: Dialect,
    store: NativeBanStore,
    run: RunCommand,
    now: Date,
    summary: SyncSummary,
    write: FencedWrite,
    list: PassList,
    retriesOnly: boolean,
  ): Promise<void> {
    const { db } = this.options;
    const retryBefore = new Date(now.getTime() - RETRY_AFTER_MS);
    const batch = this.options.batch ?? 50;
    const toApply = retriesOnly
      ? await bansToRetry(db, serverId, now, retryBefore, batch)
      : await bansToApply(db, serverId, now, retryBefore, batch);
    if (toApply.length === 0) return;
    const written: { ban: SyncCandidate; keys: string[]; error: string | null }[] = [];
    let room = (this.options.nativeCap ?? 5_000) - (await appliedBanCount(db, serverId));
    for (const ban of toApply) {
      const identities = store.identities(ban.identifiers);
      const timedJoinOnly = ban.expiresAt !== null && store.timed.mode === "join_only";
      if (timedJoinOnly || identities.length === 0 || room <= 0) {
        await write((db) => recordBanSync(db, ban.banId, serverId, "join_only", now));
        summary.joinOnly++;
        continue;
      }
      room--;
      const minutes = this.minutesFor(store, ban, now);
      let error: string | null = null;
      for (const target of identities) {
        await writeBan(dialect, run, { target, minutes, reason: nativeReason(ban.reason) }).catch(
          (e: unknown) => (error ??= errorText(e)),
        );
      }
      written.push({ ban, keys: identities.map((i) => store.key(i) ?? ""), error });
    }
    if (written.length === 0) return;
    list.changed();
    let listed: Set<string> | null = null;
    let listError: string | null = null;
    try {
      listed = listedKeys(store, await list.get());
    } catch (error) {
      listError = errorText(error);
    }
    for (const { ban, keys, error } of written) {
      const missing = listed === null ? 0 : keys.filter((k) => !listed.has(k)).length;
      const problem =
        error ??
        listError ??
        (missing > 0
          ? `the game answered but its ban list does not hold the ban (${missing} missing)`
          : null);
      await write((db) =>
        recordBanSync(db, ban.banId, serverId, problem ? "failed" : "applied", now, problem),
      );
      if (problem) summary.failed++;
      else summary.applied++;
    }
  }

  private async lift(
    serverId: string,
    dialect: Dialect,
    store: NativeBanStore,
    run: RunCommand,
    now: Date,
    summary: SyncSummary,
    write: FencedWrite,
    list: PassList,
  ): Promise<void> {
    const { db } = this.options;
    const toLift = await bansToLift(
      db,
      serverId,
      now,
      this.options.batch ?? 50,
      store.timed.mode !== "join_only",
    );
    if (toLift.length === 0) return;
    const errors = new Map<string, string>();
    // Only what the list still holds is removed (a lapsed time-to-live needs nothing); removals
    // are sequential, and index-based games re-list before each inside the dialect's unban.
    let before: Set<string> | null = null;
    try {
      before = listedKeys(store, await list.get());
    } catch (error) {
      for (const ban of toLift) errors.set(ban.banId, errorText(error));
    }
    if (before !== null) {
      for (const ban of toLift) {
        for (const identity of store.identities(ban.identifiers)) {
          if (!before.has(store.key(identity) ?? "")) continue;
          list.changed();
          await dialect.operations
            .unban(run, identity)
            .catch((e: unknown) => errors.set(ban.banId, errorText(e)));
        }
      }
    }
    let after: Set<string> | null = null;
    if (before !== null) {
      try {
        after = listedKeys(store, await list.get());
      } catch (error) {
        for (const ban of toLift) if (!errors.has(ban.banId)) errors.set(ban.banId, errorText(error));
      }
    }
    for (const ban of toLift) {
      const still =
        after !== null && store.identities(ban.identifiers).some((i) => after.has(store.key(i) ?? ""));
      const problem =
        errors.get(ban.banId) ?? (still ? "the game answered but its ban list still holds the ban" : null);
      if (problem) {
        await write((db) => noteBanSyncError(db, ban.banId, serverId, problem));
        summary.failed++;
      } else {
        await write((db) => recordBanSync(db, ban.banId, serverId, "removed", now));
        summary.removed++;
      }
    }
  }

  /** Applied bans the list no longer holds go back to pending (written again next pass). */
  private async checkApplied(
    serverId: string,
    store: NativeBanStore,
    now: Date,
    summary: SyncSummary,
    write: FencedWrite,
    list: PassList,
  ): Promise<void> {
    const { db } = this.options;
    const applied = await appliedBans(db, serverId, 500);
    if (applied.length === 0) return;
    let listed: Set<string>;
    try {
      listed = listedKeys(store, await list.get());
    } catch {
      return; // unreachable or refusing: nothing is concluded
    }
    const seen: string[] = [];
    for (const ban of applied) {
      const keys = store.identities(ban.identifiers).map((i) => store.key(i) ?? "");
      if (keys.every((k) => listed.has(k))) seen.push(ban.banId);
      else {
        await write((db) =>
          markBanSyncMissing(db, ban.banId, serverId, "missing from the game's ban list; writing it again"),
        );
        summary.missing++;
      }
    }
    await write((db) => markBanSyncVerified(db, seen, serverId, now));
    if (summary.missing > 0) this.soon([serverId]);
  }
}
