/**
 * One webhook's deliveries: a bounded queue sent one at a time, in order.
 *
 * - Full queue: the oldest waiting notice is dropped and counted (a "dropped" delivery row).
 * - Rate limits (Discord's headers, also honoured for JSON receivers): `X-RateLimit-Remaining: 0`
 *   waits `X-RateLimit-Reset-After`; a 429 waits `retry_after` (body) or `Retry-After` (header) and
 *   sends the same notice again (not an attempt: nothing is lost, nothing sent twice); a global 429
 *   (`X-RateLimit-Global` or `global: true`) holds every Discord webhook (the shared gate).
 * - 5xx, network errors and timeouts: retried with exponential backoff and jitter, up to
 *   `maxAttempts`, then "failed" with the error; other 4xx and refused destinations fail at once.
 * Time comes from the passed clock, so tests move it instead of waiting.
 */
import { webhookPayload, type WebhookNotice } from "../../../lib/automation/webhooks.ts";
import type { HubClock } from "../../hub/clock.ts";
import type { TimerHandle } from "../../rcon/clock.ts";
import type { Logger } from "../../rcon/types.ts";
import type { Db } from "../../db/client.ts";
import { decryptSecret } from "../../security/crypto.ts";
import { DeliveryError, postJson, type PostResult } from "./http.ts";
import { recordDropped, recordFailed, recordRetrying, recordSuccess, type WebhookTarget } from "./store.ts";

export interface DeliveryTuning {
  /** Waiting notices per webhook; past it the oldest is dropped. */
  capacity: number;
  /** Attempts per notice (5xx, network errors, timeouts) before it fails for good. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  /** 429s for one notice before it fails (a receiver that only ever says "later"). */
  maxRateLimited: number;
}

export const DEFAULT_TUNING: DeliveryTuning = {
  capacity: 100,
  maxAttempts: 5,
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  timeoutMs: 10_000,
  maxRateLimited: 20,
};

export type DeliveryOutcome =
  | { webhookId: string; outcome: "delivered"; status: number }
  | { webhookId: string; outcome: "rate_limited"; waitMs: number; global: boolean }
  | { webhookId: string; outcome: "retrying"; attempts: number; waitMs: number; error: string }
  | { webhookId: string; outcome: "failed"; attempts: number; error: string }
  | { webhookId: string; outcome: "dropped"; count: number };

export interface QueueShared {
  db: Db;
  encryptionKey: Buffer;
  logger: Logger;
  clock: HubClock;
  random: () => number;
  allowLoopback: boolean;
  tuning: DeliveryTuning;
  /** Discord's global rate limit: no Discord webhook sends before this (clock.now()). */
  discordGlobalUntil: { at: number };
  /** Outcomes, for listeners (tests wait on them instead of sleeping). */
  emit(outcome: DeliveryOutcome): void;
}

interface Item {
  notice: WebhookNotice;
  body: unknown;
  attempts: number;
  rateLimited: number;
  notBefore: number;
  /** Its "retrying" WebhookDelivery row, once it has one. */
  row: string | null;
}

const MAX_WAIT_MS = 60 * 60_000;

