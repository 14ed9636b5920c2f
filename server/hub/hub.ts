/**
 * The connection hub: one long-lived RconConnection per enabled game server, reconfigured live
 * when a server is added, edited, disabled or removed. It turns what the engine reports (status
 * changes, pushed server messages, polled player lists) into one stream of hub events (status,
 * console lines, player lists) for server/realtime, and keeps the history (console lines, player
 * sessions, player-count samples) in the database. It knows nothing of socket.io.
 */
import type { ConsoleKind, ConsoleLineMessage, PlayerView, ServerStatusMessage, WatchNoticeMessage } from "../../lib/realtime/contract.ts";
import { AppError } from "../../lib/errors.ts";
import { isMaskedReplay, maskSecretAnswer, maskSecretCommand } from "../../lib/console/secrets.ts";
import {
  closePlayerSessions,
  closeStaysLeftOpen,
  openPlayerSessions,
  pruneHistory,
  recordPlayerCountSample,
  updatePlayerSession,
  type ConsoleLineRecord,
  type PlayerSessionInput,
} from "../data/history.ts";
import { getServerConnectionSettings, listServerIdsForHub, type ServerConnectionSettings } from "../data/servers.ts";
import type { Db } from "../db/client.ts";
import { Emitter } from "../rcon/emitter.ts";
import { diffPlayers } from "../rcon/player-diff.ts";
import { findDialect, isProtocolId, loadFamily } from "../rcon/registry.ts";
import type { ConnectionOptions, ConnectionStatus, Dialect, GameEvent, Logger, Player, RconConnection, RconEvent, RunCommand, ServerInfo } from "../rcon/types.ts";
import { hideEndpoint } from "../../lib/endpoint.ts";
import { BanEnforcer } from "./ban-enforcer.ts";
import { NativeBanSync } from "./ban-sync.ts";
import { describeError, toAppError } from "./errors.ts";
import { ConsoleHistory, type HistoryOptions } from "./history.ts";
import { clipText, DEFAULT_INGEST_BUDGET, IngestBudget, type IngestBudgetOptions } from "./ingest-budget.ts";
import { DEFAULT_PURGE, HistoryPurger, type PurgeOptions } from "./purge.ts";
import { toPlayerView } from "./player-view.ts";
import { StayBackfill } from "./player-backfill.ts";
import { newStayRecord, PlayerRecords, stayGameOf, type LiveStay, type StayRecord } from "./player-records.ts";
import type { StayGame } from "../data/players/linking.ts";

export type HubEvent =
  | { type: "status"; status: ServerStatusMessage }
  | { type: "line"; line: ConsoleLineMessage }
  /** The full list, identities included: the realtime layer strips them for who may not see them. */
  | { type: "players"; serverId: string; players: PlayerView[] }
  | { type: "removed"; serverId: string }
  /** A player on the watch list joined: every watcher of the server gets a notice. */
  | { type: "watch"; notice: WatchNoticeMessage };

export interface HubActor {
  id: string;
  name: string;
}

export interface HubOptions {
  db: Db;
  encryptionKey: Buffer;
  logger: Logger;
  retentionDays?: number;
  history?: HistoryOptions;
  /** Player-list poll interval while at least one browser watches the server. */
  watchedPollMs?: number;
  /** Minimum time between two player-count samples of one server. */
  sampleEveryMs?: number;
  /** Extra options for every connection (tests: fast backoff, short timeouts). */
  connectionOptions?: Partial<ConnectionOptions>;
  /** What one game server may push into the console and history (ingest-budget.ts). */
  budget?: Partial<IngestBudgetOptions>;
  /** Background deletion of console lines: deleted servers, per-server cap, retention (purge.ts). */
  purge?: Partial<PurgeOptions>;
  /** Kick-on-join against the central bans (tests pass one with their own clock). */
  bans?: BanEnforcer;
  /** Writes central bans into the game's own list where the dialect supports it (ban-sync.ts). */
  nativeBans?: NativeBanSync;
}

interface TrackedPlayer {
  /** Updated in place while the player stays (see applyPlayers). */
  player: Player;
  since: number;
  sinceIso: string;
  /** The stored stay; a promise because the write is not awaited on the hot path. */
  session: Promise<string | null> | null;
  /** Its player record (player-records.ts). */
  record: StayRecord;
}

