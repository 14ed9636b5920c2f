/**
 * The hub the realtime layer talks to in multi-instance mode (HubPort). Servers this instance holds
 * are answered by the local hub (a ConnectionHub in leased mode). For the others: commands (console,
 * kick, message) and record lookups go to the holding instance by RPC, once, with a timeout (no
 * answer = outcome unknown, never retried); statuses and player lists come from the Redis mirror;
 * console history from the holder, else from the database. Configuration changes are applied here
 * and published, so every instance applies them to what it holds.
 */
import type { ConsoleLineMessage, PlayerView, ServerStatusMessage } from "../../lib/realtime/contract.ts";
import { AppError, NotSentError } from "../../lib/errors.ts";
import { readConsoleLines, type ConsoleLineRecord } from "../data/history.ts";
import type { Db } from "../db/client.ts";
import type { HubActor, HubEvent } from "../hub/hub.ts";
import type {
  BroadcastResult,
  ExecResult,
  HubPort,
  KickResult,
  LineRange,
  MessageResult,
} from "../hub/port.ts";
import { Emitter } from "../rcon/emitter.ts";
import type { TimerHandle } from "../rcon/clock.ts";
import type { ConsoleKind } from "../../lib/realtime/contract.ts";
import type { Dialect, Logger } from "../rcon/types.ts";
import type { Bus } from "./bus.ts";
import { createDialectCache, type DialectCache } from "./cluster-hub-dialects.ts";
import { createOwnerLookup, LEASES_TOPIC, type OwnerLookup } from "./cluster-hub-owners.ts";
import { WAITING_REASON, type Mirror } from "./mirror.ts";
import type { ClusterClock } from "./redis.ts";
import type { Rpc } from "./rpc.ts";
import type { Watchers } from "./watchers.ts";
import type { PlayersRevision } from "../../lib/realtime/player-delta.ts";
import { PlayerListStreams, type PlayerLists } from "../realtime/player-streams.ts";

/** The local hub in leased mode: the HubPort methods plus the servers it holds now. */
export type LeasedHub = HubPort & { held(): string[] };

export const CONFIG_TOPIC = "servers";
export const NO_OWNER_MESSAGE =
  "No RconDeck instance holds this server right now (servers move within 15 s after an instance stops): try again shortly.";
const NOT_HELD_MESSAGE =
  "That server just moved to another RconDeck instance: nothing was sent. Try again in a few seconds.";
const SNAPSHOT_LINES = 300;
const RESUME_LINES = 2_000;
/** History is only a read: it falls back to the database sooner than a command gives up. */
const LINES_TIMEOUT_MS = 3_000;
const DIALECTS_RELOAD_MS = 60_000;

type ConfigMessage =
  | { from: string; type: "reload"; serverId: string }
  | { from: string; type: "remove"; serverId: string }
  | { from: string; type: "recheck"; serverIds: string[] | null }
  | { from: string; type: "records"; playerIds: string[] };

export interface ClusterHubOptions {
  local: LeasedHub;
  db: Db;
  bus: Bus;
  rpc: Rpc;
  mirror: Mirror;
  watchers: Watchers;
  clock: ClusterClock;
  logger: Logger;
  commandTimeoutMs: number;
  /** How often this instance re-writes the mirrored statuses of what it holds (about one lease). */
  refreshMs: number;
  owners?: OwnerLookup;
  dialects?: DialectCache;
  /** The revisions of the lists this instance sends (shared with its socket.io bridge). */
  playerStreams?: PlayerListStreams;
}

export class ClusterHub implements HubPort, PlayerLists {
  private readonly local: LeasedHub;
  private readonly owners: OwnerLookup;
  private readonly dialects: DialectCache;
  private readonly own = new Emitter<HubEvent>();
  private readonly offs: (() => void)[] = [];
  private mirrored = new Set<string>();
  private refreshTimer: TimerHandle | null = null;
  private lastDialectLoad = 0;
  private closed = false;

  readonly streams: PlayerListStreams;

  constructor(private readonly options: ClusterHubOptions) {
    this.local = options.local;
    this.streams = options.playerStreams ?? new PlayerListStreams();
    this.owners = options.owners ?? createOwnerLookup({ db: options.db, clock: options.clock });
    this.dialects = options.dialects ?? createDialectCache(options.db);
  }

  private get me(): string {
    return this.options.bus.instanceId;
  }

