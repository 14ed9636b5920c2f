/**
 * The trigger engine of one process. It holds the enabled triggers in memory (compiled patterns,
 * indexed by event) and reads the hub's structured events (`HubEvent` "game" and "watch": only the
 * servers this instance holds, so in a cluster each event is judged once) and the audit log's new
 * rows (bans and kicks; rows caused by automation are ignored, so triggers cannot feed each other).
 *
 * Nothing on the hot path touches the database: a line is matched against the in-memory patterns,
 * the conditions and the limits (limits.ts); only an admitted firing is queued. Each trigger has a
 * small queue worked one firing at a time (owner loaded, action done, firing stored); what does not
 * fit is dropped and counted, stored as one "dropped" firing when the queue drains. A flood of chat
 * lines therefore costs at most one action and one write at a time per trigger.
 *
 * Reloads: an edit on this instance calls `changed()` (through the runtime); every `reloadEveryMs`
 * the engine also compares a fingerprint of the table (count and newest updatedAt, one aggregate
 * query), which is how an edit made on another instance of a cluster arrives. No bus message is
 * needed, and a lost one could not leave an instance on stale triggers.
 */
import {
  compilePattern,
  conditionsFail,
  stepCrossing,
  type Matcher,
  type TriggerEvent,
} from "../../../lib/automation/triggers.ts";
import { globMatches } from "../../../lib/commands/glob.ts";
import type { AuditEventDto } from "../../data/audit.ts";
import { onAuditEvent } from "../../data/audit.ts";
import {
  loadEnabledTriggers,
  recentFirings,
  recordFiring,
  triggersFingerprint,
  type FiringInput,
  type LoadedTrigger,
} from "../../data/automation/triggers.ts";
import { every, type HubClock } from "../../hub/clock.ts";
import type { HubEvent, HubGameEvent } from "../../hub/options.ts";
import type { HubPort } from "../../hub/port.ts";
import type { Logger, Player } from "../../rcon/types.ts";
import {
  act,
  describeAction,
  type ActDeps,
  type EventPlayer,
  type Outcome,
  type WebhookSender,
} from "./act.ts";
import { TriggerLimits } from "./limits.ts";

export interface TriggerEngineOptions {
  db: ActDeps["db"];
  logger: Logger;
  clock: HubClock;
  hub: ActDeps["hub"] & Pick<HubPort, "on">;
  /** How often the table's fingerprint is compared (edits on other instances). Default 5 s. */
  reloadEveryMs?: number;
  /** Firings waiting per trigger; more are dropped and counted. Default 10. */
  queueLimit?: number;
  /** The webhook dispatcher, for "send a webhook" actions (server/automation/webhooks/index.ts). */
  webhooks?: WebhookSender;
  /** New audit rows (default: this process's audit log). */
  auditEvents?: (listener: (event: AuditEventDto) => void) => () => void;
}

interface Compiled {
  trigger: LoadedTrigger;
  servers: ReadonlySet<string> | null;
  /** Chat: the line; join/leave/ban/kick: the name. Null: anything. */
  pattern: Matcher | null;
  identity: string;
}

interface Job {
  serverId: string;
  player: EventPlayer | null;
  playerKey: string | null;
  summary: string;
  at: number;
}

interface Queue {
  jobs: Job[];
  dropped: number;
  running: Promise<void> | null;
}

const SEED_MAX_MS = 30 * 86_400_000;

export class TriggerEngine {
  private byEvent = new Map<TriggerEvent, Compiled[]>();
  private fingerprint: string | null = null;
  private readonly limits = new TriggerLimits();
  private readonly queues = new Map<string, Queue>();
  /** (trigger, server) → whether the next crossing may fire (null: no count seen since connect). */
  private readonly crossing = new Map<string, boolean | null>();
  private readonly counts = new Map<string, number>();
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private readonly offs: (() => void)[] = [];
  private readonly deps: ActDeps;
  private stopped = false;