interface Link {
  id: string;
  settings: ServerConnectionSettings | null;
  /** Why there is no connection (disabled, unreadable password, unknown game...). */
  problem: { state: ServerStatusMessage["state"]; reason: string; since: number } | null;
  connection: RconConnection | null;
  dialect: Dialect | null;
  off: (() => void) | null;
  players: Map<string, TrackedPlayer>;
  playerList: Player[];
  hasPolled: boolean;
  /** Map and slots, re-read every INFO_EVERY_MS and after any console command (maybe a map change). */
  info: ServerInfo | null;
  infoReadAt: number;
  pollTimer: NodeJS.Timeout | null;
  polling: boolean;
  pollAgain: boolean;
  watchers: number;
  lastEventAt: number | null;
  lastSampleAt: number;
  lastStatusJson: string;
  lastStatusSentAt: number;
  lastState: string | null;
  budget: IngestBudget;
  /** The degraded reason last sent, to emit a status when it changes. */
  degraded: string | null;
}

const RETENTION_EVERY_MS = 60 * 60 * 1000;
/** How often drop summaries are written and degraded states re-checked. */
const BUDGET_TICK_MS = 1_000;
/** A protocol cap for a whole answer, above the stored cap: over it the command fails (answers that never end). */
const PROTOCOL_ANSWER_FACTOR = 4;
const SNAPSHOT_LINES = 300;
const INFO_EVERY_MS = 60_000;
/** First words of console commands after which map and slots are re-read (changelevel, map, AdminChangeLayer, sv_maxclients...). */
const MAY_CHANGE_INFO = /map|level|layer|mission|maxclients|maxplayers/i;
const RESUME_LINES = 2_000;

/** Console kind of a pushed message, by what the dialect read in it. */
const KIND_OF_EVENT: Record<GameEvent["kind"], ConsoleKind> = {
  "player.connected": "join",
  "player.guid": "system",
  "player.disconnected": "leave",
  "player.kicked": "admin",
  "player.banned": "admin",
  chat: "chat",
  "admin.login": "admin",
  "admin.message": "admin",
};
/** Pushed events after which the player list is re-read at once. */
const REFRESH_ON: ReadonlySet<GameEvent["kind"]> = new Set(["player.connected", "player.disconnected", "player.kicked", "player.banned", "player.guid"]);

export class ConnectionHub {
  private readonly links = new Map<string, Link>();
  private readonly events = new Emitter<HubEvent>();
  readonly history: ConsoleHistory;
  private readonly db: Db;
  private readonly logger: Logger;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly sessionQueue: { input: PlayerSessionInput; stay: LiveStay; game: StayGame; resolve: (id: string | null) => void }[] = [];
  private readonly records: PlayerRecords;
  private readonly backfill: StayBackfill;
  private retentionTimer: NodeJS.Timeout | null = null;
  private budgetTimer: NodeJS.Timeout | null = null;
  private readonly budget: IngestBudgetOptions;
  readonly purger: HistoryPurger;
  readonly bans: BanEnforcer;
  readonly nativeBans: NativeBanSync;
  private stopped = false;
  /** Serialises reconfiguration of one server (two quick edits must not race). */
  private readonly reloads = new Map<string, Promise<void>>();

  constructor(private readonly options: HubOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.history = new ConsoleHistory(options.db, options.logger, options.history);
    this.budget = { ...DEFAULT_INGEST_BUDGET, ...options.budget };
    this.bans = options.bans ?? new BanEnforcer({ db: options.db, logger: options.logger });
    this.nativeBans = options.nativeBans ?? new NativeBanSync({ db: options.db, logger: options.logger });
    this.records = new PlayerRecords({
      db: options.db,
      logger: options.logger,
      line: (serverId, kind, text) => void this.appendLine(serverId, kind, text),
      watch: (notice) => this.events.emit({ type: "watch", notice }),
      players: (serverId) => {
        const link = this.links.get(serverId);
        if (link) this.emitPlayers(link);
      },
    });
    this.backfill = new StayBackfill({ db: options.db, logger: options.logger, enqueue: (task) => this.enqueue(task) });
    const retentionDays = options.retentionDays ?? 30;
    this.purger = new HistoryPurger(
      options.db,
      options.logger,
      {
        servers: () => [...this.links.keys()].map((id) => ({ id, lastSeq: this.history.lastSeq(id) })),
        flush: () => this.history.flush(),
        retentionCutoff: () => new Date(Date.now() - retentionDays * 86_400_000),
      },
      { ...DEFAULT_PURGE, ...options.purge },
    );
  }