  async start(): Promise<void> {
    const { bus, rpc, mirror } = this.options;
    await this.dialects.load();
    this.lastDialectLoad = this.options.clock.now();
    this.serveRequests(rpc);
    this.offs.push(
      bus.onTopic(LEASES_TOPIC, (payload) => {
        const ids = (payload as { serverIds?: unknown } | null)?.serverIds;
        if (Array.isArray(ids)) for (const id of ids) this.owners.invalidate(String(id));
        else this.owners.invalidate();
      }),
      bus.onTopic(CONFIG_TOPIC, (payload) => void this.applyConfig(payload as ConfigMessage)),
      // The owner feeds the mirror from what its local hub reports. A list carries the revision the
      // bridge sends it under (the same step: streams.next is idempotent for one event's list).
      this.local.on((event) => {
        if (event.type === "status") void mirror.writeStatuses([event.status]);
        else if (event.type === "players")
          void mirror.writePlayers(
            event.serverId,
            event.players,
            this.streams.next(event.serverId, event.players, true)?.revision ?? null,
          );
        // Snapshots taken on other instances show the current pings too (the revision is the same).
        else if (event.type === "players-live") void this.mirrorPlayers(event.serverId);
        else if (event.type === "removed") void mirror.clear(event.serverId, null);
      }),
    );
    await rpc.start();
    await mirror.start();
    this.options.watchers.start();
    await this.refreshMirror();
  }

  close(): void {
    this.closed = true;
    this.options.clock.clearTimeout(this.refreshTimer);
    for (const off of this.offs.splice(0)) off();
    this.options.watchers.close();
    this.options.mirror.close();
    this.options.rpc.close();
  }

  /** For the lease manager: leases moved (these servers, or any); every instance re-reads owners. */
  async leasesChanged(serverIds?: readonly string[]): Promise<void> {
    await this.options.bus.publish(LEASES_TOPIC, serverIds ? { serverIds } : {});
  }

  private holds(serverId: string): boolean {
    return this.local.held().includes(serverId);
  }

  // --------------------------------------------------------------------------------------------
  // Events and reads

  on(listener: (event: HubEvent) => void): () => void {
    const offLocal = this.local.on(listener);
    const offOwn = this.own.on(listener);
    return () => {
      offLocal();
      offOwn();
    };
  }

  statusOf(serverId: string): ServerStatusMessage {
    if (this.holds(serverId)) return this.local.statusOf(serverId);
    return this.remoteStatus(serverId);
  }

  statuses(serverIds?: readonly string[]): ServerStatusMessage[] {
    const held = new Set(this.local.held());
    return (serverIds ?? this.dialects.ids()).map((id) =>
      held.has(id) ? this.local.statusOf(id) : this.remoteStatus(id),
    );
  }

  private remoteStatus(serverId: string): ServerStatusMessage {
    const mirrored = this.options.mirror.statusOf(serverId);
    if (mirrored) return mirrored;
    const game = this.dialects.get(serverId);
    const since = new Date(this.options.clock.wall()).toISOString();
    const base = {
      serverId,
      since,
      latencyMs: null,
      nextRetryAt: null,
      playerCount: null,
      lastEventAt: null,
    };
    if (game && !game.enabled)
      return { ...base, state: "disabled", reason: "Disabled in the server settings." };
    return { ...base, state: "idle", reason: game ? WAITING_REASON : null };
  }

  players(serverId: string): PlayerView[] {
    return this.holds(serverId) ? this.local.players(serverId) : this.options.mirror.players(serverId);
  }

  /** The revision of `players(serverId)`, just read: this instance's own, or the owner's from the mirror. */
  snapshotRevision(serverId: string, players: readonly PlayerView[]): PlayersRevision | null {
    return this.holds(serverId)
      ? this.streams.snapshotRevision(serverId, players)
      : this.options.mirror.playersRevision(serverId);
  }

  /** Writes a held server's current list to the mirror, under the revision deltas start from. */
  private mirrorPlayers(serverId: string): Promise<void> {
    const players = this.local.players(serverId);
    return this.options.mirror.writePlayers(
      serverId,
      players,
      this.streams.snapshotRevision(serverId, players),
    );
  }

  dialectOf(serverId: string): Dialect | null {
    return (
      (this.holds(serverId) ? this.local.dialectOf(serverId) : null) ??
      this.dialects.get(serverId)?.dialect ??
      null
    );
  }

