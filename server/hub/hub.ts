/**
 * The connection hub (facade, HubPort): one long-lived RconConnection per game server it holds,
 * reconfigured live when a server is added, edited, disabled or removed. It wires the parts: links
 * (links.ts), what the engine reports (live.ts: status changes, pushed lines, polls through the
 * roster), poll timers (poll-schedule.ts), statuses (server-status.ts), stays and samples
 * (stay-writer.ts), console history (history.ts), browser actions (actions.ts). It knows nothing
 * of socket.io.
 *
 * Ownership: "all" (one process) holds every server from start(). "leased" (several instances)
 * holds only what the ownership layer hands it: adopt(serverId, epoch) / release / fenceAll; every
 * write of a link carries its epoch through the WriteFence, every send passes the write gate.
 */
import type { ConsoleLineMessage, PlayerView, ServerStatusMessage } from "../../lib/realtime/contract.ts";
import { AppError, NotSentError } from "../../lib/errors.ts";
import { closeStaysLeftOpen, pruneHistory } from "../data/history.ts";
import { listServerIdsForHub } from "../data/servers.ts";
import type { Db } from "../db/client.ts";
import { Emitter } from "../rcon/emitter.ts";
import type { Dialect, Logger, RconConnection } from "../rcon/types.ts";
import { broadcastMessage, execCommand, kickPlayer, messagePlayer, type ActionHost } from "./actions.ts";
import { BanEnforcer } from "./ban-enforcer.ts";
import { NativeBanSync } from "./ban-sync.ts";
import { every, systemHubClock, type HubClock } from "./clock.ts";
import { unfenced, type WriteFence } from "./fence.ts";
import { ConsoleHistory } from "./history.ts";
import { DEFAULT_INGEST_BUDGET, type IngestBudgetOptions } from "./ingest-budget.ts";
import { newLink, openConnection, readSettings, sameConnection, type Link } from "./links.ts";
import { GameLogRegistrations } from "./game-logs/registration.ts";
import { LiveServers, toLineMessage } from "./live.ts";
import { LIVE_FIELDS_EVERY_MS } from "./player-list-throttle.ts";
import type { HubActor, HubEvent, HubOptions } from "./options.ts";
import { StayBackfill } from "./player-backfill.ts";
import { DEFAULT_PURGE, HistoryPurger } from "./purge.ts";
import { PollSchedule } from "./poll-schedule.ts";
import { PollTurns } from "./poll-turns.ts";
import type { BroadcastResult, ExecResult, HubPort, KickResult, LineRange, MessageResult } from "./port.ts";
import { computeStatus, unknownStatus } from "./server-status.ts";

export type { HubActor, HubEvent, HubOptions } from "./options.ts";

const RETENTION_EVERY_MS = 60 * 60 * 1000;
/** How often drop summaries are written and degraded states re-checked. */
const BUDGET_TICK_MS = 1_000;
/** A protocol cap for a whole answer, above the stored cap: over it the command fails (answers that never end). */
const PROTOCOL_ANSWER_FACTOR = 4;
const SNAPSHOT_LINES = 300;
const RESUME_LINES = 2_000;
export const MOVING_REASON = "Moving to another RconDeck instance";

export class ConnectionHub implements HubPort {
  private readonly links = new Map<string, Link>();
  private readonly events = new Emitter<HubEvent>();
  readonly history: ConsoleHistory;
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly clock: HubClock;
  private readonly fence: WriteFence;
  private readonly leased: boolean;
  private readonly globalJobs: () => boolean;
  private readonly live: LiveServers;
  private readonly schedule: PollSchedule;
  private readonly backfill: StayBackfill;
  private readonly budget: IngestBudgetOptions;
  private timers: (() => void)[] = [];
  readonly purger: HistoryPurger;
  readonly bans: BanEnforcer;
  readonly nativeBans: NativeBanSync;
  private stopped = false;
  /** Leased: the servers adopted, with their epoch (a reload acts only on these). */
  private readonly adopted = new Map<string, number>();
  /** Serialises reconfiguration of one server (two quick edits must not race). */
  private readonly reloads = new Map<string, Promise<void>>();
  private readonly actions: ActionHost;
  private readonly gameLogs: GameLogRegistrations | undefined;

