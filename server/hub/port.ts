/**
 * What the realtime layer (socket handlers, the bridge) and the composition root ask of the live
 * game servers. One process: the ConnectionHub itself. Several instances: server/cluster's hub,
 * which answers from the local hub for the servers this instance holds and routes everything else
 * to the instance that holds the server (commands with a request id and a timeout) or reads the
 * shared state (statuses and player lists mirrored through Redis, console lines from the database).
 */
import type { ConsoleLineMessage, PlayerView, ServerStatusMessage } from "../../lib/realtime/contract.ts";
import type { Dialect } from "../rcon/types.ts";
import type { HubActor, HubEvent } from "./options.ts";

export interface LineRange {
  afterSeq?: number | undefined;
  beforeSeq?: number | undefined;
  limit?: number;
}

export interface ExecResult {
  command: ConsoleLineMessage;
  answer: ConsoleLineMessage;
}

export interface KickResult {
  message: string;
  playerName: string;
}

export interface MessageResult {
  message: string;
  playerName: string;
  whisper: boolean;
}

export interface BroadcastResult {
  message: string;
}

export interface HubPort {
  /** Events of the servers this process holds (one process: all of them). */
  on(listener: (event: HubEvent) => void): () => void;

  // Reads (synchronous: answered from memory, local or mirrored).
  statusOf(serverId: string): ServerStatusMessage;
  statuses(serverIds?: readonly string[]): ServerStatusMessage[];
  /** The full list, identities included: callers strip them for who may not see them. */
  players(serverId: string): PlayerView[];
  /** The game's dialect (redaction, commands, capabilities), known even while offline; null if unknown. */
  dialectOf(serverId: string): Dialect | null;
  /** Recent history (or what follows `afterSeq`), lines not yet written included where known. */
  lines(serverId: string, range: LineRange): Promise<ConsoleLineMessage[]>;
  /** A browser watches the server: poll it faster until the returned function is called. */
  watch(serverId: string): () => void;

  // Actions that reach a game server. A TIMEOUT AppError means the outcome is unknown: never retried.
  exec(serverId: string, actor: HubActor, command: string): Promise<ExecResult>;
  kick(serverId: string, actor: HubActor, playerId: string, reason: string): Promise<KickResult>;
  message(serverId: string, actor: HubActor, playerId: string, message: string): Promise<MessageResult>;
  /** A message to everyone on the server (the dialect's sayAll); schedules use it. */
  broadcast(serverId: string, actor: HubActor, message: string): Promise<BroadcastResult>;

  // Player records and bans.
  recordOf(serverId: string, gameId: string): Promise<string | null>;
  refreshRecords(playerIds: readonly string[]): Promise<void>;
  recheckBans(serverIds?: readonly string[]): void;

  // Configuration changes (from server actions).
  reloadServer(serverId: string): Promise<void>;
  removeServer(serverId: string): Promise<void>;
}
