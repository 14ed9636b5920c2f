/**
 * A server's status as browsers see it (ServerStatusMessage) and the emit throttle. The status is
 * computed from the link's parts: a problem without a connection (disabled, unreadable password,
 * unknown game, moved to another instance), or the connection's own status plus what polling
 * learned (player count, map, slots) and the ingest budget's degraded reason. Reasons are shown
 * to every viewer, so the server's address is hidden from them (hideEndpoint).
 */
import type { ServerStatusMessage } from "../../lib/realtime/contract.ts";
import { hideEndpoint } from "../../lib/endpoint.ts";
import type { ConnectionStatus, ServerInfo } from "../rcon/types.ts";

/** Why a link has no connection; `since` is wall time. */
export interface LinkProblem {
  state: ServerStatusMessage["state"];
  reason: string;
  since: number;
}

export interface StatusInput {
  serverId: string;
  /** Where the server is (for hiding it from reasons); null when unknown. */
  endpoint: { host: string; port: number } | null;
  problem: LinkProblem | null;
  /** The connection's status, null without a connection. */
  connection: ConnectionStatus | null;
  /** Players listed, null before the first poll of this session. */
  playerCount: number | null;
  info: ServerInfo | null;
  /** Wall time of the last pushed line, null if none. */
  lastEventAt: number | null;
  degraded: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Statuses and console notices reach every viewer; only managers may see where the server is. */
export function publicReason(endpoint: StatusInput["endpoint"], reason: string): string {
  return endpoint ? hideEndpoint(reason, endpoint) : reason;
}

/** The status of a server without a link (unknown here): idle since `wallNow`. */
export function unknownStatus(serverId: string, wallNow: number): ServerStatusMessage {
  return {
    serverId,
    state: "idle",
    reason: null,
    since: iso(wallNow),
    latencyMs: null,
    nextRetryAt: null,
    playerCount: null,
    lastEventAt: null,
  };
}

export function computeStatus(input: StatusInput, wallNow: number): ServerStatusMessage {
  const { serverId } = input;
  const lastEventAt = input.lastEventAt ? iso(input.lastEventAt) : null;
  if (input.problem || !input.connection) {
    const problem = input.problem ?? { state: "idle" as const, reason: "", since: wallNow };
    return {
      serverId,
      state: problem.state,
      reason: publicReason(input.endpoint, problem.reason) || null,
      since: iso(problem.since),
      latencyMs: null,
      nextRetryAt: null,
      playerCount: null,
      lastEventAt,
    };
  }
  const s = input.connection;
  const online = s.state === "online";
  return {
    serverId,
    state: s.state,
    reason: s.reason === null ? null : publicReason(input.endpoint, s.reason),
    since: iso(s.since),
    latencyMs: s.latencyMs,
    nextRetryAt: s.nextRetryAt === null ? null : iso(s.nextRetryAt),
    playerCount: online ? input.playerCount : null,
    lastEventAt,
    map: online ? (input.info?.map ?? null) : null,
    maxPlayers: online ? (input.info?.maxPlayers ?? null) : null,
    degraded: input.degraded,
  };
}

/** Minimum time between two statuses that differ only by lastEventAt or latencyMs. */
export const EVENT_ONLY_STATUS_MS = 5_000;

/**
 * Per server: whether a status is worth emitting. A changed status always is. Two fields move on
 * their own: lastEventAt with every pushed line, and latencyMs with nearly every answer (a poll
 * every 2 s on a watched server). Those alone are sent at most every EVENT_ONLY_STATUS_MS: sending
 * each new latency was one status message per poll, 500 a second at 1,000 servers.
 */
export class StatusThrottle {
  private json = "";
  private latencyMs: number | null = null;
  /** Clock time of the last emit. */
  private sentAt = -Infinity;

  /** `eventAt`: clock time of the last pushed line (null if none); `now`: clock time. */
  shouldEmit(status: ServerStatusMessage, eventAt: number | null, now: number): boolean {
    const json = JSON.stringify({ ...status, lastEventAt: null, latencyMs: null });
    if (json === this.json) {
      const moved = (eventAt ?? -Infinity) > this.sentAt || status.latencyMs !== this.latencyMs;
      if (!moved || now - this.sentAt < EVENT_ONLY_STATUS_MS) return false;
    }
    this.json = json;
    this.latencyMs = status.latencyMs;
    this.sentAt = now;
    return true;
  }

  /**
   * Whether a pushed line may change what is sent. A line changes only lastEventAt, sent at most
   * every EVENT_ONLY_STATUS_MS, so until then its status is not even computed: with one chat line a
   * second per server, computing and comparing it was 5% of the hub at 1,000 servers.
   */
  eventMayEmit(now: number): boolean {
    return now - this.sentAt >= EVENT_ONLY_STATUS_MS;
  }

  /** The next status is sent whatever it says (a fresh connection, a move between instances). */
  reset(): void {
    this.json = "";
    this.latencyMs = null;
    this.sentAt = -Infinity;
  }
}
