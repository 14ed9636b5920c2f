import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WebhookManager } from "@/components/automation/webhooks/webhook-manager";
import { can } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listWebhooks, webhookServerChoices } from "@/server/data/automation/webhooks";
import { deleteWebhookAction, saveWebhookAction, testWebhookAction } from "./actions";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "automation.manage")) notFound();
  const [webhooks, servers] = await Promise.all([listWebhooks(ctx), webhookServerChoices(ctx)]);
  return (
    <WebhookManager
      webhooks={webhooks}
      servers={servers}
      actions={{ save: saveWebhookAction, remove: deleteWebhookAction, test: testWebhookAction }}
    />
  );
}
