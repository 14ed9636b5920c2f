/**
 * The live side of the links the hub holds: what each connection reports (status changes, pushed
 * lines under the ingest budget, polled player lists through the roster) becomes hub events
 * (status, console lines, player lists) and writes (stays and samples through the StayWriter,
 * console lines through ConsoleHistory), and players are handed to the ban enforcer and the native
 * ban sync. Time comes from the hub's clock; lifecycle (which links exist) is the hub's.
 */
import type { ConsoleKind, ConsoleLineMessage, PlayerView } from "../../lib/realtime/contract.ts";
import type { ConsoleLineRecord, PlayerSessionInput } from "../data/history.ts";
import type { StayGame } from "../data/players/linking.ts";
import type { Db } from "../db/client.ts";
import type { Emitter } from "../rcon/emitter.ts";
import type {
  ConnectionStatus,
  Dialect,
  GameEvent,
  Logger,
  Player,
  RconConnection,
  RconEvent,
} from "../rcon/types.ts";
import { runner } from "./actions.ts";
import type { BanEnforcer } from "./ban-enforcer.ts";
import type { NativeBanSync } from "./ban-sync.ts";
import type { HubClock } from "./clock.ts";
import { describeError } from "./errors.ts";
import type { WriteFence } from "./fence.ts";
import type { ConsoleHistory } from "./history.ts";
import type { GameLogRegistrations } from "./game-logs/registration.ts";
import { logEventText } from "./game-logs/text.ts";
import type { HubActor, HubEvent, HubGameEvent } from "./options.ts";
import { clipText, type IngestBudgetOptions } from "./ingest-budget.ts";
import type { Link, TrackedPlayer } from "./links.ts";
import { newStayRecord, PlayerRecords, stayGameOf, whenSettled, type LiveStay } from "./player-records.ts";
import { toPlayerView } from "./player-view.ts";
import type { PollSchedule } from "./poll-schedule.ts";
import type { PollTurnQueue } from "./poll-turns.ts";
import { applyRoster, ownString } from "./roster.ts";
import { publicReason, type StatusInput, computeStatus } from "./server-status.ts";
import { StayWriter } from "./stay-writer.ts";

const INFO_EVERY_MS = 60_000;

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
  kill: "system",
  "admin.command": "admin",
};
/** Pushed events after which the player list is re-read at once. */
const REFRESH_ON: ReadonlySet<GameEvent["kind"]> = new Set([
  "player.connected",
  "player.disconnected",
  "player.kicked",
  "player.banned",
  "player.guid",
]);

export interface LiveOptions {
  db: Db;
  logger: Logger;
  clock: HubClock;
  fence: WriteFence;
  epochOf(serverId: string): number | null;
  links: ReadonlyMap<string, Link>;
  events: Emitter<HubEvent>;
  history: ConsoleHistory;
  schedule: PollSchedule;
  /** Where polled player lists wait to be parsed and applied (poll-turns.ts). */
  pollTurns: PollTurnQueue;
  bans: BanEnforcer;
  nativeBans: NativeBanSync;
  budget: IngestBudgetOptions;
  sampleEveryMs: number;
  /** Ping and score alone: the player list goes out at most this often (player-list-throttle.ts). */
  livePlayerFieldsEveryMs: number;
  /** Game log streams (game-logs/), when this instance receives them. */
  gameLogs?: GameLogRegistrations;
}

interface OpenContext {
  stay: LiveStay;
  game: StayGame;
}

export class LiveServers {
  readonly writer: StayWriter<OpenContext>;
  private readonly records: PlayerRecords;

  constructor(private readonly o: LiveOptions) {
    this.records = new PlayerRecords(
      {
        db: o.db,
        logger: o.logger,
        line: (serverId, kind, text) => void this.appendLine(serverId, kind, text),
        watch: (notice) => o.events.emit({ type: "watch", notice }),
        players: (serverId) => {
          const link = o.links.get(serverId);
          if (link) this.emitPlayers(link);
        },
      },
      () => new Date(o.clock.wall()),
    );
    this.writer = new StayWriter<OpenContext>({
      db: o.db,
      logger: o.logger,
      clock: o.clock,
      fence: o.fence,
      epochOf: (serverId) => o.epochOf(serverId),
      opened: (batch) =>
        this.records.linkOpened(
          batch.map((b) => ({
            stay: b.context.stay,
            stayId: b.stayId,
            game: b.context.game,
            joinedAt: b.input.joinedAt,
          })),
        ),
    });
  }

