/**
 * Starts webhooks and in-app alerts (the composition root's one line): the dispatcher, the alert
 * rooms, and the sources that feed both from this process's hub and audit events.
 */
import type { Db } from "../../db/client.ts";
import { systemHubClock, type HubClock } from "../../hub/clock.ts";
import type { HubPort } from "../../hub/port.ts";
import type { Logger } from "../../rcon/types.ts";
import type { RealtimeServer } from "../../realtime/io.ts";
import { startAlerts } from "../alerts/alerts.ts";
import { WebhookDispatcher, type WebhookNotice } from "./index.ts";
import { watchAudit, watchHub, type NoticeSink } from "./sources.ts";

export interface WebhooksStart {
  db: Db;
  encryptionKey: Buffer;
  logger: Logger;
  /** This process's own hub (not the cluster router): events only for the servers it holds. */
  hub: Pick<HubPort, "on" | "dialectOf">;
  io: RealtimeServer;
  allowLoopback: boolean;
  clock?: HubClock;
  /** How long a server's new status must hold before it is reported (default 60 s). */
  debounceMs?: number;
}

/** What server actions reach through runtime.webhooks. */
export interface WebhookControl {
  reload(): void;
  /** Queues a test message to one webhook; false if it does not exist. */
  sendTest(webhookId: string, serverName: string | null): Promise<boolean>;
}

export function startWebhooks(options: WebhooksStart) {
  const clock = options.clock ?? systemHubClock;
  const dispatcher = new WebhookDispatcher({ ...options, clock });
  const alerts = startAlerts(options.io, { db: options.db, logger: options.logger, clock });
  const sink: NoticeSink = (notice, servers) => {
    alerts.publish(notice, servers);
    dispatcher
      .notifyScoped(notice, servers)
      .catch((error: unknown) => options.logger.warn("webhook notice not queued", { error: String(error) }));
  };
  const sourceDeps = {
    db: options.db,
    clock,
    logger: options.logger,
    sink,
    debounceMs: options.debounceMs,
    wants: (event: WebhookNotice["event"]) => alerts.takes(event) || dispatcher.mayTake(event),
  };
  const stopHub = watchHub(options.hub, sourceDeps);
  const stopAudit = watchAudit(sourceDeps);
  return {
    dispatcher,
    control: {
      reload: () => dispatcher.reload(),
      sendTest: (webhookId: string, serverName: string | null) => dispatcher.sendTest(webhookId, serverName),
    } satisfies WebhookControl,
    stop() {
      stopHub();
      stopAudit();
      alerts.stop();
      dispatcher.stop();
    },
  };
}
