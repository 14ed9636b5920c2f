/**
 * Adopting and releasing servers, for the lease manager: one server's steps run strictly in order
 * (a release waits for its adopt), and at most `limit` run at once across servers, so taking over
 * 500 servers neither runs them one by one nor opens 500 connections in the same instant.
 * A failing step is logged and does not stop the next one of that server.
 */
import type { Logger } from "../rcon/types.ts";

export class LeaseTasks {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;

  constructor(
    private readonly logger: Logger,
    private readonly limit = 16,
  ) {}

  /** Runs `step` after this server's earlier steps; resolves when it is done (never rejects). */
  run(serverId: string, step: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(serverId) ?? Promise.resolve();
    const next = previous.then(() => this.limited(serverId, step));
    this.chains.set(serverId, next);
    void next.then(() => {
      if (this.chains.get(serverId) === next) this.chains.delete(serverId);
    });
    return next;
  }

  /** Resolves when every step started so far has finished. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async limited(serverId: string, step: () => Promise<void>): Promise<void> {
    // A finishing step hands its slot straight to the next waiter, so the limit is never exceeded.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      await step();
    } catch (error) {
      this.logger.warn("Server hand-over step failed", { serverId, error: String(error) });
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
