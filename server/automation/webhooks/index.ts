/**
 * The webhook dispatcher (issue 16): what other parts call to tell the outside world.
 *
 * - `notify(notice)`: to every enabled webhook subscribed to the event whose scope includes the
 *   server and whose owner holds automation.manage there now (owners are re-loaded, cached briefly).
 * - `sendTo(webhookId, notice, ownerActor)`: one webhook, for a trigger's "send a webhook" action;
 *   refused unless that owner may manage the webhook (every server of it) and the notice's server,
 *   and the webhook is enabled and takes "trigger" notices.
 * Deliveries are queued per webhook (queue.ts) and sent from this process. Each instance of a
 * cluster notifies only for what it saw (its own hub's servers, its own audit rows), so a notice
 * is sent once.
 */
import { globMatches } from "../../../lib/commands/glob.ts";
import { can, type Actor } from "../../../lib/permissions.ts";
import {
  canManageWebhook,
  type WebhookEventName,
  type WebhookNotice,
} from "../../../lib/automation/webhooks.ts";
import type { Db } from "../../db/client.ts";
import { loadOwnerActor } from "../../data/users.ts";
import { systemHubClock, type HubClock } from "../../hub/clock.ts";
import type { Logger } from "../../rcon/types.ts";
import {
  DEFAULT_TUNING,
  WebhookQueue,
  type DeliveryOutcome,
  type DeliveryTuning,
  type QueueShared,
} from "./queue.ts";
import { loadEnabledTargets, loadTarget, type WebhookTarget } from "./store.ts";

export type { WebhookEventName, WebhookNotice } from "../../../lib/automation/webhooks.ts";
export { canManageWebhook } from "../../../lib/automation/webhooks.ts";
export type { DeliveryOutcome } from "./queue.ts";

export interface WebhookDispatcherOptions {
  db: Db;
  encryptionKey: Buffer;
  logger: Logger;
  clock?: HubClock;
  /** http:// and loopback destinations (tests, WEBHOOKS_ALLOW_LOOPBACK=1). */
  allowLoopback?: boolean;
  /** Jitter source (tests: fixed). */
  random?: () => number;
  tuning?: Partial<DeliveryTuning>;
  /** How long the list of webhooks and their owners' permissions are reused (changes call reload()). */
  cacheMs?: number;
}

export type SendToResult = { ok: true } | { ok: false; reason: string };

interface Snapshot {
  loadedAt: number;
  targets: WebhookTarget[];
  owners: Map<string, Actor | null>;
}

