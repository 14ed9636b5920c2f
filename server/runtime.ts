/**
 * Process-wide registry. Next bundles app/ separately from what the custom server loads, so module
 * singletons would exist twice; everything shared (database, limiter, socket.io, later the
 * connection manager) is created once by server/index.ts and reached through globalThis here.
 */
import type { PolicyGame } from "../lib/commands/policy.ts";
import type { PlayerView, ServerStatusMessage } from "../lib/realtime/contract.ts";
import type { HttpBudget } from "./auth/http-budget.ts";
import type { LoginLimiter } from "./auth/login-limiter.ts";
import type { TwoFactorLimiter } from "./auth/two-factor-limiter.ts";
import type { Db } from "./db/client.ts";
import type { Env } from "./env.ts";
import type { OperationsHub } from "./operations/deps.ts";
import type { Secrets } from "./security/secrets.ts";
import type { Logger } from "./rcon/types.ts";
import type { WebhookControl } from "./automation/webhooks/start.ts";

/** What Next-bundled code (server actions) may ask of the connection hub. */
export interface HubControl extends OperationsHub {
  /** A server's live status (the REST API's server list). */
  statusOf(serverId: string): ServerStatusMessage;
  /** A server was created or edited: (re)connect it with the stored settings. */
  reloadServer(serverId: string): Promise<void>;
  /** A server was deleted: close its connection (and its demo emulator). */
  removeServer(serverId: string): Promise<void>;
  /** Bans changed: these servers (undefined: every server) re-check players and native lists now. */
  recheckBans(serverIds?: readonly string[]): void;
  /** These player records changed (note, warning, flag, merge, split): online players' badges are re-read. */
  refreshRecords(playerIds: readonly string[]): Promise<void>;
  /** The player record of an online player (the game's player id), once its link is done; null if none. */
  recordOf(serverId: string, gameId: string): Promise<string | null>;
  /** The live player list of a server (identities included: the data layer decides what is shown). */
  players(serverId: string): PlayerView[];
  // exec, kick, message, dialectOf (OperationsHub): the REST API's console and player actions.
  /**
   * What players:kick/message/warn take for an online player's game id, as an actor with or
   * without players.identities sees it: the id, or the opaque handle the public list carries.
   */
  playerRef(serverId: string, gameId: string, withIdentities: boolean): string;
  /** Every game's console-policy data (dangerous and indirect commands), for the policy tester. */
  policyGames?(): Promise<PolicyGame[]>;
}

export interface Runtime {
  env: Env;
  db: Db;
  secrets: Secrets;
  loginLimiter: LoginLimiter;
  /** Wrong second-factor codes per user (sign-in and the Account page). */
  twoFactorLimiter: TwoFactorLimiter;
  /** Points per user (or address) for route handlers and server actions (server/auth/http-budget.ts). */
  httpBudget: HttpBudget;
  logger: Logger;
  /** Ends a user's live sockets at once (disable, role or access change); a no-op without socket.io. */
  endUserSessions(userId: string, reason: string): void;
  /** Ends the live sockets of one signed-in browser (its session was signed out or revoked). */
  endSessionSockets?(sessionId: string, reason: string): void;
  /** The connection hub; absent where no hub runs (tests of the data layer). */
  hub?: HubControl;
  /** Automation triggers (server/automation/triggers/): a trigger was edited here, reload now. */
  triggers?: { changed(): void };
  /** Webhooks (server/automation/webhooks): re-read after a change, "Send test". Absent in data-layer tests. */
  webhooks?: WebhookControl;
}

const KEY = Symbol.for("rcondeck.runtime");
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime | undefined): void {
  if (runtime) (globalThis as Holder)[KEY] = runtime;
  else delete (globalThis as Holder)[KEY];
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Holder)[KEY];
  if (!runtime)
    throw new Error(
      "RconDeck runtime not initialised: start the app with server/index.ts (npm start / npm run dev)",
    );
  return runtime;
}