  constructor(private readonly o: TriggerEngineOptions) {
    this.deps = { db: o.db, logger: o.logger, hub: o.hub, webhooks: o.webhooks, wall: () => o.clock.wall() };
  }

  async start(): Promise<void> {
    await this.reload();
    await this.seedLimits();
    this.offs.push(this.o.hub.on((event) => this.onHubEvent(event)));
    this.offs.push((this.o.auditEvents ?? onAuditEvent)((event) => this.onAudit(event)));
    this.offs.push(every(this.o.clock, this.o.reloadEveryMs ?? 5_000, () => void this.tick()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    await this.idle();
  }

  /** A trigger was edited on this instance: reload now rather than at the next tick. */
  changed(): void {
    this.fingerprint = null;
    void this.reload();
  }

  /** Resolves when every queued firing is done (tests; shutdown). */
  async idle(): Promise<void> {
    while (true) {
      const running = [...this.queues.values()].flatMap((q) => (q.running ? [q.running] : []));
      if (this.reloading) running.push(this.reloading);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Re-reads the triggers when the table's fingerprint moved (one reload at a time). */
  async reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        const fingerprint = await triggersFingerprint(this.o.db);
        if (fingerprint === this.fingerprint) continue;
        const loaded = await loadEnabledTriggers(this.o.db);
        this.fingerprint = fingerprint;
        this.install(loaded);
      } while (this.reloadAgain);
    })()
      .catch((error: unknown) =>
        this.o.logger.error("automation triggers not reloaded", { error: String(error).slice(0, 200) }),
      )
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  private async tick(): Promise<void> {
    await this.reload();
    const longest = Math.max(
      60_000,
      ...[...this.byEvent.values()]
        .flat()
        .map((c) => 1000 * Math.max(c.trigger.cooldownSeconds, c.trigger.perPlayerWindowSeconds)),
    );
    this.limits.prune(this.o.clock.wall(), longest);
  }

  private install(loaded: readonly LoadedTrigger[]): void {
    const byEvent = new Map<TriggerEvent, Compiled[]>();
    const ids = new Set<string>();
    for (const trigger of loaded) {
      const { patternKind, pattern } = trigger.match;
      const compiled = pattern === "" ? null : compilePattern(patternKind, pattern);
      if (compiled && !compiled.ok) continue; // checked at save; a stored one that no longer compiles never runs
      ids.add(trigger.id);
      const list = byEvent.get(trigger.event) ?? [];
      list.push({
        trigger,
        servers: trigger.allServers ? null : new Set(trigger.serverIds),
        pattern: compiled?.test ?? null,
        identity: trigger.match.identityPattern,
      });
      byEvent.set(trigger.event, list);
    }
    for (const key of this.crossing.keys())
      if (!ids.has(key.split("\u0000")[0] ?? "")) this.crossing.delete(key);
    // Deleted or disabled triggers: their counts go; a queue still working finishes on its own.
    for (const c of [...this.byEvent.values()].flat())
      if (!ids.has(c.trigger.id)) {
        this.limits.forget(c.trigger.id);
        if (!this.queues.get(c.trigger.id)?.running) this.queues.delete(c.trigger.id);
      }
    this.byEvent = byEvent;
  }

  private async seedLimits(): Promise<void> {
    const all = [...this.byEvent.values()].flat();
    if (all.length === 0) return;
    const longest = Math.min(
      SEED_MAX_MS,
      Math.max(
        ...all.map((c) => 1000 * Math.max(c.trigger.cooldownSeconds, c.trigger.perPlayerWindowSeconds)),
      ),
    );
    const rows = await recentFirings(this.o.db, new Date(this.o.clock.wall() - longest));
    for (const row of rows)
      this.limits.seed(row.triggerId, row.serverId, row.playerKey, row.createdAt.getTime());
  }

  // ----------------------------------------------------------------------------------------------
  // Events in

  private onHubEvent(event: HubEvent): void {
    if (this.stopped) return;
    if (event.type === "watch") {
      const { serverId, playerId, name } = event.notice;
      for (const c of this.matching("join", serverId))
        if (c.trigger.match.watchedOnly && this.nameMatches(c, name))
          this.consider(c, serverId, { id: playerId, name }, `watched player ${name} joined`);
      return;
    }
    if (event.type === "game") this.onGame(event.serverId, event.event);
  }

  private onGame(serverId: string, event: HubGameEvent): void {
    switch (event.kind) {
      case "pushed": {
        const e = event.event;
        if (e.kind !== "chat") return;
        for (const c of this.matching("chat", serverId)) {
          if (!c.pattern?.(e.text)) continue;
          const player = { id: e.playerId ?? this.playerIdByName(serverId, e.from), name: e.from };
          this.consider(c, serverId, player, `${e.from}: ${e.text.slice(0, 200)}`);
        }
        return;
      }
      case "join":
      case "leave":
        for (const c of this.matching(event.kind, serverId)) {
          if (c.trigger.match.watchedOnly || !this.playerMatches(c, event.player)) continue;
          const { id, plainName } = event.player;
          this.consider(
            c,
            serverId,
            { id, name: plainName },
            `${plainName} ${event.kind === "join" ? "joined" : "left"}`,
          );
        }
        return;
      case "count":
        this.counts.set(serverId, event.count);
        for (const c of this.matching("player_count", serverId)) {
          const { threshold = 0, direction, hysteresis } = c.trigger.match;
          const key = `${c.trigger.id}\u0000${serverId}`;
          const step = stepCrossing(
            { threshold, direction, hysteresis },
            event.previous === null ? null : (this.crossing.get(key) ?? null),
            event.count,
          );
          this.crossing.set(key, step.armed);
          if (step.fired)
            this.consider(
              c,
              serverId,
              null,
              `player count ${direction === "up" ? "rose" : "fell"} to ${event.count} (threshold ${threshold})`,
            );
        }
        return;
      case "online":
      case "offline":
        if (event.kind === "offline") {
          this.counts.delete(serverId);
          for (const key of this.crossing.keys())
            if (key.endsWith(`\u0000${serverId}`)) this.crossing.set(key, null);
        }
        for (const c of this.matching(event.kind === "online" ? "server_online" : "server_offline", serverId))
          this.consider(c, serverId, null, `server went ${event.kind}`);
        return;
    }
  }

  /** Bans and kicks, from the audit log of this process (where the person or API acted). */
  private onAudit(event: AuditEventDto): void {
    if (this.stopped || event.automation !== null || event.outcome !== "success") return;
    if (event.action !== "player.kick" && event.action !== "ban.create") return;
    const input = parseInput(event.input);
    if (event.action === "player.kick") {
      if (!event.serverId) return;
      const name = typeof input.playerName === "string" ? input.playerName : (event.targetId ?? "");
      for (const c of this.matching("kick", event.serverId))
        if (this.nameMatches(c, name))
          this.consider(
            c,
            event.serverId,
            { id: event.targetId, name },
            `${name} was kicked by ${event.actorEmail ?? "someone"}`,
          );
      return;
    }
    const names = Array.isArray(input.playerNames)
      ? input.playerNames.filter((n) => typeof n === "string")
      : [];
    const name = names[0] ?? "";
    const scope = input.scope as { scope?: string; serverIds?: unknown } | undefined;
    const banServers = scope?.scope === "servers" && Array.isArray(scope.serverIds) ? scope.serverIds : null;
    for (const c of this.byEvent.get("ban") ?? []) {
      // Each of the trigger's servers the ban reaches (a ban on every server or a list: all of them).
      const servers = banServers ?? (c.servers ? [...c.servers] : []);
      for (const serverId of servers)
        if (typeof serverId === "string" && this.applies(c, serverId) && this.nameMatches(c, name))
          this.consider(
            c,
            serverId,
            { id: null, name },
            `${name || "a player"} was banned by ${event.actorEmail ?? "someone"}`,
          );
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Matching

  private matching(event: TriggerEvent, serverId: string): Compiled[] {
    return (this.byEvent.get(event) ?? []).filter((c) => this.applies(c, serverId));
  }

  private applies(c: Compiled, serverId: string): boolean {
    return c.servers === null || c.servers.has(serverId);
  }

  private nameMatches(c: Compiled, name: string): boolean {
    return c.pattern === null || c.pattern(name);
  }

  private playerMatches(c: Compiled, player: Player): boolean {
    if (!this.nameMatches(c, player.plainName)) return false;
    if (c.identity === "") return true;
    return [player.id, player.steamId, player.guid, player.address].some(
      (value) => value !== null && value !== undefined && globMatches(c.identity, value),
    );
  }

  /** A chat line that names its speaker only: the one online player of that name, if unique. */
  private playerIdByName(serverId: string, name: string): string | null {
    const found = this.o.hub.players(serverId).filter((p) => p.plainName === name || p.name === name);
    return found.length === 1 ? (found[0]?.id ?? null) : null;
  }

  private consider(c: Compiled, serverId: string, player: EventPlayer | null, summary: string): void {
    const { trigger } = c;
    const at = this.o.clock.wall();
    if (conditionsFail(trigger.conditions, new Date(at), this.counts.get(serverId) ?? null) !== null) return;
    const playerKey = player ? (player.id ?? `name:${player.name}`) : null;
    if (this.limits.admit(trigger.id, trigger, serverId, playerKey, at) !== null) return;
    this.enqueue(trigger, { serverId, player, playerKey, summary, at });
  }

  // ----------------------------------------------------------------------------------------------
  // Firing

  private enqueue(trigger: LoadedTrigger, job: Job): void {
    let queue = this.queues.get(trigger.id);
    if (!queue) this.queues.set(trigger.id, (queue = { jobs: [], dropped: 0, running: null }));
    if (queue.jobs.length >= (this.o.queueLimit ?? 10)) {
      queue.dropped++;
      return;
    }
    queue.jobs.push(job);
    if (!queue.running) queue.running = this.work(trigger, queue);
  }

  private async work(trigger: LoadedTrigger, queue: Queue): Promise<void> {
    try {
      for (let job = queue.jobs.shift(); job; job = queue.jobs.shift()) await this.fire(trigger, job);
      if (queue.dropped > 0) {
        const dropped = queue.dropped;
        queue.dropped = 0;
        await this.store({
          triggerId: trigger.id,
          serverId: null,
          playerKey: null,
          dryRun: trigger.dryRun,
          outcome: "dropped",
          detail: `${dropped} firing${dropped === 1 ? "" : "s"} dropped: the trigger's queue was full`,
          createdAt: new Date(this.o.clock.wall()),
        });
      }
    } finally {
      queue.running = null;
      if (queue.jobs.length > 0) queue.running = this.work(trigger, queue);
    }
  }

  private async fire(trigger: LoadedTrigger, job: Job): Promise<void> {
    const what = describeAction(trigger.action, job.player);
    let result: Outcome | { outcome: "would"; detail: string };
    if (trigger.dryRun) result = { outcome: "would", detail: `would ${what}` };
    else {
      result = await act(this.deps, trigger, job.serverId, job.player, job.summary).catch(
        (error: unknown) => ({
          outcome: "failed" as const,
          detail: String(error).slice(0, 200),
        }),
      );
    }
    await this.store({
      triggerId: trigger.id,
      serverId: job.serverId,
      playerKey: job.playerKey,
      dryRun: trigger.dryRun,
      outcome: result.outcome,
      detail: `${result.detail} — on: ${job.summary}`,
      createdAt: new Date(job.at),
    });
  }

  private async store(firing: FiringInput): Promise<void> {
    await recordFiring(this.o.db, firing).catch((error: unknown) =>
      // The trigger may have been deleted meanwhile (its firings go with it).
      this.o.logger.warn("automation firing not stored", { error: String(error).slice(0, 200) }),
    );
  }
}

function parseInput(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