export class WebhookDispatcher {
  private readonly queues = new Map<string, WebhookQueue>();
  private readonly listeners = new Set<(outcome: DeliveryOutcome) => void>();
  private readonly shared: QueueShared;
  private readonly cacheMs: number;
  private snapshot: Promise<Snapshot> | null = null;
  /** The webhooks last loaded, for mayTake (null until the first load, and after reload()). */
  private known: Snapshot | null = null;
  private refreshing = false;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.cacheMs = options.cacheMs ?? 15_000;
    this.shared = {
      db: options.db,
      encryptionKey: options.encryptionKey,
      logger: options.logger,
      clock: options.clock ?? systemHubClock,
      random: options.random ?? Math.random,
      allowLoopback: options.allowLoopback === true,
      tuning: { ...DEFAULT_TUNING, ...options.tuning },
      discordGlobalUntil: { at: 0 },
      emit: (outcome) => {
        for (const listener of this.listeners) listener(outcome);
      },
    };
  }

  /** Fans a notice out to the webhooks that take it. Resolves once it is queued (not delivered). */
  async notify(notice: WebhookNotice): Promise<void> {
    await this.notifyScoped(notice, notice.serverId === null ? "all" : [notice.serverId]);
  }

  /**
   * As notify, for a notice that concerns several servers (a ban on some servers, "all": on every
   * server): a webhook takes it when it reaches one of them; each webhook gets it once.
   */
  async notifyScoped(notice: WebhookNotice, servers: readonly string[] | "all"): Promise<void> {
    const snapshot = await this.current();
    for (const target of snapshot.targets) {
      if (!takes(target, notice.event, notice.text)) continue;
      const owner = target.ownerId ? snapshot.owners.get(target.ownerId) : null;
      if (!owner || !reaches(target, owner, servers)) continue;
      this.queueFor(target).enqueue(notice);
    }
  }

  async sendTo(webhookId: string, notice: WebhookNotice, ownerActor: Actor): Promise<SendToResult> {
    const target = await loadTarget(this.options.db, webhookId);
    if (!target) return { ok: false, reason: "the webhook no longer exists" };
    if (!canManageWebhook(ownerActor, target))
      return { ok: false, reason: `its owner may not use the webhook "${target.name}"` };
    if (notice.serverId !== null && !can(ownerActor, "automation.manage", notice.serverId))
      return { ok: false, reason: "its owner may not manage automation on this server" };
    if (!target.enabled) return { ok: false, reason: `the webhook "${target.name}" is disabled` };
    if (!target.events.has("trigger"))
      return { ok: false, reason: `the webhook "${target.name}" does not take trigger actions` };
    this.queueFor(target).enqueue({ ...notice, event: "trigger" });
    return { ok: true };
  }

  /** "Send test" from the page: queued like any notice (the outcome shows on the page). */
  async sendTest(webhookId: string, serverName: string | null): Promise<boolean> {
    const target = await loadTarget(this.options.db, webhookId);
    if (!target) return false;
    this.queueFor(target).enqueue({
      event: "trigger",
      serverId: null,
      title: "RconDeck test message",
      text: `The webhook "${target.name}" works.`,
      fields: serverName ? [{ name: "Server", value: serverName }] : [],
    });
    return true;
  }

  /**
   * Whether any webhook may take an `event` notice, from the webhooks last loaded (true until they
   * are, and after reload()): a source skips building notices nobody takes (chat: every line,
   * redacted, at 1,000 servers 7% of the process). A list older than the cache is re-read in the
   * background, so a webhook made elsewhere is seen as late as notify would see it.
   */
  mayTake(event: WebhookEventName): boolean {
    const known = this.known;
    if (known === null || this.shared.clock.now() - known.loadedAt >= this.cacheMs) this.refresh();
    return known === null || known.targets.some((target) => target.events.has(event));
  }

  /** Webhooks changed (created, edited, deleted): re-read them at the next notice. */
  reload(): void {
    this.snapshot = null;
    this.known = null;
  }

  onOutcome(listener: (outcome: DeliveryOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every queue is empty and nothing is in flight. */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.idle()));
  }

  stop(): void {
    for (const queue of this.queues.values()) queue.stop();
    this.queues.clear();
  }

  private queueFor(target: WebhookTarget): WebhookQueue {
    let queue = this.queues.get(target.id);
    if (!queue) this.queues.set(target.id, (queue = new WebhookQueue(target, this.shared)));
    else queue.target = target; // the newest settings (URL, kind) for what is still queued
    return queue;
  }

  private refresh(): void {
    if (this.refreshing) return;
    this.refreshing = true;
    this.current()
      .catch((error: unknown) => this.options.logger.warn("webhooks not loaded", { error: String(error) }))
      .finally(() => (this.refreshing = false));
  }

  private current(): Promise<Snapshot> {
    const now = this.shared.clock.now();
    const held = this.snapshot;
    if (held) {
      return held.then((s) => (now - s.loadedAt < this.cacheMs ? s : this.load(now)));
    }
    return this.load(now);
  }

  private load(now: number): Promise<Snapshot> {
    const loading = (async () => {
      const targets = await loadEnabledTargets(this.options.db);
      const owners = new Map<string, Actor | null>();
      for (const id of new Set(targets.map((t) => t.ownerId).filter((o): o is string => o !== null)))
        owners.set(id, await loadOwnerActor(this.options.db, id));
      // Webhooks gone or disabled: their queued notices go with them.
      const live = new Set(targets.map((t) => t.id));
      for (const [id, queue] of this.queues)
        if (!live.has(id)) {
          queue.stop();
          this.queues.delete(id);
        }
      for (const target of targets) {
        const queue = this.queues.get(target.id);
        if (queue) queue.target = target;
      }
      return { loadedAt: now, targets, owners };
    })();
    this.snapshot = loading;
    // Only while no reload() has outdated it: kept for mayTake, or forgotten when it failed.
    loading.then(
      (snapshot) => {
        if (this.snapshot === loading) this.known = snapshot;
      },
      () => {
        if (this.snapshot === loading) this.snapshot = null;
      },
    );
    return loading;
  }
}

function takes(target: WebhookTarget, event: WebhookEventName, text: string): boolean {
  if (!target.events.has(event)) return false;
  if (event === "chat" && target.chatFilter) return globMatches(target.chatFilter, text);
  return true;
}

function reaches(target: WebhookTarget, owner: Actor, servers: readonly string[] | "all"): boolean {
  if (servers === "all") {
    if (target.allServers) return can(owner, "automation.manage");
    return [...target.serverIds].some((id) => can(owner, "automation.manage", id));
  }
  return servers.some(
    (id) => (target.allServers || target.serverIds.has(id)) && can(owner, "automation.manage", id),
  );
}