  async lines(serverId: string, range: LineRange): Promise<ConsoleLineMessage[]> {
    if (this.holds(serverId)) return this.local.lines(serverId, range);
    const owner = await this.owners.ownerOf(serverId).catch(() => null);
    if (owner !== null && owner !== this.me) {
      try {
        return await this.options.rpc.request<ConsoleLineMessage[]>(
          owner,
          "hub.lines",
          { serverId, range },
          Math.min(LINES_TIMEOUT_MS, this.options.commandTimeoutMs),
        );
      } catch (error) {
        this.options.logger.debug("console history from the database (holder did not answer)", {
          serverId,
          error: String(error).slice(0, 200),
        });
      }
    }
    // Lines the holder had not written yet are missing here; a later resume fetches them.
    if (!this.dialects.get(serverId)) return []; // deleted: its lines wait for the purger, unread
    const limit = range.limit ?? (range.afterSeq !== undefined ? RESUME_LINES : SNAPSHOT_LINES);
    const rows = await readConsoleLines(this.options.db, serverId, {
      afterSeq: range.afterSeq,
      beforeSeq: range.beforeSeq,
      limit,
    });
    return rows.map(toLineMessage);
  }

  watch(serverId: string): () => void {
    return this.options.watchers.add(serverId);
  }

  // --------------------------------------------------------------------------------------------
  // Actions: here, or once to the holder

  exec(serverId: string, actor: HubActor, command: string): Promise<ExecResult> {
    return this.route(serverId, "hub.exec", { serverId, actor, command }, () =>
      this.local.exec(serverId, actor, command),
    );
  }

  kick(serverId: string, actor: HubActor, playerId: string, reason: string): Promise<KickResult> {
    return this.route(serverId, "hub.kick", { serverId, actor, playerId, reason }, () =>
      this.local.kick(serverId, actor, playerId, reason),
    );
  }

  message(serverId: string, actor: HubActor, playerId: string, message: string): Promise<MessageResult> {
    return this.route(serverId, "hub.message", { serverId, actor, playerId, message }, () =>
      this.local.message(serverId, actor, playerId, message),
    );
  }

  broadcast(serverId: string, actor: HubActor, message: string): Promise<BroadcastResult> {
    return this.route(serverId, "hub.broadcast", { serverId, actor, message }, () =>
      this.local.broadcast(serverId, actor, message),
    );
  }

  recordOf(serverId: string, gameId: string): Promise<string | null> {
    return this.route(serverId, "hub.recordOf", { serverId, gameId }, () =>
      this.local.recordOf(serverId, gameId),
    );
  }

  private async route<T>(
    serverId: string,
    method: string,
    args: unknown,
    here: () => Promise<T>,
  ): Promise<T> {
    if (this.holds(serverId)) return here();
    if (!this.dialects.get(serverId)) throw new AppError("NOT_FOUND", "That server does not exist.");
    let owner: string | null;
    try {
      owner = await this.owners.ownerOf(serverId);
    } catch {
      throw new NotSentError("The database cannot be read right now: nothing was sent.");
    }
    if (owner === null) throw new NotSentError(NO_OWNER_MESSAGE);
    // The lease names this instance but the hub has no link: adopting or releasing right now.
    if (owner === this.me) throw new NotSentError(NOT_HELD_MESSAGE);
    try {
      return await this.options.rpc.request<T>(owner, method, args, this.options.commandTimeoutMs);
    } catch (error) {
      if (error instanceof AppError && error.code === "UNAVAILABLE") this.owners.invalidate(serverId);
      throw error;
    }
  }

  private serveRequests(rpc: Rpc): void {
    const held =
      <A extends { serverId: string }>(run: (args: A) => Promise<unknown>) =>
      (raw: unknown) => {
        const args = raw as A;
        if (!args || typeof args.serverId !== "string")
          return Promise.reject(new AppError("INVALID_INPUT", "Invalid request."));
        if (!this.holds(args.serverId)) return Promise.reject(new NotSentError(NOT_HELD_MESSAGE));
        return run(args);
      };
    this.offs.push(
      rpc.serve(
        "hub.exec",
        held((a: { serverId: string; actor: HubActor; command: string }) =>
          this.local.exec(a.serverId, actorOf(a.actor), String(a.command)),
        ),
      ),
      rpc.serve(
        "hub.kick",
        held((a: { serverId: string; actor: HubActor; playerId: string; reason: string }) =>
          this.local.kick(a.serverId, actorOf(a.actor), String(a.playerId), String(a.reason)),
        ),
      ),
      rpc.serve(
        "hub.message",
        held((a: { serverId: string; actor: HubActor; playerId: string; message: string }) =>
          this.local.message(a.serverId, actorOf(a.actor), String(a.playerId), String(a.message)),
        ),
      ),
      rpc.serve(
        "hub.broadcast",
        held((a: { serverId: string; actor: HubActor; message: string }) =>
          this.local.broadcast(a.serverId, actorOf(a.actor), String(a.message)),
        ),
      ),
      rpc.serve(
        "hub.recordOf",
        held((a: { serverId: string; gameId: string }) => this.local.recordOf(a.serverId, String(a.gameId))),
      ),
      rpc.serve(
        "hub.lines",
        held((a: { serverId: string; range: LineRange }) => this.local.lines(a.serverId, rangeOf(a.range))),
      ),
    );
  }

