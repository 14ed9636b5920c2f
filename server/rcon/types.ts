/**
 * The one typed interface the rest of RconDeck sees over the protocol families.
 * Families (server/rcon/{source,battleye,quake3,webrcon}) implement it; the hub, the CLI and the UI only
 * use what is declared here. Per-game behaviour lives in Dialect objects (data + small functions),
 * never in `if (game === ...)` branches. Emulated game servers are not part of it: their types and
 * registry are in server/rcon/emulators/, which connection code never imports.
 */
import type { FoundIdentity } from "../../lib/console/redact.ts";
import type { SecretRules } from "../../lib/console/secrets.ts";
import type { CommandPattern, DangerousCommand } from "../../lib/commands/policy.ts";
import type { BackoffPolicy } from "./backoff.ts";
import type { Clock } from "./clock.ts";

export type ProtocolId = "source" | "battleye" | "quake3" | "webrcon";
export const PROTOCOL_IDS: readonly ProtocolId[] = ["source", "battleye", "quake3", "webrcon"];

// ---------------------------------------------------------------------------------------------
// Connection status

export type ConnectionState =
  | "idle" // created, start() not called yet
  | "connecting" // opening / logging in (also while waiting for a reconnect attempt)
  | "online" // authenticated, commands flow
  | "auth_failed" // password refused: never retried automatically until the configuration changes
  | "unreachable" // no answer / refused / dropped; retried with backoff
  | "closed"; // stop() was called

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why, in words an admin understands ("login refused: wrong RCON password", "no answer to login ..."). */
  reason: string | null;
  /** Clock time of the last state change. */
  since: number;
  /** Round-trip of the last command or keep-alive, when known. */
  latencyMs: number | null;
  /** When the next reconnect attempt is scheduled, when one is. */
  nextRetryAt: number | null;
}

// ---------------------------------------------------------------------------------------------
// Players, bans, events

export type IdentityKind = "guid" | "steamid" | "ip" | "name";

export interface Player {
  /** The id the game's commands take: BattlEye player number, Source userid, Quake 3 slot. */
  id: string;
  /** Name exactly as the game reports it (colour codes kept, for display). */
  name: string;
  /** Name with colour codes stripped by the engine's own rule, for search and matching. */
  plainName: string;
  ping: number | null;
  score: number | null;
  /** "ip:port", or the game's word for a non-network player ("bot", "loopback"). */
  address: string | null;
  guid: string | null;
  steamId: string | null;
  /** Seconds on the server, when the game reports it. */
  connectedSeconds: number | null;
  isBot: boolean;
  /** The game's own state word when it has one: "OK", "?", "Lobby", "CNCT", "ZMBI", "spawning"... */
  state: string | null;
}

export interface BanEntry {
  /** What the game's unban command takes right now (list index, ban number, the id itself). Indexes may shift. */
  ref: string;
  kind: IdentityKind;
  value: string;
  /** null = permanent. */
  minutesLeft: number | null;
  reason: string;
}

export type BanTarget = { kind: "player"; playerId: string } | { kind: IdentityKind; value: string };

export interface BanRequest {
  target: BanTarget;
  /** null = permanent. */
  minutes: number | null;
  reason: string;
}

/** A typed reading of one line the game server pushed to us (BattlEye messages, Squad chat, Rust console...). */
export type GameEvent =
  | { kind: "player.connected"; playerId: string; name: string; address: string | null }
  | { kind: "player.guid"; playerId: string; name: string; guid: string; verified: boolean }
  | { kind: "player.disconnected"; playerId: string; name: string }
  | { kind: "player.kicked"; playerId: string; name: string; guid: string | null; reason: string }
  | {
      kind: "player.banned";
      playerId: string | null;
      name: string;
      guid: string | null;
      minutes: number | null;
      reason: string;
    }
  | { kind: "chat"; channel: string; from: string; text: string; playerId: string | null }
  | { kind: "admin.login"; adminId: string; address: string }
  /** target: "all" for a global message, otherwise the recipient's name. */
  | { kind: "admin.message"; target: string; text: string }
  /** From a game log stream (GameLogs): one player killed another. */
  | { kind: "kill"; killer: string; victim: string; weapon: string }
  /** From a game log stream: an RCON command ran; only its first word (arguments can be secrets). */
  | { kind: "admin.command"; source: string; command: string };

export type RconEvent =
  | { type: "status"; status: ConnectionStatus }
  /** One line the server pushed unprompted, with its typed reading when the dialect knows the line. */
  | { type: "server-message"; at: number; text: string; event: GameEvent | null }
  /**
   * The server misbehaves without breaking the session: an answer over the size cap or packets of
   * an answer that already ended ("endless-answer"), malformed packets dropped ("malformed").
   */
  | { type: "anomaly"; at: number; kind: "endless-answer" | "malformed" | "flooding"; detail: string };

// ---------------------------------------------------------------------------------------------
// Dialects: per-game data and small functions