  constructor(private readonly options: HubOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.clock = options.clock ?? systemHubClock;
    this.fence = options.fence ?? unfenced(options.db);
    this.leased = options.ownership === "leased";
    this.globalJobs = options.globalJobs ?? (() => true);
    const epochOf = (serverId: string) => this.epochOf(serverId);
    this.history = new ConsoleHistory(options.db, options.logger, {
      ...options.history,
      fence: this.fence,
      epochOf,
    });
    this.budget = { ...DEFAULT_INGEST_BUDGET, ...options.budget };
    const wall = () => this.clock.wall();
    this.bans = options.bans ?? new BanEnforcer({ db: options.db, logger: options.logger, now: wall });
    this.nativeBans =
      options.nativeBans ??
      new NativeBanSync({ db: options.db, logger: options.logger, now: wall, fence: this.fence });
    this.gameLogs = options.gameLogs ? new GameLogRegistrations(options.gameLogs, options.logger) : undefined;
    const livePlayerFieldsEveryMs = options.livePlayerFieldsEveryMs ?? LIVE_FIELDS_EVERY_MS;
    this.schedule = new PollSchedule(this.clock, (serverId) => this.live.poll(serverId), {
      ...(options.watchedPollMs !== undefined ? { watchedPollMs: options.watchedPollMs } : {}),
      pushedJoinsWatchedPollMs: livePlayerFieldsEveryMs,
    });
    this.live = new LiveServers({
      db: options.db,
      logger: options.logger,
      clock: this.clock,
      fence: this.fence,
      epochOf,
      links: this.links,
      events: this.events,
      history: this.history,
      schedule: this.schedule,
      pollTurns: options.pollTurns ?? new PollTurns(() => this.clock.now()),
      bans: this.bans,
      nativeBans: this.nativeBans,
      budget: this.budget,
      sampleEveryMs: options.sampleEveryMs ?? 60_000,
      livePlayerFieldsEveryMs,
      ...(this.gameLogs ? { gameLogs: this.gameLogs } : {}),
    });
    this.backfill = new StayBackfill({
      db: options.db,
      logger: options.logger,
      enqueue: (task) => this.live.writer.enqueue(task),
      now: () => new Date(this.clock.wall()),
    });
    const retentionDays = options.retentionDays ?? 30;
    this.purger = new HistoryPurger(
      options.db,
      options.logger,
      {
        servers: () =>
          [...this.links.values()]
            .filter((l) => !l.fenced)
            .map(({ id }) => ({ id, lastSeq: this.history.lastSeq(id) })),
        flush: () => this.history.flush(),
        retentionCutoff: () => new Date(this.clock.wall() - retentionDays * 86_400_000),
        enabled: () => this.globalJobs(),
      },
      { ...DEFAULT_PURGE, ...options.purge },
    );
    this.actions = {
      history: this.history,
      maxAnswerBytes: this.budget.maxAnswerBytes,
      online: (serverId) => this.online(serverId),
      appendLine: (serverId, kind, text, actor, replyTo) =>
        this.live.appendLine(serverId, kind, text, actor ?? null, replyTo ?? null),
      requestRefresh: (link, delayMs) => this.schedule.requestRefresh(link.id, delayMs),
    };
  }

  on(listener: (event: HubEvent) => void): () => void {
    return this.events.on(listener);
  }

  /**
   * Boot. "all": closes stays left open by the previous process, then connects every server.
   * "leased": connects nothing (the ownership layer adopts servers; other instances hold theirs).
   */
  async start(): Promise<void> {
    if (!this.leased) {
      const closed = await closeStaysLeftOpen(this.db, new Date(this.clock.wall()));
      if (closed > 0) this.logger.info("closed player sessions left open by the previous run", { closed });
      const ids = await listServerIdsForHub(this.db);
      await this.history.prepare(ids);
      await Promise.all(ids.map((id) => this.reloadServer(id)));
    }
    // Stays from before player records are linked first: retention must not drop them uncounted.
    if (this.globalJobs())
      void this.backfill.run(new Date(this.clock.wall())).finally(() => {
        if (!this.stopped) void this.applyRetention();
      });
    void this.purger.kick(); // resumes purges of servers deleted before a restart
    this.timers.push(every(this.clock, RETENTION_EVERY_MS, () => void this.applyRetention()));
    this.timers.push(every(this.clock, BUDGET_TICK_MS, () => this.live.tickBudgets()));
  }