  on(listener: (event: HubEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** Boot: closes stays left open by the previous process, then connects every server. */
  async start(): Promise<void> {
    const closed = await closeStaysLeftOpen(this.db, new Date());
    if (closed > 0) this.logger.info("closed player sessions left open by the previous run", { closed });
    const ids = await listServerIdsForHub(this.db);
    await this.history.prepare(ids);
    await Promise.all(ids.map((id) => this.reloadServer(id)));
    // Stays from before player records are linked first: retention must not drop them uncounted.
    void this.backfill.run(new Date()).finally(() => {
      if (!this.stopped) void this.applyRetention();
    });
    void this.purger.kick(); // resumes purges of servers deleted before a restart
    this.retentionTimer = setInterval(() => void this.applyRetention(), RETENTION_EVERY_MS);
    this.retentionTimer.unref();
    this.budgetTimer = setInterval(() => this.tickBudgets(), BUDGET_TICK_MS);
    this.budgetTimer.unref();
  }

  /** Flushes history, stops every connection and timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.budgetTimer) clearInterval(this.budgetTimer);
    await this.purger.stop();
    await this.backfill.stop();
    const links = [...this.links.values()];
    await Promise.all(links.map((link) => this.disconnect(link)));
    await Promise.allSettled([this.history.close(), this.writes]);
  }

  // --------------------------------------------------------------------------------------------
  // Configuration

  /** (Re)reads a server's settings and reconnects when what the connection uses changed. */
  reloadServer(serverId: string): Promise<void> {
    const previous = this.reloads.get(serverId) ?? Promise.resolve();
    const next = previous.then(() => this.reload(serverId)).catch((error: unknown) => this.logger.error("hub reload failed", { serverId, error: String(error) }));
    this.reloads.set(serverId, next);
    void next.finally(() => {
      if (this.reloads.get(serverId) === next) this.reloads.delete(serverId);
    });
    return next;
  }

  /** A server was deleted. */
  async removeServer(serverId: string): Promise<void> {
    await (this.reloads.get(serverId) ?? Promise.resolve());
    await this.remove(serverId);
  }

  private async remove(serverId: string): Promise<void> {
    const link = this.links.get(serverId);
    if (!link) return;
    this.links.delete(serverId);
    await this.disconnect(link, false);
    this.history.forget(serverId);
    this.events.emit({ type: "removed", serverId });
    void this.purger.kick(); // its lines, in batches (deleteServer queued the purge)
  }

  has(serverId: string): boolean {
    return this.links.has(serverId);
  }

  private async reload(serverId: string): Promise<void> {
    if (this.stopped) return;
    let settings: ServerConnectionSettings | null = null;
    let problem: Link["problem"] = null;
    try {
      settings = await getServerConnectionSettings(this.db, this.options.encryptionKey, serverId);
    } catch {
      const row = await this.db.server.findUnique({ where: { id: serverId }, select: { id: true } });
      if (!row) settings = null;
      else problem = { state: "auth_failed", reason: "The stored RCON password cannot be decrypted (was RCON_ENCRYPTION_KEY changed?). Enter it again.", since: Date.now() };
    }
    if (!settings && !problem) return this.remove(serverId); // deleted meanwhile
    await this.history.prepare([serverId]);
    const existing = this.links.get(serverId);
    if (existing && settings && existing.settings && sameConnection(existing.settings, settings) && !existing.problem) {
      existing.settings = settings; // name or poll interval: no reconnect
      this.schedulePoll(existing);
      this.emitStatus(existing);
      return;
    }
    if (existing) await this.disconnect(existing);
    const link: Link = existing ?? {
      id: serverId,
      settings: null,
      problem: null,
      connection: null,
      dialect: null,
      off: null,
      players: new Map(),
      playerList: [],
      hasPolled: false,
      info: null,
      infoReadAt: 0,
      pollTimer: null,
      polling: false,
      pollAgain: false,
      watchers: 0,
      lastEventAt: null,
      lastSampleAt: 0,
      lastStatusJson: "",
      lastStatusSentAt: 0,
      lastState: null,
      budget: new IngestBudget(this.budget, Date.now()),
      degraded: null,
    };
    link.settings = settings;
    link.problem = problem;
    this.links.set(serverId, link);
    if (settings && !problem) await this.connect(link, settings);
    this.emitStatus(link);
  }

  private async connect(link: Link, settings: ServerConnectionSettings): Promise<void> {
    if (!settings.enabled) {
      link.problem = { state: "disabled", reason: "Disabled in the server settings.", since: Date.now() };
      return;
    }
    if (!isProtocolId(settings.protocol)) {
      link.problem = { state: "unreachable", reason: `Unknown protocol "${settings.protocol}".`, since: Date.now() };
      return;
    }
    try {
      const family = await loadFamily(settings.protocol);
      const dialect = findDialect(family, settings.game);
      const refused = family.checkPassword(settings.password);
      if (refused) {
        link.problem = { state: "auth_failed", reason: refused, since: Date.now() };
        return;
      }
      const connection = family.createConnection({
        host: settings.host,
        port: settings.port,
        password: settings.password,
        dialect: dialect.id,
        ...(settings.encoding ? { encoding: settings.encoding } : {}),
        logger: this.logger,
        maxAnswerBytes: this.budget.maxAnswerBytes * PROTOCOL_ANSWER_FACTOR,
        maxReadBytesPerSecond: this.budget.maxReadBytesPerSecond,
        ...this.options.connectionOptions,
      });
      link.connection = connection;
      link.dialect = dialect;
      link.off = connection.on((event) => this.onConnectionEvent(link, connection, event));
      connection.start();
    } catch (error) {
      link.problem = { state: "unreachable", reason: `Cannot connect: ${describeError(error)}`, since: Date.now() };
    }
  }

  private async disconnect(link: Link, closeSessions = true): Promise<void> {
    if (link.pollTimer) clearTimeout(link.pollTimer);
    link.pollTimer = null;
    link.off?.();
    link.off = null;
    const connection = link.connection;
    link.connection = null;
    link.dialect = null;
    if (connection) await connection.stop().catch(() => undefined);
    if (closeSessions) this.dropPlayers(link);
    else link.players.clear();
    link.playerList = [];
    link.hasPolled = false;
    link.info = null;
    link.infoReadAt = 0;
  }

  // --------------------------------------------------------------------------------------------
  // Engine events

  private onConnectionEvent(link: Link, connection: RconConnection, event: RconEvent): void {
    if (link.connection !== connection) return;
    if (event.type === "status") return this.onStatus(link, event.status);
    const now = Date.now();
    if (event.type === "anomaly") {
      link.budget.note(event.kind, now);
      return this.emitStatus(link);
    }
    // Over budget: dropped before any further work (the tick writes one summary line a second).
    if (!link.budget.admit(now)) return;
    link.lastEventAt = now;
    const parsed = event.event;
    this.appendLine(link.id, parsed ? KIND_OF_EVENT[parsed.kind] : "system", clipText(event.text, this.budget.maxLineBytes));
    if (parsed && REFRESH_ON.has(parsed.kind)) this.requestRefresh(link, 150);
    this.emitStatus(link);
  }

  /** Each second: one summary line per server for the pushed lines it dropped, and degraded states that began or cleared. */
  private tickBudgets(): void {
    for (const link of this.links.values()) {
      const summary = link.budget.takeSummary();
      if (summary) this.appendLine(link.id, "system", summary);
      if (summary || link.degraded !== null) this.emitStatus(link);
    }
  }

  private onStatus(link: Link, status: ConnectionStatus): void {
    const previous = link.lastState;
    link.lastState = status.state;
    if (status.state === "online") {
      if (previous !== "online") this.appendLine(link.id, "system", "RconDeck connected to the server.");
      link.hasPolled = false;
      this.requestRefresh(link, 0);
    } else if (previous === "online") {
      this.dropPlayers(link);
      this.appendLine(link.id, "system", `Connection lost${status.reason ? `: ${publicReason(link, status.reason)}` : "."}`);
    } else if (status.state === "auth_failed" && previous !== "auth_failed") {
      this.appendLine(link.id, "system", `Login refused${status.reason ? `: ${publicReason(link, status.reason)}` : "."}`);
    }
    this.emitStatus(link);
  }

  // --------------------------------------------------------------------------------------------
  // Players

  /** A browser watches this server: poll faster until the returned function is called. */
  watch(serverId: string): () => void {
    const link = this.links.get(serverId);
    if (!link) return () => undefined;
    link.watchers++;
    this.schedulePoll(link);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      link.watchers = Math.max(0, link.watchers - 1);
    };
  }

  private pollDelay(link: Link): number {
    const configured = Math.max(1, link.settings?.pollIntervalSeconds ?? 10) * 1000;
    return link.watchers > 0 ? Math.min(configured, this.options.watchedPollMs ?? 2_000) : configured;
  }

  private schedulePoll(link: Link, delayMs = this.pollDelay(link)): void {
    if (!link.connection || this.stopped) return;
    if (link.pollTimer) clearTimeout(link.pollTimer);
    link.pollTimer = setTimeout(() => void this.poll(link), delayMs);
    link.pollTimer.unref();
  }

  private requestRefresh(link: Link, delayMs: number): void {
    if (link.polling) {
      link.pollAgain = true;
      return;
    }
    this.schedulePoll(link, delayMs);
  }

  private async poll(link: Link): Promise<void> {
    link.pollTimer = null;
    const connection = link.connection;
    const dialect = link.dialect;
    if (!connection || !dialect || connection.status.state !== "online") return this.schedulePoll(link);
    link.polling = true;
    try {
      const players = await dialect.operations.listPlayers(this.runner(connection));
      if (link.connection === connection) this.applyPlayers(link, dialect, players);
      if (dialect.operations.serverInfo && Date.now() - link.infoReadAt >= INFO_EVERY_MS) {
        link.infoReadAt = Date.now();
        const info = await dialect.operations.serverInfo(this.runner(connection));
        if (link.connection === connection) {
          link.info = info;
          this.emitStatus(link);
        }
      }
    } catch (error) {
      this.logger.debug("player poll failed", { serverId: link.id, error: describeError(error) });
    } finally {
      link.polling = false;
      const again = link.pollAgain;
      link.pollAgain = false;
      if (link.connection === connection) this.schedulePoll(link, again ? 0 : this.pollDelay(link));
    }
  }

  /**
   * Merges a polled list into the tracked players. A player who stays keeps the same Player object
   * (updated in place) and an unchanged list keeps the same array: at 500 servers polled every 2 s,
   * replacing them would promote thousands of short-lived objects a second to the old generation
   * (measured: hundreds of MB of RSS in `npm run bench -- hub`). Only a real change is emitted.
   */
  private applyPlayers(link: Link, dialect: Dialect, players: Player[]): void {
    const now = Date.now();
    const announce = link.hasPolled && !dialect.capabilities.pushesEvents;
    const diff = diffPlayers(link.playerList, players);
    for (const player of diff.left) {
      const tracked = link.players.get(player.id);
      if (tracked && tracked.player === player) {
        link.players.delete(player.id);
        this.closeSessions([tracked], now);
      }
      if (announce) this.appendLine(link.id, "leave", `${player.name} left`);
    }
    for (const { player, previousName } of diff.renamed) {
      if (link.hasPolled) this.appendLine(link.id, "system", `${previousName} is now known as ${player.name}`);
    }
    let changed = players.length !== link.playerList.length;
    const list: Player[] = [];
    for (const player of players) {
      const tracked = link.players.get(player.id);
      if (!tracked) {
        const since = player.connectedSeconds !== null ? now - player.connectedSeconds * 1000 : now;
        const fresh: TrackedPlayer = { player, since, sinceIso: new Date(since).toISOString(), session: null, record: newStayRecord() };
        link.players.set(player.id, fresh);
        fresh.session = this.openSession(link, fresh);
        if (announce && diff.joined.includes(player)) this.appendLine(link.id, "join", `${player.name} joined`);
        list.push(player);
        changed = true;
        continue;
      }
      const kept = tracked.player;
      const learned = kept.name !== player.name || (!kept.guid && player.guid) || (!kept.steamId && player.steamId) || (!kept.address && player.address);
      if (updatePlayerInPlace(kept, player)) changed = true;
      if (learned) this.storeSessionFields(link, tracked);
      if (link.playerList[list.length] !== kept) changed = true;
      list.push(kept);
    }
    if (changed) link.playerList = list;
    link.hasPolled = true;
    if (now - link.lastSampleAt >= (this.options.sampleEveryMs ?? 60_000)) {
      link.lastSampleAt = now;
      const count = players.length;
      this.enqueue(() => recordPlayerCountSample(this.db, link.id, count));
    }
    if (changed) this.emitPlayers(link);
    this.emitStatus(link);
    this.enforceBans(link);
  }

  /** Hands the list to the ban enforcer (which looks up only new players or new identities, off the hot path). */
  private enforceBans(link: Link): void {
    const { connection, dialect } = link;
    if (!connection || !dialect) return;
    this.bans.onPlayers(link.id, link.playerList, {
      kick: async (playerId, message) => {
        await dialect.operations.kick(this.runner(connection), playerId, message);
        this.requestRefresh(link, 0);
      },
      line: (text) => void this.appendLine(link.id, "admin", text),
    });
    this.nativeBans.maybeRun(link.id, dialect, this.runner(connection));
  }

  /** Bans changed (a new ban): every player online (on these servers, or all) is checked again now. */
  recheckBans(serverIds?: readonly string[]): void {
    for (const link of this.links.values()) {
      if (serverIds !== undefined && !serverIds.includes(link.id)) continue;
      this.bans.reset(link.id);
      this.nativeBans.soon([link.id]);
      if (link.hasPolled) this.enforceBans(link);
    }
  }

  /**
   * These player records changed (a note, warning, flag, merge or split): the online players linked
   * to them get fresh badges, and their servers a new list.
   */
  async refreshRecords(playerIds: readonly string[]): Promise<void> {
    const wanted = new Set(playerIds);
    const stays: { stay: LiveStay; stayId: string }[] = [];
    for (const link of this.links.values()) {
      for (const tracked of link.players.values()) {
        if (!tracked.record.badge || !wanted.has(tracked.record.badge.playerId) || !tracked.session) continue;
        const stayId = await tracked.session;
        if (stayId) stays.push({ stay: this.liveStay(link, tracked), stayId });
      }
    }
    await this.records.refresh(stays);
  }

  /** The player record of an online player (by the game's id), once its link is done; null if none. */
  async recordOf(serverId: string, gameId: string): Promise<string | null> {
    const tracked = this.links.get(serverId)?.players.get(gameId);
    if (!tracked) return null;
    await tracked.record.ready;
    return tracked.record.badge?.playerId ?? null;
  }

  /** A stay's name or identities changed (BattlEye GUIDs arrive after the connect). */
  private storeSessionFields(link: Link, tracked: TrackedPlayer): void {
    const session = tracked.session;
    const dialect = link.dialect;
    if (!session) return;
    const { name, plainName, guid, steamId, address } = tracked.player;
    this.enqueue(async () => {
      const id = await session;
      if (!id) return;
      await updatePlayerSession(this.db, id, { name, plainName, guid, steamId, address });
      if (dialect && !tracked.player.isBot) await this.records.linkLate(this.liveStay(link, tracked), id, stayGameOf(dialect));
    });
  }

  private liveStay(link: Link, tracked: TrackedPlayer): LiveStay {
    return {
      serverId: link.id,
      player: tracked.player,
      record: tracked.record,
      current: () => this.links.get(link.id) === link && link.players.get(tracked.player.id) === tracked,
    };
  }

  /** Stays are opened in batches (a server coming online brings 64 players at once). */
  private openSession(link: Link, tracked: TrackedPlayer): Promise<string | null> {
    const { player, since } = tracked;
    const input = {
      serverId: link.id,
      gameId: player.id,
      name: player.name,
      plainName: player.plainName,
      guid: player.guid,
      steamId: player.steamId,
      address: player.address,
      joinedAt: new Date(since),
    };
    return new Promise((resolve) => {
      const game = link.dialect ? stayGameOf(link.dialect) : { id: link.settings?.game ?? "unknown", family: link.settings?.protocol ?? "unknown" };
      this.sessionQueue.push({ input, stay: this.liveStay(link, tracked), game, resolve });
      if (this.sessionQueue.length === 1) {
        // Queued behind earlier writes so that a close never overtakes its open.
        this.enqueue(async () => {
          await new Promise((r) => setTimeout(r, 50));
          while (this.sessionQueue.length > 0) {
            const batch = this.sessionQueue.splice(0, 500);
            const ids = await openPlayerSessions(this.db, batch.map((b) => b.input)).catch((error: unknown) => {
              this.logger.warn("player session write failed", { error: String(error).slice(0, 200) });
              return [] as string[];
            });
            batch.forEach((b, i) => b.resolve(ids[i] ?? null));
            // Linked once the rows exist; bots are passed too and come back without a record.
            await this.records.linkOpened(batch.map((b, i) => ({ stay: b.stay, stayId: ids[i] ?? null, game: b.game, joinedAt: b.input.joinedAt })));
          }
        });
      }
    });
  }

  private closeSessions(tracked: TrackedPlayer[], at: number): void {
    const sessions = tracked.map((t) => t.session).filter((s): s is Promise<string | null> => s !== null);
    if (sessions.length === 0) return;
    this.enqueue(async () => {
      const ids = (await Promise.all(sessions)).filter((id): id is string => id !== null);
      await closePlayerSessions(this.db, ids, new Date(at));
    });
  }

  /** Offline or reconfigured: every stay ends now and the table empties. */
  private dropPlayers(link: Link): void {
    const tracked = [...link.players.values()];
    const hadPlayers = link.playerList.length > 0;
    link.players.clear();
    link.playerList = [];
    link.hasPolled = false;
    this.bans.reset(link.id);
    this.closeSessions(tracked, Date.now());
    if (hadPlayers) this.emitPlayers(link);
  }

  /** Writes that are not awaited on the hot path run in order, one at a time. */
  private enqueue(task: () => Promise<unknown>): void {
    this.writes = this.writes.then(task).catch((error: unknown) => this.logger.warn("history write failed", { error: String(error).slice(0, 200) }));
  }

  // --------------------------------------------------------------------------------------------
  // Browser actions

  /** Runs a raw console command; the command and its answer are console lines for every watcher. */
  async exec(serverId: string, actor: HubActor, command: string): Promise<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }> {
    const { link, connection, dialect } = this.online(serverId);
    // Secret values (rcon/join passwords) are masked before the lines exist: stored and shown to nobody.
    const shown = maskSecretCommand(command, dialect.privacy.secrets);
    if (isMaskedReplay(shown)) throw new AppError("INVALID_INPUT", "That command holds a masked secret (from the history): type the value again.");
    await this.history.ready(serverId);
    const commandLine = this.appendLine(serverId, "command", shown.text, actor);
    if (!commandLine) throw new AppError("UNAVAILABLE", "The console history cannot be written right now; try again.");
    try {
      const answer = await connection.command(command, { idempotent: false });
      await this.history.ready(serverId);
      const answerText = maskSecretAnswer(answer.replace(/\s+$/, ""), dialect.privacy.secrets, shown);
      const answerLine = this.appendLine(serverId, "answer", clipText(answerText, this.budget.maxAnswerBytes), null, commandLine.seq);
      if (!answerLine) throw new AppError("UNAVAILABLE", "The console history cannot be written right now; try again.");
      if (MAY_CHANGE_INFO.test(command.split(" ", 1)[0] ?? "")) link.infoReadAt = 0; // re-read at the next poll
      return { command: commandLine, answer: answerLine };
    } catch (error) {
      this.appendLine(serverId, "system", `Command failed: ${describeError(error)}`, null, commandLine.seq);
      throw toAppError(error);
    }
  }