  // --------------------------------------------------------------------------------------------
  // Configuration: here, then every other instance

  async reloadServer(serverId: string): Promise<void> {
    await this.dialects.refresh(serverId);
    this.owners.invalidate(serverId);
    if (this.holds(serverId)) await this.local.reloadServer(serverId);
    await this.announce({ from: this.me, type: "reload", serverId });
  }

  async removeServer(serverId: string): Promise<void> {
    this.dialects.forget(serverId);
    this.owners.invalidate(serverId);
    // The holder's hub says "removed" to every browser; if nobody holds it, this instance does.
    if (this.holds(serverId)) await this.local.removeServer(serverId);
    else this.own.emit({ type: "removed", serverId });
    await this.options.mirror.clear(serverId, null);
    await this.announce({ from: this.me, type: "remove", serverId });
  }

  recheckBans(serverIds?: readonly string[]): void {
    this.local.recheckBans(serverIds);
    void this.announce({ from: this.me, type: "recheck", serverIds: serverIds ? [...serverIds] : null });
  }

  async refreshRecords(playerIds: readonly string[]): Promise<void> {
    await this.local.refreshRecords(playerIds);
    await this.announce({ from: this.me, type: "records", playerIds: [...playerIds] });
  }

  private async announce(message: ConfigMessage): Promise<void> {
    await this.options.bus.publish(CONFIG_TOPIC, message).catch((error: unknown) => {
      // The others catch up: dialects are re-read every minute, bans re-checked on the next poll.
      this.options.logger.warn("server change not announced to the other instances (Redis)", {
        type: message.type,
        error: String(error).slice(0, 200),
      });
    });
  }

  private async applyConfig(message: ConfigMessage): Promise<void> {
    if (!message || message.from === this.me) return;
    try {
      switch (message.type) {
        case "reload":
          await this.dialects.refresh(message.serverId);
          this.owners.invalidate(message.serverId);
          if (this.holds(message.serverId)) await this.local.reloadServer(message.serverId);
          break;
        case "remove":
          this.dialects.forget(message.serverId);
          this.owners.invalidate(message.serverId);
          if (this.holds(message.serverId)) await this.local.removeServer(message.serverId);
          break;
        case "recheck":
          this.local.recheckBans(message.serverIds ?? undefined);
          break;
        case "records":
          await this.local.refreshRecords(message.playerIds);
          break;
      }
    } catch (error) {
      this.options.logger.error("server change from another instance not applied", {
        type: message.type,
        error: String(error).slice(0, 200),
      });
    }
  }

  // --------------------------------------------------------------------------------------------

  /** Re-writes the statuses of what this instance holds, clears what it let go; reschedules itself. */
  private async refreshMirror(): Promise<void> {
    const { mirror, clock } = this.options;
    try {
      const held = this.local.held();
      const now = new Set(held);
      await mirror.writeStatuses(this.local.statuses(held));
      for (const id of held) if (!this.mirrored.has(id)) await this.mirrorPlayers(id);
      for (const id of this.mirrored) if (!now.has(id)) await mirror.clear(id, this.me);
      this.mirrored = now;
      if (clock.now() - this.lastDialectLoad > DIALECTS_RELOAD_MS) {
        this.lastDialectLoad = clock.now();
        await this.dialects.load();
      }
    } catch (error) {
      this.options.logger.warn("cluster mirror refresh failed", { error: String(error).slice(0, 200) });
    }
    if (!this.closed)
      this.refreshTimer = clock.setTimeout(() => void this.refreshMirror(), this.options.refreshMs);
  }
}

function actorOf(actor: HubActor): HubActor {
  return { id: String(actor?.id ?? ""), name: String(actor?.name ?? "") };
}

function rangeOf(range: LineRange | undefined): LineRange {
  const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
  const limit = num(range?.limit);
  return {
    afterSeq: num(range?.afterSeq),
    beforeSeq: num(range?.beforeSeq),
    ...(limit !== undefined ? { limit: Math.min(Math.max(limit, 1), RESUME_LINES) } : {}),
  };
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