  /** Flushes history, stops every connection and timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.timers.splice(0)) stop();
    await this.purger.stop();
    await this.backfill.stop();
    const links = [...this.links.values()];
    await Promise.all(links.map((link) => this.disconnect(link)));
    await Promise.allSettled([this.history.close(), this.live.writer.idle()]);
  }

  // --------------------------------------------------------------------------------------------
  // Configuration and ownership

  /** (Re)reads a server's settings and reconnects when what the connection uses changed. Leased: held servers only. */
  reloadServer(serverId: string): Promise<void> {
    return this.serialised(serverId, () => this.reload(serverId));
  }

  /** A server was deleted. */
  async removeServer(serverId: string): Promise<void> {
    await (this.reloads.get(serverId) ?? Promise.resolve());
    await this.remove(serverId);
  }

  has(serverId: string): boolean {
    return this.links.has(serverId);
  }

  /** Leased: the servers this instance holds (links not fenced). */
  held(): string[] {
    return [...this.links.values()].filter((l) => !l.fenced).map((l) => l.id);
  }

  /**
   * Leased: this instance now holds the server under `epoch`. Closes the stays its previous owner
   * left open, reserves a fresh block of seqs after anything that owner handed out, connects.
   */
  adopt(serverId: string, epoch: number): Promise<void> {
    return this.serialised(serverId, async () => {
      if (this.stopped) return;
      this.adopted.set(serverId, epoch);
      const existing = this.links.get(serverId);
      if (existing) {
        existing.epoch = epoch;
        existing.fenced = false;
      }
      const closed = await this.fence.run(new Map([[serverId, epoch]]), (db, allowed) =>
        allowed.has(serverId)
          ? closeStaysLeftOpen(db, new Date(this.clock.wall()), [serverId])
          : Promise.resolve(0),
      );
      if (closed > 0)
        this.logger.info("closed player sessions left open by the previous owner", { serverId, closed });
      await this.history.renew(serverId);
      await this.reload(serverId);
    });
  }

  /**
   * Leased, graceful: stops polling, closes the connection and the stays, flushes the writes (still
   * under the link's epoch), then drops the link. Browsers see "idle: moving", never "removed".
   * The caller releases the lease afterwards.
   */
  release(serverId: string): Promise<void> {
    return this.serialised(serverId, async () => {
      this.adopted.delete(serverId);
      const link = this.links.get(serverId);
      if (!link) return;
      await this.disconnect(link);
      await this.live.writer.idle();
      await this.history.flush();
      link.problem = { state: "idle", reason: MOVING_REASON, since: this.clock.wall() };
      link.throttle.reset();
      this.live.emitStatus(link);
      link.fenced = true;
      this.links.delete(serverId);
      this.schedule.forget(serverId);
      this.history.forget(serverId);
      this.nativeBans.forget(serverId);
    });
  }

  /**
   * Self-fence NOW (the lease could not be renewed in time): every connection is closed at once
   * (stop() started for all, none awaited first), no further write of these links is attempted,
   * and each server reads idle with `reason` here (not broadcast). The links stay (adopt reconnects them).
   */
  fenceAll(reason: string): void {
    this.adopted.clear();
    for (const link of this.links.values()) {
      link.fenced = true;
      this.gameLogs?.drop(link.id);
      const connection = this.detach(link);
      if (connection) void connection.stop().catch(() => undefined);
      link.players.clear();
      link.playerList = [];
      link.hasPolled = false;
      link.info = null;
      this.bans.reset(link.id);
      link.problem = { state: "idle", reason, since: this.clock.wall() };
      link.throttle.reset();
      // No status event: another instance may hold the server by now, and a late "idle" from this
      // one would overwrite its status in the browsers and the mirror.
    }
  }

