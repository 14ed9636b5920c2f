/**
 * The hub's side of game log streams: when a server whose `gameLogs` setting is on comes online,
 * the hub tells the game where to send its log (over RCON) and registers the server with the
 * receiver; when the hub lets the server go it unregisters it and asks the game to stop sending.
 * Each instance of a cluster registers its own address for the servers it holds only.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { GameLogSecrets } from "../../security/game-log-secrets.ts";
import type { Dialect, GameLogs, Logger, RconConnection } from "../../rcon/types.ts";
import { describeError } from "../errors.ts";
import { gameLogPath } from "./http-route.ts";
import { plainAddress, type GameLogReceiver } from "./receiver.ts";

/** Where game servers reach this instance's receivers; null: that transport is off. */
export interface GameLogEndpoints {
  /** "ip:port" for SRCDS `logaddress_add` (UDP). */
  udp: string | null;
  /** Base URL ("http://10.0.0.5:3000") CS2 POSTs to (`logaddress_add_http`). */
  httpBase: string | null;
}

export interface GameLogHubOptions {
  receiver: GameLogReceiver;
  endpoints: GameLogEndpoints;
  secrets: GameLogSecrets;
  /** Host name to addresses (tests: a fixed answer). Default: the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
}

interface Commands {
  add: string[];
  remove: string[];
  secret: string;
}

/** The RCON commands that start and stop one server's stream; null when the transport is off here. */
export function registrationCommands(
  logs: GameLogs,
  serverId: string,
  endpoints: GameLogEndpoints,
  secrets: GameLogSecrets,
): Commands | null {
  if (logs.transport === "udp") {
    if (!endpoints.udp) return null;
    const secret = secrets.udpSecret(serverId);
    return {
      add: [`sv_logsecret ${secret}`, `logaddress_add ${endpoints.udp}`, "log on"],
      remove: [`logaddress_del ${endpoints.udp}`],
      secret,
    };
  }
  if (!endpoints.httpBase) return null;
  const secret = secrets.httpToken(serverId);
  const url = `${endpoints.httpBase.replace(/\/$/, "")}${gameLogPath(serverId, secret)}`;
  return {
    add: [`logaddress_add_http "${url}"`, "log on"],
    remove: [`logaddress_del_http "${url}"`],
    secret,
  };
}

async function resolveHost(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  return (await lookup(host, { all: true })).map((a) => a.address);
}

const COMMAND_TIMEOUT_MS = 5_000;
/** Short: unregistering runs while the hub lets go of the server (shutdown included). */
const REMOVE_TIMEOUT_MS = 2_000;

export class GameLogRegistrations {
  /** Servers registered with the receiver, and the commands that undo the registration on the game. */
  private readonly active = new Map<string, { connection: RconConnection; remove: string[] }>();

  constructor(
    private readonly o: GameLogHubOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * The server is online (again: a restarted game forgot its log addresses): registers it with the
   * receiver and runs the commands. `deliver` gets its accepted lines. Errors are logged, never thrown.
   */
  async online(
    serverId: string,
    host: string,
    connection: RconConnection,
    dialect: Dialect,
    deliver: (lines: readonly string[]) => void,
  ): Promise<void> {
    const logs = dialect.logs;
    const commands = logs ? registrationCommands(logs, serverId, this.o.endpoints, this.o.secrets) : null;
    if (!logs || !commands) return;
    try {
      const addresses = new Set((await (this.o.resolve ?? resolveHost)(host)).map(plainAddress));
      if (connection.status.state !== "online") return;
      this.o.receiver.register({
        serverId,
        transport: logs.transport,
        addresses,
        secret: commands.secret,
        deliver,
      });
      this.active.set(serverId, { connection, remove: commands.remove });
      for (const command of commands.add)
        await connection.command(command, { timeoutMs: COMMAND_TIMEOUT_MS, idempotent: false });
    } catch (error) {
      // The secret is in the commands, never in what is logged: only the error's description.
      this.logger.warn("game log registration failed", { serverId, error: describeError(error) });
    }
  }

  /** The hub lets the server go: no more lines are accepted, and the game is asked to stop sending (best effort). */
  async release(serverId: string): Promise<void> {
    const active = this.active.get(serverId);
    this.drop(serverId);
    if (!active || active.connection.status.state !== "online") return;
    for (const command of active.remove) {
      await active.connection
        .command(command, { timeoutMs: REMOVE_TIMEOUT_MS, idempotent: false })
        .catch((error: unknown) => {
          this.logger.debug("game log unregistration failed", { serverId, error: describeError(error) });
        });
    }
  }

  /** Fenced: stop accepting at once, send nothing (another instance may hold the server now). */
  drop(serverId: string): void {
    this.active.delete(serverId);
    this.o.receiver.unregister(serverId);
  }

  isActive(serverId: string): boolean {
    return this.active.has(serverId);
  }
}