  /** Kicks by the game's player id through the dialect (which escapes the reason). */
  async kick(serverId: string, actor: HubActor, playerId: string, reason: string): Promise<{ message: string; playerName: string }> {
    const { link, connection, dialect } = this.online(serverId);
    const tracked = link.players.get(playerId);
    if (!tracked) throw new AppError("NOT_FOUND", "That player is no longer on the server.");
    const name = tracked.player.name;
    try {
      await dialect.operations.kick(this.runner(connection), playerId, reason);
    } catch (error) {
      throw toAppError(error);
    }
    this.appendLine(serverId, "admin", `${actor.name} kicked ${name}${reason ? ` (${reason})` : ""}`, actor);
    this.requestRefresh(link, 0);
    return { message: `${tracked.player.plainName} was kicked.`, playerName: tracked.player.plainName };
  }

  /** A private message where the game has one, else a broadcast addressed to the player. */
  async message(serverId: string, actor: HubActor, playerId: string, message: string): Promise<{ message: string; playerName: string; whisper: boolean }> {
    const { link, connection, dialect } = this.online(serverId);
    const tracked = link.players.get(playerId);
    if (!tracked) throw new AppError("NOT_FOUND", "That player is no longer on the server.");
    const run = this.runner(connection);
    const whisper = dialect.capabilities.whisper && dialect.operations.sayTo !== undefined;
    const name = tracked.player.plainName;
    // The dialect adapts a name the game cannot carry, so only the moderator's text can be refused.
    const addressed = whisper ? name : (dialect.addressName?.(name) ?? name);
    try {
      if (whisper && dialect.operations.sayTo) await dialect.operations.sayTo(run, playerId, message);
      else await dialect.operations.sayAll(run, `${addressed}: ${message}`);
    } catch (error) {
      throw toAppError(error);
    }
    this.appendLine(serverId, "admin", `${actor.name} to ${tracked.player.name}: ${message}`, actor);
    const adapted = addressed === name ? "" : ` (written "${addressed}": the game cannot show some characters of the name)`;
    return { message: whisper ? `Message sent to ${name}.` : `This game cannot message one player: sent to everyone, addressed to ${name}${adapted}.`, playerName: name, whisper };
  }

