/**
 * The one socket.io contract, shared by the server (server/realtime) and the browser
 * (lib/realtime/client.ts). Event names are `domain:verb`; every client-to-server event takes an
 * ack that receives a Result. Times are ISO strings.
 */
import type { ArgumentValues } from "../commands/arguments.ts";
import type { RunnableCommand } from "../commands/definition.ts";
import type { Result } from "../result.ts";
import type { PlayerListDelta, PlayersRevision } from "./player-delta.ts";
import type { BanScopeInput as BanTarget } from "../schemas/bans.ts";

// ---------------------------------------------------------------------------------------------
// Payloads

export interface AuditEventMessage {
  id: string;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  serverId: string | null;
  outcome: string;
  detail: string | null;
  createdAt: string;
  /** Identical denied events folded into this one; the same id is sent again as the count grows. */
  repeats: number;
  lastAt: string | null;
}

/** "watch": a player on the watch list joined (shown prominently; the line names the player). */
export const CONSOLE_KINDS = [
  "command",
  "answer",
  "chat",
  "join",
  "leave",
  "admin",
  "system",
  "watch",
] as const;
export type ConsoleKind = (typeof CONSOLE_KINDS)[number];

export interface ConsoleLineMessage {
  serverId: string;
  /** Per-server order; history and live lines merge and de-duplicate on it. */
  seq: number;
  at: string;
  kind: ConsoleKind;
  text: string;
  /** Display name of the RconDeck user behind a command or admin action. */
  actorName: string | null;
  /** For answers: the seq of the command they answer. */
  replyTo: number | null;
}

export type ConnectionStateName =
  "idle" | "connecting" | "online" | "auth_failed" | "unreachable" | "closed" | "disabled";

export interface ServerStatusMessage {
  serverId: string;
  state: ConnectionStateName;
  reason: string | null;
  since: string;
  latencyMs: number | null;
  nextRetryAt: string | null;
  playerCount: number | null;
  lastEventAt: string | null;
  /** Current map and player slots, when the hub knows them (optional: older hubs omit them). */
  map?: string | null;
  maxPlayers?: number | null;
  /**
   * Connected but misbehaving, and why ("flooding: 12,345 lines dropped in the last minute",
   * "answers never end", "malformed packets"); clears after a quiet minute. Null or absent: healthy.
   */
  degraded?: string | null;
}

export interface PlayerView {
  id: string;
  name: string;
  plainName: string;
  ping: number | null;
  score: number | null;
  /** Identities are null for users without the players.identities permission. */
  guid: string | null;
  steamId: string | null;
  address: string | null;
  isBot: boolean;
  state: string | null;
  /** When RconDeck first saw the player in this stay. */
  connectedSince: string | null;
  /**
   * The player record this stay is linked to (server/data/players), once linking has run (null
   * before, and for bots). Not an identity: every role that sees the list gets it.
   */
  record?: PlayerRecordBadge | null;
}

/**
 * A player's ping and score, which games change at nearly every poll: sent on their own slower beat
 * as these three fields per player (about 2 KB for 64 players, where the whole list is about 17 KB).
 */
export type PlayerLiveFields = Pick<PlayerView, "id" | "ping" | "score">;

/** What the player table shows of a player's record: a link, and its flags and counts. */
export interface PlayerRecordBadge {
  playerId: string;
  notes: number;
  warnings: number;
  /** The watch-list reason, when the player is flagged. */
  watch: string | null;
}

/** A flagged player joined a server: every watcher of that server gets a prominent notice. */
export interface WatchNoticeMessage {
  serverId: string;
  playerId: string;
  /** The name as shown (colour codes kept). */
  name: string;
  reason: string;
  at: string;
}

/**
 * An in-app alert (issue 16): a ban, kick, watch-list join or a server going offline or online, to
 * the connected users who may see that server (bans, kicks and joins: who may see its players).
 */
export interface AlertMessage {
  id: string;
  event: "ban" | "kick" | "server_offline" | "server_online" | "watch_join";
  serverId: string | null;
  title: string;
  text: string;
  at: string;
}

export interface CommandInfoMessage {
  name: string;
  usage?: string;
  description: string;
}

export interface ServerCapabilitiesMessage {
  whisper: boolean;
  pushesJoins: boolean;
}

export interface ServerSnapshot {
  serverId: string;
  status: ServerStatusMessage;
  players: PlayerView[];
  /** The revision `players` is (the next `players:delta` starts from it); null: a whole list comes next. */
  playersRevision: PlayersRevision | null;
  /** Recent history (oldest first), or the lines after `afterSeq` when resuming. */
  history: ConsoleLineMessage[];
  /** The game's command catalogue, for Tab completion. */
  commands: CommandInfoMessage[];
  capabilities: ServerCapabilitiesMessage;
  /** This user's own recent commands on this server (oldest first), for up/down history. */
  commandHistory: string[];
}

// ---------------------------------------------------------------------------------------------
// Events