/** Seconds (possibly fractional) from a header or body value, as milliseconds; null if absent or odd. */
function seconds(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  return Math.min(Math.ceil(n * 1000), MAX_WAIT_MS);
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** An error text with every form of the secret URL taken out (the body may echo it). */
export function withoutUrl(text: string, url: string): string {
  let out = text;
  try {
    const parsed = new URL(url);
    const parts = [
      url,
      parsed.href,
      parsed.pathname,
      ...parsed.pathname.split("/").filter((p) => p.length >= 8),
    ];
    for (const part of parts) if (part.length > 1) out = out.split(part).join("[url]");
  } catch {
    out = out.split(url).join("[url]");
  }
  return out;
}

export class WebhookQueue {
  private items: Item[] = [];
  private running = false;
  private timer: TimerHandle | null = null;
  private blockedUntil = 0;
  private dropped = { count: 0, row: null as string | null };
  private writes: Promise<void> = Promise.resolve();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    public target: WebhookTarget,
    private readonly shared: QueueShared,
  ) {}

  get size(): number {
    return this.items.length;
  }

  enqueue(notice: WebhookNotice): void {
    if (this.stopped) return;
    const body = webhookPayload(this.target.kind, notice, new Date(this.shared.clock.wall()));
    this.items.push({ notice, body, attempts: 0, rateLimited: 0, notBefore: 0, row: null });
    // A head in flight or already tried (waiting out a rate limit) keeps its place: drop the oldest behind it.
    if (this.items.length > this.shared.tuning.capacity) {
      const head = this.items[0]!;
      const keepHead = this.running || head.attempts > 0 || head.rateLimited > 0;
      const [gone] = this.items.splice(keepHead ? 1 : 0, 1);
      // One row per overflow: writes run in order, so a later drop updates the row the first one created.
      const dropped = this.dropped;
      dropped.count++;
      void this.persist(async () => {
        dropped.row = await recordDropped(this.shared.db, {
          webhookId: this.target.id,
          event: gone!.notice.event,
          count: dropped.count,
          row: dropped.row,
        });
      });
      this.shared.emit({ webhookId: this.target.id, outcome: "dropped", count: dropped.count });
    }
    this.pump();
  }

  /** Resolves once nothing is waiting or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (this.items.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.items = [];
    this.shared.clock.clearTimeout(this.timer);
    this.settleIdle();
  }

  private settleIdle() {
    if (this.items.length > 0 || this.running) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private waitMs(item: Item): number {
    const now = this.shared.clock.now();
    const global = this.target.kind === "discord" ? this.shared.discordGlobalUntil.at : 0;
    return Math.max(this.blockedUntil, global, item.notBefore) - now;
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    const head = this.items[0];
    if (!head) {
      this.dropped = { count: 0, row: null };
      this.settleIdle();
      return;
    }
    const wait = this.waitMs(head);
    this.shared.clock.clearTimeout(this.timer);
    this.timer = null;
    if (wait > 0) {
      this.timer = this.shared.clock.setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    this.running = true;
    void this.attempt(head).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  private async attempt(item: Item): Promise<void> {
    const { clock, tuning } = this.shared;
    let url: string;
    try {
      url = decryptSecret(this.target.urlEncrypted, this.shared.encryptionKey);
    } catch {
      return this.fail(item, "the stored URL cannot be decrypted (was the encryption key changed?)");
    }
    let result: PostResult;
    try {
      result = await postJson(url, item.body, {
        clock,
        timeoutMs: tuning.timeoutMs,
        allowLoopback: this.shared.allowLoopback,
      });
    } catch (error) {
      if (this.stopped) return;
      const message = error instanceof DeliveryError ? error.message : "network error";
      if (error instanceof DeliveryError && error.permanent) return this.fail(item, message);
      return this.retryOrFail(item, message);
    }
    if (this.items[0] !== item) return; // stopped or replaced meanwhile
    this.applyRateHeaders(result);
    if (result.status >= 200 && result.status < 300) {
      this.items.shift();
      const row = item.row;
      await this.persist(() => recordSuccess(this.shared.db, this.target.id, new Date(clock.wall()), row));
      this.shared.emit({ webhookId: this.target.id, outcome: "delivered", status: result.status });
      return;
    }
    if (result.status === 429) return this.rateLimited(item, result);
    const detail = withoutUrl(result.body.replace(/\s+/g, " ").trim().slice(0, 200), url);
    const error = `HTTP ${result.status}${detail ? `: ${detail}` : ""}`;
    if (result.status >= 500) return this.retryOrFail(item, error);
    return this.fail(item, error); // 3xx (redirects are not followed) and 4xx: retrying cannot help
  }

  private applyRateHeaders(result: PostResult) {
    if (result.headers["x-ratelimit-remaining"]?.trim() !== "0") return;
    const wait = seconds(result.headers["x-ratelimit-reset-after"]);
    if (wait !== null) this.blockedUntil = Math.max(this.blockedUntil, this.shared.clock.now() + wait);
  }

  private async rateLimited(item: Item, result: PostResult): Promise<void> {
    const body = parseBody(result.body);
    const wait = seconds(body.retry_after) ?? seconds(result.headers["retry-after"]) ?? 5_000;
    const global =
      this.target.kind === "discord" &&
      (result.headers["x-ratelimit-global"]?.toLowerCase() === "true" || body.global === true);
    const until = this.shared.clock.now() + wait;
    if (global) this.shared.discordGlobalUntil.at = Math.max(this.shared.discordGlobalUntil.at, until);
    else this.blockedUntil = Math.max(this.blockedUntil, until);
    item.rateLimited++;
    if (item.rateLimited > this.shared.tuning.maxRateLimited)
      return this.fail(item, `still rate limited after ${item.rateLimited} tries`);
    this.shared.emit({ webhookId: this.target.id, outcome: "rate_limited", waitMs: wait, global });
  }

  private async retryOrFail(item: Item, error: string) {
    const { tuning, clock } = this.shared;
    item.attempts++;
    if (item.attempts >= tuning.maxAttempts) return this.fail(item, error);
    // Full jitter over the upper half: spread out, never sooner than half the backoff.
    const backoff = Math.min(tuning.backoffMaxMs, tuning.backoffBaseMs * 2 ** (item.attempts - 1));
    const wait = Math.round(backoff / 2 + (backoff / 2) * this.shared.random());
    item.notBefore = clock.now() + wait;
    await this.persist(async () => {
      item.row = await recordRetrying(this.shared.db, {
        webhookId: this.target.id,
        event: item.notice.event,
        attempts: item.attempts,
        error,
        row: item.row,
      });
    });
    this.shared.emit({
      webhookId: this.target.id,
      outcome: "retrying",
      attempts: item.attempts,
      waitMs: wait,
      error,
    });
  }

  private async fail(item: Item, error: string) {
    if (this.items[0] === item) this.items.shift();
    const attempts = Math.max(item.attempts, 1);
    const row = item.row;
    await this.persist(() =>
      recordFailed(this.shared.db, {
        webhookId: this.target.id,
        event: item.notice.event,
        attempts,
        error,
        row,
        at: new Date(this.shared.clock.wall()),
      }),
    );
    this.shared.logger.warn("webhook delivery failed", { webhook: this.target.name, attempts, error });
    this.shared.emit({ webhookId: this.target.id, outcome: "failed", attempts, error });
  }

  /**
   * Bookkeeping writes run one after another (each may read the row id an earlier one stored) and
   * must not stop deliveries (a webhook deleted meanwhile: its rows are gone too).
   */
  private persist(write: () => Promise<unknown>): Promise<void> {
    this.writes = this.writes.then(async () => {
      try {
        await write();
      } catch (error) {
        this.shared.logger.warn("webhook delivery state not stored", {
          webhook: this.target.name,
          error: error instanceof Error ? error.name : "unknown",
        });
      }
    });
    return this.writes;
  }
}