  private online(serverId: string): { link: Link; connection: RconConnection; dialect: Dialect } {
    const link = this.links.get(serverId);
    if (!link) throw new AppError("NOT_FOUND", "That server does not exist.");
    const { connection, dialect } = link;
    if (!connection || !dialect || connection.status.state !== "online") {
      const status = this.statusOf(link);
      throw new AppError("UNAVAILABLE", `The game server is not connected (${status.state}${status.reason ? `: ${status.reason}` : ""}).`);
    }
    return { link, connection, dialect };
  }

  private runner(connection: RconConnection): RunCommand {
    return (command, options) => connection.command(command, options);
  }

  // --------------------------------------------------------------------------------------------
  // Reads

  statusOf(serverIdOrLink: string | Link): ServerStatusMessage {
    const link = typeof serverIdOrLink === "string" ? this.links.get(serverIdOrLink) : serverIdOrLink;
    const serverId = typeof serverIdOrLink === "string" ? serverIdOrLink : serverIdOrLink.id;
    const lastEventAt = link?.lastEventAt ? new Date(link.lastEventAt).toISOString() : null;
    if (!link) return { serverId, state: "idle", reason: null, since: new Date().toISOString(), latencyMs: null, nextRetryAt: null, playerCount: null, lastEventAt };
    if (link.problem || !link.connection) {
      const problem = link.problem ?? { state: "idle" as const, reason: "", since: Date.now() };
      return { serverId, state: problem.state, reason: publicReason(link, problem.reason) || null, since: new Date(problem.since).toISOString(), latencyMs: null, nextRetryAt: null, playerCount: null, lastEventAt };
    }
    const s = link.connection.status;
    return {
      serverId,
      state: s.state,
      reason: s.reason === null ? null : publicReason(link, s.reason),
      since: new Date(s.since).toISOString(),
      latencyMs: s.latencyMs,
      nextRetryAt: s.nextRetryAt === null ? null : new Date(s.nextRetryAt).toISOString(),
      playerCount: s.state === "online" && link.hasPolled ? link.playerList.length : null,
      lastEventAt,
      map: s.state === "online" ? (link.info?.map ?? null) : null,
      maxPlayers: s.state === "online" ? (link.info?.maxPlayers ?? null) : null,
      degraded: link.budget.degraded(Date.now()),
    };
  }