  // --------------------------------------------------------------------------------------------
  // Engine events

  onConnectionEvent(link: Link, connection: RconConnection, event: RconEvent): void {
    if (link.connection !== connection) return;
    if (event.type === "status") return this.onStatus(link, event.status);
    const now = this.o.clock.now();
    if (event.type === "anomaly") {
      link.budget.note(event.kind, now);
      return this.emitStatus(link);
    }
    // Over budget: dropped before any further work (the tick writes one summary line a second).
    if (!link.budget.admit(now)) return;
    link.lastEventAt = this.o.clock.wall();
    link.lastEventClock = now;
    const parsed = event.event;
    if (parsed?.kind === "chat" && !link.seen.chatOnce(parsed.from, parsed.text, "rcon", now)) return;
    this.appendLine(
      link.id,
      parsed ? KIND_OF_EVENT[parsed.kind] : "system",
      clipText(event.text, this.o.budget.maxLineBytes),
    );
    if (parsed) this.emitGame(link.id, { kind: "pushed", event: parsed });
    if (parsed && REFRESH_ON.has(parsed.kind)) this.o.schedule.requestRefresh(link.id, 150);
    // A line changes only lastEventAt (status changes emit their own status).
    if (link.throttle.eventMayEmit(now)) this.emitStatus(link);
  }

  /**
   * Lines the server's log stream delivered (game-logs/receiver.ts, already within its budget): the
   * events the dialect reads in them become console lines, each announced once across the log,
   * RCON pushes and polling (game-logs/seen-events.ts); joins and leaves re-read the list at once.
   */
  onLogLines(link: Link, connection: RconConnection, lines: readonly string[]): void {
    const logs = link.dialect?.logs;
    if (link.connection !== connection || link.fenced || !logs) return;
    const now = this.o.clock.now();
    let shown = false;
    for (const line of lines) {
      const event = logs.parse(line);
      if (!event || !this.firstAnnouncement(link, event, now)) continue;
      if (!link.budget.admit(now)) break;
      shown = true;
      this.appendLine(
        link.id,
        KIND_OF_EVENT[event.kind],
        clipText(logEventText(event), this.o.budget.maxLineBytes),
      );
      this.emitGame(link.id, { kind: "pushed", event });
      if (REFRESH_ON.has(event.kind)) this.o.schedule.requestRefresh(link.id, 150);
    }
    if (!shown) return;
    link.lastEventAt = this.o.clock.wall();
    link.lastEventClock = now;
    if (link.throttle.eventMayEmit(now)) this.emitStatus(link);
  }

  /** False when polling or another push already announced what this log event says. */
  private firstAnnouncement(link: Link, event: GameEvent, now: number): boolean {
    const { seen } = link;
    switch (event.kind) {
      case "player.connected":
        // "connected" then "entered the game", or a poll that saw the player first: one join.
        if (link.players.has(event.playerId) || seen.hasJoined(event.playerId, now)) return false;
        seen.joined(event.playerId, now);
        return true;
      case "player.disconnected":
        // Joined and left between two polls: the log told both, no poll will tell either.
        if (seen.takeJoin(event.playerId, now) && !link.players.has(event.playerId)) return true;
        // Not tracked: a poll already announced the leave (or never saw the player).
        if (!link.players.has(event.playerId) || seen.hasLeft(event.playerId, now)) return false;
        seen.left(event.playerId, now);
        return true;
      case "chat":
        return seen.chatOnce(event.from, event.text, "log", now);
      default:
        return true;
    }
  }

  /** A roster join or leave the log stream has not announced already. */
  private rosterAnnounces(link: Link, line: { kind: string; playerId?: string }, now: number): boolean {
    if (line.playerId === undefined) return true;
    if (line.kind === "join") return !link.seen.takeJoin(line.playerId, now);
    if (line.kind === "leave") return !link.seen.takeLeave(line.playerId, now);
    return true;
  }

