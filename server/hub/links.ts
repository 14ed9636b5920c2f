/**
 * One link per game server the hub holds: its settings, the connection (or why there is none),
 * the tracked players and what polling learned, its status throttle and ingest budget, and the
 * epoch of the lease it was adopted under (several instances; 0 in one process). This file owns
 * the link record and turning stored settings into a started connection; the hub (hub.ts) owns
 * the lifecycle (reload, adopt, release, fence, remove).
 */
import { getServerConnectionSettings, type ServerConnectionSettings } from "../data/servers.ts";
import type { Db } from "../db/client.ts";
import { findDialect, isProtocolId, loadFamily } from "../rcon/registry.ts";
import type { ConnectionOptions, Dialect, Player, RconConnection, ServerInfo } from "../rcon/types.ts";
import { describeError } from "./errors.ts";
import { SeenEvents } from "./game-logs/seen-events.ts";
import { IngestBudget, type IngestBudgetOptions } from "./ingest-budget.ts";
import type { StayRecord } from "./player-records.ts";
import { PlayerListThrottle } from "./player-list-throttle.ts";
import { StatusThrottle, type LinkProblem } from "./server-status.ts";

export interface TrackedPlayer {
  /** Updated in place while the player stays (roster.ts). */
  player: Player;
  /** Wall time of the join. */
  since: number;
  sinceIso: string;
  /** The stored stay; a promise because the write is not awaited on the hot path. */
  session: Promise<string | null> | null;
  /** Its player record (player-records.ts). */
  record: StayRecord;
}

export interface Link {
  id: string;
  settings: ServerConnectionSettings | null;
  /** Why there is no connection (disabled, unreadable password, unknown game, moved...). */
  problem: LinkProblem | null;
  connection: RconConnection | null;
  dialect: Dialect | null;
  off: (() => void) | null;
  players: Map<string, TrackedPlayer>;
  playerList: readonly Player[];
  hasPolled: boolean;
  /** Map and slots, re-read every INFO_EVERY_MS and after any console command (maybe a map change). */
  info: ServerInfo | null;
  /** Clock time of the last info read (0: read at the next poll). */
  infoReadAt: number;
  /** Wall time of the last pushed line (shown), and its clock time (for the status throttle). */
  lastEventAt: number | null;
  lastEventClock: number | null;
  /** Clock time of the last player-count sample. */
  lastSampleAt: number;
  throttle: StatusThrottle;
  /** When the player list goes out after a poll (ping and score alone: on a slower beat). */
  listThrottle: PlayerListThrottle;
  lastState: string | null;
  budget: IngestBudget;
  /** The degraded reason last sent, to emit a status when it changes. */
  degraded: string | null;
  /** The lease epoch its writes carry (0 in one process). */
  epoch: number;
  /** Self-fenced or released: none of its writes is attempted, its connection is gone. */
  fenced: boolean;
  /** Joins, leaves and chat already announced by one source (log stream, RCON push, poll). */
  seen: SeenEvents;
}

export function newLink(id: string, budget: IngestBudgetOptions, now: number, epoch: number): Link {
  return {
    id,
    settings: null,
    problem: null,
    connection: null,
    dialect: null,
    off: null,
    players: new Map(),
    playerList: [],
    hasPolled: false,
    info: null,
    infoReadAt: -Infinity,
    lastEventAt: null,
    lastEventClock: null,
    lastSampleAt: -Infinity,
    throttle: new StatusThrottle(),
    listThrottle: new PlayerListThrottle(),
    lastState: null,
    budget: new IngestBudget(budget, now),
    degraded: null,
    epoch,
    fenced: false,
    seen: new SeenEvents(),
  };
}

/** Whether two settings open the same connection (a name or poll interval edit does not reconnect). */
export function sameConnection(a: ServerConnectionSettings, b: ServerConnectionSettings): boolean {
  return (
    a.host === b.host &&
    a.port === b.port &&
    a.password === b.password &&
    a.game === b.game &&
    a.protocol === b.protocol &&
    a.encoding === b.encoding &&
    a.enabled === b.enabled &&
    a.gameLogs === b.gameLogs
  );
}

/** A server's stored settings; "deleted" when the row is gone; a problem when the password cannot be read. */
export async function readSettings(
  db: Db,
  encryptionKey: Buffer,
  serverId: string,
  wallNow: () => number,
): Promise<
  { settings: ServerConnectionSettings; problem: null } | { settings: null; problem: LinkProblem } | "deleted"
> {
  try {
    const settings = await getServerConnectionSettings(db, encryptionKey, serverId);
    return settings ? { settings, problem: null } : "deleted";
  } catch {
    const row = await db.server.findUnique({ where: { id: serverId }, select: { id: true } });
    if (!row) return "deleted";
    return {
      settings: null,
      problem: {
        state: "auth_failed",
        reason:
          "The stored RCON password cannot be decrypted (was RCON_ENCRYPTION_KEY changed?). Enter it again.",
        since: wallNow(),
      },
    };
  }
}

/** Opens (and starts) the connection the settings describe, or says why not. */
export async function openConnection(
  settings: ServerConnectionSettings,
  options: Omit<ConnectionOptions, "host" | "port" | "password" | "dialect" | "encoding">,
  wallNow: number,
): Promise<{ connection: RconConnection; dialect: Dialect } | { problem: LinkProblem }> {
  if (!settings.enabled)
    return { problem: { state: "disabled", reason: "Disabled in the server settings.", since: wallNow } };
  if (!isProtocolId(settings.protocol))
    return {
      problem: { state: "unreachable", reason: `Unknown protocol "${settings.protocol}".`, since: wallNow },
    };
  try {
    const family = await loadFamily(settings.protocol);
    const dialect = findDialect(family, settings.game);
    const refused = family.checkPassword(settings.password);
    if (refused) return { problem: { state: "auth_failed", reason: refused, since: wallNow } };
    const connection = family.createConnection({
      host: settings.host,
      port: settings.port,
      password: settings.password,
      dialect: dialect.id,
      ...(settings.encoding ? { encoding: settings.encoding } : {}),
      ...options,
    });
    return { connection, dialect };
  } catch (error) {
    return {
      problem: { state: "unreachable", reason: `Cannot connect: ${describeError(error)}`, since: wallNow },
    };
  }
}