  statuses(serverIds?: readonly string[]): ServerStatusMessage[] {
    const ids = serverIds ?? [...this.links.keys()];
    return ids.map((id) => this.statusOf(id));
  }

  players(serverId: string): PlayerView[] {
    const link = this.links.get(serverId);
    return link ? toPlayerViews(link) : [];
  }

  dialectOf(serverId: string): Dialect | null {
    return this.links.get(serverId)?.dialect ?? null;
  }

  /** Recent history (or what follows `afterSeq`), unwritten lines included. */
  async lines(serverId: string, range: { afterSeq?: number | undefined; beforeSeq?: number | undefined; limit?: number }): Promise<ConsoleLineMessage[]> {
    if (!this.links.has(serverId)) return []; // deleted: its lines wait for the purger, unread
    const limit = range.limit ?? (range.afterSeq !== undefined ? RESUME_LINES : SNAPSHOT_LINES);
    const rows = await this.history.read(serverId, { afterSeq: range.afterSeq, beforeSeq: range.beforeSeq, limit });
    return rows.map(toLineMessage);
  }

  // --------------------------------------------------------------------------------------------

  /** Null when no seq is reserved (deleted server, or the database a whole block behind): never a reused seq. */
  private appendLine(serverId: string, kind: ConsoleKind, text: string, actor: HubActor | null = null, replyTo: number | null = null): ConsoleLineMessage | null {
    const record = this.history.append({ serverId, kind, text, actorId: actor?.id ?? null, actorName: actor?.name ?? null, replyTo, createdAt: new Date() });
    if (!record) return null;
    const line = toLineMessage(record);
    this.events.emit({ type: "line", line });
    return line;
  }