  private serialised(serverId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.reloads.get(serverId) ?? Promise.resolve();
    const next = previous
      .then(task)
      .catch((error: unknown) => this.logger.error("hub reload failed", { serverId, error: String(error) }));
    this.reloads.set(serverId, next);
    void next.finally(() => {
      if (this.reloads.get(serverId) === next) this.reloads.delete(serverId);
    });
    return next;
  }

  private epochOf(serverId: string): number | null {
    const link = this.links.get(serverId);
    return link && !link.fenced ? link.epoch : null;
  }

  private async remove(serverId: string): Promise<void> {
    this.adopted.delete(serverId);
    const link = this.links.get(serverId);
    if (!link) return;
    this.links.delete(serverId);
    await this.disconnect(link, false);
    this.schedule.forget(serverId);
    this.history.forget(serverId);
    this.nativeBans.forget(serverId);
    this.events.emit({ type: "removed", serverId });
    void this.purger.kick(); // its lines, in batches (deleteServer queued the purge)
  }

  private async reload(serverId: string): Promise<void> {
    if (this.stopped) return;
    const epoch = this.leased ? this.adopted.get(serverId) : 0;
    if (epoch === undefined) return; // leased and not held: the ownership layer decides who connects it
    const read = await readSettings(this.db, this.options.encryptionKey, serverId, () => this.clock.wall());
    if (read === "deleted") return this.remove(serverId); // deleted meanwhile
    const { settings, problem } = read;
    await this.history.prepare([serverId]);
    const existing = this.links.get(serverId);
    if (
      existing &&
      settings &&
      existing.settings &&
      sameConnection(existing.settings, settings) &&
      !existing.problem
    ) {
      existing.settings = settings; // name or poll interval: no reconnect
      this.schedule.setInterval(serverId, settings.pollIntervalSeconds);
      this.schedule.schedule(serverId);
      this.live.emitStatus(existing);
      return;
    }
    if (existing) await this.disconnect(existing);
    const link = existing ?? newLink(serverId, this.budget, this.clock.now(), epoch);
    link.epoch = epoch;
    link.fenced = false;
    link.settings = settings;
    link.problem = problem;
    this.links.set(serverId, link);
    this.schedule.setInterval(serverId, settings?.pollIntervalSeconds);
    if (settings && !problem) await this.connect(link, settings);
    this.live.emitStatus(link);
  }

  private async connect(link: Link, settings: NonNullable<Link["settings"]>): Promise<void> {
    const gate = this.options.writeGate;
    const opened = await openConnection(
      settings,
      {
        logger: this.logger,
        maxAnswerBytes: this.budget.maxAnswerBytes * PROTOCOL_ANSWER_FACTOR,
        maxReadBytesPerSecond: this.budget.maxReadBytesPerSecond,
        ...this.options.connectionOptions,
        writeGate: () => !link.fenced && (gate?.(link.id) ?? true),
      },
      this.clock.wall(),
    );
    if ("problem" in opened) {
      link.problem = opened.problem;
      return;
    }
    const { connection, dialect } = opened;
    link.connection = connection;
    link.dialect = dialect;
    link.off = connection.on((event) => this.live.onConnectionEvent(link, connection, event));
    this.schedule.start(link.id, { pushesJoins: dialect.capabilities.pushesJoins });
    connection.start();
  }

  /** Stops polling and listening; returns the connection for the caller to stop (awaited or not). */
  private detach(link: Link): RconConnection | null {
    this.schedule.stop(link.id);
    link.off?.();
    link.off = null;
    const connection = link.connection;
    link.connection = null;
    link.dialect = null;
    return connection;
  }

  private async disconnect(link: Link, closeSessions = true): Promise<void> {
    await this.gameLogs?.release(link.id);
    const connection = this.detach(link);
    if (connection) await connection.stop().catch(() => undefined);
    if (closeSessions) this.live.dropPlayers(link);
    else link.players.clear();
    link.playerList = [];
    link.hasPolled = false;
    link.info = null;
    link.infoReadAt = -Infinity;
  }