  /** Each second: one summary line per server for the pushed lines it dropped, and degraded states that began or cleared. */
  tickBudgets(): void {
    for (const link of this.o.links.values()) {
      if (link.fenced) continue;
      const summary = link.budget.takeSummary();
      if (summary) this.appendLine(link.id, "system", summary);
      if (summary || link.degraded !== null) this.emitStatus(link);
    }
  }

  private onStatus(link: Link, status: ConnectionStatus): void {
    const previous = link.lastState;
    link.lastState = status.state;
    const reason = status.reason ? publicReason(link.settings, status.reason) : null;
    if (status.state === "online") {
      if (previous !== "online") {
        this.appendLine(link.id, "system", "RconDeck connected to the server.");
        this.emitGame(link.id, { kind: "online" });
      }
      link.hasPolled = false;
      this.o.schedule.requestRefresh(link.id, 0);
      const { connection, dialect, settings } = link;
      if (previous !== "online" && settings?.gameLogs && connection && dialect?.logs)
        void this.o.gameLogs?.online(link.id, settings.host, connection, dialect, (lines) =>
          this.onLogLines(link, connection, lines),
        );
    } else if (previous === "online") {
      this.dropPlayers(link);
      this.appendLine(link.id, "system", `Connection lost${reason ? `: ${reason}` : "."}`);
      this.emitGame(link.id, { kind: "offline" });
    } else if (status.state === "auth_failed" && previous !== "auth_failed") {
      this.appendLine(link.id, "system", `Login refused${reason ? `: ${reason}` : "."}`);
    }
    this.emitStatus(link);
  }

  // --------------------------------------------------------------------------------------------
  // Polling and players

  /** One poll of a server (the schedule calls it): the player list, and map/slots every minute. */
  async poll(serverId: string): Promise<void> {
    const link = this.o.links.get(serverId);
    const connection = link?.connection;
    const dialect = link?.dialect;
    if (!link || !connection || !dialect || connection.status.state !== "online") return;
    try {
      const run = runner(connection);
      // Parsed and applied in its turn (poll-turns.ts), not in the callback of the socket it came on.
      const players = await dialect.operations.listPlayers(async (command, options) => {
        const answer = await run(command, options);
        await this.o.pollTurns.turn();
        return answer;
      });
      if (link.connection === connection) this.applyPlayers(link, dialect, players);
      if (dialect.operations.serverInfo && this.o.clock.now() - link.infoReadAt >= INFO_EVERY_MS) {
        link.infoReadAt = this.o.clock.now();
        const info = await dialect.operations.serverInfo(runner(connection));
        if (link.connection === connection) {
          link.info = { ...info, map: ownString(info.map) }; // kept a minute: not the whole status answer
          this.emitStatus(link);
        }
      }
      // After the info read, so the first sample of a connection already carries its map.
      if (link.connection === connection) this.sample(link, players.length);
    } catch (error) {
      this.o.logger.debug("player poll failed", { serverId: link.id, error: describeError(error) });
    }
  }

