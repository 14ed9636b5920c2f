/**
 * Where notices come from: this process's hub events (status changes, chat lines, watch-list joins)
 * and audit events (bans and kicks with reason and author). In a cluster each instance's hub
 * reports only the servers it holds, and each audit row is announced only by the process that
 * wrote it, so every notice is made once. A flapping server is debounced: a state is reported only
 * after it has held for `debounceMs`; the first "online" after start is a baseline, not news.
 */
import type { WebhookNotice } from "../../../lib/automation/webhooks.ts";
import type { ConsoleLineMessage, ServerStatusMessage } from "../../../lib/realtime/contract.ts";
import { onAuditEvent, type AuditEventDto } from "../../data/audit.ts";
import type { Db } from "../../db/client.ts";
import type { HubClock } from "../../hub/clock.ts";
import type { HubPort } from "../../hub/port.ts";
import type { TimerHandle } from "../../rcon/clock.ts";
import type { Logger } from "../../rcon/types.ts";
import { redactLine } from "../../realtime/redact.ts";

/** Where a notice goes: the dispatcher and the in-app alerts. `servers` as in notifyScoped. */
export type NoticeSink = (notice: WebhookNotice, servers: readonly string[] | "all") => void;

export interface SourceDeps {
  db: Db;
  clock: HubClock;
  logger: Logger;
  sink: NoticeSink;
  /** How long a new status must hold before it is reported (default 60 s). */
  debounceMs?: number;
  /** Whether anything may take a notice of this event now (default: always); chat asks per line. */
  wants?(event: WebhookNotice["event"]): boolean;
}

type Reported = "online" | "offline";
const OFFLINE = new Set(["unreachable", "auth_failed"]);
// Taken away on purpose (disabled, removed, moved to another instance): no alert, start afresh.
const RESET = new Set(["idle", "closed", "disabled"]);

class ServerNames {
  private readonly names = new Map<string, string>();
  constructor(private readonly db: Db) {}
  async of(serverId: string): Promise<string> {
    const known = this.names.get(serverId);
    if (known) return known;
    const row = await this.db.server.findUnique({ where: { id: serverId }, select: { name: true } });
    const name = row?.name ?? "a deleted server";
    if (row) this.names.set(serverId, name);
    return name;
  }
  forget(serverId: string) {
    this.names.delete(serverId);
  }
}

export function watchHub(hub: Pick<HubPort, "on" | "dialectOf">, deps: SourceDeps): () => void {
  const names = new ServerNames(deps.db);
  const debounceMs = deps.debounceMs ?? 60_000;
  const states = new Map<
    string,
    { reported: Reported | null; pending: Reported | null; timer: TimerHandle | null }
  >();
  const emit = (make: () => Promise<WebhookNotice>, servers: readonly string[]) => {
    make().then(
      (notice) => deps.sink(notice, servers),
      (error: unknown) => deps.logger.warn("webhook notice not made", { error: String(error) }),
    );
  };

  const onStatus = (status: ServerStatusMessage) => {
    const id = status.serverId;
    const entry = states.get(id) ?? { reported: null, pending: null, timer: null };
    states.set(id, entry);
    const cancel = () => {
      deps.clock.clearTimeout(entry.timer);
      entry.timer = null;
      entry.pending = null;
    };
    if (RESET.has(status.state)) {
      cancel();
      entry.reported = null;
      return;
    }
    const now: Reported | null =
      status.state === "online" ? "online" : OFFLINE.has(status.state) ? "offline" : null;
    if (now === null) return; // connecting: no news either way
    if (now === entry.reported) return cancel();
    if (entry.reported === null && now === "online") {
      cancel();
      entry.reported = "online";
      return;
    }
    if (entry.pending === now) return;
    cancel();
    entry.pending = now;
    const reason = status.reason;
    entry.timer = deps.clock.setTimeout(() => {
      entry.timer = null;
      entry.pending = null;
      entry.reported = now;
      emit(async () => {
        const name = await names.of(id);
        return now === "offline"
          ? {
              event: "server_offline",
              serverId: id,
              title: `Server offline: ${name}`,
              text: reason ?? "RconDeck cannot reach the server.",
              fields: [{ name: "Server", value: name }],
            }
          : {
              event: "server_online",
              serverId: id,
              title: `Server online: ${name}`,
              text: "RconDeck is connected to the server again.",
              fields: [{ name: "Server", value: name }],
            };
      }, [id]);
    }, debounceMs);
  };

  const onChat = (line: ConsoleLineMessage) => {
    if (deps.wants?.("chat") === false) return; // no webhook takes chat: not even the redaction
    // The public reading: identities the game prints in chat stay in RconDeck.
    const text = redactLine(line, hub.dialectOf(line.serverId)).text;
    emit(async () => {
      const name = await names.of(line.serverId);
      return { event: "chat", serverId: line.serverId, title: `Chat on ${name}`, text };
    }, [line.serverId]);
  };

  const off = hub.on((event) => {
    switch (event.type) {
      case "status":
        return onStatus(event.status);
      case "line":
        if (event.line.kind === "chat") onChat(event.line);
        return;
      case "watch": {
        const { serverId, name: player, reason } = event.notice;
        return emit(async () => {
          const name = await names.of(serverId);
          return {
            event: "watch_join",
            serverId,
            title: `Watch-list player joined ${name}`,
            text: player,
            fields: [
              { name: "Player", value: player },
              { name: "Watch reason", value: reason },
              { name: "Server", value: name },
            ],
          };
        }, [serverId]);
      }
      case "removed": {
        const entry = states.get(event.serverId);
        if (entry) deps.clock.clearTimeout(entry.timer);
        states.delete(event.serverId);
        names.forget(event.serverId);
        return;
      }
      default:
        return;
    }
  });
  return () => {
    off();
    for (const entry of states.values()) deps.clock.clearTimeout(entry.timer);
    states.clear();
  };
}