  private emitStatus(link: Link): void {
    const status = this.statusOf(link);
    link.degraded = status.degraded ?? null;
    const json = JSON.stringify({ ...status, lastEventAt: null });
    // lastEventAt alone changes with every line: that alone is sent at most every 5 s.
    const now = Date.now();
    if (json === link.lastStatusJson && (link.lastEventAt ?? 0) <= link.lastStatusSentAt) return;
    if (json === link.lastStatusJson && now - link.lastStatusSentAt < 5_000) return;
    link.lastStatusJson = json;
    link.lastStatusSentAt = now;
    this.events.emit({ type: "status", status });
  }

  private emitPlayers(link: Link): void {
    this.events.emit({ type: "players", serverId: link.id, players: toPlayerViews(link) });
  }

  private async applyRetention(): Promise<void> {
    const days = this.options.retentionDays ?? 30;
    try {
      const removed = await pruneHistory(this.db, new Date(Date.now() - days * 86_400_000));
      if (removed.sessions + removed.samples > 0) this.logger.info("history retention applied", { days, ...removed });
    } catch (error) {
      this.logger.warn("history retention failed", { error: String(error).slice(0, 200) });
    }
  }
}

function sameConnection(a: ServerConnectionSettings, b: ServerConnectionSettings): boolean {
  return a.host === b.host && a.port === b.port && a.password === b.password && a.game === b.game && a.protocol === b.protocol && a.encoding === b.encoding && a.enabled === b.enabled;
}

