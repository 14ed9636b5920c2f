"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { authedAction } from "@/server/auth/action";
import {
  authorizeWebhookTest,
  createWebhook,
  deleteWebhook,
  updateWebhook,
  type WebhookSecrets,
} from "@/server/data/automation/webhooks";
import { getRuntime } from "@/server/runtime";

const PATH = "/automation/webhooks";
const idSchema = z.string().min(1).max(64);

function secrets(): WebhookSecrets {
  const runtime = getRuntime();
  return {
    encryptionKey: runtime.secrets.encryptionKey,
    allowLoopback: runtime.env.WEBHOOKS_ALLOW_LOOPBACK === "1",
  };
}

// The form's fields are checked by the data layer (lib/automation/webhooks.ts webhookFormSchema).
const saveSchema = z.looseObject({ id: z.union([z.literal(""), idSchema]).optional() });

export const saveWebhookAction = authedAction(
  saveSchema,
  { arrays: ["events", "serverIds"], booleans: ["enabled", "allServers"] },
  async ({ id, ...form }, ctx) => {
    const saved = id
      ? await updateWebhook(ctx, id, form, secrets())
      : await createWebhook(ctx, form, secrets());
    getRuntime().webhooks?.reload();
    revalidatePath(PATH);
    return { id: saved.id };
  },
);

export const deleteWebhookAction = authedAction(z.object({ id: idSchema }), {}, async ({ id }, ctx) => {
  await deleteWebhook(ctx, id);
  getRuntime().webhooks?.reload();
  revalidatePath(PATH);
  return { id };
});

export const testWebhookAction = authedAction(z.object({ id: idSchema }), {}, async ({ id }, ctx) => {
  const { serverName } = await authorizeWebhookTest(ctx, id);
  const webhooks = getRuntime().webhooks;
  if (!webhooks || !(await webhooks.sendTest(id, serverName)))
    throw new AppError("UNAVAILABLE", "Webhooks are not running in this process.");
  revalidatePath(PATH);
  return { id };
});
