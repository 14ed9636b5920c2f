/**
 * What the connection hub emits (HubEvent) and is configured with (HubOptions), apart from the hub
 * itself so that its parts (live.ts, port.ts) can name them without importing the facade.
 */
import type {
  ConsoleLineMessage,
  PlayerLiveFields,
  PlayerView,
  ServerStatusMessage,
  WatchNoticeMessage,
} from "../../lib/realtime/contract.ts";
import type { Db } from "../db/client.ts";
import type { ConnectionOptions, GameEvent, Logger, Player } from "../rcon/types.ts";
import type { BanEnforcer } from "./ban-enforcer.ts";
import type { NativeBanSync } from "./ban-sync.ts";
import type { HubClock } from "./clock.ts";
import type { WriteFence } from "./fence.ts";
import type { GameLogHubOptions } from "./game-logs/registration.ts";
import type { HistoryOptions } from "./history.ts";
import type { PollTurnQueue } from "./poll-turns.ts";
import type { IngestBudgetOptions } from "./ingest-budget.ts";
import type { PurgeOptions } from "./purge.ts";

export type HubEvent =
  | { type: "status"; status: ServerStatusMessage }
  | { type: "line"; line: ConsoleLineMessage }
  /** The full list, identities included: the realtime layer strips them for who may not see them. */
  | { type: "players"; serverId: string; players: PlayerView[] }
  /** Only pings and scores changed since the last "players" event of this server: those alone. */
  | { type: "players-live"; serverId: string; players: PlayerLiveFields[] }
  | { type: "removed"; serverId: string }
  /** A player on the watch list joined: every watcher of the server gets a notice. */
  | { type: "watch"; notice: WatchNoticeMessage }
  /** What happened on a held server, structured (automation triggers and webhooks read it; no browser does). */
  | { type: "game"; serverId: string; event: HubGameEvent };

/**
 * Structured activity of one held server: a pushed or logged line the dialect read (announced once,
 * after the ingest budget), a join or leave seen by the roster (never the first list after a
 * connect: those players were already there), the player count when it changed (`previous` null
 * for the first list after a connect), and the connection coming online or going offline.
 */
export type HubGameEvent =
  | { kind: "pushed"; event: GameEvent }
  | { kind: "join"; player: Player }
  | { kind: "leave"; player: Player }
  | { kind: "count"; count: number; previous: number | null }
  | { kind: "online" }
  | { kind: "offline" };

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
  /**
   * Player-list poll interval while at least one browser watches the server; for a game that pushes
   * joins and leaves, at least livePlayerFieldsEveryMs (poll-schedule.ts).
   */
  watchedPollMs?: number;
  /** A player list whose players only changed ping or score goes out at most this often (default 10 s). */
  livePlayerFieldsEveryMs?: number;
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
  /** Time (tests: a fake). Default: the system clock. */
  clock?: HubClock;
  /** "all" (default): every server from start(). "leased": only the servers adopted. */
  ownership?: "all" | "leased";
  /** Connection writes go through it with the link's epoch (default: unfenced). */
  fence?: WriteFence;
  /** Checked before every send to a game server (false: the connection stops itself). */
  writeGate?: (serverId: string) => boolean;
  /** Retention, purge and backfill run only while this says true (one instance of a cluster). */
  globalJobs?: () => boolean;
  /** Receive game log streams (docs/game-logs.md); absent: off. */
  gameLogs?: GameLogHubOptions;
  /** Where polled player lists wait to be parsed and applied (poll-turns.ts). Default: a PollTurns. */
  pollTurns?: PollTurnQueue;
}
