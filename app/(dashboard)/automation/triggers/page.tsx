import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TriggerManager } from "@/components/automation/triggers/trigger-manager";
import { can } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import {
  listFirings,
  listTriggerCommandChoices,
  listTriggers,
  listTriggerWebhookChoices,
} from "@/server/data/automation/triggers";
import { listServers } from "@/server/data/servers";
import { deleteTriggerAction, saveTriggerAction } from "./actions";

export const metadata: Metadata = { title: "Triggers" };

export default async function TriggersPage() {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "automation.manage")) notFound();
  const [triggers, firings, servers, commands, webhooks] = await Promise.all([
    listTriggers(ctx),
    listFirings(ctx),
    listServers(ctx),
    listTriggerCommandChoices(ctx),
    listTriggerWebhookChoices(ctx),
  ]);
  return (
    <TriggerManager
      triggers={triggers}
      firings={firings}
      servers={servers
        .filter((s) => can(ctx.actor, "automation.manage", s.id))
        .map((s) => ({ id: s.id, name: s.name }))}
      commands={commands}
      webhooks={webhooks}
      actions={{ save: saveTriggerAction, remove: deleteTriggerAction }}
    />
  );
}