export interface ServerToClientEvents {
  /** A new audit event (only to sockets that subscribed with audit.read). */
  "audit:event": (event: AuditEventMessage) => void;
  /** Sent just before the server closes a socket whose user was disabled or changed. */
  "session:ended": (payload: { reason: string }) => void;
  /** Connection status of a game server (to overview watchers and server subscribers). */
  "server:status": (status: ServerStatusMessage) => void;
  /** One console line of a subscribed server. */
  "console:line": (line: ConsoleLineMessage) => void;
  /**
   * The whole current player list of a subscribed server, when the process that holds it has no
   * earlier list of it to make a `players:delta` from: after nobody watched it (one process), or the
   * first list after an instance took the server over (a cluster).
   */
  "players:update": (payload: {
    serverId: string;
    players: PlayerView[];
    revision: PlayersRevision | null;
  }) => void;
  /**
   * The next player list, as its ids in order and the rows that are new or changed since revision
   * `base` (lib/realtime/player-delta.ts). A page holding another revision fetches the list again.
   */
  "players:delta": (delta: PlayerListDelta) => void;
  /**
   * New pings and scores of a subscribed server's players, by id (the list's own ids, handles
   * included). Nothing else changed since the last `players:update`; an id not on the list is ignored.
   */
  "players:live": (payload: { serverId: string; players: PlayerLiveFields[] }) => void;
  /** A player on the watch list joined a subscribed server. */
  "players:watch": (notice: WatchNoticeMessage) => void;
  /** An in-app alert (after alerts:subscribe; server/automation/alerts/alerts.ts). */
  "alerts:notice": (alert: AlertMessage) => void;
}

export type Ack<T> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  /** Join a server's live stream; `afterSeq` resumes after the last line the client saw. */
  "server:subscribe": (payload: { serverId: string; afterSeq?: number }, ack: Ack<ServerSnapshot>) => void;
  "server:unsubscribe": (payload: { serverId: string }, ack: Ack<{ serverId: string }>) => void;
  /** Statuses of every server the user may see, and their changes from now on (overview). */
  "servers:watch": (payload: Record<string, never>, ack: Ack<{ statuses: ServerStatusMessage[] }>) => void;
  /** Older console lines, for scrolling back. */
  "console:history": (
    payload: { serverId: string; beforeSeq: number; limit?: number },
    ack: Ack<{ lines: ConsoleLineMessage[] }>,
  ) => void;
  /** Run a raw console command (console.execute). The answer also goes to everyone watching. */
  "console:exec": (
    payload: { serverId: string; command: string; confirmed?: boolean },
    ack: Ack<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>,
  ) => void;
  /** The custom commands this user may run on this server (commands.run; only those with a template for its game). */
  "commands:list": (payload: { serverId: string }, ack: Ack<{ commands: RunnableCommand[] }>) => void;
  /**
   * Run a custom command (commands.run and the command's roles; no console.execute needed). Arguments
   * are checked and rendered on the server; a dangerous command needs `confirmed`. The answer also goes
   * to everyone watching, like a console command.
   */
  "commands:run": (
    payload: { serverId: string; commandId: string; args: ArgumentValues; confirmed?: boolean },
    ack: Ack<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>,
  ) => void;
  "players:kick": (
    payload: { serverId: string; playerId: string; reason: string },
    ack: Ack<{ message: string }>,
  ) => void;
  "players:message": (
    payload: { serverId: string; playerId: string; message: string },
    ack: Ack<{ message: string }>,
  ) => void;
  /** Warn an online player (players.warn): messaged in game (whisper, else a say naming them) and recorded on the profile. */
  "players:warn": (
    payload: { serverId: string; playerId: string; reason: string },
    ack: Ack<{ message: string }>,
  ) => void;
  /** Ban an online player (players.ban): a central ban from the identities the hub sees; enforcement kicks. */
  "players:ban": (
    payload: {
      serverId: string;
      playerId: string;
      reason: string;
      duration: string;
      note?: string;
      target?: BanTarget;
    },
    ack: Ack<{ banId: string; message: string }>,
  ) => void;
  "audit:subscribe": (payload: Record<string, never>, ack: Ack<{ subscribed: true }>) => void;
  /** In-app alerts for every server this user may see, from now on (again after a reconnect). */
  "alerts:subscribe": (payload: Record<string, never>, ack: Ack<{ servers: number }>) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no inter-server events yet (Redis adapter later)
export interface InterServerEvents {}

export interface SocketData {
  userId: string;
  sessionVersion: number;
  /** Set by audit:subscribe for a server-limited reader: which live audit events it may receive. */
  auditScope?: { actorId: string; serverIds: readonly string[] };
  /** The UserSession row (JWT `sid`): every event re-checks that it is still live. */
  sessionId: string;
  /** The client's address (behind TRUST_PROXY=1, the hop the proxy appended), for budgets and the audit. */
  address: string;
}