function parseInput(input: string | null): Record<string, unknown> {
  if (!input) return {};
  try {
    const value: unknown = JSON.parse(input);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {}; // cut at 4,000 characters: fall back to what the row itself says
  }
}

/** Who did it, as the audit row says: the user's name, or "automation: <name> (<owner>)". */
async function authorOf(db: Db, event: AuditEventDto): Promise<string> {
  const user = event.actorId
    ? await db.user.findUnique({ where: { id: event.actorId }, select: { name: true } })
    : null;
  const who = user?.name ?? event.actorEmail ?? "unknown";
  return event.automation ? `automation: ${event.automation} (${who})` : who;
}

function describeExpiry(expiresAt: Date | null): string {
  return expiresAt ? `until ${expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "permanent";
}

export function watchAudit(deps: Pick<SourceDeps, "db" | "logger" | "sink">): () => void {
  const names = new ServerNames(deps.db);
  const handle = async (event: AuditEventDto) => {
    if (event.outcome !== "success") return;
    if (event.action === "ban.create" && event.targetId) {
      const ban = await deps.db.ban.findUnique({
        where: { id: event.targetId },
        select: {
          reason: true,
          playerNames: true,
          expiresAt: true,
          scope: true,
          servers: { select: { serverId: true } },
          banList: { select: { name: true, servers: { select: { serverId: true } } } },
        },
      });
      if (!ban) return;
      let players: string[] = [];
      try {
        players = (JSON.parse(ban.playerNames) as unknown[]).filter(
          (n): n is string => typeof n === "string",
        );
      } catch {
        players = [];
      }
      const servers =
        ban.scope === "servers"
          ? ban.servers.map((s) => s.serverId)
          : ban.scope === "list"
            ? (ban.banList?.servers.map((s) => s.serverId) ?? [])
            : "all";
      if (servers !== "all" && servers.length === 0) return;
      const where =
        servers === "all"
          ? "every server"
          : ban.scope === "list"
            ? `ban list ${ban.banList?.name ?? ""}`.trim()
            : (await Promise.all(servers.slice(0, 5).map((id) => names.of(id)))).join(", ") +
              (servers.length > 5 ? ` and ${servers.length - 5} more` : "");
      const who = players.slice(0, 3).join(", ") || "a player";
      deps.sink(
        {
          event: "ban",
          serverId: servers !== "all" && servers.length === 1 ? servers[0]! : null,
          title: `Banned: ${who}`,
          text: ban.reason,
          fields: [
            { name: "Reason", value: ban.reason },
            { name: "By", value: await authorOf(deps.db, event) },
            { name: "Duration", value: describeExpiry(ban.expiresAt) },
            { name: "Where", value: where },
          ],
        },
        servers,
      );
      return;
    }
    if (event.action === "player.kick" && event.serverId) {
      const input = parseInput(event.input);
      const player = typeof input.playerName === "string" ? input.playerName : "a player";
      const reason = typeof input.reason === "string" && input.reason ? input.reason : "(no reason given)";
      const name = await names.of(event.serverId);
      deps.sink(
        {
          event: "kick",
          serverId: event.serverId,
          title: `Kicked: ${player}`,
          text: reason,
          fields: [
            { name: "Reason", value: reason },
            { name: "By", value: await authorOf(deps.db, event) },
            { name: "Server", value: name },
          ],
        },
        [event.serverId],
      );
    }
  };
  return onAuditEvent((event) => {
    handle(event).catch((error: unknown) =>
      deps.logger.warn("webhook notice not made", { action: event.action, error: String(error) }),
    );
  });
}