/** Runs one raw command on the connection and resolves with the complete answer text. */
export type RunCommand = (command: string, options?: CommandOptions) => Promise<string>;

export interface CommandInfo {
  name: string;
  usage?: string;
  description: string;
}

export interface DialectCapabilities {
  /**
   * The server pushes joins and leaves as they happen (BattlEye). Otherwise they are found by polling
   * the player list (Squad and Rust push chat only). A watched server that pushes them is polled no
   * faster than ping and score reach browsers (poll-schedule.ts).
   */
  pushesJoins: boolean;
  /** A private message to one player exists. */
  whisper: boolean;
  /** The game itself supports timed bans (otherwise RconDeck lifts them on time). */
  timedBans: boolean;
  /** Which identities `ban` accepts besides a connected player. */
  banKinds: readonly IdentityKind[];
  /**
   * The player list names every human by an account id (SteamID, GUID), maybe a moment after the
   * join (BattlEye). Absent: it does not (CS2, Minecraft, plain Quake 3), and player records link
   * that game's stays by address and name instead.
   */
  listsAccounts?: boolean;
}

/**
 * What the game's own ban list can hold, for RconDeck's native sync (server/hub/ban-sync.ts). Absent:
 * the game has no list RconDeck can write and verify by listing, so every ban is kick-on-join only.
 * The dialect's ban/unban/listBans operations do the work (and persist: writeid, writeBans...).
 */
export interface NativeBanStore {
  /** The native identities for a central ban's identifiers (kinds of lib/bans/identifiers.ts); none = join-only. */
  identities(
    identifiers: readonly { kind: string; value: string }[],
  ): { kind: IdentityKind; value: string }[];
  /** A listed entry as a central identifier (kind of lib/bans/identifiers.ts), for drift and adopting; null = none. */
  central(entry: { kind: IdentityKind; value: string }): { kind: string; value: string } | null;
  /** One comparable key for a written identity and for a listed entry; null = not one RconDeck writes. */
  key(entry: { kind: IdentityKind; value: string }): string | null;
  /**
   * Timed bans: held natively with a time-to-live of at most maxMinutes, refreshed when it lapses
   * ("native"); written permanent and lifted by RconDeck when they expire ("lifted"); or enforced on
   * join only ("join_only").
   */
  timed: { mode: "native"; maxMinutes: number } | { mode: "lifted" } | { mode: "join_only" };
  /** Removal takes a list index that shifts after each removal: one removal at a time, each after a fresh list. */
  removeByIndex: boolean;
}

/** What the overview shows besides the players; null where the game's answer does not say. */
export interface ServerInfo {
  map: string | null;
  maxPlayers: number | null;
}

export interface GameOperations {
  listPlayers(run: RunCommand): Promise<Player[]>;
  /** Current map and player slots; absent where the game's RCON cannot tell (BattlEye, ARK...). */
  serverInfo?(run: RunCommand): Promise<ServerInfo>;
  /** Kicks by the game's player id, never by a name that could match two players. */
  kick(run: RunCommand, playerId: string, reason: string): Promise<string>;
  ban(run: RunCommand, request: BanRequest): Promise<string>;
  /** Removes a ban by identity; dialects whose unban takes a shifting index re-list first. */
  unban(run: RunCommand, ban: Pick<BanEntry, "kind" | "value">): Promise<string>;
  listBans(run: RunCommand): Promise<BanEntry[]>;
  sayAll(run: RunCommand, message: string): Promise<string>;
  /** Present only when capabilities.whisper is true. */
  sayTo?(run: RunCommand, playerId: string, message: string): Promise<string>;
}

/**
 * What in this game's texts is an identity or a secret, so that users without players.identities
 * never see identities and nobody sees secrets (lib/console/redact.ts, lib/console/secrets.ts).
 */
export interface DialectPrivacy {
  /** The player id is itself an identity (a SteamID64): lists without identities carry a handle instead. */
  playerIdIsIdentity: boolean;
  /** The identities in an answer or pushed line, read with the dialect's own parsers. */
  identitiesIn(text: string): FoundIdentity[];
  /** Text of this game's answers that looks like an identity but is not one (CS2's version number). */
  notIdentities?: readonly RegExp[];
  /** Settings and commands whose values are secret. */
  secrets: SecretRules;
}

/**
 * A game that can send its own log stream to RconDeck (docs/game-logs.md): how it sends ("udp":
 * SRCDS `logaddress_add ip:port` with `sv_logsecret`; "http": CS2 `logaddress_add_http "url"`) and
 * how one line of it reads (null: a line RconDeck does not show).
 */
export interface GameLogs {
  transport: "udp" | "http";
  parse(line: string): GameEvent | null;
}