function toLineMessage(record: ConsoleLineRecord): ConsoleLineMessage {
  return {
    serverId: record.serverId,
    seq: record.seq,
    at: record.createdAt.toISOString(),
    kind: record.kind as ConsoleKind,
    text: record.text,
    actorName: record.actorName,
    replyTo: record.replyTo,
  };
}

function toPlayerViews(link: Link): PlayerView[] {
  return link.playerList.map((p) => {
    const tracked = link.players.get(p.id);
    return toPlayerView(p, tracked?.sinceIso ?? null, tracked?.record.badge ?? null);
  });
}

/** What a browser sees of a player: a change to any of these is a new list for the watchers. */
const SHOWN_FIELDS = ["name", "plainName", "ping", "score", "address", "guid", "steamId", "isBot", "state"] as const satisfies readonly (keyof Player)[];

/** Copies what a new sighting says into the kept Player; true when anything shown changed. */
function updatePlayerInPlace(kept: Player, seen: Player): boolean {
  let changed = false;
  const copy = <K extends keyof Player>(key: K) => {
    kept[key] = seen[key];
  };
  for (const key of SHOWN_FIELDS) {
    if (kept[key] === seen[key]) continue;
    copy(key);
    changed = true;
  }
  return changed;
}

/** Statuses and console notices reach every viewer; only managers may see where the server is. */
function publicReason(link: Link, reason: string): string {
  return link.settings ? hideEndpoint(reason, link.settings) : reason;
}