  // --------------------------------------------------------------------------------------------
  // Browser actions

  exec(serverId: string, actor: HubActor, command: string): Promise<ExecResult> {
    return execCommand(this.actions, serverId, actor, command);
  }

  kick(serverId: string, actor: HubActor, playerId: string, reason: string): Promise<KickResult> {
    return kickPlayer(this.actions, serverId, actor, playerId, reason);
  }

  message(serverId: string, actor: HubActor, playerId: string, message: string): Promise<MessageResult> {
    return messagePlayer(this.actions, serverId, actor, playerId, message);
  }

  broadcast(serverId: string, actor: HubActor, message: string): Promise<BroadcastResult> {
    return broadcastMessage(this.actions, serverId, actor, message);
  }

  private online(serverId: string): { link: Link; connection: RconConnection; dialect: Dialect } {
    const link = this.links.get(serverId);
    if (!link) throw new AppError("NOT_FOUND", "That server does not exist.");
    const { connection, dialect } = link;
    if (!connection || !dialect || connection.status.state !== "online") {
      const status = this.statusOf(serverId);
      throw new NotSentError(
        `The game server is not connected (${status.state}${status.reason ? `: ${status.reason}` : ""}).`,
      );
    }
    return { link, connection, dialect };
  }

  // --------------------------------------------------------------------------------------------
  // Reads, players, bans

  statusOf(serverId: string): ServerStatusMessage {
    const link = this.links.get(serverId);
    return link
      ? computeStatus(this.live.statusInput(link), this.clock.wall())
      : unknownStatus(serverId, this.clock.wall());
  }

  statuses(serverIds?: readonly string[]): ServerStatusMessage[] {
    const ids = serverIds ?? [...this.links.keys()];
    return ids.map((id) => this.statusOf(id));
  }

  players(serverId: string): PlayerView[] {
    const link = this.links.get(serverId);
    return link ? this.live.playerViews(link) : [];
  }

  dialectOf(serverId: string): Dialect | null {
    return this.links.get(serverId)?.dialect ?? null;
  }

  /** Recent history (or what follows `afterSeq`), unwritten lines included. */
  async lines(serverId: string, range: LineRange): Promise<ConsoleLineMessage[]> {
    if (!this.links.has(serverId)) return []; // deleted: its lines wait for the purger, unread
    const limit = range.limit ?? (range.afterSeq !== undefined ? RESUME_LINES : SNAPSHOT_LINES);
    const rows = await this.history.read(serverId, {
      afterSeq: range.afterSeq,
      beforeSeq: range.beforeSeq,
      limit,
    });
    return rows.map(toLineMessage);
  }

  /** A browser watches this server: poll faster until the returned function is called. */
  watch(serverId: string): () => void {
    if (!this.links.has(serverId)) return () => undefined;
    return this.schedule.watch(serverId);
  }

  /** Bans changed (a new ban): every player online (on these servers, or all) is checked again now. */
  recheckBans(serverIds?: readonly string[]): void {
    this.live.recheckBans(serverIds);
  }

  /** These player records changed: the online players linked to them get fresh badges, their servers a new list. */
  refreshRecords(playerIds: readonly string[]): Promise<void> {
    return this.live.refreshRecords(playerIds);
  }

  /** The player record of an online player (by the game's id), once its link is done; null if none. */
  recordOf(serverId: string, gameId: string): Promise<string | null> {
    return this.live.recordOf(serverId, gameId);
  }

  private async applyRetention(): Promise<void> {
    if (!this.globalJobs()) return;
    const days = this.options.retentionDays ?? 30;
    try {
      const removed = await pruneHistory(this.db, new Date(this.clock.wall() - days * 86_400_000));
      if (removed.sessions + removed.samples > 0)
        this.logger.info("history retention applied", { days, ...removed });
    } catch (error) {
      this.logger.warn("history retention failed", { error: String(error).slice(0, 200) });
    }
  }
}