  /** Merges a polled list into the tracked players (roster.ts); only a change is emitted (ping and score on a slower beat). */
  private applyPlayers(link: Link, dialect: Dialect, players: Player[]): void {
    const wall = this.o.clock.wall();
    const hadPolled = link.hasPolled;
    const previousCount = hadPolled ? link.playerList.length : null;
    const result = applyRoster({
      tracked: link.players,
      list: link.playerList,
      polled: players,
      now: wall,
      announceJoinsLeaves: link.hasPolled && !dialect.capabilities.pushesJoins,
      announceRenames: link.hasPolled,
    });
    for (const tracked of result.left) link.players.delete(tracked.player.id);
    this.closeStays(link, result.left, wall);
    const now = this.o.clock.now();
    for (const line of result.lines)
      if (this.rosterAnnounces(link, line, now)) this.appendLine(link.id, line.kind, line.text);
    for (const { player, since } of result.joined) {
      const fresh: TrackedPlayer = {
        player,
        since,
        sinceIso: new Date(since).toISOString(),
        session: null,
        record: newStayRecord(),
      };
      link.players.set(player.id, fresh);
      fresh.session = this.openStay(link, fresh);
    }
    for (const tracked of result.learned) this.storeStayFields(link, tracked);
    link.playerList = result.list;
    link.hasPolled = true;
    // The first list after a connect shows who was already there: a count, no joins.
    if (hadPolled) {
      for (const tracked of result.left) this.emitGame(link.id, { kind: "leave", player: tracked.player });
      for (const { player } of result.joined) this.emitGame(link.id, { kind: "join", player });
    }
    if (previousCount !== result.list.length)
      this.emitGame(link.id, { kind: "count", count: result.list.length, previous: previousCount });
    const change = result.changed ? "shown" : result.liveChanged ? "live" : "none";
    // Anything shown other than ping and score went out at once, as a whole list: on the slower
    // beat only those two fields are left to send.
    if (link.listThrottle.shouldSend(change, this.o.clock.now(), this.o.livePlayerFieldsEveryMs)) {
      if (change === "shown") this.emitPlayers(link);
      else this.emitLiveFields(link);
    }
    this.emitStatus(link);
    this.enforceBans(link);
  }

  /** A player-count sample every sampleEveryMs, with the map last read (no extra RCON command). */
  private sample(link: Link, count: number): void {
    const now = this.o.clock.now();
    if (now - link.lastSampleAt < this.o.sampleEveryMs) return;
    link.lastSampleAt = now;
    this.writer.sample(link.id, count, new Date(this.o.clock.wall()), link.info?.map ?? null);
  }

  /** Hands the list to the ban enforcer (which looks up only new players or new identities, off the hot path). */
  private enforceBans(link: Link): void {
    const { connection, dialect } = link;
    if (!connection || !dialect) return;
    this.o.bans.onPlayers(link.id, link.playerList, {
      kick: async (playerId, message) => {
        await dialect.operations.kick(runner(connection), playerId, message);
        this.o.schedule.requestRefresh(link.id, 0);
      },
      line: (text) => void this.appendLine(link.id, "admin", text),
    });
    this.o.nativeBans.maybeRun(link.id, dialect, runner(connection), link.epoch);
  }

  recheckBans(serverIds?: readonly string[]): void {
    for (const link of this.o.links.values()) {
      if (link.fenced || (serverIds !== undefined && !serverIds.includes(link.id))) continue;
      this.o.bans.reset(link.id);
      this.o.nativeBans.soon([link.id]);
      if (link.hasPolled) this.enforceBans(link);
    }
  }

  async refreshRecords(playerIds: readonly string[]): Promise<void> {
    const wanted = new Set(playerIds);
    const stays: { stay: LiveStay; stayId: string }[] = [];
    for (const link of this.o.links.values()) {
      for (const tracked of link.players.values()) {
        if (!tracked.record.badge || !wanted.has(tracked.record.badge.playerId) || !tracked.session) continue;
        const stayId = await tracked.session;
        if (stayId) stays.push({ stay: this.liveStay(link, tracked), stayId });
      }
    }
    await this.records.refresh(stays);
  }

  async recordOf(serverId: string, gameId: string): Promise<string | null> {
    const tracked = this.o.links.get(serverId)?.players.get(gameId);
    if (!tracked) return null;
    await whenSettled(tracked.record);
    return tracked.record.badge?.playerId ?? null;
  }

  /** Offline or reconfigured: every stay ends now and the table empties. */
  dropPlayers(link: Link): void {
    const tracked = [...link.players.values()];
    const hadPlayers = link.playerList.length > 0;
    link.players.clear();
    link.playerList = [];
    link.hasPolled = false;
    link.seen.clear();
    this.o.bans.reset(link.id);
    this.closeStays(link, tracked, this.o.clock.wall());
    if (hadPlayers) this.emitPlayers(link);
  }

  private liveStay(link: Link, tracked: TrackedPlayer): LiveStay {
    return {
      serverId: link.id,
      player: tracked.player,
      record: tracked.record,
      current: () => this.o.links.get(link.id) === link && link.players.get(tracked.player.id) === tracked,
    };
  }