export interface Dialect {
  /** Stable id stored in the database ("cs2", "minecraft", "arma3", "openarena", ...). */
  id: string;
  /**
   * Other names the CLI takes for it within its family (`rcondeck emulate webrcon --game rust`):
   * ids are unique across families because they are stored, so Rust over WebRCON is "rust-webrcon".
   */
  aliases?: readonly string[];
  family: ProtocolId;
  label: string;
  defaultPort: number;
  /** Text encoding unless the server overrides it (an iconv-lite name). */
  defaultEncoding: string;
  capabilities: DialectCapabilities;
  /** The game's command catalogue, for Tab completion and help. */
  commands: readonly CommandInfo[];
  operations: GameOperations;
  /** The game's native ban list, when RconDeck can write and verify it. */
  nativeBans?: NativeBanStore;
  /** Reads one pushed line; null when the line is not one the dialect knows. */
  parseServerMessage?(text: string): GameEvent | null;
  /** The game's own log stream, where it can send one to RconDeck. */
  logs?: GameLogs;
  /**
   * Games without private messages: the player's name as written at the start of a broadcast
   * addressed to them. Characters the game cannot carry are replaced, so a player's name never
   * blocks a message; only the moderator's own text can be refused. Absent: the name as it is.
   */
  addressName?(name: string): string;
  privacy: DialectPrivacy;
  /**
   * Commands that need a second confirmation (stop, restart, password changes, config exec, ban
   * list flushes), with the reason shown to the user. Data; lib/commands/policy.ts matches them.
   */
  dangerous: readonly DangerousCommand[];
  /** Commands that run other commands command policies cannot see (alias, vstr, exec). */
  indirect?: readonly CommandPattern[];
}

// ---------------------------------------------------------------------------------------------
// Connections

export interface CommandOptions {
  timeoutMs?: number;
  /**
   * false for commands that change state (kick, ban, say, map...): on lossy transports they are
   * never re-sent blindly. Defaults to true for raw console commands only where the family can
   * de-duplicate (BattlEye re-sends with the same sequence number).
   */
  idempotent?: boolean;
}

export type RconCommandErrorCode =
  | "NOT_CONNECTED" // not online (connecting, unreachable, auth_failed, closed)
  | "TIMEOUT" // no (complete) answer in time
  | "CONNECTION_LOST" // the connection dropped while the command was in flight
  | "AUTH_REFUSED"
  | "REJECTED" // the server answered that it will not run it (unknown/disallowed command)
  | "INVALID_ARGUMENT" // an argument that cannot be sent safely (newline, ';', too long...)
  | "UNSUPPORTED" // the dialect has no such operation
  | "NOT_RCON" // the address answers in another protocol (an HTTP server on the RCON port...)
  | "INVALID_SETTINGS" // the connection settings can never work (an unknown text encoding...)
  | "CLOSED";

export class RconCommandError extends Error {
  override readonly name = "RconCommandError";
  constructor(
    readonly code: RconCommandErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectionOptions {
  host: string;
  port: number;
  password: string;
  /** Dialect id within the family; the family's default when omitted. */
  dialect?: string;
  /** Overrides the dialect's default encoding. */
  encoding?: string;
  clock?: Clock;
  random?: () => number;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** Largest whole answer accepted; a longer one fails the command (REJECTED) and is reported as an anomaly. */
  maxAnswerBytes?: number;
  /**
   * TCP families: bytes read from the server per second at most (a bucket holding a tenth of a
   * second's worth); past it reading pauses until what was read is paid for (TCP slows the sender),
   * so a flooding server cannot take the process's CPU.
   */
  maxReadBytesPerSecond?: number;
  backoff?: BackoffPolicy;
  /**
   * false: do not reconnect after the first failure (the CLI's one-shot `exec`). The status then
   * stays unreachable/auth_failed and start() must be called again.
   */
  reconnect?: boolean;
  logger?: Logger;
  /**
   * Checked right before every write to the socket (several instances: false once this instance may
   * no longer hold the server's lease). False: nothing is sent, the connection closes its socket and
   * stops itself (status "closed", reason "fenced"), and no reconnect is attempted.
   */
  writeGate?: () => boolean;
}

/** The status reason of a connection stopped by its write gate. */
export const FENCED_REASON = "fenced";

export interface RconConnection {
  readonly protocol: ProtocolId;
  readonly dialect: Dialect;
  readonly status: ConnectionStatus;
  /** Starts connecting; from then on the connection supervises itself until stop(). */
  start(): void;
  /** Closes the socket, rejects pending commands with CLOSED, cancels timers. Idempotent. */
  stop(): Promise<void>;
  /** Runs one raw command; resolves with the complete answer, rejects with RconCommandError. */
  command(text: string, options?: CommandOptions): Promise<string>;
  on(listener: (event: RconEvent) => void): () => void;
}

export interface ProtocolFamily {
  id: ProtocolId;
  label: string;
  defaultPort: number;
  dialects: readonly Dialect[];
  defaultDialect: string;
  /** A message when a password can never work with this protocol (e.g. spaces on Quake 3), else null. */
  checkPassword(password: string): string | null;
  createConnection(options: ConnectionOptions): RconConnection;
}