  private openStay(link: Link, tracked: TrackedPlayer): Promise<string | null> {
    const { player, since } = tracked;
    const input: PlayerSessionInput = {
      serverId: link.id,
      gameId: player.id,
      name: player.name,
      plainName: player.plainName,
      guid: player.guid,
      steamId: player.steamId,
      address: player.address,
      joinedAt: new Date(since),
    };
    const game = link.dialect
      ? stayGameOf(link.dialect)
      : { id: link.settings?.game ?? "unknown", family: link.settings?.protocol ?? "unknown" };
    return this.writer.open(input, { stay: this.liveStay(link, tracked), game });
  }

  /** A stay's name or identities changed (BattlEye GUIDs arrive after the connect). */
  private storeStayFields(link: Link, tracked: TrackedPlayer): void {
    const session = tracked.session;
    const dialect = link.dialect;
    if (!session) return;
    const { name, plainName, guid, steamId, address } = tracked.player;
    this.writer.update(link.id, session, { name, plainName, guid, steamId, address }, async (id) => {
      if (dialect && !tracked.player.isBot)
        await this.records.linkLate(this.liveStay(link, tracked), id, stayGameOf(dialect));
    });
  }

  private closeStays(link: Link, tracked: readonly TrackedPlayer[], wallAt: number): void {
    const stays = tracked.map((t) => t.session).filter((s): s is Promise<string | null> => s !== null);
    this.writer.close(link.id, stays, new Date(wallAt));
  }

  // --------------------------------------------------------------------------------------------
  // Events out

  /** Null when no seq is reserved (deleted server, or the database a whole block behind): never a reused seq. */
  appendLine(
    serverId: string,
    kind: ConsoleKind,
    text: string,
    actor: HubActor | null = null,
    replyTo: number | null = null,
  ): ConsoleLineMessage | null {
    const record = this.o.history.append({
      serverId,
      kind,
      text,
      actorId: actor?.id ?? null,
      actorName: actor?.name ?? null,
      replyTo,
      createdAt: new Date(this.o.clock.wall()),
    });
    if (!record) return null;
    const line = toLineMessage(record);
    this.o.events.emit({ type: "line", line });
    return line;
  }

  statusInput(link: Link): StatusInput {
    const connection = link.connection;
    return {
      serverId: link.id,
      endpoint: link.settings,
      problem: link.problem,
      connection: connection ? connection.status : null,
      playerCount: link.hasPolled ? link.playerList.length : null,
      info: link.info,
      lastEventAt: link.lastEventAt,
      degraded: link.budget.degraded(this.o.clock.now()),
    };
  }

  emitStatus(link: Link): void {
    // A fenced link is no longer this instance's to speak for (ownership: hub.ts fenceAll).
    if (link.fenced) return;
    const status = computeStatus(this.statusInput(link), this.o.clock.wall());
    link.degraded = status.degraded ?? null;
    if (link.throttle.shouldEmit(status, link.lastEventClock, this.o.clock.now()))
      this.o.events.emit({ type: "status", status });
  }

  playerViews(link: Link): PlayerView[] {
    return link.playerList.map((p) => {
      const tracked = link.players.get(p.id);
      return toPlayerView(p, tracked?.sinceIso ?? null, tracked?.record.badge ?? null);
    });
  }

  private emitGame(serverId: string, event: HubGameEvent): void {
    this.o.events.emit({ type: "game", serverId, event });
  }

  private emitPlayers(link: Link): void {
    link.listThrottle.sent(this.o.clock.now());
    this.o.events.emit({ type: "players", serverId: link.id, players: this.playerViews(link) });
  }

  private emitLiveFields(link: Link): void {
    link.listThrottle.sent(this.o.clock.now());
    const players = link.playerList.map(({ id, ping, score }) => ({ id, ping, score }));
    this.o.events.emit({ type: "players-live", serverId: link.id, players });
  }
}

export function toLineMessage(record: ConsoleLineRecord): ConsoleLineMessage {
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
